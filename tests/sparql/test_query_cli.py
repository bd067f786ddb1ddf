"""``hrd-lod query`` through click's CliRunner: formats, --graph, NAME, --file, errors, remote."""

from __future__ import annotations

import csv
import io
import json
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner, Result

from hrd_lod.cli import main

from .conftest import QUERIES, free_port

JMG = "https://w3id.org/hrd/id/organization/joint-mobile-group"
GRAPH_FLD = "https://w3id.org/hrd/graph/fld-profile-jmg"


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["query", "--project", str(project), *args], env=env)


def test_table_is_aligned_with_a_row_count(project: Path) -> None:
    result = run(project, "--file", str(QUERIES / "jmg-awards.rq"))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split(" | ")[0].strip() == "award"
    assert set(lines[1]) <= {"-", "+"}
    assert "id:award/front-line-defenders-award" in lines[2] and lines[2].endswith("2011")
    assert "Martin Ennals Award for Human Rights Defenders" in lines[3]
    assert lines[3].endswith("2013")
    assert lines[-1] == "(2 rows)"
    # every row's separators line up under the header's
    assert len({line.index("|") for line in lines[:4] if "|" in line}) == 1


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_results_formats_parse_as_w3c_results(project: Path, fmt: str) -> None:
    result = run(project, "--file", str(QUERIES / "jmg-awards.rq"), "--format", fmt)
    assert result.exit_code == 0, result.output
    qrf = {
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
    }[fmt]
    if fmt == "csv":  # pyoxigraph does not read CSV results back: check it with csv
        rows = list(csv.DictReader(io.StringIO(result.output)))
        assert [r["year"] for r in rows] == ["2011", "2013"]
        return
    parsed = ox.parse_query_results(result.stdout_bytes, format=qrf)
    years = [s["year"].value for s in parsed]  # type: ignore[union-attr]
    assert years == ["2011", "2013"]


def test_ask_gives_true_and_false(project: Path) -> None:
    assert run(project, f"ASK {{ <{JMG}> ?p ?o }}").output == "true\n"
    assert run(project, "ASK { <http://example.org/nothing> ?p ?o }").output == "false\n"
    out = run(project, "ASK { ?s ?p ?o }", "--format", "json").output
    assert json.loads(out) == {"head": {}, "boolean": True}


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "table"])
def test_construct_formats(project: Path, fmt: str) -> None:
    query = f"CONSTRUCT WHERE {{ <{JMG}> ?p ?o }}"
    result = run(project, query, "--format", fmt)
    assert result.exit_code == 0, result.output
    rdflib_fmt = {"turtle": "turtle", "table": "turtle", "ntriples": "nt", "jsonld": "json-ld"}[fmt]
    g = rdflib.Graph().parse(data=result.output, format=rdflib_fmt)
    local = rdflib.Graph().parse(
        data=run(project, query, "--format", "ntriples").output, format="nt"
    )
    assert len(g) == len(local) > 5
    assert rdflib.URIRef(JMG) in set(g.subjects())
    if fmt == "turtle":
        assert "@prefix schema: <http://schema.org/>" in result.output


def test_construct_output_is_sorted_and_deterministic(project: Path) -> None:
    out = run(project, "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "ntriples").output
    lines = out.splitlines()
    assert lines == sorted(lines) and len(lines) == len(set(lines))


def test_wrong_format_for_the_query_form(project: Path) -> None:
    result = run(project, "CONSTRUCT WHERE { ?s ?p ?o }", "--format", "csv")
    assert result.exit_code == 2
    assert "--format csv is for SELECT and ASK" in result.output
    result = run(project, "SELECT * { ?s ?p ?o }", "--format", "turtle")
    assert result.exit_code == 2 and "is for CONSTRUCT and DESCRIBE" in result.output


def test_union_counts_a_fact_once(project: Path, dist: Path) -> None:
    # the 2013 conferral is stated by two sources; the union must still hold it once
    result = run(project, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "--format", "csv")
    union = (dist / "hrd.nt").read_text(encoding="utf-8").count("\n")
    assert result.output.splitlines()[1] == str(union)
    result = run(
        project,
        "SELECT ?t { <https://w3id.org/hrd/id/conferral/jmg-martin-ennals-award-2013> a ?t }",
        "--format",
        "csv",
    )
    types = result.output.splitlines()[1:]
    assert len(types) == len(set(types))


def test_graph_restricts_to_one_source(project: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    by_id = run(project, count, "--graph", "fld-profile-jmg", "--format", "csv").output
    by_iri = run(project, count, "--graph", GRAPH_FLD, "--format", "csv").output
    assert by_id == by_iri
    store = ox.Store()
    store.bulk_load(path=str(project / "dist" / "hrd.nq"), format=ox.RdfFormat.N_QUADS)
    expected = len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_FLD))))
    assert by_id.splitlines()[1] == str(expected)
    # the Martin Ennals jury is only in the other source's graph
    jury = "ASK { ?j <http://schema.org/member> ?m }"
    assert run(project, jury, "--graph", "fld-profile-jmg").output == "false\n"
    assert run(project, jury, "--graph", "hrf-mea-2013").output == "true\n"


