"""Property-based tests: random valid records always build into exports that parse back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import rdflib
from hypothesis import HealthCheck, given, settings
from rdflib.compare import isomorphic

from hrd_lod.pipeline import build, check
from hrd_lod.store import to_rdflib, union_lines
from tests.strategies import project_of as _project
from tests.strategies import records


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records())
def test_random_records_round_trip(recs: list[dict[str, object]]) -> None:
    from pyld import jsonld

    root = _project(recs)
    try:
        built = build(root)
        expected = to_rdflib(union_lines(check(root).store))
        dist = built.dist
        for name, fmt in (("test.ttl", "turtle"), ("test.nt", "nt"), ("test.jsonld", "json-ld")):
            assert isomorphic(rdflib.Graph().parse(dist / name, format=fmt), expected), name
        nq = jsonld.to_rdf(
            json.loads((dist / "test.jsonld").read_text()), {"format": "application/n-quads"}
        )
        assert isomorphic(rdflib.Graph().parse(data=nq, format="nt"), expected)
        _no_break_out(dist, recs)
        first = {p.relative_to(dist): p.read_bytes() for p in dist.rglob("*") if p.is_file()}
        build(root)
        again = {p.relative_to(dist): p.read_bytes() for p in dist.rglob("*") if p.is_file()}
        assert first == again
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


def _no_break_out(dist: Path, recs: list[dict[str, object]]) -> None:
    """Every page parses; its only script is the ld+json block, whose JSON holds the text."""
    import html5lib

    for rec in recs:
        kind = "organization" if rec["type"] == "Organization" else "person"
        page = dist / "id" / kind / f"{rec['id']}.html"
        doc = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False).parse(
            page.read_bytes()
        )
        scripts = doc.findall(".//script")
        assert [s.get("type") for s in scripts] == ["application/ld+json"], page
        block = json.loads(scripts[0].text or "")
        names = rec["name"]
        assert isinstance(names, dict)
        assert set(names.values()) & set(_strings(block)), (page, names)
        for bad in ("iframe", "img", "object", "embed"):
            assert doc.find(f".//{bad}") is None, (page, bad)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []
