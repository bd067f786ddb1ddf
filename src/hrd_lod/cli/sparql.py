"""``hrd-lod query`` and ``hrd-lod publish``."""

from __future__ import annotations

import difflib
import os
import re
import sys
from pathlib import Path

import click

from .common import debug_option, echo_err, handle_errors, project_option

_NAME = re.compile(r"^[\w.-]+$")


def _dist_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--dist",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="The built dataset (default: PROJECT/dist).",
    )(f)


def _network_options(f):  # type: ignore[no-untyped-def]
    f = click.option(
        "--retries",
        type=click.IntRange(0, 10),
        default=3,
        show_default=True,
        help="Retries after connection errors and 5xx answers.",
    )(f)
    return click.option(
        "--timeout",
        type=click.FloatRange(0.1),
        default=60.0,
        show_default=True,
        help="Seconds to wait for each answer.",
    )(f)


def _auth_option(f):  # type: ignore[no-untyped-def]
    return click.option(
        "--auth",
        type=click.Choice(["basic", "digest"]),
        default="basic",
        show_default=True,
        help="How HRD_LOD_SPARQL_USER and HRD_LOD_SPARQL_PASSWORD are sent (HTTP Basic or Digest).",
    )(f)


def _client(timeout: float, retries: int, auth: str = "basic"):  # type: ignore[no-untyped-def]
    from ..sparql.remote import Client, auth_from_env

    return Client(
        auth=auth_from_env(os.environ, auth),
        timeout=timeout,
        retries=retries,
        on_retry=lambda line: echo_err(f"... {line}"),
    )


def _cache_dir(project: Path, no_cache: bool) -> Path | None:
    if no_cache:
        return None
    cache = project / ".hrd-cache"
    try:
        cache.mkdir(exist_ok=True)
    except OSError:
        return None  # a read-only project: load into memory instead
    return cache


def _read_query(query: str | None, file: Path | None, project: Path) -> tuple[str, str]:
    """Return (query text, where it came from) from the argument, --file, or queries/NAME.rq."""
    from ..errors import UsageError

    if (query is None) == (file is None):
        raise UsageError("give a query, a query NAME from queries/, or --file FILE (one of them)")
    if file is not None:
        if str(file) == "-":
            return sys.stdin.read(), "<stdin>"
        try:
            return file.read_text(encoding="utf-8"), str(file)
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read {file}: {exc}") from None
    assert query is not None
    if _NAME.match(query):
        folder = project / "queries"
        path = folder / (query if query.endswith(".rq") else f"{query}.rq")
        if path.is_file():
            return path.read_text(encoding="utf-8"), str(path)
        names = sorted(p.stem for p in folder.glob("*.rq")) if folder.is_dir() else []
        close = difflib.get_close_matches(query.removesuffix(".rq"), names, n=1, cutoff=0.6)
        raise UsageError(
            f"no query named {query!r} in {folder}",
            hint=(f"did you mean '{close[0]}'? " if close else "")
            + ("queries: " + ", ".join(names))
            if names
            else f"save the query as {folder}/{path.name} (hrd-lod init writes starter queries "
            "there), pass the SPARQL text in quotes, or use --file FILE",
        )
    return query, "query"


def _write(data: bytes) -> None:
    # The byte stream under sys.stdout (click.get_binary_stream is deprecated in click 8.5);
    # click's test runner gives its stdout one too.
    sys.stdout.flush()
    out = sys.stdout.buffer
    out.write(data)
    out.flush()


@click.command("query")
@click.argument("query", required=False)
@click.option(
    "--file",
    "-f",
    "file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Read the query from FILE ('-' for standard input).",
)
@project_option
@_dist_option
@click.option("--graph", "-g", help="Query only this source's graph (an IRI or a source id).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld"]),
    default="table",
    show_default=True,
    help="table/csv/tsv/json/xml for SELECT and ASK; turtle/ntriples/jsonld for "
    "CONSTRUCT and DESCRIBE (table means turtle there).",
)
@click.option(
    "--endpoint",
    "-e",
    metavar="URL",
    help="Send the query to this SPARQL endpoint instead of the local build.",
)
@_auth_option
@_network_options
@click.option(
    "--no-cache",
    is_flag=True,
    help="Load the dataset into memory instead of the on-disk store in .hrd-cache/.",
)
@debug_option
@handle_errors
def query_cmd(
    query: str | None,
    file: Path | None,
    project: Path,
    dist: Path | None,
    graph: str | None,
    fmt: str,
    endpoint: str | None,
    auth: str,
    timeout: float,
    retries: int,
    no_cache: bool,
    debug: bool,
) -> None:
    """Run a SPARQL query over the built dataset or a remote endpoint.

    QUERY is SPARQL text, or the NAME of a query in PROJECT/queries/NAME.rq. The default
    graph is the union of all graphs; --graph restricts it to one source's graph. Exit codes:
    0 ok, 2 bad query or input, 3 the endpoint failed.
    """
    from ..sparql import local, results

    text, source = _read_query(query, file, project)
    dist_dir = dist or project / "dist"
    if endpoint:
        from ..sparql.remote import sparql_query

        graphs = None
        base = None
        if graph:
            graphs = [graph if ":" in graph else local.open_dist(dist_dir).graph_iri(graph)]
        if (dist_dir / "manifest.json").is_file():
            base = local.open_dist(dist_dir).base_iri
        media, body = sparql_query(_client(timeout, retries, auth), endpoint, text, graphs)
        result = results.parse_answer(media, body, endpoint)
    else:
        dataset, store, written = local.load(dist_dir, _cache_dir(project, no_cache))
        base = dataset.base_iri
        graph_iri = dataset.graph_iri(graph) if graph else None

        def again() -> results.ox.QuerySolutions:
            # CSV keeps no datatypes: its literals as written come from the query run again
            answer = local.run_query(store, text, graph_iri, source=source)
            assert isinstance(answer, results.ox.QuerySolutions)
            return answer

        answer = local.run_query(store, text, graph_iri, source=source)
        if isinstance(answer, results.ox.QueryBoolean | results.ox.QuerySolutions):
            result = answer
        else:
            result = list(answer)
        rendered = results.render(
            result, fmt, results.prefixes_for(base), written or None, again, text
        )
        _write(rendered.data)
        return
    rendered = results.render(result, fmt, results.prefixes_for(base or ""))
    _write(rendered.data)


