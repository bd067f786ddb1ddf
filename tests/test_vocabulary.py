"""Every schema.org term the dataset uses exists in schema.org (release 30.0)."""

from __future__ import annotations

import pytest
import rdflib

from hrd_lod import vocab as V
from hrd_lod.pipeline import check
from tests.conftest import REPO, require_shared

VOCAB = "vocab/schemaorg-current-https-30.0.ttl"


@pytest.fixture(scope="module")
def schema_terms() -> set[str]:
    g = rdflib.Graph().parse(require_shared(VOCAB), format="turtle")
    return {
        str(s).removeprefix("https://schema.org/")
        for s in g.subjects()
        if str(s).startswith("https://schema.org/")
    }


def test_dataset_uses_only_existing_schema_terms(schema_terms: set[str]) -> None:
    store = check(REPO).store
    used = set()
    for q in store:
        for term in (q.predicate, q.object):
            if hasattr(term, "value") and str(term.value).startswith(V.SCHEMA):
                used.add(term.value.removeprefix(V.SCHEMA))
    assert used, "the dataset uses no schema.org term?"
    assert sorted(used - schema_terms) == []


def test_ontology_and_shapes_name_only_existing_schema_terms(schema_terms: set[str]) -> None:
    for folder in ("ontology", "shapes"):
        for path in (REPO / folder).glob("*.ttl"):
            g = rdflib.Graph().parse(path)
            terms = {
                str(t).removeprefix(V.SCHEMA)
                for t in g.all_nodes()
                if isinstance(t, rdflib.URIRef) and str(t).startswith(V.SCHEMA)
            }
            assert sorted(terms - schema_terms) == [], path.name


def test_ontology_terms_have_english_labels_and_comments() -> None:
    g = rdflib.Graph().parse(REPO / "ontology" / "hrd.ttl")
    terms = {s for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(V.HRD)}
    required = {
        V.hrd(x)
        for x in (
            "Award",
            "AwardConferral",
            "Jury",
            "award",
            "laureate",
            "year",
            "presentedBy",
            "selectedBy",
            "conferredBy",
            "rationale",
        )
    }
    assert required <= {str(t) for t in terms}
    for t in terms:
        labels = [o for o in g.objects(t, rdflib.RDFS.label) if o.language == "en"]
        comments = [o for o in g.objects(t, rdflib.RDFS.comment) if o.language == "en"]
        assert labels and comments, t
