"""What the dataset holds: counts by type, and every fact traceable to the words of a source."""

from __future__ import annotations

import re
from collections import Counter

import pyoxigraph as ox
import pytest

from hrd_lod import vocab as V
from hrd_lod.pipeline import Built
from hrd_lod.records.model import LangString, Record
from hrd_lod.records.schema import TYPES

# Counted by hand from the two source documents (see docs/dataset.md).
EXPECTED_COUNTS = {
    "Organization": 54,
    "Person": 120,  # one more is restricted (see test_policy_in_dist)
    "Place": 69,
    "Award": 2,
    "AwardCategory": 5,
    "Jury": 7,
    "AwardConferral": 69,
    "Quotation": 4,
    "Source": 60,
    "RiskType": 9,
    "ConceptScheme": 1,
}
ARCHIVED = ("fld-profile-jmg", "hrf-mea-2013")  # the only sources with a copy in data/


def _source_text(built: Built, source_id: str) -> str:
    rec = built.checked.public.get(source_id)
    assert rec is not None
    text = (built.checked.project.data_dir / str(rec.first("archived_copy"))).read_text("utf-8")
    return _norm(text)


def _norm(text: str) -> str:
    # Compare words, not typography: quotes, apostrophes and runs of spaces vary.
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip()


def _texts(rec: Record, field: str) -> list[str]:
    return [v.value for v in rec.values.get(field, ()) if isinstance(v, LangString)]


def test_counts_by_type(built: Built) -> None:
    counts = Counter(r.type for r in built.checked.public)
    assert dict(counts) == EXPECTED_COUNTS
    assert set(counts) == set(TYPES)  # every record type of the data model is used


def test_counts_by_class_in_dist(built: Built, quads: ox.Store) -> None:
    """The published dump has one typed entity per public record of each type."""
    for type_name, expected in EXPECTED_COUNTS.items():
        cls = TYPES[type_name].classes[0]
        q = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{cls}> }}"
        n = int(next(iter(quads.query(q, use_default_graph_as_union=True)))["n"].value)
        # schema:Organization is also the class of the jury; skos:Concept that of a category.
        extra = {
            "Organization": EXPECTED_COUNTS["Jury"],
            "RiskType": EXPECTED_COUNTS["AwardCategory"],
        }
        extra = extra.get(type_name, 0)
        assert n == expected + extra, type_name


def test_one_named_graph_per_source(built: Built, quads: ox.Store) -> None:
    graphs = sorted(g.value for g in quads.named_graphs())
    sources = built.checked.public.of_type("Source")
    assert graphs == sorted(V.graph_iri(V.DEFAULT_BASE, r.id) for r in sources)


def test_quotations_come_only_from_archived_documents(built: Built) -> None:
    """Pages cited by their address are never quoted: only archived copies can be checked."""
    for rec in built.checked.public.of_type("Quotation"):
        assert set(rec.all_sources()) <= set(ARCHIVED), rec.id


@pytest.mark.parametrize(
    "quotation",
    [
        "mary-robinson-2011-jmg",
        "calmy-rey-2013-jury-choice",
        "neil-hicks-2013-jmg",
        "igor-kalyapin-international-publicity",
    ],
)
def test_quotations_are_verbatim_in_every_cited_source(built: Built, quotation: str) -> None:
    rec = built.checked.public.get(quotation)
    assert rec is not None
    for source in rec.all_sources():
        page = _source_text(built, source)
        for text in _texts(rec, "text"):
            assert _norm(text) in page, f"{quotation} is not word for word in {source}"


def test_the_calmy_rey_quotation_is_in_both_documents(built: Built) -> None:
    rec = built.checked.public.get("calmy-rey-2013-jury-choice")
    assert rec is not None and rec.all_sources() == ("fld-profile-jmg", "hrf-mea-2013")


# Records whose name the sources do not spell out, and why (also in the records' notes).
NOT_NAMED = {"switzerland": "added so that Geneva has a containing place; see its note"}


@pytest.mark.parametrize("type_name", ["Person", "Organization", "Place", "Award"])
def test_names_come_from_the_cited_sources(built: Built, type_name: str) -> None:
    """A person, organisation, place or award is named (or alternately named) in a source it
    cites, word for word."""
    for rec in built.checked.public.of_type(type_name):
        archived = [s for s in rec.all_sources() if s in ARCHIVED]
        if rec.id in NOT_NAMED or not archived:
            continue  # a page cited by its address has no copy here to compare with
        pages = [_source_text(built, s) for s in archived]
        names = _texts(rec, "name") + _texts(rec, "alternate_name")
        assert any(_norm(n) in page for n in names for page in pages), (
            f"{rec.id}: none of {names} is in {rec.all_sources()}"
        )


def test_every_fact_bearing_record_cites_a_source(built: Built) -> None:
    for rec in built.checked.public:
        if TYPES[rec.type].needs_sources:
            assert rec.sources, rec.id


def test_jury_members_are_the_ten_listed(built: Built) -> None:
    jury = built.checked.public.get("martin-ennals-award-jury")
    assert jury is not None and len(jury.values["member"]) == 10
    page = _source_text(built, "hrf-mea-2013")
    assert "ten of the world's leading human rights organizations" in page
