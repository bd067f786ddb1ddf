"""``hrd-lod serve``."""

from __future__ import annotations

from pathlib import Path

import click

from .common import debug_option, echo_err, handle_errors, project_option


@click.command("serve")
@project_option
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The built edition to serve (default: PROJECT/dist).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on.",
)
@click.option(
    "--query-timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.1),
    help="Seconds a SPARQL query may run before it is stopped.",
)
@click.option(
    "--max-result-bytes",
    default=16 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(1024),
    help="Largest SPARQL result sent.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes (each answers pages and queries).",
)
@click.option(
    "--threads",
    default=8,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Query threads per process.",
)
@click.option(
    "--idle-timeout",
    default=20,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Seconds before an idle or stalled connection is closed.",
)
@debug_option
@handle_errors
def serve_cmd(
    project: Path,
    dist: Path | None,
    host: str,
    port: int,
    query_timeout: float,
    max_result_bytes: int,
    workers: int,
    threads: int,
    idle_timeout: int,
    debug: bool,
) -> None:
    """Serve dist/ as linked data, with a read-only SPARQL endpoint at /sparql.

    GET /id/{kind}/{id} answers HTML, Turtle, JSON-LD or N-Triples by the Accept header;
    /sparql is a SPARQL 1.1 Protocol endpoint with time, size and body limits. Updates, LOAD
    and SERVICE are refused. Exit codes: 0 stopped, 2 nothing built or bad options, 3 the
    address cannot be listened on (for example, the port is taken).
    """
    from ..httpserver import ServerLimits, bind, serve
    from ..serve import make_site
    from ..sparql.guard import Limits

    target = dist or project / "dist"
    limits = Limits(time_s=query_timeout, result_bytes=max_result_bytes, workers=workers)
    site = make_site(target, limits, cache_dir=project / ".hrd-cache")
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    echo_err(f"serving {target} on http://{host}:{bound}/ (SPARQL endpoint: /sparql); Ctrl-C stops")
    serve(sock, site, ServerLimits(threads=threads, idle_timeout_s=idle_timeout), workers)