@click.command("publish")
@click.argument("gsp_url")
@project_option
@_dist_option
@click.option(
    "--replace/--append",
    default=True,
    show_default=True,
    help="PUT replaces each graph; POST adds to it.",
)
@click.option("--dry-run", is_flag=True, help="List what would be sent; send nothing.")
@click.option(
    "--sparql-endpoint",
    metavar="URL",
    help="Count the stored triples with SPARQL here (default: Graph Store GET, which some "
    "stores cap).",
)
@click.option(
    "--default-graph-as",
    metavar="IRI",
    help="Send the default graph as this named graph (for stores that refuse ?default).",
)
@_auth_option
@_network_options
@debug_option
@handle_errors
def publish_cmd(
    gsp_url: str,
    project: Path,
    dist: Path | None,
    replace: bool,
    dry_run: bool,
    sparql_endpoint: str | None,
    default_graph_as: str | None,
    auth: str,
    timeout: float,
    retries: int,
    debug: bool,
) -> None:
    """Push the built dataset to a SPARQL 1.1 Graph Store Protocol endpoint.

    GSP_URL is the store's graph store address (Oxigraph: http://HOST:7878/store; Virtuoso:
    http://HOST:8890/sparql-graph-crud-auth with --auth digest). Every source's graph, the
    default graph and the dataset description are sent as their own graphs, then the triples
    in each are counted. Credentials come from HRD_LOD_SPARQL_TOKEN, or HRD_LOD_SPARQL_USER
    and HRD_LOD_SPARQL_PASSWORD, or ~/.netrc. Exit codes: 0 ok, 2 bad input, 3 the push or
    the check failed (the message lists which graphs were written).
    """
    from .. import vocab as V
    from ..sparql.local import open_dist
    from ..sparql.publish import (
        delete_graphs,
        plan,
        push,
        pushed_before,
        remember_push,
        stale_graphs,
        store_graphs,
        verify,
        withdrawn_iris,
    )
    from ..sparql.remote import check_url, redact_url

    check_url(gsp_url)
    if sparql_endpoint:
        check_url(sparql_endpoint)
    method = "PUT" if replace else "POST"
    shown = redact_url(gsp_url)
    dist_dir = dist or project / "dist"
    with plan(dist_dir, default_graph_as) as pushes:
        total_t = sum(p.triples for p in pushes)
        total_b = sum(p.bytes for p in pushes)
        base = open_dist(dist_dir).base_iri
        withdrawn = withdrawn_iris(project, base)
        previous = pushed_before(project, gsp_url)
        client = None if dry_run else _client(timeout, retries, auth)
        in_store: tuple[str, ...] = ()
        if replace and sparql_endpoint and client is not None:
            in_store = tuple(store_graphs(client, sparql_endpoint, V.graph_iri(base, "")))
        stale = stale_graphs(previous, pushes, in_store) if replace else []
        if dry_run:
            width = max(len(p.name) for p in pushes + stale)
            click.echo(f"{'graph'.ljust(width)} | {'triples':>8} | {'bytes':>10} | from")
            for p in pushes:
                click.echo(f"{p.name.ljust(width)} | {p.triples:>8} | {p.bytes:>10} | {p.origin}")
            for p in stale:
                click.echo(f"{p.name.ljust(width)} | {'DELETE':>8} | {'':>10} | {p.origin}")
            click.echo(
                f"dry run: would {method} {len(pushes)} graphs ({total_t} triples, "
                f"{total_b} bytes) to {shown}"
                + (f" and delete {len(stale)} graph(s) it no longer has" if stale else "")
            )
            return
        assert client is not None
        push(
            client, gsp_url, pushes, replace=replace, progress=lambda line: echo_err(f"... {line}")
        )
        for g in stale:
            echo_err(f"... DELETE {g.name}: no longer in the edition")
        delete_graphs(client, gsp_url, stale)
        checked = verify(
            client,
            gsp_url,
            pushes + stale,
            replace=replace,
            sparql_endpoint=sparql_endpoint,
            withdrawn=withdrawn,
        )
        remember_push(project, gsp_url, pushes)
        click.echo(
            f"published {len(pushes)} graphs ({total_t} triples, {total_b} bytes) to "
            f"{shown} with {method}; the store holds "
            f"{sum(v.found for v in checked)} triples in them"
        )
        if stale:
            click.echo(f"deleted {len(stale)} graph(s) the edition no longer has")
        if withdrawn:
            click.echo(
                f"withdrawn records: {len(withdrawn)}; triples mentioning them in the store: "
                f"{sum(v.mentions for v in checked)}"
            )
