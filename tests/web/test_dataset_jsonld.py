"""The home page's schema.org Dataset block, checked offline against Google's Dataset guidelines
(https://developers.google.com/search/docs/appearance/structured-data/dataset): the required
properties, the recommended ones this dataset can state, and the shape of each."""

from __future__ import annotations

import hashlib
import json
import re

import lxml.html
from pyld import jsonld

from hrd_lod.pipeline import Built

#: Google: required.
REQUIRED = {"name", "description"}
#: Google: recommended (those that apply to an open dataset with downloads).
RECOMMENDED = {
    "url",
    "identifier",
    "license",
    "isAccessibleForFree",
    "creator",
    "publisher",
    "version",
    "keywords",
    "temporalCoverage",
    "spatialCoverage",
    "distribution",
    "datePublished",
    "dateModified",
}


def _block(built: Built) -> dict[str, object]:
    doc = lxml.html.fromstring((built.dist / "index.html").read_bytes())
    blocks = doc.xpath('//script[@type="application/ld+json"]')
    assert len(blocks) == 1
    data = json.loads(blocks[0].text)
    assert isinstance(data, dict)
    return data


def test_home_page_dataset_block_meets_googles_guidelines(built: Built) -> None:
    data = _block(built)
    meta = built.checked.meta
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    missing = (REQUIRED | RECOMMENDED) - set(data)
    assert not missing, missing
    assert 50 <= len(str(data["description"])) <= 5000
    assert data["name"] == meta.title_text() and data["version"] == meta.version
    assert data["license"] == meta.license and data["url"] == meta.homepage
    publisher = data["publisher"]
    assert isinstance(publisher, dict) and publisher["@type"] == "Organization"
    assert publisher["name"] == meta.publisher
    # temporal coverage: an ISO 8601 interval of the recorded conferrals' years
    years = sorted(
        int(str(c.first("year"))) for c in built.checked.public.of_type("AwardConferral")
    )
    assert data["temporalCoverage"] == f"{years[0]}/{years[-1]}"
    assert re.fullmatch(r"\d{4}/\d{4}", str(data["temporalCoverage"]))
    places = data["spatialCoverage"]
    assert isinstance(places, list) and places
    assert all(p["@type"] == "Place" and p["name"] for p in places)


def test_every_dump_is_a_distribution_with_format_and_absolute_url(built: Built) -> None:
    data = _block(built)
    meta = built.checked.meta
    dists = data["distribution"]
    assert isinstance(dists, list)
    by_path = {d["name"]: d for d in dists}
    dumps = sorted(p.name for p in built.dist.iterdir() if p.name.startswith(meta.id + "."))
    assert sorted(by_path) == dumps and len(dumps) >= 6
    manifest = json.loads((built.dist / "manifest.json").read_text("utf-8"))
    files = {f["path"]: f for f in manifest["files"]}
    for path, d in by_path.items():
        assert d["@type"] == "DataDownload"
        assert d["encodingFormat"] == files[path]["media_type"]
        assert d["contentUrl"] == meta.homepage + path
        data_bytes = (built.dist / path).read_bytes()
        assert d["sha256"] == hashlib.sha256(data_bytes).hexdigest()


def test_dataset_block_expands_as_schema_org(built: Built) -> None:
    def loader(url: str, options: object = None) -> dict[str, object]:
        assert url.rstrip("/") == "https://schema.org", url
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": "http://schema.org/"}},
        }

    (node,) = jsonld.expand(_block(built), {"documentLoader": loader})
    assert node["@type"] == ["http://schema.org/Dataset"]
    assert len(node["http://schema.org/distribution"]) >= 6
