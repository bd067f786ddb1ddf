"""Export: write the published edition into a folder.

Every exporter is a function ``(ctx, out) -> None`` that writes its files under ``out``; they
run in the order of :data:`EXPORTERS`, the manifest last, so that it covers every file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .context import ExportContext
from .describe import write_description
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
from .site import write_site

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
    ("dataset description", write_description),
    ("releases", write_releases),
]


#: Exporters that make the per-entity web site; ``build --no-site`` leaves them out.
SITE_EXPORTERS = frozenset({"entities", "site"})

#: Exporters that read only what is computed before the fork (the sorted union lines, the
#: entity index) and write their own files: on a large dataset they run in a forked process on
#: the second core while the others run here.
PARALLEL = ("N-Triples", "Turtle", "JSON-LD", "entities")
#: Exporters that do not read what PARALLEL ones write, so they may run alongside them.
INDEPENDENT = frozenset(PARALLEL + ("N-Quads", "TriG", "ontology and shapes", "site"))
#: Union size from which forking pays for itself.
PARALLEL_MIN_TRIPLES = 100_000


def worth_forking(ctx: ExportContext) -> bool:
    """Return True when the side process is likely to save time (large data, two cores)."""
    return (hasattr(os, "fork") and (os.cpu_count() or 1) > 1
            and len(ctx.union) >= PARALLEL_MIN_TRIPLES)


def export(ctx: ExportContext, out: Path, progress: Callable[[str], None] | None = None,
           skip: frozenset[str] = frozenset(), parallel: bool | None = None) -> None:
    """Write every export of ``ctx`` under ``out`` (but those named in ``skip``), then the
    manifest. ``parallel`` (default: when worth it) runs the union-only dumps in a forked
    process; the files are the same bytes either way."""
    todo = [(label, fn) for label, fn in EXPORTERS if label not in skip]
    side = [(label, fn) for label, fn in todo if label in PARALLEL]
    if parallel is None:
        parallel = bool(side) and worth_forking(ctx)
    child: _Side | None = None
    if parallel and side:
        _ = ctx.union  # computed before the fork: the child reads it copy-on-write
        if any(label in SITE_EXPORTERS for label, _fn in side):
            entity_index(ctx)  # shared by the entity files (child) and the pages (here)
        if progress:
            progress(", ".join(label for label, _fn in side) + " (second process)")
        child = _Side(side, ctx, out)
        todo = [(label, fn) for label, fn in todo if label not in PARALLEL]
    try:
        for label, exporter in todo:
            if child is not None and label not in INDEPENDENT:
                child, waiting = None, child
                waiting.join()
            if progress:
                progress(label)
            exporter(ctx, out)
        if child is not None:
            child, waiting = None, child
            waiting.join()
    finally:
        if child is not None:
            child.kill()
    write_manifest(ctx, out)


class _Side:
    """Exporters run in a forked child; ``join`` raises OSError if any of them failed."""

    def __init__(self, exporters: list[tuple[str, Exporter]], ctx: ExportContext,
                 out: Path) -> None:
        import multiprocessing

        mp = multiprocessing.get_context("fork")
        self.recv, send = mp.Pipe(duplex=False)
        self.proc = mp.Process(target=_run_side, args=(exporters, ctx, out, send), daemon=True)
        self.proc.start()
        send.close()

    def join(self) -> None:
        message = self.recv.recv() if self.recv.poll(None) else None
        self.proc.join()
        if message is not None or self.proc.exitcode != 0:
            raise OSError(f"a parallel exporter failed: {message or f'exit {self.proc.exitcode}'}")

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join()


def _run_side(exporters: list[tuple[str, Exporter]], ctx: ExportContext, out: Path,
              send: object) -> None:
    try:
        for _label, exporter in exporters:
            exporter(ctx, out)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises
        send.send(f"{type(exc).__name__}: {exc}")  # type: ignore[attr-defined]
        raise SystemExit(1) from None
    send.send(None)  # type: ignore[attr-defined]


__all__ = ["EXPORTERS", "SITE_EXPORTERS", "ExportContext", "export"]
