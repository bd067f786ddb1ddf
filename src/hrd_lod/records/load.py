"""Load every record of a project's ``data/`` folder and check them together."""

from __future__ import annotations

import functools
import pickle
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError, Location, Problem, ProblemList
from ..lanes import Lane, LaneFailed, can_fork
from .cache import ParseCache, chunk
from .checks import check_categories, check_cycles, check_fixity, check_ids, check_refs
from .csvfile import read_csv, splittable
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


def read_raw(
    path: Path, rel: str, problems: ProblemList, default_lang: str = "en"
) -> list[RawRecord]:
    """Return the raw records of one file, by its suffix."""
    if path.suffix.lower() == ".csv":
        return read_csv(path, rel, problems, default_lang)
    return read_yaml(path, rel, problems)


def empty_notice(rel: str, raws: list[RawRecord], problems: ProblemList) -> Notice | None:
    """Return the note for a data file that holds no record and has nothing wrong, if so.

    An empty file, or one with only comments (or only a CSV header), publishes nothing and
    stops nothing: it is said, not refused.
    """
    if raws or problems:
        return None
    return Notice(
        Location(rel, 1),
        "the file holds no record (it is empty, or only comments), so nothing in it is "
        "published; add records ('hrd-lod fields' shows what to write) or delete it",
    )


#: Bytes of data files to parse from which a second process parses some of them.
PARALLEL_MIN_BYTES = 4_000_000

#: (file, its path relative to the project, (k, n)): the k-th of n shares of a file's rows.
Unit = tuple[Path, str, tuple[int, int]]


@dataclass
class Parsed:
    """What one data file (or a share of a CSV table's rows) gave: its records and notices,
    its problems, the ids and types of the records that failed (references to them are not
    reported again), and the records and notices as a cache chunk when already pickled."""

    records: list[Record]
    notices: list[Notice]
    problems: list[Problem]
    broken: dict[str, str]
    chunk: bytes | None = None


def parse_file(
    path: Path, rel: str, default_lang: str = "en", part: tuple[int, int] = (0, 1)
) -> Parsed:
    """Read and check the records of one data file (nothing across files); with ``part``, of
    a share of a CSV table's rows only."""
    problems = ProblemList()
    out = Parsed([], [], problems.items, {})
    if part[1] > 1:
        raws = read_csv(path, rel, problems, default_lang, part=part)
    else:
        raws = read_raw(path, rel, problems, default_lang)
        note = empty_notice(rel, raws, problems)
        if note is not None:
            out.notices.append(note)
    for raw in raws:
        rec = parse_record(raw, default_lang, problems, out.notices)
        if rec is not None:
            out.records.append(rec)
        elif isinstance(raw.data.get("id"), str) and raw.data.get("type") in TYPES:
            out.broken[str(raw.data["id"])] = str(raw.data["type"])
    return out


def _pickled_parse(path: Path, rel: str, default_lang: str, part: tuple[int, int]) -> bytes:
    # The records are pickled here once, as the cache chunk the parent stores as it is; the
    # pipe carries bytes.
    one = parse_file(path, rel, default_lang, part)
    return pickle.dumps(
        (chunk(one.records, one.notices), one.problems, one.broken),
        protocol=pickle.HIGHEST_PROTOCOL,
    )


def _from_side(data: bytes) -> Parsed:
    blob, problems, broken = pickle.loads(data)
    records, notices = pickle.loads(blob)
    return Parsed(records, notices, problems, broken, blob)


def _split(todo: list[tuple[Path, str]]) -> tuple[list[Unit], list[Unit]]:
    """Return the work of this process and of a second one (none when it would not pay off).

    A CSV table holding over a third of the bytes, with no quotes (a row per line), is read
    as two halves of its rows. The largest piece stays here; each next goes to the side with
    fewer bytes so far.
    """
    sizes: dict[Path, int] = {}
    for path, _rel in todo:
        try:
            sizes[path] = path.stat().st_size
        except OSError:
            return [(p, rel, (0, 1)) for p, rel in todo], []
    total = sum(sizes.values())
    if total < PARALLEL_MIN_BYTES or not can_fork():
        return [(p, rel, (0, 1)) for p, rel in todo], []
    units: list[tuple[float, Unit]] = []
    for path, rel in todo:
        size = sizes[path]
        if path.suffix.lower() == ".csv" and size * 3 > total:
            try:
                whole = splittable(path.read_bytes())
            except OSError:
                whole = False
            if whole:
                units += [(size / 2, (path, rel, (0, 2))), (size / 2, (path, rel, (1, 2)))]
                continue
        units.append((size, (path, rel, (0, 1))))
    if len(units) < 2:
        return [unit for _size, unit in units], []
    here: list[Unit] = []
    there: list[Unit] = []
    here_bytes: float = 0.0
    there_bytes: float = 0.0
    for weight, unit in sorted(units, key=lambda x: (-x[0], x[1][1], x[1][2])):
        if here_bytes <= there_bytes:
            here.append(unit)
            here_bytes += weight
        else:
            there.append(unit)
            there_bytes += weight
    return here, there


