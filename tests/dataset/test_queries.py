"""The competency queries in queries/ give the answers the source documents state.

Each query has a test named ``test_query_<name>`` (hyphens as underscores); a test checks
that no query is left without one. Queries run over dist/hrd.nq with the union of all graphs
as the default graph, as ``hrd-lod query`` runs them.
"""

from __future__ import annotations

import re
import sys

import pyoxigraph as ox
import pytest

from hrd_lod import vocab as V
from hrd_lod.pipeline import Built
from hrd_lod.records.model import LangString, Ref, Url

from .conftest import QUERIES, run

BASE = V.DEFAULT_BASE
FLD = V.entity_iri(BASE, "source", "fld-profile-jmg")
HRF = V.entity_iri(BASE, "source", "hrf-mea-2013")
FLD_TITLE = "Profile: the Joint Mobile Group: winners of the Front Line Award 2011"
HRF_TITLE = (
    "Joint Mobile Group Selected as the 2013 Laureate Martin Ennals Award for Human "
    "Rights Defenders"
)
JURY = [  # as Human Rights First lists them (the first two letters of "Int'l" expanded)
    "Amnesty International",
    "Front Line Defenders",
    "German Diakonie",
    "HURIDOCS",
    "Human Rights First",
    "Human Rights Watch",
    "International Commission of Jurists",
    "International Federation for Human Rights",
    "International Service for Human Rights",
    "World Organisation Against Torture",
]


def test_query_jmg_awards(quads: ox.Store) -> None:
    rows = run(quads, "jmg-awards")
    assert [(r["awardName"], r["year"]) for r in rows] == [
        ("Front Line Defenders Award", "2011"),
        ("Martin Ennals Award for Human Rights Defenders", "2013"),
    ]


def test_query_fld_2011_presenter(quads: ox.Store) -> None:
    rows = run(quads, "fld-2011-presenter")
    assert rows == [
        {
            "presenter": V.entity_iri(BASE, "person", "mary-robinson"),
            "presenterName": "Mary Robinson",
            "date": "2011-05-05",
        }
    ]


def test_query_mea_2013_jury(quads: ox.Store) -> None:
    rows = run(quads, "mea-2013-jury")
    assert [r["name"] for r in rows] == JURY


def test_query_fact_sources(quads: ox.Store) -> None:
    rows = run(quads, "fact-sources")
    got = {(r["fact"], r["value"], r["source"]) for r in rows}
    expected = {
        ("award received", "Front Line Defenders Award 2011", FLD),
        ("award received", "Martin Ennals Award for Human Rights Defenders 2013", FLD),
        ("award received", "Martin Ennals Award for Human Rights Defenders 2013", HRF),
        ("2011 presented by", "Mary Robinson", FLD),
        ("2011 presented on", "2011-05-05", FLD),
    } | {("2013 jury member", name, HRF) for name in JURY}
    assert got == expected
    assert len(rows) == len(expected)  # no duplicates from the union of graphs
    assert {r["source"]: r["sourceTitle"] for r in rows} == {FLD: FLD_TITLE, HRF: HRF_TITLE}


def test_fact_sources_needs_no_union(quads: ox.Store) -> None:
    """The provenance query uses explicit GRAPH patterns and the default graph's links, so it
    gives the same answers on a store whose default graph is only the default graph."""
    assert run(quads, "fact-sources", union=False) == run(quads, "fact-sources")


def test_query_quotations(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "quotations")
    by_speaker = {r["speakerName"]: r for r in rows}
    assert sorted(by_speaker) == [
        "Igor Kalyapin",
        "Mary Robinson",
        "Micheline Calmy-Rey",
        "Neil Hicks",
    ]
    assert by_speaker["Mary Robinson"]["role"] == (
        "former President of Ireland and founder of the Mary Robinson Foundation - Climate Justice"
    )
    assert by_speaker["Micheline Calmy-Rey"]["role"] == "Chair, Martin Ennals Foundation"
    assert "Anna Politkovskaya" in (by_speaker["Neil Hicks"]["about"] or "").split(" | ")
    # Every quotation record, with its text, is answered (compared with the records).
    records = built.checked.public.of_type("Quotation")
    assert len(rows) == len(records)
    texts = {r["text"] for r in rows}
    for rec in records:
        text = rec.first("text")
        assert isinstance(text, LangString) and text.value in texts


