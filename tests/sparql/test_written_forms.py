"""hrd_lod.sparql.written: which store forms stand for which written forms, the look for them in
an answer, and the answers rewritten in every format (against pyoxigraph's own readers)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from hrd_lod.errors import LoadError
from hrd_lod.sparql.local import open_written
from hrd_lod.sparql.written import Written, load, own_variables, write_solutions, written_forms

XSD = "http://www.w3.org/2001/XMLSchema#"
E = "http://e.example/"


def lit(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def line(s: str, p: str, o: str) -> bytes:
    return f"<{E}{s}> <{E}{p}> {o} .".encode()


def store_of(lines: list[bytes]) -> ox.Store:
    store = ox.Store()
    store.load(b"\n".join(lines) + b"\n", format=ox.RdfFormat.N_TRIPLES)
    return store


def test_one_written_form_per_store_form_is_kept() -> None:
    w = written_forms(
        [
            line("a", "n", lit("01", "int")),
            line("a", "b", lit("1", "boolean")),
            line("a", "d", lit("1.0", "decimal")),
            line("a", "s", lit("5", "nonNegativeInteger")),
            line("a", "y", lit("2014", "gYear")),  # kept as written by the store
        ]
    )
    assert w.terms == {
        lit("1", "integer"): lit("01", "int"),
        lit("true", "boolean"): lit("1", "boolean"),
        lit("1", "decimal"): lit("1.0", "decimal"),
        lit("5", "integer"): lit("5", "nonNegativeInteger"),
    }
    assert not w.ambiguous
    assert w.triples[(f"<{E}a>", f"<{E}n>", lit("1", "integer"))] == lit("01", "int")
    assert not written_forms([line("a", "y", lit("2014", "gYear"))])


def test_two_forms_for_one_store_form_are_ambiguous_but_each_triple_knows() -> None:
    w = written_forms(
        [
            line("a", "n", lit("01", "int")),
            line("a", "m", lit("1", "byte")),
            line("b", "n", lit("007", "int")),
            line("b", "m", lit("7", "integer")),  # the store form itself, written so
            line("c", "n", lit("09", "int")),
            line("c", "n", lit("9", "int")),  # one triple in the store: merged
            f"_:x <{E}n> {lit('03', 'int')} .".encode(),
            f"_:y <{E}n> {lit('3', 'short')} .".encode(),
        ]
    )
    one, seven, nine, three = (lit(v, "integer") for v in "1793")
    assert w.ambiguous == {
        one: (lit("01", "int"), lit("1", "byte")),
        seven: (lit("007", "int"), seven),
        nine: (lit("09", "int"), lit("9", "int")),
        three: (lit("03", "int"), lit("3", "short")),
    }
    assert w.terms == {}
    assert w.triples == {
        (f"<{E}a>", f"<{E}n>", one): lit("01", "int"),
        (f"<{E}a>", f"<{E}m>", one): lit("1", "byte"),
        (f"<{E}b>", f"<{E}n>", seven): lit("007", "int"),
    }  # the merged triple and blank nodes (renamed in answers) are not there
    # a SELECT keeps the store's form; a triple gets its own
    assert w.term(ox.Literal("1", datatype=ox.NamedNode(XSD + "integer"))) == ox.Literal(
        "1", datatype=ox.NamedNode(XSD + "integer")
    )
    t = ox.Triple(
        ox.NamedNode(E + "a"),
        ox.NamedNode(E + "m"),
        ox.Literal("1", datatype=ox.NamedNode(XSD + "integer")),
    )
    assert str(w.triple(t).object) == lit("1", "byte")
    other = ox.Triple(ox.NamedNode(E + "z"), ox.NamedNode(E + "m"), t.object)
    assert w.triple(other) is other


def test_the_look_for_store_forms() -> None:
    few = Written({lit("1000.5", "decimal"): lit("1000.50", "decimal")})
    assert few.may_hold(b'{"value":"1000.5"}') and not few.may_hold(b'{"value":"1000.6"}')
    assert not Written().may_hold(b"anything 1000.5")
    many = Written({lit(str(n), "integer"): lit(f"0{n}", "int") for n in range(1000, 1040)})
    assert many.may_hold(b"<http://x/s> <http://x/p> 1017 .\n")  # Turtle's bare integer
    assert many.may_hold(b'"1017"^^<http://www.w3.org/2001/XMLSchema#integer>')
    assert many.may_hold(b"a,1017\r\n")
    assert not many.may_hold(b"<http://x/s-1017a> <http://x/p> 99 .\n")
    # formats that write every datatype IRI in full: without the IRI, nothing to look for
    assert not few.may_hold(b'{"value":"1000.5","datatype":"http://x/other"}', typed=True)
    assert few.may_hold(f'{{"value":"1000.5","datatype":"{XSD}decimal"}}'.encode(), typed=True)
    assert not few.may_hold(f'{{"value":"7","datatype":"{XSD}decimal"}}'.encode(), typed=True)
    assert many.may_hold(f'"1017"^^<{XSD}integer>'.encode(), typed=True)
    assert not many.may_hold(b'"1017"^^<http://x/other>', typed=True)
    odd = Written({'"a b"^^<http://x/dt>': '"a  b"^^<http://x/dt>'})
    assert odd.may_hold(b"nothing alike")  # a form the look cannot find: always read back


WRITTEN_LINES = [
    line("a", "n", lit("01", "int")),
    line("a", "b", lit("1", "boolean")),
    line("a", "d", lit("1000.50", "decimal")),
    line("a", "name", '"plain, with \\"quotes\\"\\tand a tab"'),
    line("a", "label", '"Genève"@fr'),
    line("a", "link", f"<{E}b>"),
]


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_select_answers_are_rewritten_in_every_format(fmt: str) -> None:
    store = store_of(WRITTEN_LINES)
    w = written_forms(WRITTEN_LINES)
    query = "SELECT ?p ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:none> ?none } } ORDER BY ?p"
    qrf = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML}.get(
        fmt, ox.QueryResultsFormat.TSV if fmt == "tsv" else ox.QueryResultsFormat.CSV
    )
    body = store.query(query).serialize(format=qrf)  # type: ignore[union-attr]
    assert body is not None and w.may_hold(body)
    again = lambda: store.query(query)  # noqa: E731
    out = w.solutions(body, fmt, again)  # type: ignore[arg-type]
    as_written = {
        f"<{E}n>": lit("01", "int"),
        f"<{E}b>": lit("1", "boolean"),
        f"<{E}d>": lit("1000.50", "decimal"),
    }
    if fmt == "csv":
        rows = dict(r.split(",", 1) for r in out.decode().split("\r\n")[1:] if r)
        assert rows[f"{E}n"] == "01," and rows[f"{E}b"] == "1," and rows[f"{E}d"] == "1000.50,"
        assert rows[f"{E}name"] == '"plain, with ""quotes""\tand a tab",'
        return
    got = ox.parse_query_results(out, format=qrf)
    assert isinstance(got, ox.QuerySolutions)
    rows = {str(s["p"]): (str(s["o"]), s["none"]) for s in got}
    expected = {str(q.predicate): str(q.object) for q in store}
    expected.update(as_written)
    assert {p: o for p, (o, _) in rows.items()} == expected
    assert all(none is None for _, none in rows.values())


@pytest.mark.parametrize(
    "fmt", [ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML]
)
def test_graph_answers_are_rewritten_in_every_format(fmt: ox.RdfFormat) -> None:
    store = store_of(WRITTEN_LINES)
    w = written_forms(WRITTEN_LINES)
    body = store.query("CONSTRUCT WHERE { ?s ?p ?o }").serialize(format=fmt)  # type: ignore[union-attr]
    assert body is not None
    out = w.graph(body, fmt, {"xsd": XSD})
    got = {f"{q.subject} {q.predicate} {q.object} ." for q in ox.parse(out, format=fmt)}
    assert got == {x.decode() for x in WRITTEN_LINES}


def test_answers_holding_nothing_to_change_are_kept_byte_for_byte() -> None:
    store = store_of(WRITTEN_LINES)
    w = written_forms(WRITTEN_LINES)
    query = f"SELECT ?o WHERE {{ ?s <{E}label> ?o }}"
    for fmt, qrf in (("json", ox.QueryResultsFormat.JSON), ("tsv", ox.QueryResultsFormat.TSV)):
        body = store.query(query).serialize(format=qrf)  # type: ignore[union-attr]
        assert body is not None
        assert w.solutions(body, fmt) is body
    nt = store.query(f"CONSTRUCT WHERE {{ ?s <{E}label> ?o }}").serialize(  # type: ignore[union-attr]
        format=ox.RdfFormat.N_TRIPLES
    )
    assert nt is not None and w.graph(nt, ox.RdfFormat.N_TRIPLES) is nt


def test_our_writers_match_the_engines_for_every_kind_of_term() -> None:
    """The writers used for rewritten answers give what pyoxigraph's readers read as the same
    terms the engine's own answer holds (and CSV the very same bytes)."""
    store = store_of([*WRITTEN_LINES, f"_:blank <{E}p> <{E}q> .".encode()])
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    rows: list[list[object]] = [[s[0], s[1], s[2]] for s in solutions]
    for fmt, qrf in (
        ("json", ox.QueryResultsFormat.JSON),
        ("xml", ox.QueryResultsFormat.XML),
        ("tsv", ox.QueryResultsFormat.TSV),
    ):
        ours = ox.parse_query_results(write_solutions(["s", "p", "o"], rows, fmt), format=qrf)
        assert isinstance(ours, ox.QuerySolutions)
        assert [[str(t) for t in (s[0], s[1], s[2])] for s in ours] == [
            [str(t) for t in r] for r in rows
        ], fmt
    engine_csv = store.query(query).serialize(format=ox.QueryResultsFormat.CSV)  # type: ignore[union-attr]
    assert write_solutions(["s", "p", "o"], rows, "csv") == engine_csv
    with pytest.raises(ValueError, match="no SPARQL results format"):
        write_solutions(["s"], [], "html")


