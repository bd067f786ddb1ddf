"""The pipeline: load -> policy -> encode -> validate -> export, composed for the CLI and users.

:func:`build` is the one entry point of a build: it picks the strategy (patch the previous
edition, or build everything, reusing unchanged per-entity files and forking a second lane
where that pays), falls back to building everything on any failure of a strategy, and
returns one :class:`Built` whichever way it went.
"""

from __future__ import annotations

import bisect
import contextlib
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ._version import __version__
from .encode import encode_dataset
from .errors import BuildError, HrdLodError, UsageError, ValidationFailed
from .export import ExportContext, FirstJob, export
from .export.manifest import Manifest, load_manifest
from .export.releases import hidden_records, stale_releases
from .export.reuse import STATE_KIND as REUSE_KIND
from .export.reuse import Reuse
from .fsutil import staging
from .incremental import NotUpdatable
from .incremental.edition import KIND as EDITION_KIND
from .incremental.edition import inputs_digest, save_edition
from .incremental.patch import patch
from .incremental.state import StateKeeper
from .lanes import LaneFailed, gc_paused
from .policy import Withheld, apply_policy
from .project import DatasetMeta, Project, load_metadata, open_project
from .records.load import load_records
from .records.model import Notice, Records
from .store import Dataset
from .validate import Report, check_engine, validate_store
from .validate.shapes import check_files
from .withdrawals import load_register, withdrawn_ids

Progress = Callable[[str], None]


@dataclass(frozen=True)
class EntityFiles:
    """Per-entity files of a build with the site: rendered, and linked unchanged from the
    previous edition."""

    rendered: int = 0
    linked: int = 0


@dataclass(frozen=True)
class PatchDone:
    """How much a patched build changed."""

    records: int  # records that changed
    subjects: int  # subjects whose triples were rewritten


@dataclass
class Built:
    """The result of a build, whichever way it went: what was written where, and why.

    ``notes`` says how the build went when it did not go the way asked or expected (the
    previous edition could not be patched: why); ``patched`` is set when the previous edition
    was patched, ``full`` (the checked dataset) when everything was built.
    """

    dist: Path
    records: int  # public records
    quads: int
    files: int  # files of the edition, the manifest included
    withheld: Withheld
    report: Report
    notices: tuple[Notice, ...]  # what the loader noted about the data
    manifest: Manifest
    timings: dict[str, float]
    entity_files: EntityFiles = field(default_factory=EntityFiles)
    notes: tuple[str, ...] = ()
    patched: PatchDone | None = None
    full: Checked | None = field(default=None, repr=False)

    @property
    def checked(self) -> Checked:
        """Return the loaded, encoded and validated dataset (a full build's only)."""
        if self.full is None:
            raise AttributeError("a patched build has no checked dataset: build with full=True")
        return self.full


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
    #: the encoded dataset: the store and its sorted line views (shared with the exporters)
    dataset: Dataset
    timings: dict[str, float] = field(default_factory=dict)
    #: (graph, line) of the triples the encoder made more than once
    dups: frozenset[tuple[str, bytes]] = frozenset()

    @property
    def store(self) -> ox.Store:
        """Return the dataset's pyoxigraph store."""
        return self.dataset.store

    @property
    def graphs(self) -> dict[str, list[bytes]]:
        """Return the dataset's sorted N-Triples lines by graph."""
        return self.dataset.graphs

    def validate(self, engine: str = "auto") -> Report:
        """Return the SHACL report of the encoded dataset."""
        return validate_store(
            self.store,
            self.public,
            shapes_files=self.project.shapes_files(),
            ontology_files=self.project.ontology_files(),
            base_iri=self.meta.base_iri,
            engine=engine,
            written=self.dataset.union,
        )

    def checked(self, report: Report) -> Checked:
        """Return this with its validation report."""
        return Checked(
            self.project,
            self.meta,
            self.records,
            self.public,
            self.withheld,
            self.dataset,
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
            public, withheld = apply_policy(records, withdrawn_ids(project.root))
            records = _without_notices_of_hidden(records, public)
        with _timed(timings, "encode", progress):
            encoded = encode_dataset(public, meta)
    return Prepared(
        project,
        meta,
        records,
        public,
        withheld,
        Dataset(encoded.store, encoded.graphs),
        timings,
        encoded.dups,
    )


class StaleReleases(UsageError):
    """Past releases hold records the policy now keeps out: they must be made again
    (:func:`hrd_lod.workflows.amend.sync_releases`) before a build publishes them."""


def _without_notices_of_hidden(records: Records, public: Records) -> Records:
    """Return ``records`` without the loader's notices about records the policy kept out
    (a notice may quote a value: nothing of a withheld record is printed)."""
    if not records.notices or len(public) == len(records):
        return records
    public_ids = {r.id for r in public}
    starts: dict[str, list[tuple[int, bool]]] = {}
    for rec in records:
        starts.setdefault(rec.location.file, []).append(
            (rec.location.line or 0, rec.id not in public_ids)
        )
    for found in starts.values():
        found.sort()

    def hidden(notice: Notice) -> bool:
        found = starts.get(notice.location.file, [])
        i = bisect.bisect_right(found, (notice.location.line or 0, True)) - 1
        return i >= 0 and found[i][1]

    return Records(records.items, tuple(n for n in records.notices if not hidden(n)))


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
    full: bool = False,
    previous: Path | str | None = None,
) -> Built:
    """Build the published edition into ``dist/`` and return what was done.

    ``previous`` is the edition whose unchanged per-entity files are linked instead of
    rendered again (default: the one in the target folder); what the build wrote is kept for
    the target folder either way.

    Unless ``full`` (or ``previous`` is given), the previous edition is patched for the
    records that changed since it was built, when it can be (the same bytes as a full build):
    the dumps block by block and, with the site, the files of the entities whose pages read
    a changed record and the pages made from every record; on any failure of that path
    everything is built, and ``Built.notes`` says why.

    Raises ValidationFailed (nothing written) when the data violates the shapes, and
    BuildError when writing fails; in both cases the previous ``dist/`` is left as it was
    (and the error's notes say why the edition was not patched, if it was not).
    """
    check_engine(engine)
    version = tool_version or __version__
    notes: list[str] = []
    if not full and previous is None:
        start = time.perf_counter()
        try:
            with gc_paused():  # the kept states, the records and the pages' lookups stay alive
                done = patch(
                    project_dir,
                    dist=dist,
                    engine=engine,
                    tool_version=version,
                    progress=progress,
                    site=site,
                )
        except NotUpdatable as exc:
            notes.append(f"building everything: {exc}")
        except HrdLodError as exc:  # the full build reports it, with its context
            notes.append(f"building everything: {exc}")
        except Exception as exc:  # noqa: BLE001 - a strategy failed: the plain path decides
            notes.append(
                f"building everything: patching the previous edition failed "
                f"({type(exc).__name__}: {exc})"
            )
        else:
            return Built(
                done.dist,
                done.records,
                done.quads,
                done.files,
                done.withheld,
                done.report,
                done.notices,
                load_manifest(done.dist),
                {**done.timings, "total": time.perf_counter() - start},
                EntityFiles(*done.entity_files),
                patched=PatchDone(done.changed_records, done.changed_subjects),
            )
    try:
        built = _build_everything(
            project_dir, dist, version, progress, engine, site, parallel, previous
        )
    except HrdLodError as exc:  # why it built everything is part of what went wrong
        for note in notes:
            exc.add_note(note)
        raise
    built.notes = tuple(notes)
    return built


