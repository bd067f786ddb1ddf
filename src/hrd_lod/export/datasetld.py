"""The home page's schema.org ``Dataset`` block, as Google's Dataset guidelines ask.

Required: ``name`` and a ``description`` of 50 to 5,000 characters. Recommended and given here:
``url``, ``identifier``, ``license``, ``publisher`` and ``creator``, ``version``, ``keywords``,
``datePublished``/``dateModified``, ``inLanguage``, ``isAccessibleForFree``,
``temporalCoverage`` (the years of the recorded conferrals), ``spatialCoverage`` (the
laureates' countries) and a ``distribution`` per dump with its ``encodingFormat`` and an
absolute ``contentUrl``.
"""

from __future__ import annotations

from ..project import DatasetMeta
from .awards import Histories
from .manifest import FileEntry


def dataset_document(
    meta: DatasetMeta, site_url: str, histories: Histories, files: list[FileEntry]
) -> dict[str, object]:
    """Return the schema.org ``Dataset`` JSON-LD object of the edition."""
    publisher: dict[str, object] = {"@type": "Organization", "name": meta.publisher}
    if meta.publisher_url:
        publisher["url"] = meta.publisher_url
    doc: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": meta.base_iri,
        "name": meta.title_text(),
        "description": meta.description_text(),
        "url": site_url,
        "identifier": meta.base_iri,
        "license": meta.license,
        "isAccessibleForFree": True,
        "publisher": publisher,
        "creator": publisher,
        "version": meta.version,
        "datePublished": meta.issued.isoformat(),
        "dateModified": meta.modified.isoformat(),
        "inLanguage": meta.language,
    }
    if meta.keywords:
        doc["keywords"] = list(meta.keywords)
    years = [y.year for h in histories.histories for y in h.years]
    if years:
        doc["temporalCoverage"] = f"{min(years)}/{max(years)}"
    places = [c.entry for c in histories.countries()]
    if places:
        doc["spatialCoverage"] = [
            {"@type": "Place", "name": p.name, "url": site_url + p.path}
            for p in sorted(places, key=lambda p: (p.name.casefold(), p.id))
        ]
    doc["distribution"] = [
        {
            "@type": "DataDownload",
            "name": f.path,
            "encodingFormat": f.media_type,
            "contentUrl": site_url + f.path,
            "contentSize": f"{f.bytes} B",
            "sha256": f.sha256,
        }
        for f in files
        if f.path.startswith(meta.id + ".")  # the dumps: {id}.ttl, {id}.nq.gz, ...
    ]
    return doc
