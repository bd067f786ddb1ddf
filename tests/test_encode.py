"""The encoder's N-Triples lines are what oxigraph writes for the same triples, byte for byte.

The exports use the encoder's sorted lines instead of dumping the store again, so the two must
never differ: escapes, language tags, IRIs.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrd_lod.encode import encode_dataset, literal
from hrd_lod.pipeline import prepare
from hrd_lod.store import graphs_of
from tests.conftest import FIXTURES
from tests.strategies import project_of as _project
from tests.strategies import records

REPO = Path(__file__).resolve().parents[1]


def _oxigraph_line(text: str, lang: str | None) -> bytes:
    lit = ox.Literal(text, language=lang) if lang else ox.Literal(text)
    triple = ox.Triple(
        ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), lit
    )
    return ox.serialize([triple], format=ox.RdfFormat.N_TRIPLES).rstrip(b"\n")


def _our_line(text: str, lang: str | None) -> bytes:
    o = literal(text, "@" + lang.lower() if lang else "")
    return f"<http://example.org/s> <http://example.org/p> {o} .".encode()


def test_every_control_character_is_escaped_as_oxigraph_does() -> None:
    text = "".join(chr(c) for c in (*range(0x20), 0x7F)) + 'quote " backslash \\ é 🙂'
    assert _our_line(text, None) == _oxigraph_line(text, None)


def test_language_tags_are_lower_case_as_oxigraph_writes_them() -> None:
    assert _our_line("Grüezi", "de-CH") == _oxigraph_line("Grüezi", "de-CH")
    assert b"@de-ch ." in _our_line("Grüezi", "de-CH")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from([None, "en", "de-CH", "zh-Hant-TW"]))
def test_any_text_gives_oxigraph_s_line(text: str, lang: str | None) -> None:
    assert _our_line(text, lang) == _oxigraph_line(text, lang)


def _assert_lines_are_the_store_s(project: Path) -> None:
    prepared = prepare(project, use_cache=False)
    encoded = encode_dataset(prepared.public, prepared.meta)
    assert encoded.graphs == graphs_of(encoded.store)
    assert sum(len(lines) for lines in encoded.graphs.values()) == len(encoded.store)
    # the store loaded in many small hand-overs (lines of a graph split across them) holds
    # the same quads, and the lines do not change
    piecemeal = encode_dataset(prepared.public, prepared.meta, chunk=7)
    assert piecemeal.graphs == encoded.graphs and piecemeal.dups == encoded.dups
    assert graphs_of(piecemeal.store) == encoded.graphs


def test_lines_of_the_repository_dataset_are_the_store_s() -> None:
    _assert_lines_are_the_store_s(REPO)


def test_lines_of_the_fixture_project_are_the_store_s() -> None:
    _assert_lines_are_the_store_s(FIXTURES / "valid")


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(records())
def test_lines_of_random_records_are_the_store_s(recs: list[dict[str, object]]) -> None:
    import shutil

    root = _project(recs)
    try:
        _assert_lines_are_the_store_s(root)
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)
