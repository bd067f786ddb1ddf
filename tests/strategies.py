"""Hypothesis strategies and helpers shared by the property tests (records with hostile and
multilingual text, and a project made of them)."""

from __future__ import annotations

import shutil
import tempfile
import unicodedata
from pathlib import Path

import yaml
from hypothesis import strategies as st

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
    """Draw Organization and Person records with hostile and multilingual text."""
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


def project_of(recs: list[dict[str, object]]) -> Path:
    """Return a copy of the valid fixture project with ``recs`` added as data/random.yaml."""
    root = Path(tempfile.mkdtemp()) / "p"
    shutil.copytree(FIXTURES / "valid", root)
    (root / "data" / "random.yaml").write_text(
        yaml.safe_dump(recs, allow_unicode=True), encoding="utf-8"
    )
    return root
