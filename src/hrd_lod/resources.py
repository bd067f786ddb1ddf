"""Where the packaged ontology and shapes are: inside the wheel, or at the repository root."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def packaged_dir(name: str) -> Path:
    """Return the packaged ``ontology`` or ``shapes`` folder.

    An installed wheel carries them as ``hrd_lod/_data/{name}``; an editable install or a source
    checkout reads the repository's own folders, the single source of truth.
    """
    inside = _HERE / "_data" / name
    if inside.is_dir():
        return inside
    repo = _HERE.parent.parent / name
    if repo.is_dir():
        return repo
    raise FileNotFoundError(f"the packaged {name}/ folder is missing from this installation")


def turtle_files(folder: Path) -> list[Path]:
    """Return the Turtle files of a folder, sorted by name."""
    return sorted(p for p in folder.glob("*.ttl") if p.is_file())
