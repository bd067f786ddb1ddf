"""``hrd-lod links import FILE``: Wikidata items reconciled in OpenRefine, back into the records.

FILE is the CSV that ``hrd-lod export wikidata`` wrote for reconciliation, with each item's
Q-id (or its URL) filled in the ``wikidata`` column. Each Q-id is added to the record's
``same_as`` in the file the record is kept in (YAML: one line is added or extended, comments
and layout kept; CSV: the ``same_as`` cell). A record that already has a different item, or an
item another record already has, is a conflict: reported, never overwritten. Problems in FILE
(an unknown id, a value that is not a Q-id, a missing column) are reported all at once, with
their line, before anything is written.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import LoadError, Location, ProblemList, UsageError
from ..fsutil import write_atomic
from ..project import load_metadata, open_project
from ..records.csvfile import sniff_delimiter
from ..records.load import load_records
from ..records.model import Record
from .wikidata import Q_ID, WIKIDATA_ITEM, item_url, wikidata_item

ID_COLUMNS = ("id",)
ITEM_COLUMNS = ("wikidata", "qid", "item", "wikidata_id")


@dataclass(frozen=True)
class LinkAdded:
    """An item added to a record's ``same_as``."""

    id: str
    qid: str
    location: Location


@dataclass(frozen=True)
class LinkConflict:
    """A reconciled item that was not written, and why."""

    id: str
    qid: str
    location: Location  # the row of FILE
    message: str


@dataclass(frozen=True)
class LinksImported:
    """What ``import_links`` did (or, with ``dry_run``, would do)."""

    added: tuple[LinkAdded, ...]
    unchanged: tuple[str, ...]
    conflicts: tuple[LinkConflict, ...]
    blank: int  # rows left without an item (not reconciled)
    files: tuple[str, ...]  # data files changed
    dry_run: bool


def _qid(value: str) -> str | None:
    value = value.strip()
    if Q_ID.match(value):
        return value
    m = WIKIDATA_ITEM.match(value)
    return m.group(1) if m else None


def read_links(path: Path, shown: str, problems: ProblemList) -> list[tuple[int, str, str]]:
    """Return (line, record id, Q-id) for every row of the CSV at ``path`` (Q-id empty where
    none was given); add a problem for each value that is not an item."""
    try:
        text = path.read_text("utf-8-sig")
    except OSError as exc:
        raise UsageError(f"cannot read {shown}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{shown} is not UTF-8 text") from None
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first))
    header = [h.strip().lower() for h in next(reader, [])]
    id_col = next((header.index(c) for c in ID_COLUMNS if c in header), None)
    item_col = next((header.index(c) for c in ITEM_COLUMNS if c in header), None)
    if id_col is None or item_col is None:
        missing = "id" if id_col is None else "wikidata"
        problems.add(
            Location(shown, 1, missing),
            f"the table has no '{missing}' column",
            "export the CSV with 'hrd-lod export wikidata' and fill in 'wikidata'",
        )
        raise LoadError(problems.items)
    out = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        rid = row[id_col].strip() if id_col < len(row) else ""
        value = row[item_col].strip() if item_col < len(row) else ""
        if not value:
            out.append((line, rid, ""))
            continue
        qid = _qid(value)
        if qid is None:
            problems.add(
                Location(shown, line, header[item_col]),
                f"{value!r} is not a Wikidata item",
                "give the Q-id (Q123) or its URL (http://www.wikidata.org/entity/Q123)",
            )
            continue
        out.append((line, rid, qid))
    return out


def add_same_as_yaml(text: str, record: Record, url: str) -> str:
    """Return YAML ``text`` with ``url`` added to the record's ``same_as`` (layout kept)."""
    lines = text.split("\n")
    where = record.field_lines.get("same_as")
    if record.values.get("same_as") and where:
        i = where - 1
        m = re.match(r"^(\s*(?:-\s+)?same_as:)(\s*)(.*?)(\s+#.*)?$", lines[i])
        if m is None:
            raise UsageError(f"{record.location.file}:{where}: cannot add to 'same_as' here")
        value, comment = m.group(3), m.group(4) or ""
        if value.startswith("[") and value.endswith("]"):
            inner = value[1:-1].strip()
            lines[i] = f"{m.group(1)} [{inner + ', ' if inner else ''}{url}]{comment}"
        elif value:
            lines[i] = f"{m.group(1)} [{value}, {url}]{comment}"
        else:  # a block list: add an item after the last one
            j = i + 1
            while j < len(lines) and re.match(r"^\s*-\s", lines[j]):
                j += 1
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            indent = nxt[: len(nxt) - len(nxt.lstrip())] or "  "
            lines.insert(j, f"{indent}- {url}")
        return "\n".join(lines)
    at = record.field_lines.get("id", record.location.line or 0)
    i = at - 1
    m = re.match(r"^(\s*)(-\s+)?id:", lines[i]) if 0 <= i < len(lines) else None
    if m is None:
        raise UsageError(
            f"{record.location.file}:{at}: the record's 'id' is not on a line of its own",
            hint=f"add 'same_as: [{url}]' to the record by hand",
        )
    indent = " " * (len(m.group(1)) + len(m.group(2) or ""))
    lines.insert(i + 1, f"{indent}same_as: [{url}]")
    return "\n".join(lines)