def test_unknown_graph_lists_the_graphs(project: Path) -> None:
    result = run(project, "ASK {}", "--graph", "no-such-source")
    assert result.exit_code == 2
    assert "no graph https://w3id.org/hrd/graph/no-such-source" in result.output
    assert GRAPH_FLD in result.output


def test_query_by_name_and_file(project: Path, tmp_path: Path) -> None:
    (project / "queries").mkdir(exist_ok=True)
    shutil.copy(QUERIES / "jury-2013.rq", project / "queries" / "jury-2013.rq")
    by_name = run(project, "jury-2013")
    by_file = run(project, "--file", str(QUERIES / "jury-2013.rq"))
    assert by_name.exit_code == 0, by_name.output
    assert by_name.output == by_file.output
    assert "(10 rows)" in by_name.output and "HURIDOCS" in by_name.output
    stdin = CliRunner().invoke(
        main,
        ["query", "--project", str(project), "--file", "-"],
        input=(QUERIES / "jury-2013.rq").read_text(),
    )
    assert stdin.output == by_file.output
    missing = run(project, "jury-2031")
    assert missing.exit_code == 2
    assert "no query named 'jury-2031'" in missing.output and "jury-2013" in missing.output


def test_query_and_file_together_is_a_usage_error(project: Path) -> None:
    result = run(project, "ASK {}", "--file", str(QUERIES / "jury-2013.rq"))
    assert result.exit_code == 2 and "one of them" in result.output


def test_syntax_error_points_at_line_and_column(project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.rq"
    bad.write_text(
        "PREFIX schema: <http://schema.org/>\nSELECT ?n WHERE {\n"
        "  ?s schema:name ?n ;\n  FILTER(\n}\n",
        encoding="utf-8",
    )
    result = run(project, "--file", str(bad))
    assert result.exit_code == 2
    assert (
        f"SPARQL syntax error at {bad}:5:1: the '(' on line 4 is not closed: add ')' before "
        "the '}' on line 5\n  (the parser: expected one of"
    ) in result.output
    assert result.output.splitlines()[-2:] == ["    5 | }", "      | ^"]
    # an undeclared prefix on line 2, column 18 (after a multi-byte character on the line)
    result = run(project, 'SELECT * WHERE {\n  ?s ?p "é" . ?s foo:bar ?o }')
    assert result.exit_code == 2
    first = result.output.splitlines()[0]
    assert first.startswith("Error: SPARQL syntax error at query:2:")
    column = int(first.split(":")[3])
    line = '  ?s ?p "é" . ?s foo:bar ?o }'
    assert line.index("foo:bar") < column <= len(line) + 1  # within the bad name, in characters
    caret = result.output.splitlines()[-1]
    assert caret.index("^") - caret.index("|") - 2 == column - 1


def test_missing_build_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["query", "--dist", str(tmp_path / "dist"), "ASK {}"])
    assert result.exit_code == 2
    assert "no built dataset here" in result.output and "hrd-lod build" in result.output


def test_no_cache_gives_the_same_answer(project: Path) -> None:
    cached = run(project, "--file", str(QUERIES / "sources.rq"))
    fresh = run(project, "--file", str(QUERIES / "sources.rq"), "--no-cache")
    assert cached.output == fresh.output and "(3 rows)" in cached.output
    assert any((project / ".hrd-cache" / "sparql").glob("hrd-*/READY"))


