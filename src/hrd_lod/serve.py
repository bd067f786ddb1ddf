"""``hrd-lod serve``: the linked-data pages of ``dist/`` and the SPARQL endpoint, on one port.

``/sparql`` goes to the read-only SPARQL 1.1 Protocol endpoint (hrd_lod.sparql.endpoint); every
other path to the linked-data app (hrd_lod.web.app: static files of dist/ with content
negotiation). Waitress serves both with a thread pool; its limits bound header and body sizes
and close idle or slow connections (slowloris).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class ServerLimits:
    """Limits of the HTTP server itself (the endpoint has its own query limits)."""

    threads: int = 16
    header_bytes: int = 16 * 1024
    body_bytes: int = 1024 * 1024
    idle_timeout_s: int = 20


class Dispatcher:
    """Routes ``/sparql`` to the endpoint and everything else to the linked-data pages.

    A browser that opens ``/sparql`` without a query (it asks for HTML first) is sent to the
    site's SPARQL page (``sparql_page``), which has the site's menu, the example queries and
    results as a table; SPARQL clients asking for anything else get the endpoint as before.
    """

    def __init__(self, pages: WSGIApp, sparql: WSGIApp, sparql_page: str | None = None) -> None:
        self.pages = pages
        self.sparql = sparql
        self.sparql_page = sparql_page

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/sparql" and self.sparql_page and _wants_page(environ):
            start_response("303 See Other", [("Location", self.sparql_page), ("Vary", "Accept")])
            return [b""]
        if path == "/sparql" or path.startswith("/sparql/"):
            return self.sparql(environ, start_response)
        return self.pages(environ, start_response)


def _wants_page(environ: dict[str, Any]) -> bool:
    """Return True for a GET without a query string from a client that prefers HTML."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("QUERY_STRING"):
        return False
    accept = parse_accept_header(environ.get("HTTP_ACCEPT", ""), MIMEAccept)
    # a browser names text/html; "*/*" alone (curl, SPARQL clients) is not a preference
    return accept["text/html"] > accept["application/sparql-results+json"]


def make_app(
    dist: Path, sparql_limits: object | None = None, cache_dir: Path | None = None
) -> tuple[WSGIApp, Callable[[], None]]:
    """Return the combined WSGI app over a built ``dist/`` and the function that stops it.

    ``cache_dir`` keeps the endpoint's on-disk store between runs (keyed by the dumps'
    checksums), so a restart over an unchanged dataset starts in about a second.
    """
    from .sparql.endpoint import make_endpoint
    from .web.app import LinkedDataApp

    if not (dist / "manifest.json").is_file():
        raise UsageError(f"{dist} holds no built dataset", hint="run 'hrd-lod build' first")
    pages = LinkedDataApp(dist)
    endpoint, close = make_endpoint(dist, sparql_limits, cache_dir)  # type: ignore[arg-type]
    page = "/sparql.html" if (dist / "sparql.html").is_file() else None
    return Dispatcher(pages, endpoint, page), close


def run(app: WSGIApp, host: str, port: int, limits: ServerLimits = ServerLimits()) -> None:
    """Serve ``app`` until interrupted."""
    import waitress

    waitress.serve(
        app,
        host=host,
        port=port,
        threads=limits.threads,
        max_request_header_size=limits.header_bytes,
        max_request_body_size=limits.body_bytes,
        channel_timeout=limits.idle_timeout_s,
        # how often idle channels are looked for: often enough for the timeout to bite
        cleanup_interval=max(1, limits.idle_timeout_s // 2),
        ident="hrd-lod",
        clear_untrusted_proxy_headers=True,
    )
