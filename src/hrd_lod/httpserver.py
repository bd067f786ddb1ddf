"""The HTTP server of ``hrd-lod serve``: prefork workers, each an event loop with query threads.

Why not a WSGI server: measured with ``hey`` (50 clients) over 167,532 quads, waitress with the
Werkzeug endpoint answered a lookup 26-42 times slower than Oxigraph's own server, and granian
in front of the same WSGI app still 2.2-2.7 times slower; what cost the time was the Python
HTTP stack and the trip of every query to a separate process, not the engine. So here:

- The supervisor (the process that runs ``hrd-lod serve``) binds the port (a taken port is a
  :class:`~hrd_lod.errors.RemoteError`, exit 3), then forks ``workers`` processes that share it.
- Each worker parses HTTP with httptools on a uvloop event loop, opens its own read-only view
  of the on-disk store, and evaluates each query on one of ``threads`` threads (pyoxigraph
  releases the GIL while it evaluates and serialises), so a slow query never blocks the loop
  and light queries keep being answered beside it.
- A query past its time limit gets 504 at once; its thread cannot be stopped, so its worker
  stops accepting, tells the supervisor (which forks a replacement at once), finishes the
  requests it holds and exits, taking the runaway with it. At most ``workers`` such draining
  workers are kept; beyond that the oldest is killed.
- ``/sparql`` is answered here through :mod:`hrd_lod.sparql.protocol`; every other path goes
  to the linked-data WSGI app (on the same threads).
- Connection limits: a request's head must arrive within ``idle_timeout_s`` (slow-loris), its
  head may not pass ``header_bytes`` (431) nor its body ``body_bytes`` (413).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import io
import logging
import os
import signal
import socket
import sys
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import unquote_to_bytes

from .errors import RemoteError

if TYPE_CHECKING:
    from .sparql.protocol import Service

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


def bind(host: str, port: int) -> socket.socket:
    """Return a listening socket on ``host:port``; raise RemoteError if it cannot be had."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise RemoteError(
            f"cannot listen on {host}:{port}: unknown address ({exc.strerror})",
            hint="give --host an address of this machine, such as 127.0.0.1",
        ) from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        if exc.errno in (98, 48):  # EADDRINUSE (Linux, BSD)
            raise RemoteError(
                f"cannot listen on {host}:{port}: the port is already in use",
                hint="stop the other server, or choose another port with --port",
            ) from None
        raise RemoteError(
            f"cannot listen on {host}:{port}: {exc.strerror}",
            hint="ports below 1024 need privileges; choose another with --port",
        ) from None
    sock.setblocking(False)
    return sock


# --- the supervisor -------------------------------------------------------------------------


class Supervisor:
    """Forks the workers, replaces those that drain or die, and stops them all on a signal."""

    def __init__(self, sock: socket.socket, site: Site, limits: ServerLimits, workers: int):
        self.sock = sock
        self.site = site
        self.limits = limits
        self.workers = max(1, workers)
        self.active: dict[int, int] = {}  # pid -> read end of its "draining" pipe
        self.draining: dict[int, float] = {}  # pid -> when it started draining
        self.stopping = False
        self.next_look = 0.0  # when to look again whether the edition changed

    def _fork(self) -> None:
        r, w = os.pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the worker
            os.close(r)
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                _die_with(parent)
                code = Worker(self.sock, self.site, self.limits, w).run()
            except BaseException:  # never return into the supervisor's code
                import traceback

                traceback.print_exc()
                code = 70
            finally:
                os._exit(code)
        os.close(w)
        os.set_blocking(r, False)
        self.active[pid] = r

    def run(self) -> None:
        """Serve until SIGINT or SIGTERM."""

        def stop(signum: int, frame: object) -> None:
            self.stopping = True

        old_int = signal.signal(signal.SIGINT, stop)
        old_term = signal.signal(signal.SIGTERM, stop)
        try:
            for _ in range(self.workers):
                self._fork()
            while not self.stopping:
                self._tick()
                time.sleep(0.05)
        finally:
            signal.signal(signal.SIGINT, old_int)
            signal.signal(signal.SIGTERM, old_term)
            self._stop_all()

    def _follow(self) -> None:
        """Serve a new edition swapped into dist/: stop every worker first (none may answer
        from the old store), load the new store, fork new workers. Until they run,
        connections wait in the listening socket's queue."""
        follow = self.site.follow
        now = time.monotonic()
        if follow is None or self.stopping or now < self.next_look:
            return
        self.next_look = now + 0.5
        if not follow.changed():
            return
        for pid, fd in list(self.active.items()):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
            os.close(fd)
            del self.active[pid]
            self.draining[pid] = now
        try:
            self.site = follow.make()
        except Exception as exc:  # noqa: BLE001 - say it, and try again at the next look
            logging.getLogger(__name__).error("the new edition cannot be served yet: %s", exc)
            return
        for _ in range(self.workers):
            self._fork()

    def _tick(self) -> None:
        self._follow()
        if not self.active and self.site.follow is not None and self.site.follow.changed():
            return  # the new edition is not served yet: no worker over the old one
        for pid, fd in list(self.active.items()):
            try:
                said = os.read(fd, 64)
            except BlockingIOError:
                said = b"?"
            if said != b"?":  # b"d": draining (a query overran); b"": the pipe closed
                os.close(fd)
                del self.active[pid]
                self.draining[pid] = time.monotonic()
                if not self.stopping:
                    self._fork()
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            self.draining.pop(pid, None)
            fd = self.active.pop(pid, -1)
            if fd >= 0:  # died without saying so: replace it
                os.close(fd)
                if not self.stopping:
                    self._fork()
        while len(self.draining) > self.workers:
            oldest = min(self.draining, key=self.draining.__getitem__)
            with contextlib.suppress(ProcessLookupError):
                os.kill(oldest, signal.SIGKILL)
            self.draining.pop(oldest)

    def _stop_all(self) -> None:
        pids = list(self.active) + list(self.draining)
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 5
        for pid in pids:
            while time.monotonic() < deadline:
                try:
                    done, _ = os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    break
                if done:
                    break
                time.sleep(0.02)
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)
        for fd in self.active.values():
            with contextlib.suppress(OSError):
                os.close(fd)
        self.active.clear()
        self.draining.clear()
        self.sock.close()


