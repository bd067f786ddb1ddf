"""What the server of ``hrd-lod serve`` serves and within which limits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..sparql.protocol import Service

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class ServerLimits:
    """Limits of the HTTP server itself (the endpoint has its own query limits)."""

    #: threads per worker process that evaluate queries and serve pages
    threads: int = 8
    header_bytes: int = 16 * 1024
    body_bytes: int = 1024 * 1024
    idle_timeout_s: float = 20.0
    #: more threads per worker kept for queries known to be light (they last took under
    #: ``light_s``), so that slow queries filling the others cannot starve them
    reserve: int = 2
    light_s: float = 0.05
    #: a repeated query that last took less than this is answered on the event loop itself
    inline_s: float = 0.002


@dataclass
class Site:
    """What a worker serves: the pages app, and the SPARQL endpoint's store and settings."""

    pages: WSGIApp
    #: the folder of the on-disk store (opened read-only in each worker)
    store_folder: str
    #: what the endpoint says about itself, and its limits
    service: Service
    sparql_path: str = "/sparql"
    #: where a browser opening the endpoint without a query is sent (the site's SPARQL page)
    sparql_page: str | None = None
    #: says when a new edition was swapped in and makes the site over it (``changed()``,
    #: ``make()``: hrd_lod.serve.Follower); None: the site never changes
    follow: Any = None


class Busy(Exception):
    """No thread became free in time (or the worker is draining)."""
