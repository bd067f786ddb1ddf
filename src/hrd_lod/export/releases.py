"""Carry the released editions (``releases/VERSION/`` at the project root) into the build.

``dist/`` is replaced by every build; released editions must outlive it, so they are kept at
the project root and copied byte for byte into ``dist/releases/`` by every build. This module
has the exporter for that (``write_releases``), registered before the manifest.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import ExportContext

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


def copy_releases(root: Path, out: Path) -> None:
    """Copy every release folder of the project at ``root`` into ``out/releases/``."""
    for rel_dir in release_dirs(root):
        dest = out / RELEASES / rel_dir.name
        if dest.exists():
            shutil.rmtree(dest)
        shutil.copytree(rel_dir, dest)


def write_releases(ctx: ExportContext, out: Path) -> None:
    """Exporter: copy the project's released editions into ``out/releases/``."""
    copy_releases(ctx.project.root, out)
