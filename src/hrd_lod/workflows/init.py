"""``hrd-lod init DIR``: a new dataset project from the packaged skeleton.

The skeleton (``hrd_lod/skeleton/``, package data) holds a commented ``data/dataset.yaml``,
one example record of every record type, an example source with its archived text file, and a
README. A few markers are filled in at init time: ``{{today}}`` (passed in, never read from
the clock here), ``{{dataset_id}}``, ``{{dataset_title}}`` and ``{{example_sha256}}`` (the
SHA-256 of the example archived file, computed from the bytes written).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..records.fields import suggest_slug
from .files import yaml_scalar

SKELETON = Path(__file__).resolve().parent.parent / "skeleton"
EXAMPLE_SOURCE = "data/sources/example-source.txt"
#: Skeleton files stored under another name (a dot file is easy to lose in packaging).
RENAMED = {"gitignore": ".gitignore"}
_TEMPLATED = (".yaml", ".md")


@dataclass(frozen=True)
class InitResult:
    """What ``init_project`` wrote."""

    root: Path
    files: tuple[str, ...]
    dataset_id: str


def skeleton_files() -> list[Path]:
    """Return the skeleton's files, sorted by relative path."""
    return sorted(
        (p for p in SKELETON.rglob("*") if p.is_file() and "__pycache__" not in p.parts),
        key=lambda p: p.relative_to(SKELETON).as_posix(),
    )


def init_project(
    target: Path | str, *, today: dt.date, title: str | None = None, dataset_id: str | None = None
) -> InitResult:
    """Create a dataset project at ``target`` (missing or empty) and return what was written.

    The folder appears complete or not at all: it is filled in a temporary sibling folder
    that is renamed into place at the end.
    """
    target = Path(target)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise UsageError(
            f"{target} is not an empty folder; hrd-lod init writes a new project",
            hint="give the name of a new folder, e.g. hrd-lod init my-dataset",
        )
    name = target.resolve().name
    ds_id = dataset_id or suggest_slug(name)
    ds_title = title or (
        name.replace("-", " ").replace("_", " ").strip().capitalize()
        or "Human rights defenders dataset"
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.init-", dir=target.parent))
    written: list[str] = []
    try:
        example = (SKELETON / EXAMPLE_SOURCE).read_bytes()
        values = {
            "today": today.isoformat(),
            "dataset_id": ds_id,
            "example_sha256": hashlib.sha256(example).hexdigest(),
        }
        for src in skeleton_files():
            rel = src.relative_to(SKELETON).as_posix()
            rel = RENAMED.get(rel, rel)
            dest = tmp / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            if src.suffix in _TEMPLATED:
                title_value = yaml_scalar(ds_title) if src.suffix == ".yaml" else ds_title
                dest.write_text(
                    _fill(src.read_text("utf-8"), {**values, "dataset_title": title_value}),
                    encoding="utf-8",
                )
            else:
                shutil.copyfile(src, dest)
            written.append(rel)
        tmp.chmod(0o755)  # mkdtemp makes it private; a project folder is an ordinary folder
        if target.exists():
            target.rmdir()  # empty, checked above
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return InitResult(target, tuple(sorted(written)), ds_id)


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    if "{{" in text:
        raise AssertionError(f"unfilled marker in the skeleton: {text[text.index('{{') :][:40]}")
    return text
