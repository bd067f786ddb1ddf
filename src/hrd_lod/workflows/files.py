"""Small file helpers shared by the workflows: all-or-nothing writes, YAML out, raw scans."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import yaml

from ..errors import ProblemList, UsageError
from ..fsutil import write_atomic
from ..records.load import data_files, read_raw
from ..records.model import RawRecord


def write_new_files(files: Iterable[tuple[Path, bytes]]) -> list[Path]:
    """Write new files, each atomically, all or none; return their paths.

    Refuses to overwrite an existing file. If any write fails (disk full, interrupt), the
    files already written by this call are removed, so the tree is as it was.
    """
    todo = list(files)
    for path, _ in todo:
        if path.exists():
            raise UsageError(f"{path} already exists; it was not overwritten")
    return replace_files(todo)  # all new: a failed write removes the ones already written


def replace_files(files: Iterable[tuple[Path, bytes]]) -> list[Path]:
    """Write files (new ones, or new contents of existing ones), each atomically, all or
    none; return their paths. If any write fails, the files already written are put back as
    they were (or removed, if they are new)."""
    todo = list(files)
    before = {path: (path.read_bytes() if path.exists() else None) for path, _ in todo}
    done: list[Path] = []
    try:
        for path, data in todo:
            write_atomic(path, data)
            done.append(path)
    except BaseException:
        for path in done:
            with contextlib.suppress(OSError):
                old = before[path]
                if old is None:
                    os.unlink(path)
                else:
                    write_atomic(path, old)
        raise
    return done


def dump_yaml(value: object) -> str:
    """Return ``value`` as block-style YAML, keys in the given order, Unicode kept."""
    return yaml.safe_dump(
        value, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False
    )


def yaml_scalar(value: object) -> str:
    """Return one scalar as it is written after ``key: `` in YAML (quoted when needed)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def records_yaml(records: list[Mapping[str, object]], header: str = "") -> bytes:
    """Return a YAML file of records: an optional comment header, one blank line between."""
    parts = [dump_yaml([dict(r)]) for r in records]
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    body = "\n".join(parts)
    return (("\n".join(lines) + "\n") if lines else "").encode() + body.encode("utf-8")


def raw_records(root: Path, data_dir: Path) -> Iterator[tuple[RawRecord, str]]:
    """Yield (raw record, relative file) for every record file, ignoring read problems.

    Workflows use this instead of the full loader so that they work while the project has
    load errors (e.g. a captured source whose publisher is not filled in yet).
    """
    problems = ProblemList()
    for path in data_files(data_dir):
        rel = path.relative_to(root).as_posix()
        for raw in read_raw(path, rel, problems):
            yield raw, rel
