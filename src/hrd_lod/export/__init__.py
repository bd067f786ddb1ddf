"""Export: write the published edition into a folder.

Every exporter is an :class:`Exporter`: a function ``(ctx, out) -> None`` that writes its
files under ``out``, with what it reads and where it belongs (the per-entity site or not) and
may run (the second process). One loop, :func:`export`, runs them in the order of
:data:`EXPORTERS`, then writes the manifest, so that it covers every file. What exporters hand
each other are typed values on the :class:`ExportContext` (the VoID figures, the gzip members,
the entity index, the manifest entries), never string-keyed dictionaries.
"""

from __future__ import annotations

import contextlib
import enum
import functools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from ..lanes import Lane, can_fork
from .context import ExportContext
from .describe import VoidStatistics, prepare_statistics, write_description
from .dumps import (
    write_jsonld,
    write_nquads,
    write_ntriples,
    write_trig,
    write_turtle,
    write_vocabularies,
)
from .entities import entity_index, write_entities
from .manifest import write_manifest
from .releases import write_releases
from .reuse import Kept
from .search import write_search
from .site import write_home_page, write_site

Write = Callable[[ExportContext, Path], None]


class Offload(enum.Enum):
    """When an exporter runs in the second process (the rest run here)."""

    NEVER = "never"
    WITH_SITE = "with the site"
    WITHOUT_SITE = "without the site"


@dataclass(frozen=True)
class Exporter:
    """One exporter: what it writes with, what it reads, and where it belongs and may run.

    ``reads`` names what it reads of the context: ``union`` (the union's sorted lines, made
    before the fork when an exporter that reads it runs in the second process), ``graphs``,
    ``quads``, ``records``, ``statistics``, ``entities`` (the entity index), ``files`` (what
    earlier exporters wrote: it waits for the second process). ``write`` may set the typed
    values of the context it makes (``statistics``, ``gzip_members``); the driver carries them
    back from the second process.
    """

    label: str
    write: Write
    reads: frozenset[str]
    #: part of the per-entity site (``build --no-site`` leaves it out)
    site: bool = False
    #: when it runs in the second process (measured: see ``EXPORTERS``)
    offload: Offload = Offload.NEVER

    @property
    def independent(self) -> bool:
        """Return True when it reads nothing other exporters write (it may run anywhere)."""
        return "files" not in self.reads

    def on_lane(self, with_site: bool) -> bool:
        """Return True when it runs in the second process of a build with(out) the site."""
        wanted = Offload.WITH_SITE if with_site else Offload.WITHOUT_SITE
        return self.offload is wanted and self.independent


def _reads(*names: str) -> frozenset[str]:
    return frozenset(names)


#: The exporters, in order. Later ones may read what earlier ones wrote (the dataset
#: description reads the dumps' sizes and checksums; the manifest, written last by the
#: driver, reads everything). Adding an exporter is one module and one line here.
#:
#: Where they run, measured at 100,000 conferrals (each alone): validation 6 s and TriG 2.2 s
#: in the second process, against the union's merge 1.4, N-Triples 0.9, Turtle 1.9, N-Quads
#: with its gzip 2-2.5, JSON-LD 3 and the VoID figures 1.1 here; moving the VoID figures or
#: N-Quads there was no faster in alternating whole builds (both processes slow each other).
#: With the per-entity site, the entity files (the heaviest exporter) and N-Triples go there
#: and every other dump stays here, next to the pages.
EXPORTERS: list[Exporter] = [
    Exporter("N-Triples", write_ntriples, _reads("union"), offload=Offload.WITH_SITE),
    Exporter("Turtle", write_turtle, _reads("union")),
    Exporter("N-Quads", write_nquads, _reads("quads")),
    Exporter("TriG", write_trig, _reads("graphs"), offload=Offload.WITHOUT_SITE),
    Exporter("JSON-LD", write_jsonld, _reads("union")),
    Exporter("ontology and shapes", write_vocabularies, _reads()),
    Exporter(
        "entities",
        write_entities,
        _reads("union", "records", "entities"),
        site=True,
        offload=Offload.WITH_SITE,
    ),
    Exporter("site", write_site, _reads("union", "records", "entities"), site=True),
    Exporter("search index", write_search, _reads("records", "entities"), site=True),
    Exporter("statistics", prepare_statistics, _reads("union")),
    Exporter("home page", write_home_page, _reads("records", "files"), site=True),
    Exporter("dataset description", write_description, _reads("statistics", "files")),
    Exporter("releases", write_releases, _reads("files")),
]


def exporters(site: bool = True) -> list[Exporter]:
    """Return the exporters of a build with (or without) the per-entity site, in order."""
    return [e for e in EXPORTERS if site or not e.site]


#: Number of quads from which forking pays for itself.
PARALLEL_MIN_TRIPLES = 100_000

