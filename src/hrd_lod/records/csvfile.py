"""Read a CSV table of records of one type.

The type comes from a ``type`` column, or else from the file name (``organizations.csv``,
``conferral.csv``, ``AwardConferral.csv``). Conventions for cells: an empty cell is no value;
several values in one cell are separated by `` | ``; a column ``name@fr`` holds the French
name (``name`` alone is in the dataset's default language).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Container
from pathlib import Path

from ..errors import Location, ProblemList
from .model import RawRecord
from .schema import TYPES, Kind, TypeSpec
from .textfile import MAX_FILE_BYTES, read_text

SEPARATOR = "|"
LIST_KEYS = ("sources", "public_fields")


def type_from_filename(path: Path) -> TypeSpec | None:
    """Return the record type a CSV file name names, if any."""
    stem = path.stem.lower().replace("_", "").replace("-", "")
    for spec in TYPES.values():
        for word in (spec.name.lower(), spec.kind):
            if stem in (word, word + "s", word + "es") or (
                word.endswith("y") and stem == word[:-1] + "ies"
            ):
                return spec
    if stem in ("people", "persons"):
        return TYPES["Person"]
    return None


def sniff_delimiter(header_line: str) -> str:
    """Return ',' or ';': whichever splits the header line into more columns."""
    return ";" if header_line.count(";") > header_line.count(",") else ","


def splittable(data: bytes) -> bool:
    """Return True when a CSV file's rows are its lines (no quotes: no cell spans lines), so
    that parts of its rows can be read apart (``read_csv``'s ``part``)."""
    return b'"' not in data


def keep_rows(text: str, keep: Container[int]) -> str:
    """Return ``text`` with every line but the header and the lines in ``keep`` (0-based)
    blanked: a blank line is no row, and every kept row keeps its line number."""
    lines = text.split("\n")
    return "\n".join(line if i == 0 or i in keep else "" for i, line in enumerate(lines))


def rows_part(text: str, part: tuple[int, int]) -> str:
    """Return ``text`` with only the header and the ``k``-th of ``n`` equal shares of the
    other lines kept, the rest blanked (so every row keeps its line number); a table with
    quotes is not split: part 0 is the whole text, the others are empty."""
    k, n = part
    if n == 1:
        return text
    if '"' in text:
        return text if k == 0 else ""
    lines = text.split("\n")
    body = len(lines) - 1
    start, end = 1 + body * k // n, 1 + body * (k + 1) // n
    return keep_rows("\n".join(lines[:end]), range(start, end))


def read_csv(
    path: Path,
    rel: str,
    problems: ProblemList,
    default_lang: str = "en",
    limit: int = MAX_FILE_BYTES * 16,
    part: tuple[int, int] = (0, 1),
    text: str | None = None,
) -> list[RawRecord]:
    """Return the raw records of one CSV table (with ``part`` (k, n): of the k-th of n equal
    shares of its rows, as ``rows_part`` cuts them). ``text``, when given, is read instead of
    the file (the file's name still tells the records' type)."""
    if text is None:
        text = read_text(path, rel, problems, limit=limit)
    if text is None:
        return []
    if part[1] > 1:
        text = rows_part(text, part)
        if not text:
            return []
    if not text.strip():
        return []  # nothing wrong to publish: the loader notes it (records.load.empty_notice)
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first), strict=True)
    try:
        header = [h.strip() for h in next(reader)]
    except csv.Error as exc:
        problems.add(Location(rel, 1), f"cannot read the header row: {exc}", code="csv-syntax")
        return []
    file_type = type_from_filename(path)
    if "type" not in header and file_type is None:
        problems.add(
            Location(rel, 1),
            "cannot tell the record type of this table",
            "add a 'type' column, or name the file after the type (e.g. organizations.csv)",
            code="csv-type",
        )
        return []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        if not h:
            problems.add(Location(rel, 1), f"column {i + 1} has no header", code="csv-header")
        elif h in seen:
            problems.add(
                Location(rel, 1, h), f"the column '{h}' appears twice", code="duplicate-key"
            )
        seen.setdefault(h, i)
    if problems and any(p.location.file == rel for p in problems.items):
        return []
    out: list[RawRecord] = []
    # What each column is (its field and language), where each field's column is, and which
    # fields of a type hold lists: worked out once per table, not once per cell.
    cols = [(key, lang) for key, _, lang in (col.partition("@") for col in header)]
    columns = {key: i + 1 for i, (key, _) in reversed(list(enumerate(cols)))}
    lists: dict[str, tuple[str, ...]] = {}

    def list_columns(spec: TypeSpec | None) -> tuple[str, ...]:
        """Return the table's fields that hold a list of values for a record of ``spec``."""
        name = spec.name if spec else ""
        found = lists.get(name)
        if found is None:
            found = lists[name] = tuple(
                key
                for key in columns
                if key in LIST_KEYS
                or (
                    spec is not None
                    and (fspec := spec.by_name.get(key)) is not None
                    and fspec.many
                    and fspec.kind is not Kind.LANGTEXT
                )
            )
        return found

    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                problems.add(
                    Location(rel, line),
                    f"the row has {len(row)} cells, the header has {len(header)}",
                    "check for an unquoted separator",
                    code="csv-row",
                )
                continue
            data: dict[str, object] = {}
            langs: dict[str, dict[str, str]] = {}
            for (key, lang), cell in zip(cols, row, strict=True):
                cell = cell.strip()
                if not cell:
                    continue
                if lang:
                    langs.setdefault(key, {})[lang] = cell
                    continue
                data[key] = cell
            spec = TYPES.get(str(data.get("type"))) or file_type
            if "type" not in data and file_type is not None:
                data["type"] = file_type.name
            for key, by_lang in langs.items():
                plain = data.get(key)
                if isinstance(plain, str):
                    if default_lang in by_lang:
                        problems.add(
                            Location(rel, line, key),
                            f"both '{key}' and '{key}@{default_lang}' are filled",
                            "use one or the other",
                            code="csv-row",
                        )
                    by_lang = {default_lang: plain, **by_lang}
                data[key] = by_lang
            for key in list_columns(spec):
                value = data.get(key)
                if isinstance(value, str):
                    data[key] = [v.strip() for v in value.split(SEPARATOR) if v.strip()]
            out.append(
                RawRecord(
                    data,
                    Location(rel, line),
                    dict.fromkeys(data, line),
                    {k: columns[k] for k in data if k in columns},
                )
            )
    except csv.Error as exc:
        problems.add(Location(rel, reader.line_num), f"not valid CSV: {exc}", code="csv-syntax")
        return []
    return out
