"""A read-only SPARQL 1.1 Protocol endpoint as a WSGI app.

The protocol itself (:mod:`.protocol`): ``GET ?query=``, ``POST`` as a form or as
``application/sparql-query``; results negotiated from ``Accept`` (or ``format=``): SPARQL JSON,
XML, CSV, TSV for SELECT and ASK, Turtle, N-Triples, JSON-LD and RDF/XML for CONSTRUCT and
DESCRIBE. CORS is open (``*``): the data is public and nothing here uses cookies. Updates and
SERVICE are refused before a query runs; queries run in worker processes (:mod:`.pool`) under a
time limit and a result-size limit, and request bodies and query texts have their own limits.
A GET without a query answers the service description, or to a browser a small HTML form.

The app answers at whatever path it is mounted on (``hrd-lod serve`` mounts it at /sparql).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from .. import vocab as V
from .guard import Limits
from .local import build_disk_store, ensure_disk_store, open_dist
from .pool import Busy, Overrun, WorkerPool
from .protocol import (
    CORS,
    ProtocolRequest,
    Reply,
    Service,
    answer_reply,
    example_query,
    plan,
    text,
)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SparqlEndpoint:
    """The SPARQL endpoint over a built ``dist/`` folder or a pyoxigraph store."""

    def __init__(
        self,
        source: Path | str | ox.Store,
        limits: Limits | None = None,
        *,
        cache_dir: Path | None = None,
        title: str = "hrd-lod dataset",
    ) -> None:
        self.limits = limits or Limits()
        self.title = title
        self._tmp: Path | None = None
        description = None
        if isinstance(source, ox.Store):
            self._tmp = Path(tempfile.mkdtemp(prefix="hrd-lod-sparql-"))
            nq = self._tmp / "dataset.nq"
            source.dump(str(nq), format=ox.RdfFormat.N_QUADS)
            folder = build_disk_store(nq, self._tmp / "store")
            nq.unlink()
        else:
            dataset = open_dist(Path(source))
            if cache_dir is None:
                cache_dir = self._tmp = Path(tempfile.mkdtemp(prefix="hrd-lod-sparql-"))
            folder = ensure_disk_store(dataset, cache_dir)
            description = dataset.description_graph
            self.title = title if title != "hrd-lod dataset" else f"dataset {dataset.id}"
        self.folder = folder
        self.service = Service(
            self.limits,
            self.title,
            example_query(),
            description,
            tuple(sorted(V.PREFIXES.items())),
        )
        try:
            self.pool = WorkerPool(folder, self.limits.workers)
        except Exception:
            self._cleanup()
            raise

    def close(self) -> None:
        """Stop the workers and remove temporary stores."""
        self.pool.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        reply = self.respond(request)
        headers = [("Content-Type", reply.content_type), *reply.headers, *CORS]
        start_response(f"{reply.status} {_reason(reply.status)}", headers)
        return [] if request.method == "HEAD" else [reply.body]

    def respond(self, request: Request) -> Reply:
        """Return the reply to one request."""
        length = request.content_length
        if length is not None and length > self.limits.body_bytes:
            return text(
                413,
                f"the request body is {length} bytes; the limit is {self.limits.body_bytes} bytes",
            )
        body = request.get_data(cache=False) if request.method == "POST" else b""
        url = request.base_url
        req = ProtocolRequest(
            request.method,
            request.query_string.decode("latin-1"),
            request.headers.get("Content-Type", ""),
            request.headers.get("Accept", ""),
            body,
            url,
        )
        job = plan(req, self.service)
        if isinstance(job, Reply):
            return job
        try:
            answer = self.pool.run(job, self.limits.time_s, self.limits.queue_s)
        except Busy as exc:
            return text(
                503,
                f"the endpoint is busy ({exc}); try again shortly",
                ("Retry-After", "5"),
            )
        except Overrun as exc:
            return text(504, f"{exc}; add a LIMIT or narrow the query")
        return answer_reply(answer.status, answer.media_type, answer.body)


def _reason(status: int) -> str:
    return HTTP_STATUS_CODES.get(status, "Unknown")


def make_endpoint(
    dist_dir: Path, limits: Limits | None = None, cache_dir: Path | None = None
) -> tuple[WSGIApp, Callable[[], None]]:
    """Return the endpoint over ``dist_dir`` as a WSGI app and the function that stops it."""
    endpoint = SparqlEndpoint(dist_dir, limits, cache_dir=cache_dir)
    return endpoint, endpoint.close
