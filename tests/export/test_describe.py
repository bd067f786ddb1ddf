"""The VoID figures: counted from the union's lines, and updated for a change (the patch path)
to exactly what counting again gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_lod import vocab as V
from hrd_lod.export.describe import StatisticsStale, SubjectDelta, VoidStatistics
from hrd_lod.store import subject_of

BASE = "https://example.org/"
TYPE = f"<{V.RDF_TYPE}>"
SUBJECTS = [
    f"<{BASE}id/person/a>",
    f"<{BASE}id/person/b>",
    f"<{BASE}id/place/c>",
    f"<{BASE}id/place/c#note>",
    f"<{BASE}dataset>",
    "_:b0",
]
PREDICATES = [TYPE, "<http://schema.org/name>", "<http://schema.org/knows>"]
OBJECTS = [
    "<http://schema.org/Person>",
    "<http://schema.org/Place>",
    f"<{BASE}id/person/a>",
    '"A"',
    '"B"@en',
]

triple = st.tuples(st.sampled_from(SUBJECTS), st.sampled_from(PREDICATES), st.sampled_from(OBJECTS))
lines = st.frozensets(triple.map(lambda t: f"{t[0]} {t[1]} {t[2]} .".encode()), max_size=25)


def _by_subject(found: frozenset[bytes]) -> dict[bytes, frozenset[bytes]]:
    out: dict[bytes, set[bytes]] = {}
    for line in found:
        out.setdefault(subject_of(line), set()).add(line)
    return {k: frozenset(v) for k, v in out.items()}


def test_figures_of_a_small_union() -> None:
    union = sorted(
        [
            f"<{BASE}id/person/a> {TYPE} <http://schema.org/Person> .".encode(),
            f'<{BASE}id/person/a> <http://schema.org/name> "A" .'.encode(),
            f"<{BASE}id/person/b> {TYPE} <http://schema.org/Person> .".encode(),
            f"<{BASE}id/place/c#note> {TYPE} <http://schema.org/Place> .".encode(),
        ]
    )
    stats = VoidStatistics.of_lines(union, BASE)
    assert (stats.triples, stats.subjects, stats.entities, stats.objects) == (4, 3, 2, 3)
    assert stats.classes == {"http://schema.org/Person": 2, "http://schema.org/Place": 1}
    assert stats.examples == {"http://schema.org/Person": f"{BASE}id/person/a"}
    assert stats.uri_space == f"{BASE}id/"


@settings(max_examples=300, deadline=None)
@given(before=lines, after=lines)
def test_apply_gives_what_counting_again_gives(
    before: frozenset[bytes], after: frozenset[bytes]
) -> None:
    old, new = _by_subject(before), _by_subject(after)
    delta = [
        SubjectDelta(key, old.get(key, frozenset()), new.get(key, frozenset()))
        for key in sorted(set(old) | set(new))
    ]
    counted = VoidStatistics.of_lines(sorted(after), BASE)
    try:
        updated = VoidStatistics.of_lines(sorted(before), BASE).apply(delta)
    except StatisticsStale:
        return  # the patch path then builds everything
    assert updated == counted
