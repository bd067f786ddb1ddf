"""The pipeline: load -> policy -> encode -> validate -> export, composed for the CLI and users."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import update
from .encode import encode_dataset
from .errors import BuildError, ValidationFailed
from .export import SITE_EXPORTERS, ExportContext, export
from .export.manifest import read_manifest
from .export.reuse import Reuse, load_state, save_state
from .fsutil import staging
from .lanes import LaneFailed, gc_paused
from .policy import Withheld, apply_policy
from .project import DatasetMeta, Project, load_metadata, open_project
from .records.load import load_records
from .records.model import Records
from .validate import Report, check_engine, validate_store
from .validate.shapes import check_files

Progress = Callable[[str], None]


@dataclass
class Built:
    """The result of a build: what was checked and what was written where."""

    checked: Checked
    dist: Path
    manifest: dict[str, object]
    timings: dict[str, float]
    #: per-entity files rendered, and linked unchanged from the previous edition
    entity_files: dict[str, int] = field(default_factory=dict)


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str, progress: Progress | None) -> Iterator[None]:
    if progress:
        progress(name)
    start = time.perf_counter()
    yield
    timings[name] = time.perf_counter() - start


@dataclass
class Prepared:
    """A project loaded, filtered by the policy and encoded (not yet validated)."""

    project: Project
    meta: DatasetMeta
    records: Records
    public: Records
    withheld: Withheld
    store: ox.Store
    graphs: dict[str, list[bytes]]  # the store's triples as sorted lines, by graph
    timings: dict[str, float] = field(default_factory=dict)
    #: (graph, line) of the triples the encoder made more than once
    dups: frozenset[tuple[str, bytes]] = frozenset()

    def validate(self, engine: str = "auto") -> Report:
        """Return the SHACL report of the encoded dataset."""
        return validate_store(
            self.store,
            self.public,
            shapes_files=self.project.shapes_files(),
            ontology_files=self.project.ontology_files(),
            base_iri=self.meta.base_iri,
            engine=engine,
        )

    def checked(self, report: Report) -> Checked:
        """Return this with its validation report."""
        return Checked(
            self.project,
            self.meta,
            self.records,
            self.public,
            self.withheld,
            self.store,
            self.graphs,
            self.timings,
            self.dups,
            report=report,
        )


@dataclass
class Checked(Prepared):
    """A project loaded, filtered by the policy, encoded and validated."""

    report: Report = field(kw_only=True)


def prepare(
    project_dir: Path | str = ".", *, progress: Progress | None = None, use_cache: bool = True
) -> Prepared:
    """Return the project loaded, policy applied and encoded (nothing validated or written)."""
    timings: dict[str, float] = {}
    project = open_project(project_dir)
    with gc_paused():
        with _timed(timings, "load", progress):
            meta = load_metadata(project)
            check_files(project.shapes_files() + project.ontology_files())
            records = load_records(
                project.root,
                project.data_dir,
                meta.language,
                cache_dir=project.cache_dir if use_cache else None,
            )
        with _timed(timings, "policy", progress):
            public, withheld = apply_policy(records)
        with _timed(timings, "encode", progress):
            encoded = encode_dataset(public, meta)
    return Prepared(
        project,
        meta,
        records,
        public,
        withheld,
        encoded.store,
        encoded.graphs,
        timings,
        encoded.dups,
    )


def check(
    project_dir: Path | str = ".",
    *,
    progress: Progress | None = None,
    use_cache: bool = True,
    engine: str = "auto",
) -> Checked:
    """Return the project loaded, policy applied, encoded and validated (nothing written)."""
    check_engine(engine)
    prepared = prepare(project_dir, progress=progress, use_cache=use_cache)
    with _timed(prepared.timings, "validate", progress):
        report = prepared.validate(engine)
    return prepared.checked(report)


def build(
    project_dir: Path | str = ".",
    *,
    dist: Path | str | None = None,
    tool_version: str | None = None,
    progress: Progress | None = None,
    engine: str = "auto",
    site: bool = True,
    parallel: bool | None = None,
) -> Built:
    """Build the published edition into ``dist/`` and return what was done.

    Raises ValidationFailed (nothing written) when the data violates the shapes, and
    BuildError when writing fails; in both cases the previous ``dist/`` is left as it was.
    """
    from . import __version__

    check_engine(engine)
    prepared = prepare(project_dir, progress=progress)
    timings = prepared.timings
    target = Path(dist) if dist is not None else prepared.project.dist_dir
    cache_dir = prepared.project.cache_dir
    reuse = Reuse(
        target if target.is_dir() else None,
        load_state(cache_dir, target) if site else {},
        context=repr((prepared.meta, tool_version or __version__)),
    )
    ctx = ExportContext(
        prepared.store,
        prepared.public,
        prepared.meta,
        prepared.project,
        tool_version or __version__,
        graphs=prepared.graphs,
        reuse=reuse,
    )

    def accept(report: object) -> None:
        assert isinstance(report, Report)
        if not report.conforms:
            raise ValidationFailed(report)

    t0 = time.perf_counter()
    try:
        with staging(target) as tmp:
            done = export(
                ctx,
                tmp,
                progress,
                skip=frozenset() if site else SITE_EXPORTERS,
                parallel=parallel,
                first=(("validate", lambda: prepared.validate(engine), accept),),
            )
    except LaneFailed as exc:
        raise BuildError(
            f"{exc}; the previous edition was kept",
            hint="run again with --debug; if it persists, report it",
        ) from exc
    except OSError as exc:
        raise BuildError(
            f"writing {target} failed: {exc}; the previous edition was kept",
            hint="check free disk space and permissions",
        ) from exc
    report = done["validate"]
    assert isinstance(report, Report)
    if site:
        save_state(cache_dir, target, reuse.new)
        update.forget_state(prepared.project, target)
    else:
        stats, members = ctx.extras["void-statistics"], ctx.extras["gzip-members"]
        assert isinstance(stats, dict) and isinstance(members, list)
        update.save_state(
            prepared.project,
            target,
            update.salt(
                prepared.project, prepared.meta, target, engine, tool_version or __version__
            ),
            records=prepared.records,
            public=prepared.public,
            withheld=prepared.withheld,
            report=report,
            quads=sum(len(x) for x in prepared.graphs.values()),
            dups=prepared.dups,
            stats=stats,
            members=members,
            default_lang=prepared.meta.language,
        )
    stage_times = done.pop("timings")
    assert isinstance(stage_times, dict)
    # "validate and export": wall-clock time of both (they overlap when run in two processes)
    timings["validate and export"] = time.perf_counter() - t0
    timings["validate"] = stage_times.pop("validate")
    timings.update({f"export {k}": v for k, v in stage_times.items()})
    return Built(
        prepared.checked(report),
        target,
        read_manifest(target),
        timings,
        {"rendered": reuse.rendered, "linked": reuse.linked},
    )
