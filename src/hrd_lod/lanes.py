"""A second lane of work on the second core: named jobs run in order in a forked child process.

The child shares the parent's memory copy-on-write (the store, the records, the sorted lines), so
nothing big is sent across; each job's return value (small, picklable) comes back through a pipe
as the job finishes, and the parent can look at it early (``ready``) or wait for it (``result``).
A job that fails ends the lane: the parent gets a :class:`LaneFailed` naming it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from .errors import HrdLodError

Job = tuple[str, Callable[[], object]]


class LaneFailed(OSError):
    """A job of the second lane failed (or its process died)."""


def can_fork() -> bool:
    """Return True when a second lane can run: ``fork`` exists and there are two cores."""
    return hasattr(os, "fork") and (os.cpu_count() or 1) > 1


class Lane:
    """Jobs running in a forked child; results arrive in the order the jobs were given."""

    def __init__(self, jobs: list[Job]) -> None:
        import multiprocessing

        self.names = [name for name, _fn in jobs]
        self.results: dict[str, object] = {}
        self.timings: dict[str, float] = {}
        mp = multiprocessing.get_context("fork")
        self._recv, send = mp.Pipe(duplex=False)
        # Frozen objects are not scanned by the collector, in the child or here, so neither
        # process copies the shared pages only to mark objects it will not free.
        gc.freeze()
        self._frozen = True
        try:
            self._proc = mp.Process(target=_run, args=(jobs, send), daemon=True)
            self._proc.start()
        except BaseException:
            self._thaw()
            raise
        send.close()

    def _thaw(self) -> None:
        if self._frozen:
            self._frozen = False
            gc.unfreeze()

    def _receive(self, block: bool) -> bool:
        """Take one message if there is one (waiting for it if ``block``); False if none."""
        if not block and not self._recv.poll():
            return False
        try:
            name, ok, value, seconds = self._recv.recv()
        except (EOFError, OSError):
            self.kill()
            missing = [n for n in self.names if n not in self.results]
            raise LaneFailed(
                f"the second process ended (exit {self._proc.exitcode}) before "
                f"finishing: {', '.join(missing)}"
            ) from None
        if not ok:
            self.kill()
            if isinstance(value, HrdLodError):
                raise value
            raise LaneFailed(f"{name} failed in the second process: {value}")
        self.results[name] = value
        self.timings[name] = seconds
        return True

    def ready(self, name: str) -> bool:
        """Return True if ``name`` has finished (taking any results that arrived meanwhile)."""
        while name not in self.results and self._receive(block=False):
            pass
        return name in self.results

    def result(self, name: str) -> Any:
        """Wait for ``name`` to finish and return what it returned."""
        while name not in self.results:
            self._receive(block=True)
        return self.results[name]

    def join(self) -> None:
        """Wait for every job, then for the process."""
        for name in self.names:
            self.result(name)
        self._proc.join()
        self._thaw()

    def kill(self) -> None:
        """Stop the child (if it still runs) and reap it."""
        if self._proc.is_alive():
            self._proc.kill()
        self._proc.join()
        with contextlib.suppress(OSError):
            self._recv.close()
        self._thaw()


def _run(jobs: list[Job], send: Any) -> None:
    for name, fn in jobs:
        start = time.perf_counter()
        try:
            value = fn()
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
            try:  # an error for people (bad shapes, ...) is raised again, as is, in the parent
                send.send(
                    (
                        name,
                        False,
                        exc if isinstance(exc, HrdLodError) else f"{type(exc).__name__}: {exc}",
                        0.0,
                    )
                )
            except Exception:  # noqa: BLE001 - it did not pickle: say what it was
                send.send((name, False, f"{type(exc).__name__}: {exc}", 0.0))
            raise SystemExit(1) from None
        send.send((name, True, value, time.perf_counter() - start))
    send.close()


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while many long-lived objects are made.

    Loading 180,000 records makes millions of objects that all stay alive; the collector would
    scan them again and again (7 s of a 9 s load at 100,000 conferrals). Reference counting
    still frees everything; the records made here hold no cycles.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