def add_same_as_csv(text: str, additions: dict[str, str], shown: str) -> str:
    """Return CSV ``text`` with each record id's URL added to its ``same_as`` cell."""
    delimiter = sniff_delimiter(text.split("\n", 1)[0])
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = rows[0]
    keys = [h.strip() for h in header]
    if "same_as" not in keys:
        header.append("same_as")
        keys.append("same_as")
        for row in rows[1:]:
            if row:
                row.append("")
    col, id_col = keys.index("same_as"), keys.index("id")
    done = set()
    for row in rows[1:]:
        if len(row) > id_col and row[id_col].strip() in additions:
            rid = row[id_col].strip()
            row.extend([""] * (col + 1 - len(row)))
            row[col] = " | ".join(v for v in (row[col].strip(), additions[rid]) if v)
            done.add(rid)
    missing = set(additions) - done
    if missing:
        raise UsageError(f"{shown}: no row with the id {sorted(missing)[0]!r}")
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def import_links(
    project_dir: Path | str, file: Path | str, *, dry_run: bool = False
) -> LinksImported:
    """Add the reconciled Wikidata items in ``file`` to the records' ``same_as``."""
    project = open_project(project_dir)
    meta = load_metadata(project)
    records = load_records(project.root, project.data_dir, meta.language)
    path = Path(file)
    shown = str(file)
    problems = ProblemList()
    rows = read_links(path, shown, problems)
    owners: dict[str, str] = {}
    for known in records:
        q = wikidata_item(known)
        if q:
            owners.setdefault(q, known.id)
    added: list[LinkAdded] = []
    unchanged: list[str] = []
    conflicts: list[LinkConflict] = []
    blank = 0
    claimed: dict[str, str] = {}
    for line, rid, qid in rows:
        rec = records.get(rid)
        if rec is None:
            problems.add(Location(shown, line, "id"), f"'{rid}' is not the id of any record")
            continue
        if not qid:
            blank += 1
            continue
        loc = Location(shown, line, "wikidata")
        have = wikidata_item(rec)
        if have == qid:
            unchanged.append(rid)
            continue
        if have is not None:
            conflicts.append(
                LinkConflict(rid, qid, loc, f"the record already has the item {have}; kept")
            )
            continue
        other = owners.get(qid) or claimed.get(qid)
        if other is not None and other != rid:
            conflicts.append(
                LinkConflict(rid, qid, loc, f"{qid} is already the item of '{other}'; not added")
            )
            continue
        claimed[qid] = rid
        added.append(LinkAdded(rid, qid, rec.location))
    if problems:
        raise LoadError(problems.items)
    by_file: dict[str, list[LinkAdded]] = defaultdict(list)
    for a in added:
        by_file[a.location.file].append(a)
    new_texts: dict[Path, bytes] = {}
    for rel, items in sorted(by_file.items()):
        target = project.root / rel
        text = target.read_text("utf-8")
        if target.suffix.lower() == ".csv":
            text = add_same_as_csv(text, {a.id: item_url(a.qid) for a in items}, rel)
        else:
            for a in sorted(items, key=lambda a: -(a.location.line or 0)):
                target_rec = records.get(a.id)
                assert target_rec is not None
                text = add_same_as_yaml(text, target_rec, item_url(a.qid))
            try:
                list(yaml.safe_load_all(text))
            except yaml.YAMLError as exc:  # never write a file that no longer reads
                raise UsageError(f"{rel}: adding the items would break the file: {exc}") from None
        new_texts[target] = text.encode("utf-8")
    if not dry_run:
        for target, data in new_texts.items():
            write_atomic(target, data)
    return LinksImported(
        tuple(added),
        tuple(unchanged),
        tuple(conflicts),
        blank,
        tuple(sorted(by_file)),
        dry_run,
    )
