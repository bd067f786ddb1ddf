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


def test_endpoint_bench_smoke_run(tmp_path: Path) -> None:
    """bench/endpoint.py end to end on a small project: both servers agree and answer."""
    from tests.conftest import require_tool

    require_tool("hey")
    require_tool("oxigraph")
    out = tmp_path / "endpoint.md"
    res = subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "endpoint.py"),
            "--size",
            "300",
            "--seconds",
            "1",
            "--clients",
            "4",
            "--rounds",
            "1",
            "--out",
            str(out),
            "--baseline",  # a second hrd-lod (here the same source) in the same alternation
            str(REPO / "src"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    table = out.read_text()
    for query in ("lookup", "group-by", "construct"):
        assert f"| {query} | oxigraph serve-read-only |" in table
        assert f"| {query} | hrd-lod serve |" in table
        assert f"| {query} | hrd-lod serve (baseline) |" in table
    rows = [line for line in table.splitlines() if "| hrd-lod serve" in line]
    assert len(rows) == 6
    assert all(line.endswith("| 0 | 0 |") for line in rows), rows  # no non-200, no errors
    assert "| query | baseline req/s (mean) | hrd-lod req/s (mean) | hrd-lod / baseline |" in table
