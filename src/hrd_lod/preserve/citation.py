"""``CITATION.cff``: how to cite the release, in the Citation File Format 1.2.0."""

from __future__ import annotations

from pathlib import Path

import yaml

from .info import ReleaseInfo
from .licences import licence

CITATION = "CITATION.cff"


def citation(info: ReleaseInfo) -> dict[str, object]:
    """Return the CITATION.cff content of the release as a mapping."""
    lic = licence(info.license)
    doc: dict[str, object] = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": info.title,
        "abstract": info.description,
        "version": info.version,
        "date-released": info.date.isoformat(),
        "authors": [{"name": info.publisher}],
        "identifiers": [
            {"type": "url", "value": info.dataset_iri, "description": "the dataset's IRI"}
        ],
    }
    if lic.spdx:
        doc["license"] = lic.spdx
    else:
        doc["license-url"] = lic.url
    if info.homepage:
        doc["url"] = info.homepage
    if info.keywords:
        doc["keywords"] = list(info.keywords)
    if info.contact_email:
        doc["contact"] = [{"name": info.publisher, "email": info.contact_email}]
    return doc


def write_citation(folder: Path, info: ReleaseInfo) -> Path:
    """Write ``CITATION.cff`` into the release folder and return its path."""
    text = yaml.safe_dump(citation(info), sort_keys=False, allow_unicode=True, width=100)
    path = folder / CITATION
    path.write_text(text, "utf-8")
    return path
