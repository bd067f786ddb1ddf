"""Past releases follow the policy: a release holding a record now withheld is made again.

``hrd-lod release`` keeps what a release was built from (``data/`` as stamped, and the
project's own ``ontology/``, ``shapes/`` and ``queries/``) in ``release-inputs/VERSION.tar.gz``
at the project root: outside ``releases/`` and ``dist/``, never published. When a record is
withdrawn or restricted, every release whose files hold it is rebuilt from those inputs with
the record (and everything that needs it) kept out, exactly as the current edition is: dumps,
per-entity files, pages, changelogs, manifests and checksums, the preservation metadata
(archived source copies, RO-Crate, DataCite, CITATION.cff) and its BagIt bag in
``bags/VERSION/`` are all made again. The release's
changelog records that it was amended by a withdrawal on a date, never what was withdrawn.

A release made before inputs were kept cannot be remade: that is an error naming the release,
with the ways forward, and nothing is changed.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..export.releases import RELEASES, hidden_records, release_dirs, stale_releases
from ..export.reuse import STATE_KIND as REUSE_KIND
from ..fsutil import staging, write_atomic
from ..incremental.state import StateKeeper
from ..pipeline import Built, build
from ..policy import apply_policy
from ..preserve import bag_folder, describe_release, make_bag
from ..project import Project, load_metadata, open_project
from ..records.load import load_records
from ..records.schema import TYPES
from ..withdrawals import REGISTER, Withdrawal, entry_text, load_register
from .diff import diff_editions, empty_edition, read_edition

INPUTS = "release-inputs"
#: What a build reads from a project besides data/ (the project's own extensions).
INPUT_FOLDERS = ("data", "ontology", "shapes", "queries")
CHANGES_JSON = "changes.json"


@dataclass(frozen=True)
class Remade:
    """A release made again without records now withheld."""

    version: str
    records: int  # how many withheld records its files held
    rendered: int = 0  # per-entity files made again
    linked: int = 0  # unchanged per-entity files linked from the release as it was


def link_or_copy(src: Path, dest: Path) -> None:
    """Hard-link ``src`` to ``dest`` (published files are never changed in place, so an
    edition and a release may share them), or copy it where links are not possible."""
    try:
        os.link(src, dest)
    except OSError:
        shutil.copyfile(src, dest)


def move_reuse_state(cache_dir: Path, built: Path, now_at: list[Path]) -> None:
    """Keep what a build into ``built`` knows of its per-entity files for the folders the
    files now are in (``now_at``: moved or hard-linked there), and forget ``built``."""
    keeper = StateKeeper(cache_dir)
    state: dict[str, object] = keeper.load_or(REUSE_KIND, built, {})
    keeper.forget(REUSE_KIND, built)
    if state:
        for folder in now_at:
            keeper.save(REUSE_KIND, folder, state)


def inputs_path(root: Path, version: str) -> Path:
    """Return where the inputs of release ``version`` are kept."""
    return root / INPUTS / f"{version}.tar.gz"


def pack_inputs(root: Path) -> bytes:
    """Return the inputs of a build of the project at ``root`` as a gzip'd tar (byte for byte
    the same for the same files: sorted, no times, no owners)."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz:
        with tarfile.open(fileobj=gz, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for name in INPUT_FOLDERS:
                folder = root / name
                if not folder.is_dir():
                    continue
                for path in sorted(folder.rglob("*")):
                    if not path.is_file() or any(p.startswith(".") for p in path.parts[-1:]):
                        continue
                    data = path.read_bytes()
                    info = tarfile.TarInfo(path.relative_to(root).as_posix())
                    info.size, info.mode, info.mtime = len(data), 0o644, 0
                    tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def keep_inputs(root: Path, version: str) -> Path:
    """Write the inputs of release ``version`` (the project as it is now); return the file."""
    path = inputs_path(root, version)
    path.parent.mkdir(exist_ok=True)
    write_atomic(path, pack_inputs(root))
    return path


def check_remakable(root: Path, folders: Iterable[Path]) -> None:
    """Raise UsageError (nothing changed) naming every release that cannot be remade."""
    missing = [f.name for f in folders if not inputs_path(root, f.name).is_file()]
    if missing:
        names = ", ".join(missing)
        raise UsageError(
            f"release(s) {names} hold a record that must be withdrawn but cannot be remade: "
            f"they were made before 'hrd-lod release' kept its inputs in {INPUTS}/; "
            "nothing was changed",
            hint=f"restore {INPUTS}/VERSION.tar.gz (a tar of data/ as released) for each, or "
            f"delete releases/VERSION (copies already downloaded cannot be recalled), then "
            "run the command again",
        )


def _order(root: Path, folders: list[Path]) -> list[Path]:
    """Return release folders oldest first (by date, then version), as ``release`` dates them."""
    from .release import _version_key

    def key(folder: Path) -> tuple[object, ...]:
        try:
            doc = json.loads((folder / CHANGES_JSON).read_text("utf-8"))
        except (OSError, ValueError):
            doc = {}
        return (str(doc.get("date") or ""), _version_key(folder.name))

    return sorted(folders, key=key)


def remake_releases(
    project: Project,
    hidden: dict[str, str],
    *,
    date: dt.date,
    progress: Callable[[str], None] | None = None,
) -> list[Remade]:
    """Remake every release that holds a record in ``hidden`` (id -> kind); return them.

    Releases are remade oldest first, each compared with the (remade) release before it.
    Raises UsageError, before anything is changed, if one of them cannot be remade.
    """
    stale = dict(stale_releases(project.root, hidden))
    if not stale:
        return []
    check_remakable(project.root, stale)
    done: list[Remade] = []
    for folder in _order(project.root, list(stale)):  # a release is compared with an earlier one
        if progress:
            progress(f"remake release {folder.name}")
        built = _remake(project, folder, hidden, date)
        files = built.entity_files
        done.append(Remade(folder.name, len(stale[folder]), files.rendered, files.linked))
    return done


def _remake(project: Project, folder: Path, hidden: dict[str, str], date: dt.date) -> Built:
    from .release import _write_release

    version = folder.name
    try:
        doc = json.loads((folder / CHANGES_JSON).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"{project.rel(folder / CHANGES_JSON)} is unreadable ({exc}): the release cannot "
            "be remade",
            hint="restore it from a copy of the release",
        ) from None
    work = Path(tempfile.mkdtemp(prefix=".remake-", dir=project.root))
    try:
        src = work / "project"
        src.mkdir()
        with tarfile.open(inputs_path(project.root, version), "r:gz") as tar:
            tar.extractall(src, filter="data")
        # Every record kept out now is kept out of the release (the ids only: never a reason).
        types = {spec.kind: name for name, spec in TYPES.items()}
        entries = [Withdrawal(rid, types[kind], date, "withheld") for rid, kind in hidden.items()]
        (src / REGISTER).write_text("".join(entry_text(w) for w in sorted(entries)), "utf-8")
        # the parse cache of the project serves the release's files too (keyed by content)
        # the project's parse cache serves the release's files too (keyed by content), and
        # its state knows the release's per-entity files: unchanged ones are linked, not
        # rendered again
        (src / ".hrd-cache").mkdir()
        for name in ("records", "state"):
            shared = project.cache_dir / name
            shared.mkdir(parents=True, exist_ok=True)
            (src / ".hrd-cache" / name).symlink_to(shared.resolve())
        built = build(src, dist=work / "dist", previous=folder)
        prev_name = doc.get("previous")
        previous = project.root / RELEASES / str(prev_name) if prev_name else None
        if previous is not None and not (previous / "manifest.json").is_file():
            previous = None  # deleted since: compared with nothing, as a first release
        before = read_edition(previous) if previous is not None else empty_edition()
        diff = diff_editions(before, read_edition(built.dist))
        amended = [a for a in doc.get("amended", []) if isinstance(a, dict)]
        amended.append({"date": date.isoformat(), "by": "withdrawal"})
        with staging(folder) as out:
            _write_release(
                built.dist,
                out,
                diff,
                version,
                dt.date.fromisoformat(str(doc.get("date"))),
                str(prev_name) if prev_name else None,
                amended=amended,
            )
            # its preservation metadata (archived copies of the sources it still cites,
            # RO-Crate, DataCite, CITATION.cff) described again from what it now holds
            info = describe_release(
                out, built.checked.meta, data_dir=src / "data", trust_manifest=True
            )
        # and its BagIt bag made again from it: a bag never keeps what the release dropped
        make_bag(folder, bag_folder(project.root, version), info, source=f"{RELEASES}/{version}")
        move_reuse_state(project.cache_dir, work / "dist", [folder])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return built


def sync_releases(
    project_dir: Path | str, *, date: dt.date, progress: Callable[[str], None] | None = None
) -> list[Remade]:
    """Remake every release of the project that holds a record the policy now keeps out
    (withdrawn, restricted, or needing one of those); return what was remade."""
    project = open_project(project_dir)
    if not release_dirs(project.root):
        return []
    meta = load_metadata(project)
    records = load_records(
        project.root, project.data_dir, meta.language, cache_dir=project.cache_dir
    )
    register = {w.id: w.kind for w in load_register(project.root)}
    public, _ = apply_policy(records, frozenset(register))
    hidden = hidden_records(records, public, register)
    return remake_releases(project, hidden, date=date, progress=progress)
