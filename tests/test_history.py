"""An award's history in the model: values sources disagree on (claims), prize money, pages
cited by their address, regional winners, absent laureates, from data files to RDF, the
publication policy and schema.org."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from hrd_lod import vocab as V
from hrd_lod.errors import LoadError
from hrd_lod.export.schemaorg import SchemaOrgMapper
from hrd_lod.pipeline import check
from hrd_lod.records.model import Money
from tests.conftest import write

HISTORY = """
- id: page
  type: Source
  name: A page cited by its address
  publisher: example-publisher
  url: https://example.org/award-history
  retrieved: 2026-12-04
- id: old-page
  type: Source
  name: An old copy of a page
  publisher: example-publisher
  url: https://example.org/old
  retrieved: 2026-12-04
- id: africa
  type: AwardCategory
  name: Africa
  award: example-award
  sources: [page]
- id: finalist-person
  type: Person
  name: Finalist Person
  country: [example-land]
  sources: [page]
- id: example-award-2021
  type: AwardConferral
  name: Example Award 2021, Africa
  award: example-award
  year: 2021
  laureate: [example-group]
  finalist: [finalist-person]
  category: africa
  distinction: GlobalLaureate
  represented_by: [example-person]
  absent_laureate: [example-group]
  absence_reason: barred from travelling
  sources: [page]
