"""Load every record of a project's ``data/`` folder and check them together."""

from __future__ import annotations

from pathlib import Path

from ..errors import LoadError, ProblemList
from .cache import ParseCache
from .checks import check_cycles, check_fixity, check_ids, check_refs
from .csvfile import read_csv
from .model import Notice, RawRecord, Record, Records
from .parse import parse_record
from .schema import TYPES
from .yamlfile import read_yaml

YAML_SUFFIXES = (".yaml", ".yml")
SKIP_FILES = ("dataset.yaml",)


def data_files(data_dir: Path) -> list[Path]:
    """Return the record files under ``data/`` (YAML and CSV), sorted by path."""
    out = []
    for path in data_dir.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        if path.parent == data_dir and path.name in SKIP_FILES:
            continue
        if path.suffix.lower() in YAML_SUFFIXES + (".csv",):
            out.append(path)
    return sorted(out, key=lambda p: p.relative_to(data_dir).as_posix())


def read_raw(path: Path, rel: str, problems: ProblemList,
             default_lang: str = "en") -> list[RawRecord]:
    """Return the raw records of one file, by its suffix."""
    if path.suffix.lower() == ".csv":
        return read_csv(path, rel, problems, default_lang)
    return read_yaml(path, rel, problems)


def load_records(root: Path, data_dir: Path, default_lang: str = "en",
                 cache_dir: Path | None = None) -> Records:
    """Return the checked records of ``data_dir``; raise LoadError with every problem found.

    ``root`` is the project folder; locations are given relative to it. With ``cache_dir``,
    files whose bytes did not change since they last loaded cleanly are not parsed again.
    """
    problems = ProblemList()
    notices: list[Notice] = []
    records: list[Record] = []
    broken: dict[str, str] = {}
    cache = ParseCache(cache_dir)
    for path in data_files(data_dir):
        rel = path.relative_to(root).as_posix()
        key = None
        if cache_dir is not None:
            try:
                key = cache.key(rel, path.read_bytes(), default_lang)
            except OSError:
                key = None
            hit = cache.get(key) if key else None
            if hit is not None:
                records.extend(hit[0])
                notices.extend(hit[1])
                continue
        before = len(problems.items)
        file_records: list[Record] = []
        file_notices: list[Notice] = []
        for raw in read_raw(path, rel, problems, default_lang):
            rec = parse_record(raw, default_lang, problems, file_notices)
            if rec is not None:
                file_records.append(rec)
            elif isinstance(raw.data.get("id"), str) and raw.data.get("type") in TYPES:
                broken[str(raw.data["id"])] = str(raw.data["type"])
        records.extend(file_records)
        notices.extend(file_notices)
        if key and len(problems.items) == before:
            cache.put(key, file_records, file_notices)
    by_id = check_ids(records, problems)
    check_refs(by_id, problems, broken)
    check_cycles(by_id, problems)
    check_fixity(by_id, data_dir, problems)
    if problems:
        raise LoadError(problems.items)
    return Records(tuple(sorted(by_id.values(), key=lambda r: r.id)),
                   tuple(sorted(notices, key=lambda n: (n.location, n.message))))