def test_kept_beside_the_store_and_read_back(tmp_path: Path) -> None:
    w = written_forms(
        [
            line("a", "n", lit("01", "int")),
            line("a", "m", lit("1", "byte")),
            line("b", "n", lit("2", "byte")),
        ]
    )
    w.save(tmp_path)
    back = load(tmp_path)
    assert back is not None
    assert (back.terms, back.triples, back.ambiguous) == (w.terms, w.triples, w.ambiguous)
    (tmp_path / "written.json").write_text('{"version": 0}')
    assert load(tmp_path) is None
    (tmp_path / "written.json").unlink()
    assert load(tmp_path) is None
    with pytest.raises(LoadError, match="no record of its literals as written"):
        open_written(tmp_path)


@pytest.mark.parametrize(
    ("query", "own"),
    [
        ("SELECT ?o WHERE { ?s ?p ?o }", set()),
        ("SELECT (COUNT(*) AS ?n) (SAMPLE(?o) as ?any) WHERE { ?s ?p ?o }", {"n", "any"}),
        ("SELECT * WHERE { ?s ?p ?o BIND(?o + 0 AS ?sum) }", {"sum"}),
        ("SELECT * WHERE { VALUES ?s { <http://x/a> ex:b } ?s ?p ?o }", set()),
        ('SELECT * WHERE { VALUES (?s ?v) { (<http://x/a> "01") (UNDEF 2) } }', {"s", "v"}),
        ("SELECT * WHERE { VALUES ?v { true } }", {"v"}),
        ("SELECT ?o WHERE { ?s ?p ?o } # AS ?not a comment: ?o stays", set()),
        ('SELECT ?o WHERE { ?s ?p "AS ?v" }', set()),
    ],
)
def test_the_variables_a_query_binds_itself(query: str, own: set[str]) -> None:
    assert own_variables(query) == own


