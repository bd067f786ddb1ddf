"""The benchmark's 1,000-conferral smoke run works (figures are not asserted: not a timing test)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_bench_smoke_run(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    res = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    table = out.read_text()
    for row in (
        "| load |",
        "| encode |",
        "| validate fast |",
        "| export Turtle |",
        "stages: union_triples",
    ):
        assert row in table, row
    assert "error" not in table.split("shacl-rust")[0]
