"""Export: write the published edition into a folder.

Every exporter is a function ``(ctx, out) -> None`` that writes its files under ``out``; they
run in the order of :data:`EXPORTERS`, the manifest last, so that it covers every file.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..lanes import Lane, can_fork
from .context import ExportContext
from .describe import prepare_statistics, write_description
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
from .site import write_home_page, write_site

Exporter = Callable[[ExportContext, Path], None]

#: The exporters, in order. Later ones may read what earlier ones wrote (the dataset
#: description reads the dumps' sizes and checksums; the manifest reads everything).
EXPORTERS: list[tuple[str, Exporter]] = [
    ("N-Triples", write_ntriples),
    ("Turtle", write_turtle),
    ("N-Quads", write_nquads),
    ("TriG", write_trig),
    ("JSON-LD", write_jsonld),
    ("ontology and shapes", write_vocabularies),
    ("entities", write_entities),
    ("site", write_site),
    ("statistics", prepare_statistics),
    ("home page", write_home_page),
    ("dataset description", write_description),
    ("releases", write_releases),
]


#: Exporters that make the per-entity web site; ``build --no-site`` leaves them out.
SITE_EXPORTERS = frozenset({"entities", "site", "home page"})

#: Exporters that do not read what other exporters write, so they may run in the second
#: process while the others run here (the rest wait for the second process to finish).
INDEPENDENT = frozenset(
    {
        "N-Triples",
        "Turtle",
        "N-Quads",
        "TriG",
        "JSON-LD",
        "ontology and shapes",
        "entities",
        "site",
        "statistics",
    }
)
#: Exporters that read the union's sorted lines (computed before the fork when one of them
#: runs in the second process, so that the work is not done twice).
NEEDS_UNION = frozenset({"N-Triples", "Turtle", "JSON-LD", "entities", "site", "statistics"})


def lane_exporters(labels: list[str]) -> frozenset[str]:
    """Return the exporters (of ``labels``) to run on the second core, after the validation.

    Measured at 100,000 conferrals (each alone): validation 6 s and TriG 2.2 s there, against
    the union's merge 1.4, N-Triples 0.9, Turtle 1.9, N-Quads with its gzip 2-2.5, JSON-LD 3
    and the VoID figures 1.1 here; moving the VoID figures or N-Quads there was no faster in
    alternating whole builds (both processes slow each other). With the per-entity site, the
    entity files (the heaviest exporter) go there and every dump stays here, next to the pages.
    """
    wanted = {"N-Triples", "entities"} if "entities" in labels else {"TriG"}
    return frozenset(label for label in labels if label in wanted)


#: Number of quads from which forking pays for itself.
PARALLEL_MIN_TRIPLES = 100_000

#: A job that runs before the exports (in the second process when there is one), and what to do
#: with its result as soon as it is known: ``accept`` raises to stop the export.
FirstJob = tuple[str, Callable[[], object], Callable[[object], None]]


def worth_forking(ctx: ExportContext) -> bool:
    """Return True when the side process is likely to save time (large data, two cores)."""
    if ctx.graphs is not None:
        size = sum(len(lines) for lines in ctx.graphs.values())
    else:
        size = len(ctx.store)
    return can_fork() and size >= PARALLEL_MIN_TRIPLES


def export(
    ctx: ExportContext,
    out: Path,
    progress: Callable[[str], None] | None = None,
    skip: frozenset[str] = frozenset(),
    parallel: bool | None = None,
    first: tuple[FirstJob, ...] = (),
) -> dict[str, object]:
    """Write every export of ``ctx`` under ``out`` (but those named in ``skip``), then the
    manifest, and return the results of the ``first`` jobs (and ``timings``: seconds per job
    and exporter).

    ``first`` jobs (validation, in a build) run before any export; each result is handed to its
    ``accept``, which raises to stop. ``parallel`` (default: when worth it) runs the first jobs
    and the union-only dumps in a forked process while the other exports run here: the exports
    then go ahead before the first jobs end and are abandoned (the lane killed) as soon as an
    ``accept`` raises. The files are the same bytes either way.
    """
    todo = [(label, fn) for label, fn in EXPORTERS if label not in skip]
    on_lane = lane_exporters([label for label, _fn in todo])
    side = [(label, fn) for label, fn in todo if label in on_lane]
    if parallel is None:
        parallel = bool(side or first) and worth_forking(ctx)
    results: dict[str, object] = {}
    timings: dict[str, float] = {}
    if not parallel:
        for name, job, accept in first:
            if progress:
                progress(name)
            with _timer(timings, name):
                results[name] = job()
            accept(results[name])
        for label, exporter in todo:
            if progress:
                progress(label)
            with _timer(timings, label):
                exporter(ctx, out)
        with _timer(timings, "manifest"):
            write_manifest(ctx, out)
        return {**results, "timings": timings}

    if on_lane & NEEDS_UNION:
        _ = ctx.union  # computed before the fork: the child reads it copy-on-write
    if any(label in SITE_EXPORTERS for label, _fn in side):
        entity_index(ctx)  # shared by the entity files (child) and the pages (here)
    jobs = [(name, job) for name, job, _accept in first]
    jobs += [
        (label, functools.partial(_exporter_job, exporter, ctx, out)) for label, exporter in side
    ]
    if progress:
        progress(", ".join(name for name, _job in jobs) + " (second process)")
    accepts = {name: accept for name, _job, accept in first}
    lane = Lane(jobs)
    try:

        def settle(wait: bool) -> None:
            for name, accept in list(accepts.items()):
                if wait or lane.ready(name):
                    del accepts[name]
                    accept(lane.result(name))

        joined = False
        for label, exporter in todo:
            if label in on_lane:
                continue
            settle(wait=False)
            if label not in INDEPENDENT and not joined:
                settle(wait=True)
                lane.join()
                joined = True
            if progress:
                progress(label)
            with _timer(timings, label):
                exporter(ctx, out)
        settle(wait=True)
        lane.join()
    finally:
        lane.kill()
    results.update({name: lane.results[name] for name, _job, _accept in first})
    for label, _exporter in side:  # what the second process wrote and learnt
        written, extras = lane.results[label]  # type: ignore[misc]
        ctx.reuse.merge(written)
        ctx.extras.update(extras)
    timings.update(lane.timings)
    with _timer(timings, "manifest"):
        write_manifest(ctx, out)
    return {**results, "timings": timings}


def _exporter_job(exporter: Exporter, ctx: ExportContext, out: Path) -> object:
    """Run an exporter in the second process; return the per-entity files it wrote and what
    it added to ``ctx.extras``."""
    before = set(ctx.extras)
    exporter(ctx, out)
    return ctx.reuse.take_new(), {k: v for k, v in ctx.extras.items() if k not in before}


@contextlib.contextmanager
def _timer(timings: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


__all__ = ["EXPORTERS", "SITE_EXPORTERS", "ExportContext", "export"]
