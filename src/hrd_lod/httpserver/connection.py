"""One client connection: HTTP/1.1 parsed with httptools, answered in order."""

from __future__ import annotations

import asyncio
import functools
import io
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote_to_bytes

from .config import Busy, WSGIApp

if TYPE_CHECKING:
    from .worker import Worker


_REASONS = {s.value: s.phrase for s in HTTPStatus}
_date_cache: list[Any] = [0, b""]


def _date() -> bytes:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0] = now
        _date_cache[1] = formatdate(now, usegmt=True).encode("ascii")
    return bytes(_date_cache[1])


class Request:
    """One parsed HTTP request."""

    __slots__ = ("method", "url", "headers", "body", "keep_alive", "version")

    def __init__(self) -> None:
        self.method = ""
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.keep_alive = True
        self.version = "1.1"

    def header(self, name: bytes) -> str:
        for k, v in self.headers:
            if k == name:
                return v.decode("latin-1")
        return ""


class Connection(asyncio.Protocol):
    """One client connection: parses requests in order and answers them one at a time."""

    def __init__(self, worker: Worker) -> None:
        import httptools

        self.worker = worker
        self.parser = httptools.HttpRequestParser(self)
        self.httptools = httptools
        self.transport: asyncio.Transport | None = None
        self.current: Request | None = None
        self.pending: deque[Request] = deque()
        self.handling = False
        self.head_bytes = 0
        self.body_bytes = 0
        self.refused = False
        #: later answers say ``Connection: close`` and the connection closes after one
        self.closing = False
        #: the last answer written said keep-alive: its client may send another request, so
        #: the connection is not closed under it (only by the idle timer or after an answer
        #: that said ``Connection: close``)
        self.kept = True
        self.timer: asyncio.TimerHandle | None = None
        self.peer = ("", 0)
        self.paused: asyncio.Future[None] | None = None

    # -- transport events
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's is not a subclass
        self.worker.connections.add(self)
        # accepted while the worker began to drain: answer once, then close
        self.closing = self.worker.draining
        peer = transport.get_extra_info("peername")
        if isinstance(peer, tuple):
            self.peer = (str(peer[0]), int(peer[1]))
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self.worker.connections.discard(self)
        self._disarm()
        self.transport = None
        self.worker._maybe_finish()

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        try:
            self.parser.feed_data(data)
        except self.httptools.HttpParserUpgrade:
            self._refuse(400, "protocol upgrades are not supported")
        except self.httptools.HttpParserError:
            if not self.refused:
                self._refuse(400, "malformed HTTP request")

    # -- the idle / slow-request timer
    def _arm(self) -> None:
        self._disarm()
        self.timer = self.worker.loop.call_later(self.worker.limits.idle_timeout_s, self._expire)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expire(self) -> None:
        self.timer = None
        if not self.handling and self.transport is not None:
            self.transport.close()

    def close_when_idle(self) -> None:
        """Answer the next request with ``Connection: close`` and close after it (the worker
        is draining). An idle connection is not closed now: its client was promised
        keep-alive and may be sending a request at this very moment, which would then see a
        reset instead of an answer; the idle timer closes it as on any day."""
        self.closing = True

    def idle(self) -> bool:
        """Return True when no request is being answered or waits on this connection."""
        return not self.handling and not self.pending

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.abort()

    # -- parser callbacks
    def on_message_begin(self) -> None:
        self.current = Request()
        self.head_bytes = 0
        self.body_bytes = 0

    def on_url(self, url: bytes) -> None:
        assert self.current is not None
        self.current.url += url
        self._count_head(len(url))

    def on_header(self, name: bytes, value: bytes) -> None:
        assert self.current is not None
        self.current.headers.append((name.lower(), value))
        self._count_head(len(name) + len(value) + 4)

    def _count_head(self, n: int) -> None:
        self.head_bytes += n
        if self.head_bytes > self.worker.limits.header_bytes and not self.refused:
            self._refuse(431, "the request head is larger than the limit")
            raise self.httptools.HttpParserError("head too large")

    def on_headers_complete(self) -> None:
        assert self.current is not None
        length = self.current.header(b"content-length")
        if length.isdigit() and int(length) > self.worker.limits.body_bytes:
            self._refuse(
                413,
                f"the request body is {length} bytes; the limit is "
                f"{self.worker.limits.body_bytes} bytes",
            )
            raise self.httptools.HttpParserError("body too large")

    def on_body(self, body: bytes) -> None:
        assert self.current is not None
        self.body_bytes += len(body)
        if self.body_bytes > self.worker.limits.body_bytes:
            self._refuse(413, "the request body is larger than the limit")
            raise self.httptools.HttpParserError("body too large")
        self.current.body.append(body)

    def on_message_complete(self) -> None:
        req = self.current
        assert req is not None
        self.current = None
        req.method = self.parser.get_method().decode("ascii", "replace")
        req.keep_alive = self.parser.should_keep_alive()
        req.version = self.parser.get_http_version()
        self.pending.append(req)
        if not self.handling:
            self._next()

    # -- answering
    def _next(self) -> None:
        if not self.pending or self.transport is None:
            return
        self.handling = True
        self._disarm()
        req = self.pending.popleft()
        self.worker.busy += 1
        if self.worker.retired:
            from ..sparql.protocol import text

            self.closing = True
            self._reply(
                req,
                text(
                    503, "the server is switching to a new edition; try again", ("Retry-After", "1")
                ),
            )
            return
        raw_path, _, query = req.url.partition(b"?")
        if raw_path.startswith((b"http://", b"https://")):
            # absolute-form: this is not a proxy; answer for the path on this server only
            rest = raw_path.split(b"//", 1)[1]
            raw_path = b"/" + rest.split(b"/", 1)[1] if b"/" in rest else b"/"
        path = raw_path.split(b"#", 1)[0]
        if path == self.worker.sparql or path.startswith(self.worker.sparql_slash):
            try:
                self._sparql(req, path, query)
            except Exception:  # a bug: answer 500 and keep the connection's order intact
                import traceback

                traceback.print_exc()
                from ..sparql.protocol import text

                self._reply(req, text(500, "internal error; see the server's log"))
        else:
            task = self.worker.loop.create_task(self._pages(req, path, query))
            task.add_done_callback(self._paged)

    def _paged(self, task: asyncio.Task[None]) -> None:
        if task.cancelled() or task.exception() is not None:
            if self.transport is not None:
                self.transport.abort()
        self._done()

    def _done(self) -> None:
        self.worker.busy -= 1
        self.handling = False
        if self.transport is not None and not self.transport.is_closing():
            if self.refused or not self.kept:
                # the answer said Connection: close (closing was set before it was written)
                self.transport.close()
            elif self.pending:
                self._next()
            else:
                self._arm()
        self.worker._maybe_finish()

    def _write_head(
        self,
        req: Request,
        status: int,
        headers: Iterable[tuple[str, str]],
        length: int | None,
        body: bytes = b"",
    ) -> bool:
        """Write the status line, headers and ``body`` (one write: one system call for a small
        answer); return whether the connection stays open."""
        assert self.transport is not None
        keep = req.keep_alive and not self.closing and length is not None
        lines = [
            f"HTTP/1.1 {status} {_REASONS.get(status, 'Unknown')}".encode("ascii"),
            b"Server: hrd-lod",
            b"Date: " + _date(),
        ]
        for k, v in headers:
            lines.append(f"{k}: {v}".encode("latin-1"))
        if length is not None:
            lines.append(b"Content-Length: " + str(length).encode("ascii"))
        if not keep:
            lines.append(b"Connection: close")
        elif req.version == "1.0":
            lines.append(b"Connection: keep-alive")
        self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        # decided here, once: draining may begin before this request is done with (a page's
        # close() runs on a thread), and the connection must then keep what this answer said
        self.kept = keep
        return keep

    def _send(
        self, req: Request, status: int, content_type: str, body: bytes, headers: Iterable
    ) -> None:
        if self.transport is None:
            return
        keep = self._write_head(
            req,
            status,
            [("Content-Type", content_type), *headers],
            len(body),
            body if req.method != "HEAD" else b"",
        )
        if not keep:
            self.closing = True

    def _refuse(self, status: int, message: str) -> None:
        """Answer a request that cannot be parsed or accepted, and close the connection."""
        self.refused = True
        self.closing = True
        if self.transport is None:
            return
        body = (message + "\n").encode("utf-8")
        req = Request()
        req.keep_alive = False
        if not self.handling:
            self._send(req, status, "text/plain; charset=utf-8", body, ())
            self.transport.close()
        else:  # a response is being written: do not interleave; just stop reading
            self.transport.pause_reading()

    def _sparql(self, req: Request, path: bytes, query: bytes) -> None:
        from ..sparql.protocol import ProtocolRequest, Reply, plan_cached, wants_page

        page = self.worker.site.sparql_page
        accept = req.header(b"accept")
        if (
            page
            and path == self.worker.sparql
            and wants_page(req.method, query.decode("latin-1"), accept)
        ):
            self._reply(
                req, Reply(303, "text/plain", b"", (("Location", page), ("Vary", "Accept")))
            )
            return
        host = req.header(b"host") or "localhost"
        preq = ProtocolRequest(
            req.method,
            query.decode("latin-1"),
            req.header(b"content-type"),
            accept,
            b"".join(req.body),
            f"http://{host}{path.decode('latin-1')}",
        )
        job = plan_cached(preq, self.worker.site.service)
        if isinstance(job, Reply):
            self._reply(req, job)
            return
        worker = self.worker
        cost = worker.costs.get(job)
        if cost is not None and cost < worker.limits.inline_s:
            # a repeated query that was cheap: answer it on the loop, sparing two thread
            # switches (a runaway cannot get here: only finished jobs have a cost)
            t0 = time.perf_counter()
            answer = worker.execute(worker.store, job)
            worker.remember(job, time.perf_counter() - t0)
            self._answered(req, answer, None)
            return
        store, execute = worker.store, worker.execute

        def timed() -> Any:
            t0 = time.perf_counter()
            answer = execute(store, job)
            return answer, time.perf_counter() - t0

        def done(result: Any, why: str | None) -> None:
            if why is None:
                worker.remember(job, result[1])
                result = result[0]
            self._answered(req, result, why)

        worker.submit(timed, done, light=cost is not None and cost < worker.limits.light_s)

    def _answered(self, req: Request, answer: Any, why: str | None) -> None:
        from ..sparql.protocol import Reply, answer_reply, text

        if why is None:
            reply = answer_reply(answer.status, answer.media_type, answer.body)
        elif why == "overran":
            reply = text(
                504,
                f"the query ran longer than the limit of {self.worker.time_s:g} s and was "
                "stopped; add a LIMIT or narrow the query",
            )
            self.closing = True
        elif why == "busy":
            reply = text(
                503,
                f"the endpoint is busy (all query threads stayed busy for "
                f"{self.worker.queue_s:g} s); try again shortly",
            )
            reply = Reply(reply.status, reply.content_type, reply.body, (("Retry-After", "5"),))
        else:
            reply = text(500, f"the query failed: {why}")
        self._reply(req, reply)

    def _reply(self, req: Request, reply: Any) -> None:
        from ..sparql.protocol import CORS

        self._send(req, reply.status, reply.content_type, reply.body, (*reply.headers, *CORS))
        self._done()

    async def _pages(self, req: Request, path: bytes, query: bytes) -> None:
        environ = self._environ(req, path, query)
        pages = self.worker.site.pages
        try:
            started = await self.worker.run_in_thread(lambda: _start_wsgi(pages, environ))
        except Busy:
            self._send(
                req,
                503,
                "text/plain; charset=utf-8",
                b"the server is busy; try again shortly\n",
                (("Retry-After", "5"),),
            )
            return
        try:
            headers = [(k, v) for k, v in started.headers if k.lower() != "content-length"]
            length = started.length
            if length is None and started.rest is None:
                length = sum(len(c) for c in started.first)
            chunked = length is None and req.version == "1.1"
            if chunked:
                headers.append(("Transfer-Encoding", "chunked"))
            if self.transport is None:
                return
            keep = self._write_head(req, started.status, headers, length)
            if length is None and not chunked:
                keep = False  # HTTP/1.0 without a length: the end of the body is the close
            if req.method != "HEAD":
                for chunk in started.first:
                    await self._write(chunk, chunked)
                read = functools.partial(next, started.rest, None)
                while started.rest is not None and self.transport is not None:
                    chunk = await self.worker.run_in_thread(read)
                    if chunk is None:
                        break
                    await self._write(bytes(chunk), chunked)
                if chunked and self.transport is not None:
                    self.transport.write(b"0\r\n\r\n")
            if not keep:
                self.closing = True
        finally:
            if started.close is not None:
                close = started.close
                await self.worker.run_in_thread(close)

    async def _write(self, chunk: bytes, chunked: bool) -> None:
        """Write a body chunk, waiting while the client reads slower than we send."""
        if self.transport is None or not chunk:
            return
        if chunked:
            self.transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        else:
            self.transport.write(chunk)
        if self.paused is not None:
            await self.paused

    def pause_writing(self) -> None:
        if self.paused is None:
            self.paused = self.worker.loop.create_future()

    def resume_writing(self) -> None:
        if self.paused is not None:
            if not self.paused.done():
                self.paused.set_result(None)
            self.paused = None

    def _environ(self, req: Request, path: bytes, query: bytes) -> dict[str, Any]:
        host = req.header(b"host") or "localhost"
        name, _, port = host.partition(":")
        body = b"".join(req.body)
        environ: dict[str, Any] = {
            "REQUEST_METHOD": req.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "RAW_URI": req.url.decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
            "SERVER_NAME": name,
            "SERVER_PORT": port or "80",
            "SERVER_PROTOCOL": f"HTTP/{req.version}",
            "REMOTE_ADDR": self.peer[0],
            "REMOTE_PORT": str(self.peer[1]),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "CONTENT_LENGTH": str(len(body)) if body else "",
        }
        for k, v in req.headers:
            key = k.decode("latin-1").upper().replace("-", "_")
            value = v.decode("latin-1")
            if key == "CONTENT_TYPE":
                environ["CONTENT_TYPE"] = value
            elif key != "CONTENT_LENGTH":
                environ["HTTP_" + key] = (
                    environ["HTTP_" + key] + "," + value if "HTTP_" + key in environ else value
                )
        return environ


@dataclass
class _Started:
    status: int
    headers: list[tuple[str, str]]
    length: int | None
    #: the body's first chunks (up to _FIRST_BYTES), and an iterator of the rest if any
    first: list[bytes]
    rest: Any
    close: Callable[[], None] | None


_FIRST_BYTES = 1 << 20


def _start_wsgi(app: WSGIApp, environ: dict[str, Any]) -> _Started:
    """Call a WSGI app and read the start of its body (runs on a thread); a large body (a
    dump of the dataset) is read on in chunks as the client takes it, never all in memory."""
    started: list[Any] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started[:] = [status, headers]
        return lambda data: None

    result = app(environ, start_response)
    close = getattr(result, "close", None)
    it = iter(result)
    first: list[bytes] = []
    size = 0
    rest: Any = None
    for chunk in it:
        if chunk:
            first.append(bytes(chunk))
            size += len(chunk)
        if size >= _FIRST_BYTES:
            rest = it
            break
    status, headers = started
    length = next((v for k, v in headers if k.lower() == "content-length"), None)
    return _Started(
        int(status.split(" ", 1)[0]),
        list(headers),
        int(length) if length is not None and length.isdigit() else None,
        first,
        rest,
        close,
    )
