"""``hrd-lod import csv FILE --type TYPE``: a spreadsheet export into one YAML file of records.

Conventions are those of CSV data files (:mod:`hrd_lod.records.csvfile`): a header row, UTF-8
with or without BOM, comma or semicolon, ``a | b`` for several values, ``name@fr`` for a
French name. On top of that, for people typing a table by hand:
- headers are matched case-insensitively, spaces and hyphens read as underscores
  ("Date Published" is ``date_published``), ``source`` is ``sources``; ``--map COL=FIELD``
  renames a column and ``--ignore COL`` skips one;
- a cell of a reference field (and ``sources``) holds the id OR the name (or an alternate
  name) of a record of the right type, in the project or in the same table;
- without an ``id`` column, ids are made from the names, unique in the project.
A row that matches a record of the project (the same id, or the same type and exactly the
same name) updates that record in its YAML file (only the fields the table fills; comments
and layout kept) instead of making a second one; a second record with the same name needs
``allow_duplicate_name``. Every row (merged with the record it updates) is checked by the
same parser as the loader, with the sources the build requires, before anything is written;
every problem of every row is reported at once, by row and column, and any problem means
nothing is written. New records go to one new file; all files are written or none.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import LoadError, Location, ProblemList, UsageError
from ..project import load_metadata, open_project
from ..records.csvfile import LIST_KEYS, SEPARATOR, sniff_delimiter
from ..records.fields import FieldError, parse_date, suggest_slug
from ..records.model import Notice, RawRecord
from ..records.parse import a_or_an, nearest, parse_record
from ..records.schema import META_KEYS, TYPES, Kind, TypeSpec
from ..records.textfile import MAX_FILE_BYTES, read_text
from . import Progress
from .capture import unique_id
from .files import raw_records, records_yaml, replace_files
from .yamledit import edit_records

ALIASES = {"source": "sources"}
#: Record keys a table may fill besides the type's fields.
TABLE_META = ("id", "type", "sources", "visibility", "public_fields", "note", "added")


@dataclass(frozen=True)
class Update:
    """A record of the project a row updates: where it is, and the fields that change."""

    id: str
    file: str  # relative to the project
    line: int
    row: int
    changed: tuple[str, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import created and updated (or, in a dry run, would)."""

    type_name: str
    out: Path
    out_rel: str
    records: tuple[Mapping[str, object], ...]  # new records
    text: bytes
    notices: tuple[str, ...]
    written: bool
    updated: tuple[Update, ...] = ()
    unchanged: tuple[str, ...] = ()  # ids of matching records the table leaves as they are


def resolve_type(name: str) -> TypeSpec:
    """Return the record type named ``name`` (its name or IRI segment, any case)."""
    for spec in TYPES.values():
        if name.lower() in (spec.name.lower(), spec.kind):
            return spec
    guess = nearest(name, list(TYPES))
    raise UsageError(
        f"unknown record type {name!r}",
        hint=f"did you mean {guess}?" if guess else f"use one of: {', '.join(TYPES)}",
    )


def norm_header(text: str) -> str:
    """Return a header as a field name: lowercase, spaces and hyphens as underscores."""
    key, at, lang = text.strip().partition("@")
    key = "_".join(key.strip().lower().replace("-", " ").split())
    return f"{key}@{lang.strip()}" if at else key


