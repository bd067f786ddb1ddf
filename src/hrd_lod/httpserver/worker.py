"""A worker process: an event loop, a read-only view of the store, a pool of query threads."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import signal
import socket
import sys
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .config import Busy, ServerLimits, Site
from .connection import Connection


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
        self.finishing = False  # the worker exits in a moment
        self.retired = False  # a new edition is served: later requests are not answered here
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

        from ..sparql.local import open_disk_store, open_written
        from ..sparql.pool import execute

        self.store = open_disk_store(Path(self.site.store_folder))
        written = open_written(Path(self.site.store_folder))
        # answers are turned back into the literals as written only where the edition has
        # literals the store keeps in another form (and then only answers that hold one)
        self.execute = functools.partial(execute, written=written) if written else execute
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
        self.loop.add_signal_handler(signal.SIGUSR1, self.retire)
        await self.done

    def retire(self) -> None:
        """The supervisor serves a new edition (SIGUSR1): stop accepting, finish the requests
        already being answered, answer any later request on an open connection with 503 and
        ``Connection: close`` (never from the old edition), then exit."""
        self.retired = True
        self.drain()

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
        # Every connection closes after the answer to its next request (which says
        # Connection: close), or by its idle timer if no request comes: an answer that said
        # keep-alive is a promise, and closing such a connection earlier resets the request
        # its client may be sending (what the hardening test's load saw as the worker
        # exited). The other requests get up to time_s to finish (a query cannot take longer);
        # what still waits for a thread then would wait for the runaway's: it is answered busy.
        self.loop.call_later(self.time_s + 1, self._unqueue)
        # the bound: every idle timer has run out by then; whatever is left is cut
        self.loop.call_later(max(self.time_s, self.limits.idle_timeout_s) + 2, self._finish)
        self._maybe_finish()

    def _maybe_finish(self) -> None:
        if self.draining and self.busy == 0 and not self.connections and not self.finishing:
            self._finish()

    def _unqueue(self) -> None:
        while self.waiting:
            w = self.waiting.popleft()
            if w.timer is not None:
                w.timer.cancel()
            w.done(None, "busy")

    def _finish(self) -> None:
        # give the last answers a moment to leave, then exit
        self.finishing = True
        self._unqueue()
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
