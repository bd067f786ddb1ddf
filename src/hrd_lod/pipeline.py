"""The pipeline: load -> policy -> encode -> validate -> export, composed for the CLI and users."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .encode import encode
from .errors import BuildError, ValidationFailed
from .export import SITE_EXPORTERS, ExportContext, export
from .export.manifest import read_manifest
from .fsutil import staging
from .policy import Withheld, apply_policy
from .project import DatasetMeta, Project, load_metadata, open_project
from .records.load import load_records
from .records.model import Records
from .validate import Report, validate_store

Progress = Callable[[str], None]


@dataclass
class Checked:
    """A project loaded, filtered by the policy, encoded and validated."""

    project: Project
    meta: DatasetMeta
    records: Records
    public: Records
    withheld: Withheld
    store: ox.Store
    report: Report
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Built:
    """The result of a build: what was checked and what was written where."""

    checked: Checked
    dist: Path
    manifest: dict[str, object]
    timings: dict[str, float]


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str, progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(name)
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


def check(project_dir: Path | str = ".", *, progress: Progress | None = None,
          use_cache: bool = True, engine: str = "auto") -> Checked:
    """Return the project loaded, policy applied, encoded and validated (nothing written)."""
    timings: dict[str, float] = {}
    project = open_project(project_dir)
    with _timed(timings, "load", progress):
        meta = load_metadata(project)
        records = load_records(project.root, project.data_dir, meta.language,
                               cache_dir=project.cache_dir if use_cache else None)
    with _timed(timings, "policy", progress):
        public, withheld = apply_policy(records)
    with _timed(timings, "encode", progress):
        store = encode(public, meta)
    with _timed(timings, "validate", progress):
        report = validate_store(store, public, shapes_files=project.shapes_files(),
                                ontology_files=project.ontology_files(),
                                base_iri=meta.base_iri, engine=engine)
    return Checked(project, meta, records, public, withheld, store, report, timings)


def build(project_dir: Path | str = ".", *, dist: Path | str | None = None,
          tool_version: str | None = None, progress: Progress | None = None,
          engine: str = "auto", site: bool = True, parallel: bool | None = None) -> Built:
    """Build the published edition into ``dist/`` and return what was done.

    Raises ValidationFailed (nothing written) when the data violates the shapes, and
    BuildError when writing fails; in both cases the previous ``dist/`` is left as it was.
    """
    from . import __version__

    checked = check(project_dir, progress=progress, engine=engine)
    if not checked.report.conforms:
        raise ValidationFailed(checked.report)
    timings = dict(checked.timings)
    target = Path(dist) if dist is not None else checked.project.dist_dir
    ctx = ExportContext(checked.store, checked.public, checked.meta, checked.project,
                        tool_version or __version__)
    t0 = time.perf_counter()
    try:
        with staging(target) as tmp:
            export(ctx, tmp, progress, skip=frozenset() if site else SITE_EXPORTERS,
                   parallel=parallel)
    except OSError as exc:
        raise BuildError(f"writing {target} failed: {exc}; the previous edition was kept",
                         hint="check free disk space and permissions") from exc
    timings["export"] = time.perf_counter() - t0
    return Built(checked, target, read_manifest(target), timings)
