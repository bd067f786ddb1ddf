"""Worker processes that run SPARQL queries, so that a runaway query can be stopped.

pyoxigraph cannot cancel a query from another thread, so each query runs in a worker process
holding a read-only view of an on-disk store; when a query overruns its time limit the worker
is killed and a fresh one started in the background, and the other workers keep answering.
A request waits a bounded time for a free worker and otherwise gets "busy".
"""

from __future__ import annotations

import io
import logging
import multiprocessing as mp
import queue
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_START_TIMEOUT_S = 120.0


@dataclass(frozen=True)
class Job:
    """One query to run: text, dataset, the formats to answer in, and the size limit."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    result_format: str = "json"
    graph_format: str = "turtle"
    max_bytes: int = 16 * 1024 * 1024
    prefixes: tuple[tuple[str, str], ...] = ()
    #: the request gave a dataset (default-graph-uri, named-graph-uri): exactly those graphs
    dataset_given: bool = False
    #: the base of relative IRIs in the query (the request URL)
    base_iri: str | None = None


@dataclass(frozen=True)
class Answer:
    """What a worker answers: an HTTP status, a media type and a body."""

    status: int
    media_type: str
    body: bytes


class Busy(Exception):
    """No worker became free in time."""


class Overrun(Exception):
    """The query ran past its time limit; its worker was killed."""


class ResultTooLarge(Exception):
    """The serialised result passed the byte limit."""


class _Bounded(io.BytesIO):
    """A binary buffer that refuses to grow past a limit (serialisers stream into it)."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:  # noqa: D102 (io.BytesIO's)
        if self.tell() + len(data) > self.limit:
            raise ResultTooLarge(self.tell() + len(data))
        return super().write(data)


#: results formats that write every literal's datatype IRI in full
_TYPED_RESULTS = ("json", "xml")


def execute(store: Any, job: Job, written: Any = None) -> Answer:
    """Return the answer to ``job`` over ``store`` (runs inside a worker). ``written``
    (:class:`hrd_lod.sparql.written.Written`) turns literals the store keeps in another form
    back into the forms the dataset wrote, in answers that hold one."""
    import pyoxigraph as ox

    from .errors import QuerySyntaxError
    from .results import GRAPH_FORMATS, RESULT_FORMATS

    try:
        result = _run(store, job)
        out = _Bounded(job.max_bytes)
        if isinstance(result, ox.QueryBoolean | ox.QuerySolutions):
            fmt = RESULT_FORMATS[job.result_format]
            result.serialize(out, format=fmt)
            media = fmt.media_type
            body = out.getvalue()
            if (
                written
                and isinstance(result, ox.QuerySolutions)
                and written.may_hold(body, job.result_format in _TYPED_RESULTS)
            ):
                body = written.solutions(
                    body, job.result_format, lambda: _run(store, job), job.query
                )
        else:
            g = {**GRAPH_FORMATS, "rdfxml": ox.RdfFormat.RDF_XML}[job.graph_format]
            if g == ox.RdfFormat.TURTLE:
                ox.serialize(iter(result), out, format=g, prefixes=dict(job.prefixes))
            else:  # no prefixes to declare: the engine writes the triples itself
                result.serialize(out, format=g)
            media = g.media_type
            body = out.getvalue()
            if written and written.may_hold(body, g != ox.RdfFormat.TURTLE):
                body = written.graph(body, g, dict(job.prefixes), job.query)
        if len(body) > job.max_bytes:  # the forms as written may be longer
            raise ResultTooLarge(len(body))
        return Answer(200, media, body)
    except QuerySyntaxError as exc:
        return Answer(400, "text/plain", exc.message.encode("utf-8"))
    except ResultTooLarge:
        return Answer(
            400,
            "text/plain",
            (
                f"the result is larger than the limit of {job.max_bytes} bytes; add a LIMIT or "
                "narrow the query"
            ).encode(),
        )
    except Exception as exc:  # evaluation errors (e.g. a bad graph IRI) are the query's
        return Answer(
            400 if isinstance(exc, ValueError) else 500,
            "text/plain",
            f"query failed: {exc}".encode(),
        )


