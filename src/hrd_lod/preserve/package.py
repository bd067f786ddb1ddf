"""A kept release made preservable: archived source copies, RO-Crate, DataCite, CITATION.cff,
a refreshed manifest, and its BagIt bag in ``bags/VERSION/``; and the check of a kept release
against its bag.

``describe_release`` and ``make_bag`` are what remaking a release calls (a withdrawal that
rewrites past releases calls ``package_release`` for each, so that their bags follow).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..export.manifest import MANIFEST, file_entry, media_type
from ..export.releases import RELEASES, release_dirs
from ..project import DatasetMeta, load_metadata, open_project
from .bag import FileProblem, compare, make_bag, open_bag, payload_entries, validate_bag
from .citation import CITATION, write_citation
from .crate import CRATE, release_files, write_crate
from .datacite import DATACITE, write_datacite
from .info import ReleaseInfo, read_manifest, release_info

BAGS = "bags"
ARCHIVE = "archive"
_METADATA_FILES = frozenset({DATACITE, CITATION, CRATE, MANIFEST})


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_archived_sources(folder: Path, info: ReleaseInfo, data_dir: Path | None) -> None:
    """Put the archived copy of every source the release cites under ``folder/archive/``.

    Copies already there are kept (they are what the release was made from); a missing one
    is taken from ``data_dir`` when its SHA-256 is the recorded one. Copies of sources the
    release no longer cites (after a withdrawal) are removed.
    """
    for s in info.sources:  # paths come from the release's dump: never outside the folders
        parts = Path(s.archived_copy or "").parts
        if s.archived_copy and (Path(s.archived_copy).is_absolute() or ".." in parts):
            raise UsageError(
                f"source '{s.id}' gives the archived copy {s.archived_copy!r}: "
                "not a path inside data/"
            )
    wanted = {f"{ARCHIVE}/{s.archived_copy}": s for s in info.sources if s.archived_copy}
    for rel, s in sorted(wanted.items()):
        dest = folder / rel
        if dest.is_file():
            continue
        src = data_dir / str(s.archived_copy) if data_dir else None
        if src is None or not src.is_file():
            raise UsageError(
                f"the archived copy of source '{s.id}' ({s.archived_copy}) is not in the "
                f"release nor in data/: the release cannot be packaged without it"
            )
        if s.sha256 and _sha256(src) != s.sha256:
            raise UsageError(
                f"data/{s.archived_copy} is not the copy release {info.version} cites "
                f"(its SHA-256 differs from the recorded {s.sha256[:12]}...)",
                hint="run 'hrd-lod source check' to see which copies changed",
            )
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
    archive = folder / ARCHIVE
    if archive.is_dir():
        for path in sorted(archive.rglob("*"), reverse=True):
            rel = path.relative_to(folder).as_posix()
            if path.is_file() and rel not in wanted:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        if not any(archive.iterdir()):
            archive.rmdir()


def refresh_manifest(folder: Path, *, trust: bool = False) -> None:
    """Rewrite the release's ``manifest.json`` so that it lists every file it now holds.

    With ``trust`` (the manifest was written a moment ago, with the files), the entries of the
    edition's files are kept and only the preservation files and archived copies are hashed.
    """
    manifest = read_manifest(folder)
    names = sorted({*release_files(folder), CRATE} - {MANIFEST})
    old = manifest.get("files") if trust else None
    kept = {
        e["path"]: e
        for e in (old if isinstance(old, list) else [])
        if isinstance(e, dict) and e.get("path") not in _METADATA_FILES
    }
    manifest["files"] = [
        kept.get(rel) or file_entry(folder, folder / rel).__dict__ for rel in names
    ]
    (folder / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def describe_release(
    folder: Path, meta: DatasetMeta, *, data_dir: Path | None, trust_manifest: bool = False
) -> ReleaseInfo:
    """Write the preservation metadata into the release ``folder`` and return what it states.

    Adds the archived source copies (from ``data_dir`` where missing), ``datacite.json``
    (checked against the DataCite schema), ``CITATION.cff`` and ``ro-crate-metadata.json``
    (naming every file), then refreshes ``manifest.json`` (``trust_manifest``: its entries of
    the edition's files were just written and are kept). Running it again on an unchanged
    release writes the same bytes.
    """
    info = release_info(folder, meta)
    copy_archived_sources(folder, info, data_dir)
    # the edition's own files: the same whether or not the metadata was written before
    files = [rel for rel in release_files(folder) if rel not in _METADATA_FILES]
    size = sum((folder / rel).stat().st_size for rel in files)
    write_datacite(folder, info, size=size, formats=[media_type(Path(r)) for r in files])
    write_citation(folder, info)
    write_crate(folder, info)
    refresh_manifest(folder, trust=trust_manifest)
    return info


@dataclass(frozen=True)
class Packaged:
    """A release made preservable: its folder, its bag, and what the metadata states."""

    version: str
    folder: Path
    bag: Path
    info: ReleaseInfo
    files: int
    bytes: int


def release_folder(root: Path, version: str) -> Path:
    """Return the folder of kept release ``version``; a clear error if there is none."""
    folder = root / RELEASES / version
    if not folder.is_dir() or version.startswith("."):
        known = ", ".join(p.name for p in release_dirs(root)) or "none"
        raise UsageError(f"there is no release {version!r} in {RELEASES}/ (releases: {known})")
    return folder


def bag_folder(root: Path, version: str) -> Path:
    """Return where the bag of release ``version`` is kept: ``bags/VERSION/`` in the project."""
    return root / BAGS / version


def package_release(project_dir: Path | str, version: str, *, force: bool = True) -> Packaged:
    """Describe kept release ``version`` again and rewrite its bag; return what was written.

    Without ``force``, a release whose files no longer match its existing bag is refused (a
    changed release must not be blessed by a new bag unnoticed); code that rewrote the release
    itself (a withdrawal) passes ``force=True``.
    """
    project = open_project(project_dir)
    folder = release_folder(project.root, version)
    if not force and (bag_folder(project.root, version) / "bagit.txt").is_file():
        changed = verify_release(project.root, version).problems
        if changed:
            raise UsageError(
                f"release {version} does not match its bag: "
                + ", ".join(f"{p.path} {p.status}" for p in changed[:3])
                + (" ..." if len(changed) > 3 else ""),
                hint="check with 'hrd-lod release verify'; --force describes the release as it "
                "is now and bags it again",
            )
    info = describe_release(folder, load_metadata(project), data_dir=project.data_dir)
    bag = make_bag(
        folder,
        bag_folder(project.root, version),
        info,
        source=f"{RELEASES}/{version}",
    )
    files = release_files(folder) + [CRATE]
    return Packaged(
        version, folder, bag, info, len(files), sum((folder / f).stat().st_size for f in files)
    )


@dataclass(frozen=True)
class Verified:
    """A kept release checked against its bag."""

    version: str
    folder: Path
    bag: Path
    files: int
    problems: tuple[FileProblem, ...]

    @property
    def ok(self) -> bool:
        """Return True when the bag is valid and the release folder matches it."""
        return not self.problems


def verify_release(project_dir: Path | str, version: str) -> Verified:
    """Check the bag of release ``version`` with bagit, and the release folder against it."""
    project = open_project(project_dir)
    folder = release_folder(project.root, version)
    bag_dir = bag_folder(project.root, version)
    shown_bag = f"{BAGS}/{version}"
    problems = validate_bag(bag_dir, shown_bag)
    entries = payload_entries(open_bag(bag_dir))
    problems += compare(folder, entries, f"{RELEASES}/{version}")
    return Verified(version, folder, bag_dir, len(entries), tuple(problems))


def verify_all(project_dir: Path | str) -> list[Verified]:
    """Check every kept release against its bag; a clear error when there is none."""
    project = open_project(project_dir)
    folders = release_dirs(project.root)
    if not folders:
        raise UsageError(f"there are no releases in {RELEASES}/ to verify")
    return [verify_release(project.root, p.name) for p in folders]
