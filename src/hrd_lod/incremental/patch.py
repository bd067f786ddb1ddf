"""Patch the previous ``--no-site`` edition for the records that changed since it was built.

With the difference in triples by subject (:mod:`.diff`), the changed subjects are validated
on a small store holding their triples and the types of what they point to (the shapes are
checked to need no more: :mod:`hrd_lod.validate.locality`), then the new edition is written
beside the old one: unchanged files are hard-linked, each dump is patched block by block
(:mod:`hrd_lod.export.blocks`) and each touched gzip member recompressed; the VoID figures
are updated from the difference (:meth:`VoidStatistics.apply`), ``void.ttl`` and the manifest
written anew; the edition is swapped in as a full build's would be. The result is byte for
byte what a full build writes (the tests compare them).
"""

from __future__ import annotations

import hashlib
import mmap
import os
import shutil
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from .._version import __version__
from ..encode import IriMaker
from ..export import blocks as B
from ..export import jsonld
from ..export.context import ExportContext
from ..export.describe import (
    DESCRIPTION_FILE,
    StatisticsStale,
    VoidStatistics,
    write_description,
)
from ..export.dumps import GZIP_CUT_MASK, dump_prefixes, gzip_member
from ..export.manifest import (
    MANIFEST,
    EntryCache,
    file_entry,
    write_manifest,
)
from ..export.reuse import STATE_KIND as REUSE_KIND
from ..export.reuse import Kept
from ..fsutil import recover, staging, write_atomic
from ..policy import Withheld, withhold
from ..project import DatasetMeta, Project, load_metadata, open_project
from ..records.model import Notice, Record, Records
from ..store import object_of, predicate_of, quad_line
from ..validate import validate_store
from ..validate.locality import nonlocal_reason
from ..validate.report import Report
from . import NotUpdatable
from .diff import Subject, changed_subjects, check_changes, file_changes
from .edition import (
    KIND,
    EditionState,
    file_stats,
    inputs_digest,
    load_edition,
    record_files,
)
from .site import SitePlan, SiteWritten, entity_files, plan_site, write_site
from .state import StateKeeper, StateUnavailable

_TYPE = f"<{V.RDF_TYPE}>".encode()


@dataclass
class Patched:
    """What a patch of the previous edition did."""

    dist: Path
    records: int
    quads: int
    files: int
    withheld: Withheld
    report: Report
    notices: tuple[Notice, ...]
    changed_records: int
    changed_subjects: int
    timings: dict[str, float] = field(default_factory=dict)
    #: per-entity files of the site rendered, and linked from the previous edition
    entity_files: tuple[int, int] = (0, 0)


def _validate(
    project: Project,
    meta: DatasetMeta,
    engine: str,
    subjects: list[Subject],
    nt: B.Region,
    state: EditionState,
) -> None:
    """Validate the changed subjects on a store of their triples and their values' types;
    raise NotUpdatable when there is anything to report (the full build reports it)."""
    if state.shapes_nonlocal is None:  # the shapes are in the inputs digest: once per state
        state.shapes_nonlocal = nonlocal_reason(project.shapes_files(), meta.base_iri) or ""
    reason = state.shapes_nonlocal
    if reason:
        raise NotUpdatable(reason)
    changed = {s.key: s for s in subjects}
    lines: set[bytes] = set()
    for s in subjects:
        lines.update(Subject.union(s.new))
    objects = {object_of(line) for line in lines}
    for obj in sorted(o for o in objects if o.startswith(b"<") and o not in changed):
        start, end = nt.locate(obj)
        lines.update(
            x for x in bytes(nt.data[start:end]).split(b"\n") if x and predicate_of(x) == _TYPE
        )
    store = ox.Store()
    written = sorted(lines)
    if written:
        store.load(b"\n".join(written), format=ox.RdfFormat.N_TRIPLES)
    report = validate_store(
        store,
        Records(()),
        shapes_files=project.shapes_files(),
        ontology_files=project.ontology_files(),
        base_iri=meta.base_iri,
        engine=engine,
        written=written,
    )
    focus = {k[1:-1].decode() for k in changed}
    if any(r.focus in focus for r in report.results):
        raise NotUpdatable("the changed records have validation results to report")


