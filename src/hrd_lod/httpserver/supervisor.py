"""The supervisor: binds the port, forks the workers, replaces those that drain or die."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import time

from ..errors import RemoteError
from .config import ServerLimits, Site
from .worker import Worker


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
                os.kill(pid, signal.SIGUSR1)  # retire: finish what it answers, then exit
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
