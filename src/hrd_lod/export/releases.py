"""Carry the released editions (``releases/VERSION/`` at the project root) into the build.

``dist/`` is replaced by every build; released editions must outlive it, so they are kept at
the project root and copied byte for byte into ``dist/releases/`` by every build. This module
has the exporter for that (``write_releases``), registered before the manifest, and tells
which releases still hold records the policy now keeps out (``stale_releases``): those are
made again (:mod:`hrd_lod.workflows.amend`), and a build refuses to publish them as they are.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import ExportContext

from ..records.model import Records
from ..records.schema import TYPES

RELEASES = "releases"


def release_dirs(root: Path) -> list[Path]:
    """Return the project's release folders (``releases/*/``), sorted by name."""
    folder = root / RELEASES
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".")),
        key=lambda p: p.name,
    )


def hidden_records(
    records: Records, public: Records, withdrawn: dict[str, str] | None = None
) -> dict[str, str]:
    """Return id -> IRI kind of every record the policy kept out of ``public``, and of the
    ``withdrawn`` ones (id -> kind) even if they are no longer in the data."""
    public_ids = {r.id for r in public}
    out = dict(withdrawn or {})
    out.update({r.id: TYPES[r.type].kind for r in records if r.id not in public_ids})
    return out


def find_in_releases(root: Path, rid: str) -> str | None:
    """Return the IRI kind of record ``rid`` if a release of the project at ``root`` holds
    its per-entity files (a record since removed from the data), else None."""
    for folder in release_dirs(root):
        for kind_dir in sorted((folder / "id").glob("*/")):
            if (kind_dir / f"{rid}.ttl").is_file() or (kind_dir / f"{rid}.html").is_file():
                return kind_dir.name
    return None


def held_by(folder: Path, hidden: dict[str, str]) -> list[str]:
    """Return the ids of ``hidden`` records that the edition in ``folder`` holds or names
    (sorted): by their per-entity files (or, in an edition without them, their IRIs in its
    dumps), and by their IRIs in its changelog (a record removed since the release before)."""
    found: set[str] = set()
    if (folder / "id").is_dir():
        found |= {
            rid
            for rid, kind in hidden.items()
            if (folder / "id" / kind / f"{rid}.ttl").is_file()
            or (folder / "id" / kind / f"{rid}.html").is_file()
        }
    else:
        for dump in sorted(folder.glob("*.nq")):
            data = dump.read_bytes()
            found |= {rid for rid, kind in hidden.items() if f"/id/{kind}/{rid}>".encode() in data}
    changes = folder / "changes.json"
    if changes.is_file():
        data = changes.read_bytes()
        found |= {rid for rid, kind in hidden.items() if f"/id/{kind}/{rid}>".encode() in data}
    return sorted(found)


def stale_releases(root: Path, hidden: dict[str, str]) -> list[tuple[Path, list[str]]]:
    """Return the release folders that hold records now withheld, with those ids."""
    out = []
    for folder in release_dirs(root):
        held = held_by(folder, hidden)
        if held:
            out.append((folder, held))
    return out


def _link_or_copy(src: str, dest: str) -> None:
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def copy_releases(root: Path, out: Path) -> None:
    """Copy every release folder of the project at ``root`` into ``out/releases/``.

    Files are hard-linked where the file system allows (a release's files are never changed
    in place: a remade release is a new folder swapped in), copied otherwise."""
    for rel_dir in release_dirs(root):
        dest = out / RELEASES / rel_dir.name
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(rel_dir, dest, copy_function=_link_or_copy)


def write_releases(ctx: ExportContext, out: Path) -> None:
    """Exporter: copy the project's released editions into ``out/releases/``."""
    copy_releases(ctx.project.root, out)