def norm_name(text: str) -> str:
    """Return a name normalised for matching: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _letter(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


class _Index:
    """Ids and names of records, for turning a cell into a reference."""

    def __init__(self) -> None:
        self.types: dict[str, str] = {}
        self.where: dict[str, str] = {}
        self.names: dict[str, set[str]] = {}
        self.labels: dict[str, str] = {}

    def add(self, rid: str, type_name: str, names: list[str], where: str) -> None:
        self.types.setdefault(rid, type_name)
        self.where.setdefault(rid, where)
        if names:
            self.labels.setdefault(rid, names[0])
        for n in names:
            self.names.setdefault(norm_name(n), set()).add(rid)

    def label(self, rid: str) -> str:
        """Return the first name of a record (its id if it has none)."""
        return self.labels.get(rid, rid)

    def resolve(self, cell: str, types: tuple[str, ...]) -> tuple[str | None, str | None]:
        """Return (id, None) or (None, why not)."""
        want = " or ".join(types)
        if self.types.get(cell) in types:
            return cell, None
        found = sorted(r for r in self.names.get(norm_name(cell), ()) if self.types[r] in types)
        if len(found) == 1:
            return found[0], None
        if found:
            return None, (
                f"'{cell}' names several records: {', '.join(found)}; write the id of the one meant"
            )
        if cell in self.types:
            return None, f"'{cell}' is {a_or_an(self.types[cell])}, not {a_or_an(want)}"
        other = sorted(self.names.get(norm_name(cell), ()))
        if other:
            return None, (
                f"'{cell}' is the name of {a_or_an(self.types[other[0]])} ({other[0]}), "
                f"not of {a_or_an(want)}"
            )
        choices = [r for r, t in self.types.items() if t in types]
        labels = {norm_name(self.label(r)): self.label(r) for r in choices}
        guess = nearest(cell, choices) or labels.get(nearest(norm_name(cell), list(labels)) or "")
        hint = f" (did you mean '{guess}'?)" if guess else ""
        return None, f"no {want} has the id or name '{cell}'{hint}"


def conferral_name(data: Mapping[str, object], index: _Index) -> str:
    """Return a conferral's name as the repository writes them: '2013 Award to Laureate'."""
    laureates = data.get("laureate") or []
    who = " and ".join(
        index.label(str(r)) for r in (laureates if isinstance(laureates, list) else [laureates])
    )
    award = index.label(str(data.get("award", "")))
    return " ".join(str(x) for x in (data.get("year", ""), award, "to", who) if x).strip()


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    if isinstance(value, list):
        return [n for item in value for n in _names(item)]
    return []