def test_values_the_query_computes_keep_the_engines_form() -> None:
    """A COUNT of 1, or 0 + a stored "01"^^xsd:int, is not a literal of the dataset: it is
    never given a form the dataset wrote for an equal value."""
    lines = [line("a", "n", lit("01", "int"))]
    store = store_of(lines)
    w = written_forms(lines)
    query = "SELECT ?o (COUNT(*) AS ?n) (SUM(?o) AS ?sum) WHERE { ?s ?p ?o } GROUP BY ?o"
    body = store.query(query).serialize(format=ox.QueryResultsFormat.JSON)  # type: ignore[union-attr]
    assert body is not None
    got = ox.parse_query_results(
        w.solutions(body, "json", None, query), format=ox.QueryResultsFormat.JSON
    )
    assert isinstance(got, ox.QuerySolutions)
    row = next(iter(got))
    assert (str(row["o"]), str(row["n"]), str(row["sum"])) == (
        lit("01", "int"),
        lit("1", "integer"),
        lit("1", "integer"),
    )
    construct = (
        "CONSTRUCT { ?s <urn:n> ?n . ?s ?p ?o } WHERE { "
        "{ SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?x } GROUP BY ?s } ?s ?p ?o }"
    )
    nt = store.query(construct).serialize(format=ox.RdfFormat.N_TRIPLES)  # type: ignore[union-attr]
    assert nt is not None
    out = w.graph(nt, ox.RdfFormat.N_TRIPLES, None, construct).decode()
    # the count keeps the engine's form; the dataset's triple gets its own
    assert f"<urn:n> {lit('1', 'integer')}" in out
    assert f"<{E}n> {lit('01', 'int')}" in out
