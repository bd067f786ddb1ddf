"""``hrd-lod serve``: the linked-data pages of ``dist/`` and the SPARQL endpoint, on one port.

``/sparql`` goes to the read-only SPARQL 1.1 Protocol endpoint (hrd_lod.sparql.protocol); every
other path to the linked-data app (hrd_lod.web.app: static files of dist/ with content
negotiation). :func:`make_site` prepares both for the prefork server of
:mod:`hrd_lod.httpserver` (what ``hrd-lod serve`` runs); :func:`make_app` combines them as one
WSGI app for any WSGI server (queries then run in the worker processes of
hrd_lod.sparql.pool).

A running server follows the edition: pages are read from ``dist/`` as it is at each request,
and when ``dist/manifest.json`` changes (a build or a withdrawal swapped in a new edition) the
SPARQL store is made again before another query is answered (the prefork server stops its
workers, loads the new store, and forks new ones; :func:`make_app` reloads its endpoint under
a lock), so a withdrawn record stops being served without a restart, never answered from the
old store.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .httpserver import ServerLimits, Site

__all__ = ["Dispatcher", "ServerLimits", "Site", "make_app", "make_site", "run"]

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


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


def _signature(dist: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(dist / "manifest.json")
    except OSError:
        return None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class FollowingEndpoint:
    """The SPARQL endpoint over ``dist/``, made again whenever a new edition is swapped in."""

    def __init__(self, dist: Path, make: Callable[[], tuple[WSGIApp, Callable[[], None]]]) -> None:
        self.dist = dist
        self._make = make
        self._lock = threading.Lock()
        self._seen = _signature(dist)
        self.app, self._close = make()
        self.reloads = 0

    def current(self) -> WSGIApp:
        """Return the endpoint for the edition now in ``dist/`` (reloading it if it changed)."""
        sig = _signature(self.dist)
        if sig == self._seen or sig is None:
            return self.app
        with self._lock:
            sig = _signature(self.dist)
            if sig != self._seen and sig is not None:
                app, close = self._make()
                old = self._close
                self.app, self._close, self._seen = app, close, sig
                self.reloads += 1
                old()
        return self.app

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        return self.current()(environ, start_response)

    def close(self) -> None:
        """Stop the current endpoint."""
        self._close()


@dataclass
class Follower:
    """Tells the prefork server when a new edition was swapped into ``dist/``, and makes
    the :class:`~hrd_lod.httpserver.Site` over it."""

    dist: Path
    seen: tuple[int, int, int] | None
    remake: Callable[[], Site]

    def changed(self) -> bool:
        """Return True when ``dist/manifest.json`` is not the one the site was made over."""
        sig = _signature(self.dist)
        return sig is not None and sig != self.seen

    def make(self) -> Site:
        """Return the site over the edition now in ``dist/`` (its store loaded)."""
        return self.remake()


def make_site(dist: Path, limits: object | None = None, cache_dir: Path | None = None) -> Site:
    """Return what ``hrd-lod serve`` serves over a built ``dist/``: pages, store, endpoint.

    The on-disk store is kept under ``cache_dir`` (default: ``dist/../.hrd-cache``) and keyed
    by the dumps' checksums, so a restart over an unchanged dataset starts in about a second.
    """
    from . import vocab as V
    from .sparql.guard import Limits
    from .sparql.local import ensure_disk_store, open_dist
    from .sparql.protocol import Service, example_query
    from .web.app import LinkedDataApp

    if not (dist / "manifest.json").is_file():
        raise UsageError(f"{dist} holds no built dataset", hint="run 'hrd-lod build' first")
    seen = _signature(dist)  # before the store is read: a swap meanwhile is seen next time
    dataset = open_dist(dist)
    folder = ensure_disk_store(dataset, cache_dir or dist.parent / ".hrd-cache")
    service = Service(
        limits if isinstance(limits, Limits) else Limits(),
        f"dataset {dataset.id}",
        example_query(),
        dataset.description_graph,
        tuple(sorted(V.PREFIXES.items())),
    )
    page = "/sparql.html" if (dist / "sparql.html").is_file() else None
    site = Site(LinkedDataApp(dist), str(folder), service, sparql_page=page)
    site.follow = Follower(dist, seen, lambda: make_site(dist, limits, cache_dir))
    return site


def _wants_page(environ: dict[str, Any]) -> bool:
    """Return True for a GET without a query string from a client that prefers HTML."""
    from .sparql.protocol import wants_page

    return wants_page(
        str(environ.get("REQUEST_METHOD", "")),
        str(environ.get("QUERY_STRING", "")),
        str(environ.get("HTTP_ACCEPT", "")),
    )


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
    endpoint = FollowingEndpoint(
        dist,
        lambda: make_endpoint(dist, sparql_limits, cache_dir),  # type: ignore[arg-type]
    )
    page = "/sparql.html" if (dist / "sparql.html").is_file() else None
    return Dispatcher(pages, endpoint, page), endpoint.close


def run(app: WSGIApp, host: str, port: int, limits: ServerLimits | None = None) -> None:
    """Serve a WSGI app (such as :func:`make_app`'s) with waitress until interrupted."""
    limits = limits or ServerLimits()
    import waitress

    waitress.serve(
        app,
        host=host,
        port=port,
        threads=limits.threads,
        max_request_header_size=limits.header_bytes,
        max_request_body_size=limits.body_bytes,
        channel_timeout=int(limits.idle_timeout_s),
        # how often idle channels are looked for: often enough for the timeout to bite
        cleanup_interval=max(1, int(limits.idle_timeout_s) // 2),
        ident="hrd-lod",
        clear_untrusted_proxy_headers=True,
    )
