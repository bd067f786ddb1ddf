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
    assert sorted(names.values()) == sorted(
        v.value
        for r in built.checked.public.of_type("Place")
        for v in r.values["name"]
        if isinstance(v, LangString)
    )
    assert {"Chechnya", "Geneva", "Dublin", "Yugoslavia", "Russian Federation"} <= set(
        names.values()
    )
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


# --- the awards' history (issue 19) ---------------------------------------------------------

MEA = "Martin Ennals Award for Human Rights Defenders"
FLDA = "Front Line Defenders Award"


def _by_year(rows: list[dict[str, str | None]], award: str) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for r in rows:
        if r["awardName"] == award:
            out.setdefault(int(r["year"] or 0), set()).add(r["laureateName"] or "")
    return out


def test_query_laureates_by_year(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "laureates-by-year")
    mea = _by_year(rows, MEA)
    assert min(mea) == 1994 and mea[1994] == {"Harry Wu"}
    assert mea[2001] == {"Peace Brigades International"}
    assert mea[2013] == {"Joint Mobile Group"}
    assert 2018 not in mea  # no source covers a 2018 conferral: not invented
    assert set(range(1994, 2023)) - set(mea) == {2018}
    kinds = {r["laureateName"]: r["kind"] for r in rows}
    assert kinds["Peace Brigades International"] == "organisation"
    assert kinds["Harry Wu"] == "person"
    fld = _by_year(rows, FLDA)
    assert fld[2005] == {"Mudawi Ibrahim Adam"} and fld[2011] == {"Joint Mobile Group"}
    # one row per (conferral, laureate) of the records: nothing lost, nothing added
    expected = sum(
        len(r.values["laureate"]) for r in built.checked.public.of_type("AwardConferral")
    )
    assert len(rows) == expected


def test_query_shared_years(quads: ox.Store) -> None:
    rows = run(quads, "shared-years")
    found = {(r["awardName"], int(r["year"] or 0)): int(r["laureates"] or 0) for r in rows}
    assert found[(MEA, 2006)] == 2
    assert found[(MEA, 2007)] == 3
    assert found[(MEA, 2022)] == 3
    assert found[(FLDA, 2018)] == 5  # five regional winners
    assert (MEA, 1994) not in found
    assert all(n > 1 for n in found.values())
    names = {
        (r["awardName"], int(r["year"] or 0)): set((r["names"] or "").split(" | ")) for r in rows
    }
    assert names[(MEA, 2006)] == {"Akbar Ganji", "Arnold Tsunga"}


def test_query_finalists_by_year(quads: ox.Store) -> None:
    rows = run(quads, "finalists-by-year")
    got = {(int(r["year"] or 0), r["role"], r["candidateName"]) for r in rows}
    assert (2015, "finalist", "Asmaou Diallo") in got
    assert (2015, "finalist", "Robert Sann Aung") in got
    assert (2006, "nominee", "Golden Misabiko") in got
    assert (2016, "finalist", "Zone 9 Bloggers") in got
    assert (2008, "nominee", "Liu Jie") in got  # the Front Line award's 2008 shortlist
    # a laureate is never listed as a finalist of the same year
    laureates = {(int(r["year"] or 0), r["laureateName"]) for r in run(quads, "laureates-by-year")}
    assert not {(y, n) for y, _role, n in got} & laureates


def test_query_laureates_by_country(quads: ox.Store) -> None:
    rows = run(quads, "laureates-by-country")
    by_country = {r["countryName"]: set((r["names"] or "").split(" | ")) for r in rows}
    assert {"Harry Wu", "Ilham Tohti", "Yu Wensheng"} <= by_country["China"]
    assert "Natasha Kandic" in by_country["Yugoslavia"]
    assert "Peace Brigades International" in by_country["Colombia"]
    # Harry Wu's country is stated differently: he is counted under each country stated
    assert "Harry Wu" in by_country["United States"]
    counts = [int(r["laureates"] or 0) for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_query_ceremony_presenters(quads: ox.Store) -> None:
    rows = run(quads, "ceremony-presenters")
    got = {(r["awardName"], int(r["year"] or 0), r["presenterName"]) for r in rows}
    assert (FLDA, 2011, "Mary Robinson") in got
    assert (FLDA, 2005, "Mary McAleese") in got
    assert (FLDA, 2018, "Kate Gilmore") in got
    assert (MEA, 2006, "Louise Arbour") in got
    assert (FLDA, 2016, "Mary Robinson") in got  # the seed's presenter again, five years on
    assert (FLDA, 2015, "Sebastian Barry") in got
    # the 2008 presenter is disputed: both are listed (the preferred one is in disagreements)
    assert {n for a, y, n in got if (a, y) == (MEA, 2008)} == {
        "Navanethem Pillay",
        "Louise Arbour",
    }
    places = {(r["awardName"], int(r["year"] or 0)): r["placeName"] for r in rows}
    assert places[(FLDA, 2018)] == "Dublin" and places[(MEA, 2017)] == "Geneva"


def test_query_organisation_laureates(quads: ox.Store) -> None:
    rows = run(quads, "organisation-laureates")
    got = {(int(r["year"] or 0), r["laureateName"]) for r in rows}
    assert (2001, "Peace Brigades International") in got
    assert (2013, "Joint Mobile Group") in got
    assert "Harry Wu" not in {n for _y, n in got}
    reps = {r["laureateName"]: r["representativeName"] for r in rows}
    assert reps["We Are Not Numbers"] == "Ahmed Alnaouq"
    assert reps["Muñecas de Arcoíris"] == "Jennifer Bexara Córdova"


def test_query_disagreements(quads: ox.Store, built: Built) -> None:
    rows = run(quads, "disagreements")
    award = V.entity_iri(BASE, "award", "martin-ennals-award")
    established = {
        r["value"]: r
        for r in rows
        if r["entity"] == award and r["property"].endswith("established")
    }
    assert set(established) == {"1993", "1983", "1994"}
    assert established["1993"]["preferred"] == "true" and established["1993"]["reason"]
    assert established["1983"]["preferred"] == "false"
    assert established["1983"]["sources"] == V.entity_iri(BASE, "source", "wp-old-mea")
    prizes = {r["value"] for r in rows if r["entity"] == award and r["property"].endswith("prize")}
    assert {p.rsplit("-", 1)[-1] for p in prizes} == {"chf", "eur"}
    names = {r["value"] for r in rows if r["entityName"] == "Natasha Kandic"}
    assert {"Natasha Kandic", "Natasha Kandich"} <= names
    fld_2016 = V.entity_iri(BASE, "conferral", "fld-2016")
    dates = {r["value"]: r["preferred"] for r in rows if r["entity"] == fld_2016}
    assert dates == {"2016-06-10": "true", "2016-06-09": "false"}
    # at most one preferred value per entity and property, and every row has a source
    pairs = [(r["entity"], r["property"]) for r in rows if r["preferred"] == "true"]
    assert len(pairs) == len(set(pairs))
    assert all(r["sources"] for r in rows)
    # a claim with a single value (Kandic's country) is not a disagreement
    assert not [
        r for r in rows if r["entityName"] == "Natasha Kandic" and "country" in r["property"]
    ]


def test_conflicting_values_sit_in_their_own_sources_graphs(quads: ox.Store) -> None:
    """Each value sources disagree on is stated in the named graph of its own sources only."""
    est = f"<{V.hrd('established')}>"
    award = f"<{V.entity_iri(BASE, 'award', 'martin-ennals-award')}>"
    q = f"SELECT ?g ?y WHERE {{ GRAPH ?g {{ {award} {est} ?y }} }}"
    got = {(s["g"].value.rsplit("/", 1)[-1], s["y"].value) for s in quads.query(q)}
    assert ("wp-old-mea", "1983") in got and ("wp-en-mea", "1993") in got
    assert ("wp-old-mea", "1993") not in got and ("wp-en-mea", "1983") not in got