def test_query_places(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "places")
    names = {r["place"]: r["name"] for r in rows}
    assert sorted(names.values()) == [
        "Chechnya",
        "Dagestan",
        "Geneva",
        "Ingushetia",
        "Ireland",
        "North Caucasus",
        "Russian Federation",
        "Switzerland",
    ]
    # The direct container of each place is the record's contained_in.
    expected = {}
    for rec in built.checked.public.of_type("Place"):
        ref = rec.first("contained_in")
        iri = V.entity_iri(BASE, "place", rec.id)
        expected[iri] = V.entity_iri(BASE, "place", ref.id) if isinstance(ref, Ref) else None
    assert {r["place"]: r["container"] for r in rows} == expected
    within = {r["name"]: set((r["within"] or "").split(" < ")) - {""} for r in rows}
    assert within["Chechnya"] == {"North Caucasus", "Russian Federation"}
    assert within["Geneva"] == {"Switzerland"}
    assert within["Russian Federation"] == set()


def test_query_risks_by_region(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "risks-by-region")
    risks = {r["label"] for r in rows}
    assert {
        "harassment",
        "surveillance",
        "judicial harassment",
        "arbitrary detention",
        "ill-treatment",
        "violent attacks",
        "slander and smear campaigns",
    } <= risks
    assert len(risks) == len(built.checked.public.of_type("RiskType")) == 9
    regions = {(r["regionName"], r["scope"]) for r in rows}
    assert regions == {("Russian Federation", "region")} | {
        (n, "particularly at risk")
        for n in ("North Caucasus", "Chechnya", "Ingushetia", "Dagestan")
    }
    assert len(rows) == 9 * 5


def test_query_without_wikidata(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "without-wikidata")
    got = {r["entity"] for r in rows}
    # Independently from the records: entities of these types with no Wikidata same_as.
    expected = set()
    for rec in built.checked.public:
        if rec.type not in ("Person", "Organization", "Place", "Award", "Jury"):
            continue
        links = [v.value for v in rec.values.get("same_as", ()) if isinstance(v, Url)]
        if not any(u.startswith(V.WD) for u in links):
            kind = {
                "Organization": "organization",
                "Person": "person",
                "Place": "place",
                "Award": "award",
                "Jury": "jury",
            }[rec.type]
            expected.add(V.entity_iri(BASE, kind, rec.id))
    assert got == expected
    assert V.entity_iri(BASE, "place", "geneva") not in got  # it has one (Q71)


def test_query_derived_values(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "derived-values")
    got = {(r["entity"].rsplit("/", 1)[-1], r["property"]) for r in rows}
    assert ("anna-politkovskaya", V.hrd("deathYear")) in got
    assert ("jmg-front-line-defenders-award-2011", V.schema("startDate")) in got
    assert ("jmg-martin-ennals-award-2013", V.schema("startDate")) in got
    n_derived = sum(len(r.derived) for r in built.checked.public)
    assert len({(e, p) for e, p in got}) == n_derived
    method = {r["entity"].rsplit("/", 1)[-1]: r["method"] for r in rows}
    assert "seventh anniversary" in (method["anna-politkovskaya"] or "")


def test_every_query_has_a_test_and_a_header() -> None:
    """A new .rq without a test here fails; so does one without its title and question."""
    module = sys.modules[__name__]
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 4
    for path in files:
        name = "test_query_" + path.stem.replace("-", "_")
        assert callable(getattr(module, name, None)), f"{path.name} has no test {name}"
        head = path.read_text(encoding="utf-8").splitlines()
        assert re.fullmatch(r"# title: \S.*", head[0]), (
            f"{path.name}: line 1 must be '# title: ...'"
        )
        assert re.fullmatch(r"# question: \S.*", head[1]), (
            f"{path.name}: line 2 must be '# question: ...'"
        )
    tests = {n for n in dir(module) if n.startswith("test_query_")}
    stems = {"test_query_" + p.stem.replace("-", "_") for p in files}
    assert tests <= stems, f"tests for queries that do not exist: {sorted(tests - stems)}"


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_each_query_parses_and_answers(path, quads: ox.Store) -> None:
    """Each query parses (pyoxigraph) and has at least one answer on the built dataset."""
    text = path.read_text(encoding="utf-8")
    rows = list(quads.query(text, use_default_graph_as_union=True))
    assert rows, f"{path.name} has no answer"