def _patch_gzip(
    old_gz: Path,
    new_gz: Path,
    nq_pieces: list[B.Piece],
    new_nq: B.Buffer,
    members: list[tuple[int, int]],
    old_plain_size: int,
) -> list[tuple[int, int]]:
    """Write the new gzip from the old one's members that are unchanged and new members for
    the rest; return the new member index."""
    old_packed_size = old_gz.stat().st_size
    bounds = [*members, (old_plain_size, old_packed_size)]
    # Where each old byte range went in the new plain file.
    placed: list[tuple[int, int, int]] = []  # (old start, old end, new start)
    at = 0
    for piece in nq_pieces:
        if isinstance(piece, bytes):
            at += len(piece)
        else:
            placed.append((piece[0], piece[1], at))
            at += piece[1] - piece[0]
    kept: dict[int, int] = {}  # new plain start of a reusable member -> its index
    for i in range(len(members)):
        start, end = bounds[i][0], bounds[i + 1][0]
        for a, b, new_at in placed:
            if a <= start and end <= b:
                kept[start - a + new_at] = i
                break
    out: list[tuple[int, int]] = []
    packed_at = 0
    with old_gz.open("rb") as src, new_gz.open("wb") as dst:

        def copy_member(i: int) -> None:
            nonlocal packed_at
            src.seek(bounds[i][1])
            data = src.read(bounds[i + 1][1] - bounds[i][1])
            dst.write(data)
            packed_at += len(data)

        pos = 0
        total = len(new_nq)
        while pos < total:
            same = kept.get(pos)
            if same is not None:
                end = pos + (bounds[same + 1][0] - bounds[same][0])
                if same != len(members) - 1 or end == total:  # the last one must end the file
                    out.append((pos, packed_at))
                    copy_member(same)
                    pos = end
                    continue
            # A new member: up to the next cut line.
            cut = pos
            while True:
                nl = new_nq.find(b"\n", cut) + 1
                line = new_nq[cut : nl - 1]
                cut = nl
                if not zlib.crc32(line) & GZIP_CUT_MASK or cut >= total:
                    break
            member = gzip_member(new_nq[pos:cut])
            out.append((pos, packed_at))
            dst.write(member)
            packed_at += len(member)
            pos = cut
    return out


def _write_edition(
    meta: DatasetMeta,
    state: EditionState,
    old: Path,
    new: Path,
    subjects: list[Subject],
    nt: B.Region,
    nq: B.Region,
    cache: EntryCache,
    skip: set[str],
) -> tuple[VoidStatistics, list[tuple[int, int]]]:
    """Write the patched edition into ``new``; return the new VoID figures and gzip members
    (the rewritten dumps' manifest entries go into ``cache``). The files of ``skip`` are
    neither linked nor written (the site patch writes them)."""
    name = meta.id
    prefixes = dump_prefixes(meta.base_iri)
    context = jsonld.dataset_context(meta.base_iri)
    rewritten = _rewritten(meta)
    folders: set[str] = set()
    for rel, (ino, size, mtime) in state.dist_files.items():
        if rel in rewritten or rel in skip:
            continue
        folder = rel.rpartition("/")[0]
        if folder not in folders:
            (new / folder).mkdir(parents=True, exist_ok=True)
            folders.add(folder)
        target = f"{new}/{rel}"
        try:
            os.link(f"{old}/{rel}", target)
        except OSError:
            shutil.copy2(old / rel, target)
            continue
        # the same file (checked against the state): its manifest entry is known
        entry = state.entries.get(rel)
        if entry is not None and rel != DESCRIPTION_FILE:
            cache[(target, ino, size, mtime)] = entry

    writes: list[tuple[str, list[B.Piece]]] = []
    writes.append(
        (f"{name}.nt", nt.splice([(s.key, B.lines_bytes(Subject.union(s.new))) for s in subjects]))
    )
    nq_pieces = nq.splice([(s.key, B.lines_bytes(sorted(_quad_lines(s.new)))) for s in subjects])
    writes.append((f"{name}.nq", nq_pieces))
    ttl = B.turtle_region(_map(old / f"{name}.ttl"), prefixes)
    writes.append(
        (
            f"{name}.ttl",
            [
                (0, ttl.start),
                *ttl.splice(
                    [(s.key, B.turtle_blocks(Subject.union(s.new), prefixes)) for s in subjects]
                ),
            ],
        )
    )
    doc = B.jsonld_region(_map(old / f"{name}.jsonld"), context)
    writes.append(
        (
            f"{name}.jsonld",
            [
                (0, doc.start),
                *B.finish_jsonld(
                    doc,
                    doc.splice(
                        [(s.key, B.jsonld_blocks(Subject.union(s.new), context)) for s in subjects]
                    ),
                ),
            ],
        )
    )
    trig_data = _map(old / f"{name}.trig")
    graphs = sorted({g for s in subjects for g, _line in s.old | s.new})
    pieces: list[B.Piece] = []
    cursor = 0
    for g in graphs if "" in graphs else ["", *graphs]:
        region = B.trig_region_of(trig_data, prefixes, g)
        if region is None:
            raise NotUpdatable("a named graph appeared")
        changes = [
            (s.key, B.trig_blocks(g, s.graph(s.new, g), prefixes))
            for s in subjects
            if any(x == g for x, _ in s.old | s.new)
        ]
        spliced = region.splice(changes)
        if g and not any(p if isinstance(p, bytes) else p[1] > p[0] for p in spliced):
            raise NotUpdatable("a named graph became empty")
        pieces.append((cursor, region.start))
        pieces.extend(spliced)
        cursor = region.end
    pieces.append((cursor, len(trig_data)))
    writes.append((f"{name}.trig", [p for p in pieces if isinstance(p, bytes) or p[1] > p[0]]))

    # The kernel copies the unchanged ranges and the hashes release the interpreter: two
    # threads keep both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: B.write_pieces(old / job[0], new / job[0], job[1]), writes))
        members = _patch_gzip(
            old / f"{name}.nq.gz",
            new / f"{name}.nq.gz",
            nq_pieces,
            _map(new / f"{name}.nq"),
            state.members,
            (old / f"{name}.nq").stat().st_size,
        )
        rels = [rel for rel, _pieces in writes] + [f"{name}.nq.gz"]
        list(pool.map(lambda rel: file_entry(new, new / rel, cache), rels))
    try:
        stats = state.stats.apply(s.delta() for s in subjects)
    except StatisticsStale as exc:
        raise NotUpdatable(str(exc)) from None
    return stats, members


