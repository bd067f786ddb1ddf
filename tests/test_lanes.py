"""The second lane: jobs in a forked process, results back in order, failures named."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from hrd_lod.errors import UsageError
from hrd_lod.lanes import Lane, LaneFailed, gc_paused

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def test_results_come_back_by_name_with_timings() -> None:
    big = list(range(100_000))  # shared with the child, not sent
    lane = Lane([("sum", lambda: sum(big)), ("pid", os.getpid)])
    try:
        assert lane.result("sum") == sum(big)
        assert lane.result("pid") != os.getpid()
        lane.join()
    finally:
        lane.kill()
    assert set(lane.timings) == {"sum", "pid"}
    assert all(t >= 0 for t in lane.timings.values())


def test_ready_does_not_wait(tmp_path: Path) -> None:
    flag = tmp_path / "go"

    def wait_for_flag() -> str:
        for _ in range(1000):
            if flag.exists():
                return "went"
            time.sleep(0.01)
        return "timed out"

    lane = Lane([("wait", wait_for_flag)])
    try:
        assert not lane.ready("wait")
        flag.touch()
        assert lane.result("wait") == "went"
        assert lane.ready("wait")
    finally:
        lane.kill()


def test_a_failing_job_is_named_and_later_jobs_do_not_run(tmp_path: Path) -> None:
    marker = tmp_path / "after"

    def boom() -> None:
        raise ZeroDivisionError("division by zero")

    lane = Lane([("first", lambda: 1), ("boom", boom), ("after", marker.touch)])
    try:
        assert lane.result("first") == 1
        with pytest.raises(LaneFailed, match=r"boom failed .*ZeroDivisionError"):
            lane.result("boom")
    finally:
        lane.kill()
    assert not marker.exists()


def test_an_error_for_people_is_raised_again_as_it_was() -> None:
    def bad_usage() -> None:
        raise UsageError("unknown engine 'x'", hint="use fast")

    lane = Lane([("job", bad_usage)])
    try:
        with pytest.raises(UsageError, match="unknown engine") as info:
            lane.join()
        assert info.value.hint == "use fast"
    finally:
        lane.kill()


def test_a_child_that_dies_is_reported() -> None:
    lane = Lane([("die", lambda: os._exit(9)), ("never", lambda: 2)])
    try:
        with pytest.raises(LaneFailed, match=r"exit 9.*die, never"):
            lane.join()
    finally:
        lane.kill()


def test_the_collector_is_left_as_it_was() -> None:
    lane = Lane([("x", lambda: 1)])
    assert gc.get_freeze_count() > 0  # shared objects are not scanned while the child runs
    lane.join()
    lane.kill()
    assert gc.get_freeze_count() == 0
    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_errors_for_people_survive_pickling() -> None:
    import pickle

    from hrd_lod.errors import LoadError, Location, Problem, ValidationFailed

    load = LoadError([Problem(Location("data/a.yaml", 3, "year"), "bad year", "use YYYY")])
    again = pickle.loads(pickle.dumps(load))
    assert type(again) is LoadError and again.problems == load.problems
    assert str(again) == str(load)
    failed = pickle.loads(pickle.dumps(ValidationFailed({"conforms": False})))
    assert failed.report == {"conforms": False} and failed.exit_code == 1
