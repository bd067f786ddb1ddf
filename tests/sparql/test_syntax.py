"""Plain words for the common SPARQL syntax errors, with the parser's detail kept after them."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_lod.sparql.errors import QuerySyntaxError
from hrd_lod.sparql.local import run_query
from hrd_lod.sparql.syntax import explain, offset_of


def error_of(text: str) -> QuerySyntaxError:
    with pytest.raises(QuerySyntaxError) as exc:
        run_query(ox.Store(), text)
    return exc.value


CASES = [
    (
        "SELECT * WHERE { ?s ?p }",
        "1:25: the triple pattern '?s ?p' has no object: a pattern is a subject, a predicate "
        "and an object, e.g. '?s ?p ?value'",
    ),
    (
        "SELECT * WHERE { OPTIONAL { ?s ?p } }",
        "1:37: the triple pattern '?s ?p' has no object: a pattern is a subject, a predicate "
        "and an object, e.g. '?s ?p ?value'",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o . ?x }",
        "1:33: the triple pattern '?x' has only a subject: add a predicate and an object, "
        "e.g. '?x ?property ?value'",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o ; ?q }",
        "1:33: after ';' come another predicate and its object for the same subject: "
        "'?q' has no object",
    ),
    (
        'SELECT * WHERE { ?s <http://schema.org/name> "x" ?s ?p ?o }',
        "1:58: a triple pattern ends after its object: add ' .' after "
        "'?s <http://schema.org/name> \"x\"' (before '?s')",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o ",
        "1:27: the query ends before the '{' on line 1 is closed: add '}' at the end",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } }",
        "1:30: there is one '}' too many on line 1: every '}' closes a '{' opened before it",
    ),
    (
        "SELECT * WHERE {\n  ?s ?p ?o FILTER(?o > 3\n}",
        "3:2: the '(' on line 2 is not closed: add ')' before the '}' on line 3",
    ),
    (
        "SELECT * WHERE { ?s a schema:Person }",
        "1:36: the prefix 'schema:' is not declared: add the line "
        "'PREFIX schema: <http://schema.org/>' at the top",
    ),
    (
        "SELECT * WHERE { ?s a foo:Person }",
        "1:33: the prefix 'foo:' is not declared: add the line "
        "'PREFIX foo: <namespace IRI>' at the top",
    ),
    (
        "PREFIX schema <http://schema.org/> SELECT * WHERE { ?s ?p ?o }",
        "1:14: a PREFIX line needs a colon after the name: 'PREFIX schema: <...>'",
    ),
    (
        'SELECT * WHERE { ?s ?p "abc }',
        '1:30: the text in quotes that starts on line 1 is not closed: end it with " on the '
        "same line (or use triple quotes for several lines)",
    ),
    (
        "SELEC * WHERE { ?s ?p ?o }",
        "1:10: a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX "
        "lines), not 'SELEC'",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } ORDER ?s",
        "1:37: write ORDER BY, then what to sort by: ORDER BY ?variable",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } ORDER BY",
        "1:37: ORDER BY needs what to sort by, e.g. ORDER BY ?variable",
    ),
    (
        "SELECT * WHERE { ?s ?p ?o } LIMIT",
        "1:34: LIMIT needs a whole number after it, e.g. LIMIT 10",
    ),
]


@pytest.mark.parametrize(("query", "said"), CASES)
def test_common_mistakes_in_plain_words(query: str, said: str) -> None:
    err = error_of(query)
    first, parser = err.message.splitlines()[:2]
    assert first == f"SPARQL syntax error at query:{said}"
    assert parser.startswith("  (the parser: ") and parser.endswith(")")
    # the excerpt still points at the place
    assert err.message.splitlines()[-1].strip().startswith("| ")


def test_the_parser_detail_is_kept_after_the_plain_line() -> None:
    lines = error_of("SELECT * WHERE { ?s ?p }").message.splitlines()
    assert lines[1].startswith("  (the parser: expected ") and "LATERAL" in lines[1]
    assert lines[2:] == ["    1 | SELECT * WHERE { ?s ?p }", "      |                         ^"]


def test_an_unknown_mistake_keeps_the_parser_words_alone() -> None:
    err = error_of("SELECT (COUNT(?s) ?n) WHERE { ?s ?p ?o }")
    assert err.message.splitlines()[0] == "SPARQL syntax error at query:1:23: expected DISTINCT"
    assert "(the parser:" not in err.message


def test_valid_neighbours_are_not_explained() -> None:
    # explain() is only asked about real errors, but must not invent one from valid text
    text = 'PREFIX s: <http://schema.org/>\nSELECT ?n WHERE { ?x s:name "a;b.c}" ; a s:Person }'
    assert explain(text, 2, len(text.split("\n")[1]) + 1, "expected one of [_]") is None


def test_offsets_count_characters_per_line() -> None:
    text = "ab\ncdé\nf"
    assert text[offset_of(text, 2, 3)] == "é"
    assert text[offset_of(text, 3, 1)] == "f"


_PIECES = [
    "SELECT",
    "*",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ".",
    ";",
    ",",
    "?s",
    "?p",
    "?o",
    "a",
    "schema:name",
    "foo:",
    "<http://x.org/>",
    '"t"',
    '"',
    "'",
    "3.5",
    "FILTER",
    "OPTIONAL",
    "ORDER",
    "GROUP",
    "BY",
    "LIMIT",
    "PREFIX",
    "schema:",
    "#c\n",
    "\n",
    "é",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_explaining_never_breaks_the_error(pieces: list[str]) -> None:
    """Whatever the text, a syntax error stays a QuerySyntaxError (never an internal error)."""
    text = " ".join(pieces)
    try:
        run_query(ox.Store(), text)
    except QuerySyntaxError as exc:
        assert exc.message.startswith("SPARQL syntax error")
    except Exception as exc:  # evaluation errors of valid queries are not ours to explain
        assert not isinstance(exc, (IndexError, KeyError, TypeError, AttributeError)), exc
