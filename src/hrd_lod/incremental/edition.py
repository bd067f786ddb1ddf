"""What a ``--no-site`` build leaves beside its edition, so that the next one can patch it.

The ``edition`` item of the project's :class:`~.state.StateKeeper`: what went in (the inputs
other than the data files, as a digest; every data file's size, time and SHA-256, with a copy
of each CSV table and the parse-cache key of each YAML file), what the records' ids and types
were, what the policy hid and withheld, the lines made twice, the VoID figures, the gzip
members, and every file of the edition as it was written.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..export.describe import VoidStatistics
from ..export.manifest import FileEntry, read_manifest
from ..fsutil import write_atomic
from ..policy import Withheld
from ..project import DatasetMeta, Project
from ..records.cache import ParseCache
from ..records.load import data_files
from ..records.model import Notice, Record, Records
from ..validate.report import Report
from ..withdrawals import register_path
from . import NotUpdatable
from .state import StateKeeper, StateUnavailable

KIND = "edition"


@dataclass
class EditionState:
    """What a ``--no-site`` build leaves for the next one to patch its edition."""

    inputs: str  # digest of every input but the data files (see ``inputs_digest``)
    data_files: dict[str, tuple[int, int, str]]  # rel -> (size, mtime_ns, sha256)
    parse_keys: dict[str, str]  # YAML record files -> their parse-cache key
    types: dict[str, str]  # every record id -> its type
    hidden: frozenset[str]  # ids the policy kept out
    awards: tuple[Record, ...]  # public Award records (their names go on laureates)
    notices: tuple[Notice, ...]
    withheld: Withheld
    report: Report
    records: int  # public records
    quads: int
    dups: frozenset[tuple[str, bytes]]
    stats: VoidStatistics
    members: list[tuple[int, int]]
    dist_files: dict[str, tuple[int, int, int]]  # rel -> (inode, size, mtime_ns)
    entries: dict[str, FileEntry] = field(default_factory=dict)
    #: why the shapes may look beyond a focus node's neighbourhood ("" if they don't; None:
    #: not known yet)
    shapes_nonlocal: str | None = None
    #: built with the per-entity site (whose files' state is the keeper's ``entities`` item)
    site: bool = False


def inputs_digest(project: Project, meta: DatasetMeta, dist: Path, engine: str) -> str:
    """Return a digest of everything but the data files and the code that an edition depends
    on (the code and the tool version are in the keeper's fingerprint)."""
    h = hashlib.sha256()
    for part in (repr(meta), engine, str(dist.resolve())):
        h.update(part.encode() + b"\0")
    for path in [*project.shapes_files(), *project.ontology_files()]:
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    register = register_path(project.root)  # a withdrawal changes what is published
    h.update(register.read_bytes() if register.is_file() else b"no withdrawals")
    for folder in ("releases", "queries"):  # the releases are copied, the queries shown
        if (project.root / folder).is_dir():
            for p in sorted((project.root / folder).rglob("*")):
                st = p.stat()
                h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def file_stats(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return every file under ``folder``: relative path -> (inode, size, mtime_ns).

    Listed with ``os.scandir`` (an edition with the site has some 70,000 files; symbolic
    links to folders are not followed)."""
    out: dict[str, tuple[int, int, int]] = {}
    folders = [(str(folder), "")]
    while folders:
        path, prefix = folders.pop()
        with os.scandir(path) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, prefix + entry.name + "/"))
                elif entry.is_file():
                    st = entry.stat()
                    out[prefix + entry.name] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def manifest_entries(dist: Path) -> dict[str, FileEntry]:
    """Return the entries of the manifest of the edition in ``dist``, by path."""
    files = read_manifest(dist)["files"]
    assert isinstance(files, list)
    return {e["path"]: FileEntry(**e) for e in files}


def record_files(project: Project) -> set[str]:
    """Return the record files of the project, relative to its data folder."""
    return {p.relative_to(project.data_dir).as_posix() for p in data_files(project.data_dir)}


def save_edition(
    keeper: StateKeeper,
    project: Project,
    dist: Path,
    inputs: str,
    *,
    records: Records,
    public: Records,
    withheld: Withheld,
    report: Report,
    quads: int,
    dups: frozenset[tuple[str, bytes]],
    stats: VoidStatistics,
    members: list[tuple[int, int]],
    default_lang: str,
    site: bool = False,
) -> None:
    """Keep what the next build needs to patch the edition just swapped into ``dist`` (a
    failure only means that the next build is a full one)."""
    if keeper.folder is None:
        return
    try:
        files: dict[str, tuple[int, int, str]] = {}
        parse_keys: dict[str, str] = {}
        tables = record_files(project)
        keep: set[str] = set()
        for rel, (_ino, size, mtime) in file_stats(project.data_dir).items():
            data = (project.data_dir / rel).read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            files[rel] = (size, mtime, sha)
            if rel in tables and rel.lower().endswith(".csv"):
                copy = keeper.copy_path(sha)
                assert copy is not None
                keep.add(sha)
                if not copy.exists():
                    write_atomic(copy, data, durable=False)
            elif rel in tables:
                rel_root = (project.data_dir / rel).relative_to(project.root).as_posix()
                parse_keys[rel] = ParseCache(project.cache_dir).key(rel_root, data, default_lang)
        keeper.keep_copies(keep)
        public_ids = {r.id for r in public}
        state = EditionState(
            inputs=inputs,
            data_files=files,
            parse_keys=parse_keys,
            types={r.id: r.type for r in records},
            hidden=frozenset(r.id for r in records if r.id not in public_ids),
            awards=tuple(public.of_type("Award")),
            notices=records.notices,
            withheld=withheld,
            report=report,
            records=len(public),
            quads=quads,
            dups=dups,
            stats=stats,
            members=members,
            dist_files=file_stats(dist),
            entries=manifest_entries(dist),
            site=site,
        )
    except OSError:
        keeper.forget(KIND, dist)
        return
    keeper.save(KIND, dist, state)


def load_edition(keeper: StateKeeper, dist: Path) -> EditionState:
    """Return the state the last ``--no-site`` build into ``dist`` left; raise NotUpdatable
    saying why there is none to use."""
    try:
        return keeper.load(KIND, dist, EditionState)
    except StateUnavailable as exc:
        raise NotUpdatable(str(exc)) from None
