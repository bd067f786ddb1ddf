"""Per-entity documents: one Turtle, JSON-LD and schema.org file per public record, each the
entity's concise bounded description, the JSON-LD the same graph as the Turtle."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyld import jsonld
from rdflib import Graph
from rdflib.compare import isomorphic

from hrd_lod import vocab as V
from hrd_lod.export.entities import entity_path
from hrd_lod.pipeline import Built
from hrd_lod.records.schema import TYPES

from .conftest import REPO


def _graph_ttl(path: Path) -> Graph:
    return Graph().parse(path, format="turtle")


def _union(built: Built) -> set[tuple[str, str, str]]:
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in ox.parse(path=str(built.dist / "hrd.nt"), format=ox.RdfFormat.N_TRIPLES)
    }


def _triples(path: Path) -> set[tuple[str, str, str]]:
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
    }


def test_every_public_entity_has_its_files(built: Built) -> None:
    records = list(built.checked.public)
    assert len(records) > 40
    for rec in records:
        stem = built.dist / entity_path(rec)
        for suffix in (".ttl", ".jsonld", ".schema.jsonld", ".html"):
            assert stem.with_name(stem.name + suffix).is_file(), (rec.id, suffix)
    written = {p.name.split(".")[0] for p in (built.dist / "id").rglob("*.ttl")}
    assert written == {r.id for r in records}


def test_description_holds_own_triples_and_is_a_subgraph(built: Built) -> None:
    union = _union(built)
    for rec in built.checked.public:
        iri = f"<{V.entity_iri(built.checked.meta.base_iri, TYPES[rec.type].kind, rec.id)}>"
        doc = _triples(built.dist / (entity_path(rec) + ".ttl"))
        own = {t for t in union if t[0] == iri}
        assert own and own <= doc, rec.id
        assert doc <= union, f"{rec.id}: a triple not in the dataset"


def test_laureate_description_has_conferrals_quotations_and_labels(built: Built) -> None:
    base = built.checked.meta.base_iri
    jmg = _triples(built.dist / "id/organization/joint-mobile-group.ttl")
    union = _union(built)
    for conferral in ("jmg-front-line-defenders-award-2011", "jmg-martin-ennals-award-2013"):
        c = f"<{V.entity_iri(base, 'conferral', conferral)}>"
        assert {t for t in union if t[0] == c} <= jmg
    q = f"<{V.entity_iri(base, 'quotation', 'mary-robinson-2011-jmg')}>"
    assert {t for t in union if t[0] == q} <= jmg
    # The name of everything it links to, e.g. the founder and the award of a conferral.
    name = f"<{V.schema('name')}>"
    for kind, slug in (
        ("person", "igor-kalyapin"),
        ("award", "martin-ennals-award"),
        ("place", "chechnya"),
        ("source", "hrf-mea-2013"),
    ):
        node = f"<{V.entity_iri(base, kind, slug)}>"
        assert any(t[0] == node and t[1] == name for t in jmg), slug
    # ... but not the whole description of a linked organisation that is not a conferral.
    founder = f"<{V.entity_iri(base, 'person', 'igor-kalyapin')}>"
    assert {t for t in jmg if t[0] == founder} == {
        t for t in union if t[0] == founder and t[1] == name
    }


def test_person_description_has_quotations_by_them(built: Built) -> None:
    base = built.checked.meta.base_iri
    doc = _triples(built.dist / "id/person/mary-robinson.ttl")
    q = f"<{V.entity_iri(base, 'quotation', 'mary-robinson-2011-jmg')}>"
    assert any(t[0] == q and t[1] == f"<{V.schema('text')}>" for t in doc)


@pytest.mark.parametrize("which", ["built", "hostile"])
def test_jsonld_is_the_same_graph_as_turtle(which: str, request: pytest.FixtureRequest) -> None:
    b: Built = request.getfixturevalue(which)
    for path in sorted((b.dist / "id").rglob("*.ttl")):
        doc = json.loads(path.with_suffix(".jsonld").read_text(encoding="utf-8"))
        assert isinstance(doc["@context"], dict)  # self-contained: no context to fetch
        nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
        g = Graph().parse(data=nq, format="nt")
        assert isomorphic(g, _graph_ttl(path)), path.name


def test_hostile_text_round_trips_in_entity_files(hostile: Built) -> None:
    from .conftest import HOSTILE

    g = _graph_ttl(hostile.dist / "id/organization/hostile-org.ttl")
    assert HOSTILE in {str(o) for o in g.objects()}
    doc = json.loads((hostile.dist / "id/organization/hostile-org.jsonld").read_text("utf-8"))
    values: list[str] = []

    def walk(x: object) -> None:
        if isinstance(x, dict):
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
        elif isinstance(x, str):
            values.append(x)

    walk(doc)
    assert HOSTILE in values


def test_entity_files_are_deterministic_across_hash_seeds(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "data", tmp_path / "data")
    digests = []
    for seed in ("0", "12345"):
        dist = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "hrd_lod",
                "build",
                "-q",
                "-p",
                str(tmp_path),
                "--dist",
                str(dist),
            ],
            check=True,
            env=env,
            capture_output=True,
            timeout=120,
        )
        digests.append(
            {
                p.relative_to(dist).as_posix(): p.read_bytes()
                for p in sorted(dist.rglob("*"))
                if p.is_file()
            }
        )
    assert digests[0].keys() == digests[1].keys()
    differing = [k for k in digests[0] if digests[0][k] != digests[1][k]]
    assert differing == []
    assert any(k.startswith("id/") for k in digests[0])
    assert "index.html" in digests[0] and "void.ttl" in digests[0]