def _rewritten(meta: DatasetMeta) -> set[str]:
    """Return the files a patch always writes anew: the dumps, void.ttl, the manifest."""
    dumps = {f"{meta.id}{s}" for s in (".nt", ".ttl", ".nq", ".nq.gz", ".trig", ".jsonld")}
    return dumps | {DESCRIPTION_FILE, MANIFEST}


def _new_stats(
    state: EditionState, new: Path, written: set[str]
) -> dict[str, tuple[int, int, int]]:
    """Return the files of the patched edition in ``new`` by inode, size and time: those
    linked from the previous one as they were (a hard link shares them), the ``written``
    ones as they are (a file copied where it could not be linked, or written without being
    named, differs from the state: the next build then builds everything)."""
    out = {rel: st for rel, st in state.dist_files.items() if rel not in written}
    for rel in written:
        try:
            st = os.stat(f"{new}/{rel}")
        except FileNotFoundError:
            continue
        out[rel] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def _quad_lines(quads: set[tuple[str, bytes]]) -> list[bytes]:
    return [quad_line(g, line) for g, line in quads]


def _map(path: Path) -> B.Buffer:
    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)


def patch(
    project_dir: Path | str = ".",
    *,
    dist: Path | str | None = None,
    engine: str = "auto",
    tool_version: str = __version__,
    progress: Callable[[str], None] | None = None,
    site: bool = False,
) -> Patched:
    """Patch the edition in ``dist`` for the records that changed since it was built (with
    the per-entity site if ``site``, as it was built); raise NotUpdatable with the reason
    when a full build is needed instead."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    project = open_project(project_dir)
    meta = load_metadata(project)
    target = Path(dist) if dist is not None else project.dist_dir
    keeper = StateKeeper(project.cache_dir, tool_version)
    recover(target.absolute())  # a swap cut short, what a killed build left
    state = load_edition(keeper, target)
    if state.site != site:
        raise NotUpdatable(
            f"the previous edition was built {'without' if site else 'with'} the site"
        )
    if state.inputs != inputs_digest(project, meta, target, engine):
        raise NotUpdatable(
            "the metadata (data/dataset.yaml), shapes, ontology, withdrawals or options changed"
        )
    if file_stats(target) != state.dist_files:
        raise NotUpdatable(f"{target} is not the edition the last build wrote")
    listing = {rel: st[1:] for rel, st in file_stats(project.data_dir).items()}
    if set(listing) != set(state.data_files):
        raise NotUpdatable("data files were added or removed")
    tables = record_files(project)
    if progress:
        progress("compare with the previous build")
    olds: list[Record] = []
    news: list[Record] = []
    touched: dict[str, tuple[int, int, str]] = {}
    new_keys: dict[str, str] = {}
    for rel, (size, mtime) in sorted(listing.items()):
        before = state.data_files[rel]
        if (size, mtime) == before[:2]:
            continue
        data = (project.data_dir / rel).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        touched[rel] = (size, mtime, sha)
        if sha == before[2]:
            continue
        if rel not in tables:
            raise NotUpdatable(f"data/{rel} changed and is not a record file")
        o, n = file_changes(
            keeper, project, state, rel, data, meta.language, new_keys, keep_table=site
        )
        olds += o
        news += n
    timings["compare"] = time.perf_counter() - t0
    if news:
        check_changes(project, state, olds, news)
    types = {**state.types, **{r.id: r.type for r in news}}
    items = [i for i in state.withheld.items if i.record_id not in {r.id for r in news}]
    public_olds = [withhold(r, state.hidden)[0] for r in olds]
    public_news = []
    for rec in news:
        kept, withheld = withhold(rec, state.hidden)
        public_news.append(kept)
        items.extend(withheld)
    withheld_now = Withheld(tuple(sorted(items)))
    name = meta.id
    nt = B.lines_region(_map(target / f"{name}.nt"))
    nq = B.lines_region(_map(target / f"{name}.nq"))
    iris = IriMaker(meta.base_iri, types=types)
    subjects, dups = changed_subjects(state, public_olds, public_news, iris, nq)
    timings["encode"] = time.perf_counter() - t0 - sum(timings.values())
    if subjects:
        if progress:
            progress(f"validate {len(subjects)} changed subject(s)")
        _validate(project, meta, engine, subjects, nt, state)
    timings["validate"] = time.perf_counter() - t0 - sum(timings.values())
    quads = state.quads + sum(len(s.new) - len(s.old) for s in subjects)
    added = len({r.id for r in news} - set(state.types))
    new_state = replace(
        state,
        data_files={**state.data_files, **touched},
        types=types,
        parse_keys={**state.parse_keys, **new_keys},
        withheld=withheld_now,
        records=state.records + added,
        quads=quads,
        dups=state.dups | frozenset(dups),
    )
    plan: SitePlan | None = None
    written: SiteWritten | None = None
    if site and news:
        if progress:
            progress("find the pages that read the changed records")
        plan = plan_site(
            project,
            meta,
            state.types,
            state.hidden,
            public_olds,
            public_news,
            (s.key[1:-1].decode() for s in subjects),
        )
        try:
            entity_state: dict[str, Kept] = keeper.load(REUSE_KIND, target, dict)
        except StateUnavailable as exc:
            raise NotUpdatable(str(exc)) from None
        timings["plan the site"] = time.perf_counter() - t0 - sum(timings.values())
    if subjects or plan is not None:
        if progress:
            progress(f"patch the dumps ({len(subjects)} subject(s))")
        with staging(target) as tmp:
            ctx = ExportContext(ox.Store(), Records(()), meta, project, tool_version)
            cache = ctx.file_entries
            skip = plan.rewritten() if plan is not None else set()
            stats, members = _write_edition(meta, state, target, tmp, subjects, nt, nq, cache, skip)
            ctx.statistics = stats
            timings["write the dumps"] = time.perf_counter() - t0 - sum(timings.values())
            if plan is not None:
                if progress:
                    progress(f"patch the site ({len(plan.readers)} entities)")
                written = write_site(
                    plan, project, meta, tool_version, target, tmp, entity_state, cache
                )
                for rel, made in written.kept.items():  # hashed when written, or linked
                    key = (f"{tmp}/{rel}", made.inode, made.entry.bytes, made.mtime_ns)
                    cache[key] = made.entry
                timings["write the site"] = time.perf_counter() - t0 - sum(timings.values())
            write_description(ctx, tmp)
            entries = write_manifest(ctx, tmp)
            dist_files = _new_stats(state, tmp, skip | _rewritten(meta))
            timings["manifest"] = time.perf_counter() - t0 - sum(timings.values())
        new_state = replace(
            new_state,
            stats=stats,
            members=members,
            dist_files=dist_files,
            entries={e.path: e for e in entries},
        )
    for rel, (_size, _mtime, sha) in touched.items():
        old_sha = state.data_files[rel][2]
        if rel.lower().endswith(".csv") and rel in tables and sha != old_sha:
            copy, old_copy = keeper.copy_path(sha), keeper.copy_path(old_sha)
            assert copy is not None and old_copy is not None  # a state was loaded
            write_atomic(copy, (project.data_dir / rel).read_bytes(), durable=False)
            old_copy.unlink(missing_ok=True)
    timings["swap and copies"] = time.perf_counter() - t0 - sum(timings.values())
    keeper.save(KIND, target, new_state)
    if written is not None:
        keeper.save(REUSE_KIND, target, written.kept)
    timings["state"] = time.perf_counter() - t0 - sum(timings.values())
    return Patched(
        target,
        new_state.records,
        quads,
        len(new_state.entries) + 1,
        withheld_now,
        state.report,
        state.notices,
        len(news),
        len(subjects),
        timings,
        (written.rendered, written.linked)
        if written is not None
        else (0, entity_files(state.dist_files) if site else 0),
    )
