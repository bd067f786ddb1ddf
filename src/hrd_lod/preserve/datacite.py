"""``datacite.json``: the release's DataCite metadata, checked against the DataCite 4.5 schema.

Repositories that mint DOIs (DataCite, Zenodo) read this record. No DOI is minted here: the
record carries the dataset's IRI and version as alternate identifiers, so a repository can
add the DOI it assigns.
"""

from __future__ import annotations

import json
from pathlib import Path

from datacite import schema45

from ..errors import BuildError
from .info import ReleaseInfo
from .licences import licence

DATACITE = "datacite.json"
SCHEMA_VERSION = "http://datacite.org/schema/kernel-4"


def datacite_record(info: ReleaseInfo, *, size: int, formats: list[str]) -> dict[str, object]:
    """Return the DataCite 4.5 JSON record of the release."""
    lic = licence(info.license)
    rights: dict[str, str] = {"rights": lic.name, "rightsUri": lic.url}
    if lic.spdx:
        rights.update(
            rightsIdentifier=lic.spdx,
            rightsIdentifierScheme="SPDX",
            schemeUri="https://spdx.org/licenses/",
        )
    creator: dict[str, object] = {"name": info.publisher, "nameType": "Organizational"}
    publisher: dict[str, str] = {"name": info.publisher}
    record: dict[str, object] = {
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Linked open data"},
        "creators": [creator],
        "titles": [{"title": info.title, "lang": info.language}],
        "publisher": publisher,
        "publicationYear": str(info.date.year),
        "version": info.version,
        "language": info.language,
        "dates": [
            {"date": info.issued.isoformat(), "dateType": "Created"},
            {"date": info.date.isoformat(), "dateType": "Issued"},
        ],
        "descriptions": [
            {"description": info.description, "descriptionType": "Abstract", "lang": info.language}
        ],
        "rightsList": [rights],
        "alternateIdentifiers": [
            {"alternateIdentifier": info.dataset_iri, "alternateIdentifierType": "URL"},
            {
                "alternateIdentifier": f"{info.dataset_id} {info.version}",
                "alternateIdentifierType": "Local",
            },
        ],
        "sizes": [f"{size} bytes"],
        "formats": sorted(set(formats)),
        "schemaVersion": SCHEMA_VERSION,
    }
    if info.keywords:
        record["subjects"] = [{"subject": k, "lang": info.language} for k in info.keywords]
    related = [
        {
            "relatedIdentifier": s.url,
            "relatedIdentifierType": "URL",
            "relationType": "IsDerivedFrom",
        }
        for s in info.sources
        if s.url
    ]
    if info.homepage:
        related.insert(
            0,
            {
                "relatedIdentifier": info.homepage,
                "relatedIdentifierType": "URL",
                "relationType": "IsPublishedIn",
            },
        )
    if related:
        record["relatedIdentifiers"] = related
    return record


def schema_errors(record: dict[str, object]) -> list[str]:
    """Return what in ``record`` breaks the DataCite 4.5 JSON schema (empty when it is valid)."""
    errors = sorted(schema45.validator.iter_errors(record), key=lambda e: list(e.absolute_path))
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(record)'}: {e.message}" for e in errors
    ]


def write_datacite(folder: Path, info: ReleaseInfo, *, size: int, formats: list[str]) -> Path:
    """Write ``datacite.json`` into the release folder after checking it; return its path."""
    record = datacite_record(info, size=size, formats=formats)
    errors = schema_errors(record)
    if errors:
        raise BuildError(
            "the release's DataCite record is not valid against the DataCite 4.5 schema: "
            + "; ".join(errors[:5])
        )
    path = folder / DATACITE
    path.write_text(
        json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8"
    )
    return path
