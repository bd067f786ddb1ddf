"""Property-based tests: random valid records always build into exports that parse back."""

from __future__ import annotations

import json
import shutil
import tempfile
import unicodedata
from pathlib import Path

import rdflib
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from hrd_lod.pipeline import build, check
from hrd_lod.store import to_rdflib, union_lines
from tests.conftest import FIXTURES

_BAD = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

texts = st.text(
    alphabet=st.characters(blacklist_categories=tuple(_BAD)).filter(lambda c: c not in _BIDI),
    min_size=1,
    max_size=60,
).map(lambda s: unicodedata.normalize("NFC", s).strip()).filter(bool) | st.sampled_from(
    [
        "</script><script>alert(1)</script>",
        "<!-- x",
        '"""; <x> a <y> .',
        '{"@context": 1}',
        "line\nbreak",
        "tab\there",
        "\\u0000 not a NUL",
        "مجموعة العمل",
        "Гео́ргий",
    ]
)
slugs = st.from_regex(r"[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,6}){0,2}", fullmatch=True)
langs = st.sampled_from(["en", "fr", "ru", "ar", "de-CH"])


@st.composite
def records(draw: st.DrawFn) -> list[dict[str, object]]:
    ids = draw(st.lists(slugs, min_size=1, max_size=6, unique=True))
    ids = [i for i in ids if i not in ("doc", "example-publisher")] or ["only-one"]
    out: list[dict[str, object]] = []
    for i, rid in enumerate(ids):
        names = draw(st.dictionaries(langs, texts, min_size=1, max_size=2))
        rec: dict[str, object] = {"id": rid, "name": names, "sources": ["doc"]}
        if i % 2 == 0:
            rec["type"] = "Organization"
            if draw(st.booleans()):
                rec["description"] = draw(texts)
            if draw(st.booleans()):
                rec["knows_about"] = draw(st.lists(texts, min_size=1, max_size=3))
        else:
            rec["type"] = "Person"
            if draw(st.booleans()):
                rec["job_title"] = [draw(texts)]
        out.append(rec)
    return out


def _project(recs: list[dict[str, object]]) -> Path:
    root = Path(tempfile.mkdtemp()) / "p"
    shutil.copytree(FIXTURES / "valid", root)
    (root / "data" / "random.yaml").write_text(
        yaml.safe_dump(recs, allow_unicode=True), encoding="utf-8"
    )
    return root


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
