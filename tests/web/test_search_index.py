"""The site's own search index (``search/index.json``): every public entity once, nothing
withheld, facets that agree with the records, and the search page that loads it."""

from __future__ import annotations

import json

import lxml.html
import pytest

from hrd_lod.export.search import (
    FORMAT,
    INDEX_PATH,
    WEIGHTS,
    facets,
    index_bytes,
    read_documents,
)
from hrd_lod.pipeline import Built


def _index(built: Built) -> dict[str, object]:
    data = json.loads((built.dist / INDEX_PATH).read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def test_every_public_entity_once_and_nothing_withheld(built: Built) -> None:
    data = _index(built)
    assert data["format"] == FORMAT
    docs = data["docs"]
    assert isinstance(docs, list)
    paths = [d[1] for d in docs]
    assert len(paths) == len(set(paths)) == len(built.checked.public)
    for path in paths:
        assert (built.dist / path).is_file(), path
    # the restricted record (and the conferral that names her) is nowhere in the index
    raw = (built.dist / INDEX_PATH).read_text("utf-8")
    withheld = {i.record_id for i in built.withheld.items if i.field is None}
    assert "volha-harbunova" in withheld
    assert "Harbunova" not in raw
    assert not any(p.rsplit("/", 1)[-1][: -len(".html")] in withheld for p in paths)
    # sorted by name, so two builds give the same bytes
    names = [d[0].casefold() for d in docs]
    assert names == sorted(names)


def test_facets_agree_with_the_records(built: Built) -> None:
    data = _index(built)
    types, awards, countries = data["types"], data["awards"], data["countries"]
    by_path = {d[1]: d for d in data["docs"]}  # type: ignore[attr-defined]
    jmg = by_path["id/organization/joint-mobile-group.html"]
    assert types[jmg[2]] == "Organization"
    assert sorted(awards[i] for i in jmg[3]) == [
        "Front Line Defenders Award",
        "Martin Ennals Award for Human Rights Defenders",
    ]
    assert jmg[4] == [2011, 2013]
    assert jmg[5] == []  # its record gives a location, not the country the award lists give
    asma = by_path["id/person/asma-jahangir.html"]
    assert [countries[i] for i in asma[5]] == ["Pakistan"]
    assert jmg[8] == WEIGHTS["Organization"]
    conferral = by_path["id/conferral/jmg-martin-ennals-award-2013.html"]
    assert types[conferral[2]] == "Award conferral" and conferral[4] == [2013]
    # every laureate of every conferral carries that conferral's award and year
    public = built.checked.public
    for c in public.of_type("AwardConferral"):
        award = public.get(c.values["award"][0].id)  # type: ignore[union-attr]
        year = int(str(c.first("year")))
        for ref in c.values["laureate"]:
            rec = public.get(ref.id)  # type: ignore[union-attr]
            if rec is None or award is None:
                continue
            kind = "person" if rec.type == "Person" else "organization"
            doc = by_path[f"id/{kind}/{rec.id}.html"]
            assert year in doc[4], (rec.id, year)
            assert any(awards[i] == award.values["name"][0].value for i in doc[3])  # type: ignore[union-attr]


def test_search_page_offers_the_facets_of_the_index(built: Built) -> None:
    data = _index(built)
    doc = lxml.html.fromstring((built.dist / "search.html").read_bytes())
    form = doc.get_element_by_id("search-form")
    assert form.get("data-index") == INDEX_PATH
    options = {
        name: [o.text_content() for o in doc.xpath(f'//select[@name="{name}"]/option')][1:]
        for name in ("type", "award", "year", "country")
    }
    assert options["type"] == data["types"] and options["award"] == data["awards"]
    assert options["country"] == data["countries"]
    years = sorted({y for d in data["docs"] for y in d[4]}, reverse=True)  # type: ignore[attr-defined]
    assert options["year"] == [str(y) for y in years]


def test_an_index_reads_back_as_its_documents(built: Built) -> None:
    """What the site patch keeps of the previous index: the documents it was written from."""
    data = (built.dist / INDEX_PATH).read_bytes()
    docs = read_documents(data)
    assert len(docs) == len(_index(built)["docs"])  # type: ignore[arg-type]
    assert index_bytes(docs, facets(docs)) == data
    with pytest.raises(ValueError, match="format"):
        read_documents(data.replace(f'"format":{FORMAT}'.encode(), b'"format":0'))
