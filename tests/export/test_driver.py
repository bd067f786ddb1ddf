"""The export driver: exporters declared in one list, run by one loop, here or in the second
process, handing each other typed values."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

import hrd_lod.export as ex
from hrd_lod.export import EXPORTERS, ExportContext, Exporter, FirstJob, Offload, export
from hrd_lod.export.describe import VoidStatistics
from hrd_lod.lanes import can_fork
from hrd_lod.pipeline import build, prepare
from tests.conftest import tree


def _context(project: Path) -> ExportContext:
    p = prepare(project, use_cache=False)
    return ExportContext(p.store, p.public, p.meta, p.project, "0.0.0", graphs=p.graphs)


def _extra(out: Path, name: str) -> None:
    (out / name).write_text("written by an added exporter\n")


def test_an_added_exporter_runs_and_is_in_the_manifest(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    added = [
        Exporter("notes", lambda ctx, out: _extra(out, "notes.txt"), frozenset({"files"})),
        Exporter(
            "site notes",
            lambda ctx, out: _extra(out, "site-notes.txt"),
            frozenset(),
            site=True,
        ),
    ]
    monkeypatch.setattr(ex, "EXPORTERS", [*EXPORTERS, *added])
    with_site = build(project)
    assert {"notes.txt", "site-notes.txt"} <= {f.path for f in with_site.manifest.files}
    without = build(project, site=False, full=True, dist=project / "plain")
    paths = {f.path for f in without.manifest.files}
    assert "notes.txt" in paths and "site-notes.txt" not in paths


@pytest.mark.skipif(not can_fork(), reason="the second process needs fork and two cores")
def test_typed_values_come_back_from_the_second_process(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = VoidStatistics(7, 1, 1, "x", __import__("collections").Counter(), {}, {}, {})

    def make_statistics(ctx: ExportContext, out: Path) -> None:
        ctx.statistics = marker

    moved = [
        replace(e, write=make_statistics, offload=Offload.WITHOUT_SITE)
        if e.label == "statistics"
        else e
        for e in EXPORTERS
    ]
    monkeypatch.setattr(ex, "EXPORTERS", moved)
    ctx = _context(project)
    done = export(ctx, tmp_path / "out", site=False, parallel=True)
    assert ctx.statistics == marker  # made in the child, handed back as the typed value
    assert ctx.gzip_members  # made here by the N-Quads exporter
    assert done.first is None and "statistics" in done.timings


@pytest.mark.skipif(not can_fork(), reason="the second process needs fork and two cores")
@pytest.mark.parametrize("site", [True, False])
def test_the_second_process_writes_the_same_bytes(
    project: Path, tmp_path: Path, site: bool
) -> None:
    editions = []
    for parallel in (False, True):
        ctx = _context(project)
        out = tmp_path / f"out-{parallel}"
        out.mkdir()
        done = export(
            ctx,
            out,
            site=site,
            parallel=parallel,
            first=FirstJob("count", lambda: 3, lambda n: None),
        )
        assert done.first == 3
        editions.append(tree(out))
    assert editions[0] == editions[1]


def test_a_first_job_that_refuses_stops_the_export(project: Path, tmp_path: Path) -> None:
    def refuse(n: int) -> None:
        raise ValueError(f"refused {n}")

    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValueError, match="refused 1"):
        export(_context(project), out, parallel=False, first=FirstJob("one", lambda: 1, refuse))
    assert not list(out.iterdir())