def import_csv(
    project_dir: Path | str,
    csv_path: Path | str,
    type_name: str,
    *,
    out: Path | str | None = None,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
    ignore: tuple[str, ...] = (),
    allow_duplicate_name: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Read a CSV table into records of one type (new ones, and updates of the records its
    rows match); write them unless ``dry_run``. A new record without an ``added`` column says
    it was added ``today`` (the day of the import unless given)."""
    added = today or dt.date.today()
    project = open_project(project_dir)
    spec = resolve_type(type_name)
    csv_path = Path(csv_path)
    display = csv_path.name
    out_path = _out_path(project.root, project.data_dir, out, csv_path, must_be_new=False)
    try:
        lang = load_metadata(project).language
    except LoadError:
        lang = "en"  # values are written as text; the language matters only for checks

    problems = ProblemList()
    text = read_text(csv_path, display, problems, limit=MAX_FILE_BYTES * 16)
    if text is None:
        raise LoadError(problems.items)
    if not text.strip():
        raise LoadError([_p(display, 1, "the file is empty: a header row is needed")])
    reader = csv.reader(
        io.StringIO(text), delimiter=sniff_delimiter(text.split("\n", 1)[0]), strict=True
    )
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise LoadError(
            [_p(display, reader.line_num, f"not valid CSV: {exc}", "check the quotes on this line")]
        ) from None
    header, body = rows[0], rows[1:]
    columns = _columns(
        header,
        spec,
        {norm_header(k): v for k, v in (mapping or {}).items()},
        {norm_header(c) for c in ignore},
        display,
        problems,
    )
    if problems:
        raise LoadError(problems.items)

    index = _Index()
    existing: dict[str, tuple[RawRecord, str]] = {}
    for raw, rel in raw_records(project.root, project.data_dir):
        rid, rtype = raw.data.get("id"), raw.data.get("type")
        if isinstance(rid, str) and isinstance(rtype, str):
            existing.setdefault(rid, (raw, rel))
            index.add(
                rid,
                rtype,
                _names(raw.data.get("name")) + _names(raw.data.get("alternate_name")),
                f"{rel}:{raw.location.line}",
            )

    # Pass 1: cells -> values, ids for every row (so rows can refer to each other); a row
    # that matches a record of the project updates it.
    rows_data: list[tuple[int, dict[str, object], dict[str, int], str | None]] = []
    notices: list[str] = []
    taken = set(index.types)
    matched: dict[str, int] = {}  # project record id -> the row updating it
    named: dict[str, int] = {}  # normalised name -> the first row of the table with it
    for n, row in enumerate(body, start=2):
        if progress and n % 500 == 0:
            progress("read", n - 1, len(body))
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            problems.add(
                Location(display, n),
                f"row {n}: {len(row)} cells, the header has {len(header)}",
                "check for an unquoted separator or a stray quote",
                code="csv-row",
            )
            continue
        data, cols = _row_data(row, columns, spec, display, n, problems)
        if "type" in data and data["type"] != spec.name:
            problems.add(
                Location(display, n),
                f"row {n}, column {_letter(cols['type'])} "
                f"'type': {data['type']!r} in a table imported as {spec.name}",
                "import each type from its own table",
                code="wrong-type",
            )
            continue
        data["type"] = spec.name
        rid = data.get("id")
        update: str | None = None
        if isinstance(rid, str):
            if rid in existing and index.types.get(rid) == spec.name:
                update = rid  # the same id: this row updates the record
            elif rid in index.types:
                problems.add(
                    Location(display, n),
                    f"row {n}, column {_letter(cols['id'])} "
                    f"'id': '{rid}' is already used ({index.where[rid]})",
                    "give each record its own id",
                    code="duplicate-id",
                )
                continue
        elif "name" not in data and spec.name == "AwardConferral":
            rows_data.append((n, data, cols, None))  # named after its award and laureates
            continue
        else:
            names = _names(data.get("name"))
            if not names:
                problems.add(
                    Location(display, n),
                    f"row {n}: no name, so no id can be made",
                    "fill in the name (or add an id column)",
                    code="missing-field",
                )
                continue
            key = norm_name(names[0])
            same = sorted(
                r
                for r in index.names.get(key, ())
                if index.types.get(r) == spec.name and r in existing
            )
            if same and not allow_duplicate_name:
                if len(same) > 1:
                    problems.add(
                        Location(display, n),
                        f"row {n}: several {spec.name} records are named '{names[0]}' "
                        f"({', '.join(same)})",
                        "add an id column to say which one the row updates",
                        code="ambiguous-name",
                    )
                    continue
                update = same[0]
            elif key in named and not allow_duplicate_name:
                problems.add(
                    Location(display, n),
                    f"row {n}: row {named[key]} already has {a_or_an(spec.name)} "
                    f"named '{names[0]}'",
                    "give the rows ids, or pass --allow-duplicate-name if they are different "
                    "records with the same name",
                    code="duplicate-name",
                )
                continue
            else:
                rid = unique_id(suggest_slug(names[0]), taken)
                if same or key in named:
                    notices.append(
                        f"row {n}: {a_or_an(spec.name)} named '{names[0]}' already exists "
                        f"({', '.join(same) or f'row {named[key]}'}); this row makes "
                        f"another one, '{rid}'"
                    )
            named.setdefault(key, n)
        if update is not None:
            if update in matched:
                problems.add(
                    Location(display, n),
                    f"row {n}: updates '{update}', like row {matched[update]}",
                    "keep one row per record",
                    code="duplicate-id",
                )
                continue
            matched[update] = n
            raw_rec, rel = existing[update]
            if not rel.lower().endswith((".yaml", ".yml")):
                problems.add(
                    Location(display, n),
                    f"row {n}: matches '{update}', a record of the table {rel} "
                    f"(line {raw_rec.location.line})",
                    "an import updates records of YAML files only: edit that table instead",
                    code="csv-update",
                )
                continue
            rows_data.append((n, {"id": update, **data}, cols, update))
            continue
        assert isinstance(rid, str)
        taken.add(rid)
        index.add(
            rid,
            spec.name,
            _names(data.get("name")) + _names(data.get("alternate_name")),
            f"{display} row {n}",
        )
        rows_data.append((n, {"id": rid, **data}, cols, None))
    # Row problems do not stop here: pass 2 reports the other rows' problems too.

    # Pass 2: references by id or name, then the loader's own checks on every record (an
    # update: the record as it will be, merged with the row).
    records: list[Mapping[str, object]] = []
    updates: list[Update] = []
    unchanged: list[str] = []
    edits: dict[str, dict[str, dict[str, object]]] = {}  # file -> id -> fields
    load_notices: list[Notice] = []
    for n, data, cols, update in rows_data:
        failed: set[str] = set()
        for key, value in list(data.items()):
            fspec = spec.by_name.get(key)
            ref_types = (
                ("Source",)
                if key == "sources"
                else (fspec.ref_types if fspec is not None and fspec.kind is Kind.REF else None)
            )
            if ref_types is None:
                continue
            resolved: list[str] = []
            for cell in value if isinstance(value, list) else [value]:
                rid, why = index.resolve(str(cell), ref_types)
                if rid is None:
                    problems.add(
                        Location(display, n),
                        f"row {n}, column "
                        f"{_letter(cols[key])} '{header[cols[key]].strip()}': {why}",
                        code="dangling-ref",
                    )
                    failed.add(key)
                else:
                    resolved.append(rid)
            data[key] = resolved if isinstance(value, list) else (resolved[0] if resolved else None)
        if "id" not in data:
            if failed:
                # named after its references: check the rest under a stand-in name
                data = {"id": "row", "name": "row", **data}
            else:
                data["name"] = conferral_name(data, index)
                rid = unique_id(suggest_slug(str(data["name"])), taken)
                taken.add(rid)
                data = {"id": rid, **data}
                notices.append(
                    f"row {n}: named '{data['name']}' after its year, award and laureates"
                )
        whole = dict(data)
        if update is not None:
            whole = {**existing[update][0].data, **data}
        if spec.needs_sources and not whole.get("sources") and "sources" not in failed:
            col = cols.get("sources", columns.index("sources") if "sources" in columns else None)
            problems.add(
                Location(display, n),
                f"row {n}"
                + (f", column {_letter(col)} '{header[col].strip()}'" if col is not None else "")
                + ": the record cites no source document",
                "add a 'sources' column with the id or name of the Source each row was read from",
                code="missing-sources",
            )
        raw = RawRecord(whole, Location(display, n), {k: n for k in whole})
        row_problems = ProblemList()
        if parse_record(raw, lang, row_problems, load_notices) is None:
            for p in row_problems.items:
                if p.location.field in failed:
                    continue  # already reported as an unresolved reference
                col = cols.get(p.location.field or "")
                where = (
                    f"row {n}, column {_letter(col)} '{header[col].strip()}'"
                    if col is not None
                    else f"row {n}"
                )
                problems.add(Location(display, n), f"{where}: {p.message}", p.hint, p.code)
        if update is None:
            records.append(_ordered({**data, "added": _day(data.get("added")) or added}, spec))
            continue
        raw_rec, rel = existing[update]
        changed = {
            # written as the file had it: a list stays a list
            k: [v] if isinstance(raw_rec.data.get(k), list) and not isinstance(v, list) else v
            for k, v in data.items()
            if k not in ("id", "type") and _plain(raw_rec.data.get(k)) != _plain(v)
        }
        if not changed:
            unchanged.append(update)
            continue
        edits.setdefault(rel, {})[update] = changed
        updates.append(Update(update, rel, raw_rec.location.line or 0, n, tuple(changed)))
    if problems:
        raise LoadError(problems.items)
    if not rows_data:
        raise LoadError([_p(display, 2, "the table has a header but no rows")])

    notices += [f"row {x.location.line}: {x.message}" for x in load_notices]
    edited = [
        (project.root / rel, edit_records((project.root / rel).read_text("utf-8"), ids, rel))
        for rel, ids in sorted(edits.items())
    ]
    first, last = rows_data[0][0], rows_data[-1][0]
    header_text = (
        f"{spec.name} records imported by 'hrd-lod import csv' from {display} "
        f"(rows {first}-{last})."
    )
    payload = records_yaml(records, header_text) if records else b""
    if records and out_path.exists():
        raise UsageError(
            f"{out_path} already exists; an import never overwrites records",
            hint="choose another --out, or delete the old file first",
        )
    if progress:
        progress("read", len(body), len(body))
    if not dry_run:
        replace_files(
            [(out_path, payload)] * bool(records)
            + [(path, text.encode("utf-8")) for path, text in edited]
        )
    return ImportResult(
        spec.name,
        out_path,
        project.rel(out_path),
        tuple(records),
        payload,
        tuple(notices),
        not dry_run,
        tuple(updates),
        tuple(unchanged),
    )


def _plain(value: object) -> object:
    """Return a value as a data file holds it, for comparing a row with a record (one value
    and a list of that one value are the same)."""
    if isinstance(value, list) and len(value) == 1:
        return _plain(value[0])
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _p(file: str, line: int | None, message: str, hint: str | None = None):  # type: ignore
    from ..errors import Problem

    return Problem(Location(file, line), message, hint, code="csv")


def _out_path(
    root: Path, data_dir: Path, out: Path | str | None, csv_path: Path, must_be_new: bool = True
) -> Path:
    if out is None:
        path = data_dir / f"{suggest_slug(csv_path.stem)}.yaml"
    else:
        path = Path(out)
        if not path.is_absolute():
            path = root / path
    path = path.absolute()
    try:
        path.resolve().relative_to(data_dir.resolve())
    except ValueError:
        raise UsageError(
            f"--out {out} is not inside {data_dir}",
            hint="records are read from data/: write e.g. data/conferrals.yaml",
        ) from None
    if path.suffix.lower() not in (".yaml", ".yml"):
        raise UsageError(f"--out {out} must end with .yaml")
    if must_be_new and path.exists():
        raise UsageError(
            f"{path} already exists; an import never overwrites records",
            hint="choose another --out, or delete the old file first",
        )
    return path


def _columns(
    header: list[str],
    spec: TypeSpec,
    mapping: dict[str, str],
    ignore: set[str],
    display: str,
    problems: ProblemList,
) -> list[str | None]:
    """Return the field each column fills (None: ignored), adding problems for bad headers."""
    out: list[str | None] = []
    seen: dict[str, int] = {}
    allowed = list(spec.by_name) + list(TABLE_META)
    for i, raw_h in enumerate(header):
        h = norm_header(raw_h)
        col = f"row 1, column {_letter(i)} '{raw_h.strip()}'"
        if not h:
            problems.add(
                Location(display, 1), f"{col}: the column has no header", code="csv-header"
            )
            out.append(None)
            continue
        if h in ignore:
            out.append(None)
            continue
        key, at, lang = mapping.get(h, h).partition("@")
        key = ALIASES.get(key, key)
        field = f"{key}@{lang}" if at else key
        if key not in allowed:
            guess = nearest(key, allowed)
            problems.add(
                Location(display, 1),
                f"{col}: '{key}' is not a field of {a_or_an(spec.name)}",
                (f"did you mean '{guess}'? " if guess else "")
                + f"rename the column, or pass --map '{raw_h.strip()}=FIELD' or "
                f"--ignore '{raw_h.strip()}'",
                code="unknown-field",
            )
        elif at and (key not in spec.by_name or spec.by_name[key].kind is not Kind.LANGTEXT):
            problems.add(
                Location(display, 1),
                f"{col}: '{key}' is not a text field that takes a language",
                code="csv-header",
            )
        elif field in seen:
            problems.add(
                Location(display, 1),
                f"{col}: fills '{field}', like column {_letter(seen[field])}",
                "keep one of them",
                code="duplicate-key",
            )
        seen.setdefault(field, i)
        out.append(field)
    return out


def _row_data(
    row: list[str],
    columns: list[str | None],
    spec: TypeSpec,
    display: str,
    n: int,
    problems: ProblemList,
) -> tuple[dict[str, object], dict[str, int]]:
    data: dict[str, object] = {}
    cols: dict[str, int] = {}
    langs: dict[str, dict[str, str]] = {}
    for i, (field, cell) in enumerate(zip(columns, row, strict=True)):
        cell = cell.strip()
        if field is None or not cell:
            continue
        key, at, lang = field.partition("@")
        cols.setdefault(key, i)
        if at:
            langs.setdefault(key, {})[lang] = cell
        else:
            data[key] = cell
    for key, by_lang in langs.items():
        if key in data:
            problems.add(
                Location(display, n),
                f"row {n}: both '{key}' and '{key}@...' are filled",
                "use one or the other",
                code="csv-row",
            )
        data[key] = by_lang
    for key, value in list(data.items()):
        fspec = spec.by_name.get(key)
        split = key in LIST_KEYS or (
            fspec is not None and fspec.many and fspec.kind is not Kind.LANGTEXT
        )
        if split and isinstance(value, str):
            data[key] = [v.strip() for v in value.split(SEPARATOR) if v.strip()]
        elif (
            fspec is not None
            and fspec.kind is Kind.YEAR
            and isinstance(value, str)
            and value.isdigit()
        ):
            data[key] = int(value)
    return data, cols


def _day(value: object) -> object:
    """Return a table's ``added`` cell as a date (written unquoted), or as it is when it is
    not one (the record's check reports it)."""
    try:
        return parse_date(value) if value else None
    except FieldError:
        return value


def _ordered(data: dict[str, object], spec: TypeSpec) -> dict[str, object]:
    order = (
        ["id", "type"]
        + [f.name for f in spec.fields]
        + [k for k in META_KEYS if k not in ("id", "type")]
    )
    return {k: data[k] for k in order if k in data}