# --- remote endpoints ----------------------------------------------------------------------

JSON_TRUE = b'{"head":{},"boolean":true}'


class Scripted:
    """A local HTTP server that answers from a script and records what it was sent."""

    def __init__(self, script: list[tuple[int, str, bytes]]) -> None:
        self.script = list(script)
        self.seen: list[tuple[str, dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.seen.append((self.path, dict(self.headers), body))
                status, ctype, data = (
                    outer.script.pop(0)
                    if outer.script
                    else (200, "application/sparql-results+json", JSON_TRUE)
                )
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


@pytest.fixture
def scripted() -> Iterator[type[Scripted]]:
    made: list[Scripted] = []

    class Factory(Scripted):
        def __init__(self, script: list[tuple[int, str, bytes]]) -> None:
            super().__init__(script)
            made.append(self)

    yield Factory
    for s in made:
        s.close()


def test_remote_retries_a_500_then_succeeds(project: Path, scripted: type[Scripted]) -> None:
    server = scripted([(500, "text/plain", b"temporarily broken")])
    result = run(project, "ASK { ?s ?p ?o }", "--endpoint", server.url, "--retries", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout == "true\n"
    assert len(server.seen) == 2
    assert "HTTP 500; retrying in" in result.stderr
    path, headers, body = server.seen[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert body.startswith(b"query=ASK")


def test_remote_result_is_rendered_like_a_local_one(
    project: Path, scripted: type[Scripted]
) -> None:
    local = run(project, "--file", str(QUERIES / "jmg-awards.rq"), "--format", "json")
    server = scripted([(200, "application/sparql-results+json", local.stdout_bytes)])
    remote = run(project, "--file", str(QUERIES / "jmg-awards.rq"), "--endpoint", server.url)
    assert remote.exit_code == 0, remote.output
    assert remote.output == run(project, "--file", str(QUERIES / "jmg-awards.rq")).output


def test_remote_400_shows_the_servers_message(project: Path, scripted: type[Scripted]) -> None:
    server = scripted([(400, "text/plain", b"Parse error: unexpected } at line 1")])
    result = run(project, "ASK { }", "--endpoint", server.url)
    assert result.exit_code == 3
    assert "HTTP 400 Bad Request: Parse error: unexpected } at line 1" in result.output
    assert len(server.seen) == 1  # a 4xx is not retried


def test_remote_gives_up_after_bounded_retries(project: Path, scripted: type[Scripted]) -> None:
    server = scripted([(503, "text/plain", b"down")] * 5)
    result = run(project, "ASK {}", "--endpoint", server.url, "--retries", "1")
    assert result.exit_code == 3
    assert "HTTP 503 Service Unavailable: down (gave up after 2 attempts)" in result.output
    assert len(server.seen) == 2


def test_remote_closed_port(project: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run(project, "ASK {}", "--endpoint", url, "--retries", "1")
    assert result.exit_code == 3
    assert f"POST {url}: cannot connect: connection refused (gave up after 2 attempts)" in (
        result.output
    )


def test_credentials_are_sent_but_never_printed(project: Path, scripted: type[Scripted]) -> None:
    server = scripted([(401, "text/plain", b"who are you?"), (403, "text/plain", b"no")])
    env = {"HRD_LOD_SPARQL_TOKEN": "s3cr3t-token"}
    result = run(project, "ASK {}", "--endpoint", server.url, env=env)
    assert result.exit_code == 3
    assert server.seen[0][1]["Authorization"] == "Bearer s3cr3t-token"
    assert "s3cr3t" not in result.output and "HRD_LOD_SPARQL_TOKEN" in result.output
    # basic auth from the environment; userinfo in the URL is never echoed either
    url = server.url.replace("http://", "http://alice:pa55word@") + "?api_key=k3y"
    env = {"HRD_LOD_SPARQL_USER": "bob", "HRD_LOD_SPARQL_PASSWORD": "hunter2"}
    result = run(project, "ASK {}", "--endpoint", url, env=env)
    assert result.exit_code == 3
    assert server.seen[1][1]["Authorization"].startswith("Basic ")
    for secret in ("alice", "pa55word", "hunter2", "k3y"):
        assert secret not in result.output
    assert "api_key=***" in result.output