def _build_everything(
    project_dir: Path | str,
    dist: Path | str | None,
    tool_version: str,
    progress: Progress | None,
    engine: str,
    site: bool,
    parallel: bool | None,
    previous: Path | str | None = None,
) -> Built:
    """Build every file of the edition (the plain path)."""
    prepared = prepare(project_dir, progress=progress)
    withdrawn = {w.id: w.kind for w in load_register(prepared.project.root)}
    stale = stale_releases(
        prepared.project.root, hidden_records(prepared.records, prepared.public, withdrawn)
    )
    if stale:
        raise StaleReleases(
            f"release(s) {', '.join(f.name for f, _ in stale)} hold records that are now "
            "withdrawn or restricted; a build never publishes them as they are",
            hint="run 'hrd-lod build' or 'hrd-lod withdraw', which make those releases again "
            "without the records (hrd_lod.workflows.amend.sync_releases in Python)",
        )
    timings = prepared.timings
    target = Path(dist) if dist is not None else prepared.project.dist_dir
    keeper = StateKeeper(prepared.project.cache_dir, tool_version)
    before = Path(previous) if previous is not None else target
    reuse = Reuse(
        before if before.is_dir() else None,
        keeper.load_or(REUSE_KIND, before, {}) if site else {},
        context=repr((prepared.meta, tool_version)),
    )
    ctx = ExportContext.of(
        prepared.dataset, prepared.public, prepared.meta, prepared.project, tool_version, reuse
    )

    def accept(report: Report) -> None:
        if not report.conforms:
            raise ValidationFailed(report)

    t0 = time.perf_counter()
    try:
        with staging(target) as tmp:
            done = export(
                ctx,
                tmp,
                progress,
                site=site,
                parallel=parallel,
                first=FirstJob("validate", lambda: prepared.validate(engine), accept),
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
    report = done.first
    assert report is not None  # the first job ran, or the export raised
    if site:
        keeper.save(REUSE_KIND, target, reuse.new)
    keeper.forget(EDITION_KIND, target)
    if ctx.statistics is not None and ctx.gzip_members is not None:
        save_edition(
            keeper,
            prepared.project,
            target,
            inputs_digest(prepared.project, prepared.meta, target, engine),
            records=prepared.records,
            public=prepared.public,
            withheld=prepared.withheld,
            report=report,
            quads=sum(len(x) for x in prepared.graphs.values()),
            dups=prepared.dups,
            stats=ctx.statistics,
            members=ctx.gzip_members,
            default_lang=prepared.meta.language,
            site=site,
        )
    stage_times = dict(done.timings)
    # "validate and export": wall-clock time of both (they overlap when run in two processes)
    timings["validate and export"] = time.perf_counter() - t0
    timings["validate"] = stage_times.pop("validate")
    timings.update({f"export {k}": v for k, v in stage_times.items()})
    checked = prepared.checked(report)
    manifest = load_manifest(target)
    return Built(
        target,
        len(checked.public),
        len(checked.store),
        len(manifest.files) + 1,
        checked.withheld,
        report,
        checked.records.notices,
        manifest,
        timings,
        EntityFiles(reuse.rendered, reuse.linked),
        full=checked,
    )
