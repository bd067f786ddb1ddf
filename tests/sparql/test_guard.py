"""The read-only guard: query forms, updates and SERVICE found by tokenising, not substrings."""

from __future__ import annotations

import pytest

from hrd_lod.sparql.errors import QueryRefused, QueryTooLong
from hrd_lod.sparql.guard import Limits, check_read_only, keywords, query_form


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <http://e/> BASE <http://b/>\n# comment SELECT\nask { ?s ex:p ?o }", "ASK"),
        ("PREFIX : <http://e/> CONSTRUCT WHERE { ?s :p ?o }", "CONSTRUCT"),
        ("describe <http://e/x>", "DESCRIBE"),
        ("PREFIX ex: <http://e/>\nINSERT DATA { ex:a ex:b ex:c }", "INSERT"),
        ("", None),
    ],
)
def test_query_form(text: str, form: str | None) -> None:
    assert query_form(text) == form


@pytest.mark.parametrize(
    "text",
    [
        "INSERT DATA { <http://a> <http://b> <http://c> }",
        "PREFIX ex: <http://e/> DELETE WHERE { ?s ex:p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "drop graph <http://e/g>",
        "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "\\u0049NSERT DATA { <http://a> <http://b> <http://c> }",
    ],
)
def test_updates_are_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="read-only"):
        check_read_only(text)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
        "select * { service silent <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?x ?y ?z . SeRvIcE ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE {SERVICE<http://x/>{?s ?p ?o}}",
        "SELECT * WHERE { \\u0053ERVICE <http://x/> { ?s ?p ?o } }",
        'SELECT * WHERE { ?s ?p "a" . SERVICE <http://x/> { ?s ?p ?o } } # SERVICE',
    ],
)
def test_service_is_refused(text: str) -> None:
    with pytest.raises(QueryRefused, match="SERVICE is not allowed"):
        check_read_only(text)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://x/> { }" }',
        "SELECT * WHERE { ?s ?p '''multi\nline SERVICE''' }",
        "SELECT * WHERE { ?s <http://e/SERVICE> ?o }",
        "PREFIX service: <http://e/> SELECT * WHERE { ?s service:SERVICE ?service }",
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://x/> in a comment",
        'SELECT * WHERE { ?s ?p "say \\"SERVICE\\"" }',
        "SELECT ?SERVICE WHERE { ?s ?p ?SERVICE FILTER(?s < 3 && ?o > 2) }",
    ],
)
def test_service_in_strings_iris_names_comments_is_fine(text: str) -> None:
    assert check_read_only(text) == "SELECT"
    assert "SERVICE" not in keywords(text)


def test_less_than_is_not_an_iri() -> None:
    # "<" as an operator must not swallow the SERVICE keyword that follows as an IRI would
    text = "SELECT * WHERE { ?a ?b ?c FILTER(?c < 3) SERVICE <http://x/> { ?s ?p ?o } }"
    with pytest.raises(QueryRefused):
        check_read_only(text)


def test_limits_check_length_and_empty() -> None:
    limits = Limits(query_chars=30)
    assert limits.check_query("ASK { ?s ?p ?o }") == "ASK"
    with pytest.raises(QueryTooLong, match="31 characters long; the limit is 30"):
        limits.check_query("ASK { ?s ?p ?o }" + " " * 15)
    with pytest.raises(QueryRefused, match="empty"):
        limits.check_query("  \n")


def test_deep_nesting_is_refused_before_the_engine_sees_it() -> None:
    limits = Limits()
    deep = "SELECT * WHERE " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000
    with pytest.raises(QueryRefused, match="3000 levels deep; the limit is 128"):
        limits.check_query(deep)
    expr = "SELECT ?x WHERE { BIND(" + "(" * 500 + "1" + ")" * 500 + " AS ?x) }"
    with pytest.raises(QueryRefused, match="levels deep"):
        limits.check_query(expr)


def test_nesting_at_the_limit_runs_and_brackets_in_strings_do_not_count() -> None:
    import pyoxigraph as ox

    limits = Limits()
    ok = "SELECT * WHERE " + "{ " * 127 + "?s ?p ?o" + " }" * 127
    assert limits.check_query(ok) == "SELECT"
    assert list(ox.Store().query(ok)) == []  # the engine parses what the guard lets through
    quoted = 'SELECT * WHERE { ?s ?p "' + "{" * 5000 + '" } # ' + "(" * 5000
    assert limits.check_query(quoted) == "SELECT"