- id: example-award-history
  type: Award
  name: Example Award (history)
  conferred_by: [example-publisher]
  sources: [page]
  claims:
    established:
      - {value: 1993, sources: [page, doc], preferred: the award's own page gives it}
      - {value: 1983, sources: [old-page]}
    prize:
      - {value: 20000 CHF, sources: [page]}
      - {value: 20000 EUR, sources: [old-page]}
"""


def _iri(kind: str, slug: str) -> str:
    return V.entity_iri(V.DEFAULT_BASE, kind, slug)


def _graphs_of(store: ox.Store, s: str, p: str, o: ox.NamedNode | ox.Literal) -> set[str]:
    return {
        q.graph_name.value.rsplit("/", 1)[-1]
        for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), o)
        if isinstance(q.graph_name, ox.NamedNode)
    }


@pytest.fixture
def history(project: Path) -> Path:
    write(project / "data" / "history.yaml", HISTORY)
    return project


def test_history_validates_and_each_claim_is_in_its_own_graphs(history: Path) -> None:
    checked = check(history)
    assert not checked.report.violations, checked.report.violations
    store = checked.store
    award = _iri("award", "example-award-history")
    y1993 = ox.Literal("1993", datatype=ox.NamedNode(V.XSD + "gYear"))
    y1983 = ox.Literal("1983", datatype=ox.NamedNode(V.XSD + "gYear"))
    assert _graphs_of(store, award, V.hrd("established"), y1993) == {"page", "doc"}
    assert _graphs_of(store, award, V.hrd("established"), y1983) == {"old-page"}
    # one statement node per claim, citing its sources; only the first is preferred
    q = f"""SELECT ?value ?pref ?reason (GROUP_CONCAT(STR(?src); separator=" ") AS ?srcs)
        WHERE {{ ?c a <{V.hrd("Claim")}> ; <{V.RDF}subject> <{award}> ;
                    <{V.RDF}predicate> <{V.hrd("established")}> ; <{V.RDF}object> ?value ;
                    <{V.PROV}wasDerivedFrom> ?src .
                 OPTIONAL {{ ?c <{V.hrd("preferred")}> ?pref }}
                 OPTIONAL {{ ?c <{V.hrd("preferenceReason")}> ?reason }} }}
        GROUP BY ?value ?pref ?reason ORDER BY ?value"""
    rows = [
        {k: (sol[k].value if sol[k] is not None else None) for k in ("value", "pref", "reason")}
        | {"srcs": set(sol["srcs"].value.split())}
        for sol in store.query(q)
    ]
    assert [r["value"] for r in rows] == ["1983", "1993"]
    assert rows[0]["pref"] is None and rows[0]["srcs"] == {_iri("source", "old-page")}
    assert rows[1]["pref"] == "true" and rows[1]["reason"] == "the award's own page gives it"
    assert rows[1]["srcs"] == {_iri("source", "page"), _iri("source", "doc")}


def test_prize_money_is_a_monetary_amount_per_currency(history: Path) -> None:
    checked = check(history)
    rec = checked.public.get("example-award-history")
    assert rec is not None and set(rec.values["prize"]) == {
        Money("20000", "CHF"),
        Money("20000", "EUR"),
    }
    award = _iri("award", "example-award-history")
    q = f"""SELECT DISTINCT ?v ?c WHERE {{ <{award}> <{V.hrd("prize")}> ?m .
        ?m a <{V.schema("MonetaryAmount")}> ; <{V.schema("value")}> ?v ;
           <{V.schema("currency")}> ?c }} ORDER BY ?c"""
    sols = checked.store.query(q, use_default_graph_as_union=True)
    got = [(s["v"].value, s["v"].datatype.value, s["c"].value) for s in sols]
    assert got == [("20000", V.XSD + "decimal", "CHF"), ("20000", V.XSD + "decimal", "EUR")]


def test_regional_winner_classes_and_schema_org(history: Path) -> None:
    checked = check(history)
    conf = ox.NamedNode(_iri("conferral", "example-award-2021"))
    types = {
        q.object.value
        for q in checked.store.quads_for_pattern(conf, ox.NamedNode(V.RDF_TYPE), None)
    }
    assert V.hrd("GlobalLaureateConferral") in types and V.hrd("AwardConferral") in types
    mapper = SchemaOrgMapper(checked.public, checked.meta)
    rec = checked.public.get("example-award-2021")
    assert rec is not None
    doc = mapper.document(rec)
    keywords = doc["keywords"]
    assert isinstance(keywords, list)
    africa = {
        "@type": "DefinedTerm",
        "@id": _iri("category", "africa"),
        "name": {"@language": "en", "@value": "Africa"},
    }
    assert africa in keywords
    assert "global laureate" in keywords
    attendee = doc["attendee"]
    assert isinstance(attendee, dict) and attendee["@id"] == _iri("person", "example-person")
    person = checked.public.get("finalist-person")
    assert person is not None
    place = mapper.document(person)["workLocation"]
    assert isinstance(place, dict) and place["@id"] == _iri("place", "example-land")


def test_disputed_property_is_marked_on_the_entity(history: Path) -> None:
    checked = check(history)
    award = ox.NamedNode(_iri("award", "example-award-history"))
    disputed = {
        q.object.value
        for q in checked.store.quads_for_pattern(
            award, ox.NamedNode(V.hrd("disputedProperty")), None
        )
    }
    assert disputed == {V.hrd("established"), V.hrd("prize")}


def test_a_restricted_source_takes_its_claims_with_it(history: Path) -> None:
    path = history / "data" / "history.yaml"
    path.write_text(
        path.read_text().replace(
            "  url: https://example.org/old\n",
            "  url: https://example.org/old\n  visibility: restricted\n",
        )
    )
    checked = check(history)
    assert not checked.report.violations
    award = _iri("award", "example-award-history")
    y1983 = ox.Literal("1983", datatype=ox.NamedNode(V.XSD + "gYear"))
    assert not list(checked.store.quads_for_pattern(None, None, y1983))
    assert not list(checked.store.quads_for_pattern(None, None, ox.Literal("EUR")))
    rec = checked.public.get("example-award-history")
    assert rec is not None and [c.value.value for c in rec.claims["established"]] == [1993]  # type: ignore[union-attr]
    assert award  # the award itself stays


def test_a_finalist_who_is_also_the_laureate_is_reported(history: Path) -> None:
    path = history / "data" / "history.yaml"
    path.write_text(
        path.read_text().replace("finalist: [finalist-person]", "finalist: [example-group]")
    )
    checked = check(history)
    found = [
        r for r in checked.report.violations if r.shape.endswith("Conferral-finalistNotLaureate")
    ]
    assert found and found[0].record_id == "example-award-2021"


def test_a_category_of_another_award_is_refused_at_load(history: Path) -> None:
    write(
        history / "data" / "other.yaml",
        "id: other-award\ntype: Award\nname: Other\nconferred_by: [example-publisher]\n"
        "sources: [page]\n",
    )
    path = history / "data" / "history.yaml"
    text = path.read_text()
    path.write_text(
        text.replace(
            "  name: Africa\n  award: example-award\n", "  name: Africa\n  award: other-award\n"
        )
    )
    with pytest.raises(LoadError) as info:
        check(history)
    (p,) = [p for p in info.value.problems if p.code == "wrong-category"]
    assert p.location.file == "data/history.yaml" and p.location.field == "category"
    assert "other-award" in p.message and "example-award" in p.message


def test_a_source_without_a_copy_or_an_address_does_not_load(history: Path) -> None:
    path = history / "data" / "history.yaml"
    path.write_text(path.read_text().replace("  url: https://example.org/award-history\n", ""))
    with pytest.raises(LoadError) as info:
        check(history)
    (p,) = [p for p in info.value.problems if "neither" in p.message or "address" in p.message]
    assert p.location.file == "data/history.yaml" and p.location.line == 2