def parse_files(todo: list[tuple[Path, str]], default_lang: str) -> dict[str, Parsed]:
    """Return each file's ``Parsed`` by relative path. With enough bytes to read, a forked
    second process parses part of them (a large CSV table: half of its rows) while this one
    parses the rest; the results are the same as one process's."""
    here, there = _split(todo)
    lane = None
    if there:
        try:
            lane = Lane(
                [
                    (
                        f"{rel}#{part[0]}",
                        functools.partial(_pickled_parse, path, rel, default_lang, part),
                    )
                    for path, rel, part in there
                ]
            )
        except OSError:
            lane = None
    pieces: dict[tuple[str, tuple[int, int]], Parsed] = {}
    try:
        for path, rel, part in here if lane is not None else here + there:
            pieces[rel, part] = parse_file(path, rel, default_lang, part)
        if lane is not None:
            for _path, rel, part in there:
                pieces[rel, part] = _from_side(lane.result(f"{rel}#{part[0]}"))
    except LaneFailed:  # the second process died: what it did not give is parsed here
        pass
    finally:
        if lane is not None:
            lane.kill()
    by_file: dict[str, list[tuple[tuple[int, int], Parsed]]] = {}
    for (rel, part), one in pieces.items():
        by_file.setdefault(rel, []).append((part, one))
    out: dict[str, Parsed] = {}
    for path, rel in todo:
        shares = sorted(by_file.get(rel, []), key=lambda x: x[0])
        parts = [part for part, _one in shares]
        found = [one for _part, one in shares]
        if len(found) == 1 and parts[0][1] == 1:
            out[rel] = found[0]
        elif found and len(found) == parts[0][1] and not any(one.problems for one in found):
            out[rel] = Parsed(
                [r for one in found for r in one.records],
                [n for one in found for n in one.notices],
                [],
                {},
            )
            out[rel].chunk = b"".join(one.chunk or chunk(one.records, one.notices) for one in found)
        else:  # a share missing, or problems (reported once, from the whole file)
            out[rel] = parse_file(path, rel, default_lang)
    return out


def load_records(
    root: Path, data_dir: Path, default_lang: str = "en", cache_dir: Path | None = None
) -> Records:
    """Return the checked records of ``data_dir``; raise LoadError with every problem found.

    ``root`` is the project folder; locations are given relative to it. With ``cache_dir``,
    files whose bytes did not change since they last loaded cleanly are not parsed again.
    """
    problems = ProblemList()
    notices: list[Notice] = []
    records: list[Record] = []
    broken: dict[str, str] = {}
    cache = ParseCache(cache_dir)
    files = [(path, path.relative_to(root).as_posix()) for path in data_files(data_dir)]
    hits: dict[str, tuple[list[Record], list[Notice]]] = {}
    keys: dict[str, str] = {}
    for path, rel in files:
        if cache_dir is None:
            continue
        try:
            key = cache.key(rel, path.read_bytes(), default_lang)
        except OSError:
            continue
        hit = cache.get(key)
        if hit is not None:
            hits[rel] = (hit[0], hit[1])
        else:
            keys[rel] = key
    parsed = parse_files([(p, rel) for p, rel in files if rel not in hits], default_lang)
    for _path, rel in files:  # in file order, as one process would have read them
        if rel in hits:
            records.extend(hits[rel][0])
            notices.extend(hits[rel][1])
            continue
        one = parsed[rel]
        records.extend(one.records)
        notices.extend(one.notices)
        problems.items.extend(one.problems)
        broken.update(one.broken)
        if rel in keys and not one.problems:
            if one.chunk is not None:
                cache.put_chunks(keys[rel], [one.chunk])
            else:
                cache.put(keys[rel], one.records, one.notices)
    by_id = check_ids(records, problems)
    check_refs(by_id, problems, broken)
    check_categories(by_id, problems)
    check_cycles(by_id, problems)
    check_fixity(by_id, data_dir, problems)
    if problems:
        raise LoadError(problems.items)
    return Records(
        tuple(sorted(by_id.values(), key=lambda r: r.id)),
        tuple(sorted(notices, key=lambda n: (n.location, n.message))),
    )