T = TypeVar("T")


@dataclass(frozen=True)
class FirstJob(Generic[T]):
    """A job that runs before the exports (in the second process when there is one), and
    what to do with its result as soon as it is known: ``accept`` raises to stop the export."""

    name: str
    run: Callable[[], T]
    accept: Callable[[T], None]


@dataclass
class Exported(Generic[T]):
    """What an export did: the first job's result, and seconds per job and exporter."""

    first: T | None
    timings: dict[str, float]


@dataclass(frozen=True)
class _SharedBack:
    """What an exporter in the second process made that the first one needs: the per-entity
    files it wrote, and the typed values it set on the context."""

    written: tuple[dict[str, Kept], int, int]
    statistics: VoidStatistics | None
    gzip_members: list[tuple[int, int]] | None


def worth_forking(ctx: ExportContext) -> bool:
    """Return True when the side process is likely to save time (large data, two cores)."""
    return can_fork() and ctx.dataset.size >= PARALLEL_MIN_TRIPLES


def export(
    ctx: ExportContext,
    out: Path,
    progress: Callable[[str], None] | None = None,
    site: bool = True,
    parallel: bool | None = None,
    first: FirstJob[T] | None = None,
) -> Exported[T]:
    """Write every export of ``ctx`` under ``out`` (without the per-entity site unless
    ``site``), then the manifest; return the result of the ``first`` job and the timings.

    The ``first`` job (validation, in a build) runs before any export; its result is handed to
    its ``accept``, which raises to stop. ``parallel`` (default: when worth it) runs the first
    job and the exporters offloaded for this kind of build in a forked process while the other
    exports run here: the exports then go ahead before the first job ends and are abandoned
    (the lane killed) as soon as ``accept`` raises. The files are the same bytes either way.
    """
    todo = exporters(site)
    side = [e for e in todo if e.on_lane(site)]
    if parallel is None:
        parallel = bool(side or first) and worth_forking(ctx)
    timings: dict[str, float] = {}
    result: T | None = None
    if not parallel:
        if first is not None:
            if progress:
                progress(first.name)
            with _timer(timings, first.name):
                result = first.run()
            first.accept(result)
        for exporter in todo:
            if progress:
                progress(exporter.label)
            with _timer(timings, exporter.label):
                exporter.write(ctx, out)
        with _timer(timings, "manifest"):
            write_manifest(ctx, out)
        return Exported(result, timings)

    if any("union" in e.reads for e in side):
        _ = ctx.union  # computed before the fork: the child reads it copy-on-write
    if any("entities" in e.reads for e in side):
        entity_index(ctx)  # shared by the entity files (child) and the pages (here)
    jobs: list[tuple[str, Callable[[], object]]] = []
    if first is not None:
        jobs.append((first.name, first.run))
    jobs += [(e.label, functools.partial(_exporter_job, e.write, ctx, out)) for e in side]
    if progress:
        progress(", ".join(name for name, _job in jobs) + " (second process)")
    pending = first
    lane = Lane(jobs)
    try:

        def settle(wait: bool) -> None:
            nonlocal pending, result
            if pending is not None and (wait or lane.ready(pending.name)):
                job, pending = pending, None
                value: T = lane.result(job.name)  # what job.run returned, in the other process
                result = value
                job.accept(value)

        joined = False
        for exporter in todo:
            if exporter in side:
                continue
            settle(wait=False)
            if not exporter.independent and not joined:
                settle(wait=True)
                lane.join()
                joined = True
            if progress:
                progress(exporter.label)
            with _timer(timings, exporter.label):
                exporter.write(ctx, out)
        settle(wait=True)
        lane.join()
    finally:
        lane.kill()
    for exporter in side:  # what the second process wrote and learnt
        shared = lane.results[exporter.label]
        assert isinstance(shared, _SharedBack)
        ctx.reuse.merge(shared.written)
        if shared.statistics is not None:
            ctx.statistics = shared.statistics
        if shared.gzip_members is not None:
            ctx.gzip_members = shared.gzip_members
    timings.update(lane.timings)
    with _timer(timings, "manifest"):
        write_manifest(ctx, out)
    return Exported(result, timings)


def _exporter_job(write: Write, ctx: ExportContext, out: Path) -> _SharedBack:
    """Run an exporter in the second process; return what the first one needs of it."""
    statistics, members = ctx.statistics, ctx.gzip_members
    write(ctx, out)
    return _SharedBack(
        ctx.reuse.take_new(),
        ctx.statistics if ctx.statistics is not statistics else None,
        ctx.gzip_members if ctx.gzip_members is not members else None,
    )


@contextlib.contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


__all__ = [
    "EXPORTERS",
    "ExportContext",
    "Exported",
    "Exporter",
    "FirstJob",
    "Offload",
    "export",
    "exporters",
]