def _die_with(parent: int) -> None:
    """Have the kernel end this worker when the supervisor dies, even by SIGKILL (Linux)."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:  # the supervisor died before the line above
        os._exit(0)


def serve(sock: socket.socket, site: Site, limits: ServerLimits, workers: int) -> None:
    """Serve ``site`` on a socket made by :func:`bind` with ``workers`` processes until
    interrupted."""
    Supervisor(sock, site, limits, workers).run()


# --- a worker ---------------------------------------------------------------------------------


_REASONS = {s.value: s.phrase for s in HTTPStatus}
_date_cache: list[Any] = [0, b""]


def _date() -> bytes:
    now = int(time.time())
    if _date_cache[0] != now:
        _date_cache[0] = now
        _date_cache[1] = formatdate(now, usegmt=True).encode("ascii")
    return bytes(_date_cache[1])


class Worker:
    """One worker process: an event loop, a read-only store, a pool of threads."""

    def __init__(self, sock: socket.socket, site: Site, limits: ServerLimits, notify_fd: int):
        self.sock = sock
        self.site = site
        self.limits = limits
        self.notify_fd = notify_fd
        self.connections: set[Connection] = set()
        self.busy = 0  # requests being handled
        self.draining = False
        self.server: asyncio.AbstractServer | None = None
        self.done: asyncio.Future[None] | None = None
        svc = site.service
        self.time_s: float = svc.limits.time_s
        self.queue_s: float = svc.limits.queue_s
        self.sparql = site.sparql_path.encode()
        self.sparql_slash = self.sparql + b"/"
        self.running = 0  # threads busy (a runaway's thread stays counted until exit)
        self.waiting: deque[_Waiting] = deque()
        #: how long each recent job took (a job is the query, dataset and formats): the store
        #: is read-only, so the same job costs the same again
        self.costs: OrderedDict[Any, float] = OrderedDict()

    def run(self) -> int:
        from pathlib import Path

        import uvloop

        from .sparql.local import open_disk_store
        from .sparql.pool import execute

        self.store = open_disk_store(Path(self.site.store_folder))
        self.execute = execute
        self.executor = ThreadPoolExecutor(
            self.limits.threads + self.limits.reserve, thread_name_prefix="hrd-lod"
        )
        loop = uvloop.new_event_loop()
        asyncio.set_event_loop(loop)
        self.loop = loop
        try:
            loop.run_until_complete(self._main())
        finally:
            self.executor.shutdown(wait=False, cancel_futures=True)
        return 0

    async def _main(self) -> None:
        # a thread that finished its query waits for the GIL at most this long
        sys.setswitchinterval(0.0005)
        self.done = self.loop.create_future()
        self.server = await self.loop.create_server(lambda: Connection(self), sock=self.sock)
        await self.done

    def drain(self) -> None:
        """Stop accepting, tell the supervisor, and exit once the held requests are answered."""
        if self.draining:
            return
        self.draining = True
        with contextlib.suppress(OSError):
            os.write(self.notify_fd, b"d")
        if self.server is not None:
            self.server.close()
        for conn in list(self.connections):
            conn.close_when_idle()

        # the runaway thread holds a slot for as long as it runs; the other requests of this
        # worker get up to time_s to finish, idle keep-alive connections are closed after that
        self.loop.call_later(self.time_s + 1, self._finish)
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.draining and self.busy == 0 and not self.connections:
            self._finish()

    def _finish(self) -> None:
        # what still waits for a thread would wait for the runaway's: answer it busy (its
        # client retries elsewhere), give the answers a moment to leave, then exit
        while self.waiting:
            w = self.waiting.popleft()
            if w.timer is not None:
                w.timer.cancel()
            w.done(None, "busy")
        self.loop.call_later(0.2, self._exit)

    def _exit(self) -> None:
        for conn in list(self.connections):
            conn.abort()
        os._exit(0)  # the runaway thread cannot be joined; the process takes it along

    def submit(
        self, call: Callable[[], Any], done: Callable[[Any, str | None], None], light: bool = False
    ) -> None:
        """Run ``call`` on a thread; then ``done(result, None)``, or ``done(None, why)`` when
        it waited too long for a thread ("busy") or ran too long ("overran"). A ``light`` call
        may also take one of the reserved threads."""
        if self._room(light) and not any(w.light or not light for w in self.waiting):
            self._start(call, done)
            return
        w = _Waiting(call, done, light)
        w.timer = self.loop.call_later(self.queue_s, self._expire_waiting, w)
        self.waiting.append(w)

    def _room(self, light: bool) -> bool:
        return self.running < self.limits.threads + (self.limits.reserve if light else 0)

    def _expire_waiting(self, w: _Waiting) -> None:
        with contextlib.suppress(ValueError):
            self.waiting.remove(w)
            w.done(None, "busy")

    def _start(self, call: Callable[[], Any], done: Callable[[Any, str | None], None]) -> None:
        self.running += 1
        state = _Running(done)
        state.timer = self.loop.call_later(self.time_s, self._overran, state)
        future = self.executor.submit(call)
        future.add_done_callback(lambda f: self.loop.call_soon_threadsafe(self._finished, f, state))

    def _overran(self, state: _Running) -> None:
        state.overran = True
        state.done(None, "overran")
        self.drain()  # its thread cannot be stopped: this process will exit

    def _finished(self, future: Any, state: _Running) -> None:
        if state.overran:
            return  # answered already; the slot stays taken until this worker exits
        if state.timer is not None:
            state.timer.cancel()
        self.running -= 1
        exc = future.exception()
        if exc is not None:
            state.done(None, f"{type(exc).__name__}: {exc}")
        else:
            state.done(future.result(), None)
        for w in list(self.waiting):  # in order; a light call may pass a heavy one
            if not self._room(w.light):
                if self._room(True):
                    continue
                break
            self.waiting.remove(w)
            if w.timer is not None:
                w.timer.cancel()
            self._start(w.call, w.done)

    def remember(self, job: Any, seconds: float) -> None:
        """Keep how long ``job`` took (the most recent jobs only)."""
        self.costs[job] = seconds
        self.costs.move_to_end(job)
        while len(self.costs) > 4096:
            self.costs.popitem(last=False)

    def run_in_thread(self, call: Callable[[], Any]) -> asyncio.Future[Any]:
        """Return a future of ``call`` run on a thread (for the pages; no time limit)."""
        future: asyncio.Future[Any] = self.loop.create_future()

        def done(result: Any, why: str | None) -> None:
            if future.done():
                return
            if why is None:
                future.set_result(result)
            else:
                future.set_exception(Busy(why) if why == "busy" else RuntimeError(why))

        self.submit(call, done)
        return future


class Busy(Exception):
    """No thread became free in time (or the worker is draining)."""


class _Waiting:
    __slots__ = ("call", "done", "light", "timer")

    def __init__(
        self, call: Callable[[], Any], done: Callable[[Any, str | None], None], light: bool
    ):
        self.call = call
        self.done = done
        self.light = light
        self.timer: asyncio.TimerHandle | None = None


class _Running:
    __slots__ = ("done", "timer", "overran")

    def __init__(self, done: Callable[[Any, str | None], None]):
        self.done = done
        self.timer: asyncio.TimerHandle | None = None
        self.overran = False


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
        self.closing = False
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
        is draining). An idle connection is not closed now: its client may be sending a
        request at this very moment, which would then see a reset instead of an answer."""
        self.closing = True

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
                from .sparql.protocol import text

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
            if self.closing and not self.pending:
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
        from .sparql.protocol import ProtocolRequest, Reply, plan_cached, wants_page

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
        from .sparql.protocol import Reply, answer_reply, text

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
        from .sparql.protocol import CORS

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