def _run(store: Any, job: Job) -> Any:
    """Return the result of ``job`` on ``store`` (evaluated once more for CSV answers that may
    hold a rewritten literal: CSV keeps no datatypes to read back)."""
    from .local import run_query

    return run_query(
        store,
        job.query,
        default_graphs=list(job.default_graphs),
        named_graphs=list(job.named_graphs),
        dataset_given=job.dataset_given,
        base_iri=job.base_iri,
    )


def _worker_main(conn: Connection, store_folder: str) -> None:
    from .local import open_disk_store, open_written

    try:
        store = open_disk_store(Path(store_folder))
        written = open_written(Path(store_folder))
    except Exception as exc:
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, KeyboardInterrupt):
            return
        if job is None:
            return
        conn.send(execute(store, job, written))


class _Worker:
    def __init__(self, ctx: Any, store_folder: Path) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(
            target=_worker_main,
            args=(child, str(store_folder)),
            daemon=True,
            name="hrd-lod-sparql-worker",
        )
        self.proc.start()
        child.close()
        self._conn_lock = threading.Lock()

    def close_conn(self) -> None:
        """Close the pipe once, whichever of the pool and a respawn thread gets here first."""
        with self._conn_lock:
            if not self.conn.closed:
                self.conn.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise RuntimeError(f"a SPARQL worker did not start within {timeout:g} s")
        kind, detail = self.conn.recv()
        if kind != "ready":
            self.kill()
            raise RuntimeError(f"a SPARQL worker could not open the store: {detail}")

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.close_conn()


class WorkerPool:
    """A fixed number of query workers over one on-disk store."""

    def __init__(self, store_folder: Path, size: int = 2) -> None:
        self._ctx = mp.get_context("spawn")  # fork in a threaded server is unsafe
        self._folder = store_folder
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._all: set[_Worker] = set()
        self._closed = False
        workers = [w for w in (self._spawn() for _ in range(max(1, size))) if w is not None]
        try:
            for w in workers:
                w.wait_ready(_START_TIMEOUT_S)
        except RuntimeError:
            self.close()
            raise
        for w in workers:
            self._idle.put(w)

    def _spawn(self) -> _Worker | None:
        w = _Worker(self._ctx, self._folder)
        with self._lock:
            if not self._closed:
                self._all.add(w)
                return w
        w.kill()  # the pool closed while this worker was starting
        return None

    def _replace(self, dead: _Worker) -> None:
        with self._lock:
            self._all.discard(dead)
        threading.Thread(target=dead.kill, daemon=True).start()
        if self._closed:
            return

        def start() -> None:
            for attempt in range(3):
                if self._closed:
                    return
                w = self._spawn()
                if w is None:
                    return
                try:
                    w.wait_ready(_START_TIMEOUT_S)
                except (RuntimeError, OSError, EOFError) as exc:
                    with self._lock:
                        self._all.discard(w)
                    log.error("%s (attempt %d of 3)", exc, attempt + 1)
                    time.sleep(1.0)
                    continue
                with self._lock:
                    closed = self._closed
                    if closed:
                        self._all.discard(w)
                if closed:
                    w.kill()
                else:
                    self._idle.put(w)
                return

        threading.Thread(target=start, daemon=True, name="hrd-lod-sparql-respawn").start()

    def run(self, job: Job, time_s: float, queue_s: float) -> Answer:
        """Return the answer to ``job``; raise Busy if no worker frees up, Overrun on timeout."""
        if self._closed:
            raise Busy("the endpoint is shutting down")
        try:
            worker = self._idle.get(timeout=queue_s)
        except queue.Empty:
            raise Busy(f"all workers stayed busy for {queue_s:g} s") from None
        try:
            worker.conn.send(job)
            if worker.conn.poll(time_s):
                answer: Answer = worker.conn.recv()
                self._idle.put(worker)
                return answer
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker)
            return Answer(500, "text/plain", b"the query worker crashed; it was restarted")
        self._replace(worker)
        raise Overrun(f"the query ran longer than the limit of {time_s:g} s and was stopped")

    def size(self) -> int:
        """Return how many workers are alive or starting."""
        with self._lock:
            return len(self._all)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2.0
        for w in workers:
            w.proc.join(max(0.0, deadline - time.monotonic()))
            if w.proc.is_alive():
                w.proc.kill()
                w.proc.join(2)
            w.close_conn()
