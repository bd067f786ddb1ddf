"""What changed since the previous build: the records, and the difference in triples.

1. The changed rows alone are read (a CSV file is compared line by line with its previous
   copy; a YAML file is parsed again and compared with its parsed records from the parse
   cache), and the changed records are checked as the loader and the policy would.
2. The old and new versions of the changed records are encoded and the difference taken,
   per graph; every subject whose triples changed is described again from the previous
   N-Quads dump plus the difference (a :class:`Subject`).

Anything this does not handle (a record removed or moved within a file, a type changed, a
restricted record, an award, a hierarchy, a problem to report, ...) raises NotUpdatable with
the reason: the full build runs instead, never a guess.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..encode import IriMaker, lines_of
from ..errors import ProblemList
from ..export import blocks as B
from ..export.describe import SubjectDelta
from ..project import Project
from ..records.cache import ParseCache
from ..records.checks import HIERARCHY_FIELDS, check_fixity, check_refs
from ..records.csvfile import keep_rows, read_csv
from ..records.load import empty_notice, read_raw
from ..records.model import Notice, Record, Records
from ..records.parse import parse_record
from ..store import predicate_of, subject_of
from . import NotUpdatable
from .edition import EditionState
from .state import StateKeeper

_TYPE = f"<{V.RDF_TYPE}>".encode()


# --- what changed in the records --------------------------------------------------------------


def _content(rec: Record) -> Record:
    """Return the record without where it was read (what the triples depend on)."""
    return replace(rec, location=replace(rec.location, line=0), field_lines={}, field_columns={})


def _changed_lines(old: str, new: str, rel: str) -> list[int]:
    """Return the 0-based numbers of the lines of ``new`` that differ from ``old`` (edited in
    place or added at the end); raise NotUpdatable for anything else."""
    a, b = old.split("\n"), new.split("\n")
    if a[-1] == "" and b[-1] == "":
        a, b = a[:-1], b[:-1]
    if len(b) < len(a):
        raise NotUpdatable(f"{rel}: lines were removed")
    changed = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    changed += range(len(a), len(b))
    if 0 in changed:
        raise NotUpdatable(f"{rel}: the header row changed")
    return changed


def _one_row_per_line(text: str) -> bool:
    if '"' not in text:  # no quoted cell, so no cell spans lines
        return True
    rows = sum(1 for row in csv.reader(io.StringIO(text)) if row)
    return rows == sum(1 for line in text.split("\n") if line)


def _parse(path: Path, rel: str, text: str | None, lang: str) -> tuple[list[Record], list[Notice]]:
    problems = ProblemList()
    notices: list[Notice] = []
    if text is not None:
        raws = read_csv(path, rel, problems, lang, text=text)
    else:
        raws = read_raw(path, rel, problems, lang)
        note = empty_notice(rel, raws, problems)
        notices += [note] if note is not None else []
    records = [r for r in (parse_record(raw, lang, problems, notices) for raw in raws) if r]
    if problems:
        raise NotUpdatable(f"{rel} has problems to report")
    return records, notices


def _cache_table(
    project: Project,
    rel: str,
    old_data: bytes,
    old_rows: list[Record],
    new_rows: list[Record],
    data: bytes,
    lang: str,
) -> None:
    """Keep the new version of a table in the parse cache: its previous records but those of
    the changed lines, and the records of the changed lines now, in line order, as parsing
    the whole file gives (each row is parsed alone, keeping its line number), so that a build
    that needs every record (the site's) does not parse the table again."""
    cache = ParseCache(project.cache_dir)
    hit = cache.get(cache.key(rel, old_data, lang))
    if hit is None or hit[1]:
        return
    gone = {(r.id, r.location.line) for r in old_rows}
    records = [r for r in hit[0] if (r.id, r.location.line) not in gone] + new_rows
    lines = [r.location.line for r in records]
    if None in lines or len(set(lines)) != len(lines):
        return  # not one record per numbered row: leave it to the loader
    records.sort(key=lambda r: r.location.line or 0)
    cache.put(cache.key(rel, data, lang), records, [])


def file_changes(
    keeper: StateKeeper,
    project: Project,
    state: EditionState,
    rel: str,
    data: bytes,
    lang: str,
    new_keys: dict[str, str],
    keep_table: bool = True,
) -> tuple[list[Record], list[Record]]:
    """Return the old and new versions of the records of one changed file that changed.

    ``keep_table``: keep a changed table's new version in the parse cache (what the site
    patch loads every record from); a build without the site does not need it, and at
    100,000 conferrals in one table it costs more than the rest of the patch."""
    table: tuple[str, bytes, list[Record], list[Record]] | None = None
    path = project.data_dir / rel
    rel_root = path.relative_to(project.root).as_posix()
    if rel.lower().endswith(".csv"):
        copy = keeper.copy_path(state.data_files[rel][2])
        try:
            if copy is None:
                raise OSError("no cache folder")
            old_text = copy.read_text(encoding="utf-8")
            new_text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise NotUpdatable(f"{rel}: no copy of its previous version") from None
        lines = set(_changed_lines(old_text, new_text, rel))
        if not (_one_row_per_line(old_text) and _one_row_per_line(new_text)):
            raise NotUpdatable(f"{rel}: a row spans several lines")
        old, old_notices = _parse(path, rel_root, keep_rows(old_text, lines), lang)
        new, new_notices = _parse(path, rel_root, keep_rows(new_text, lines), lang)
        table = (rel_root, copy.read_bytes(), old, new)
    else:
        key = state.parse_keys.get(rel)
        hit = ParseCache(project.cache_dir).get(key) if key else None
        if hit is None:
            raise NotUpdatable(f"{rel}: its previous records are not in the parse cache")
        old, old_notices = list(hit[0]), list(hit[1])
        new, new_notices = _parse(path, rel_root, None, lang)
        if not new_notices:  # the next update compares with this version
            cache = ParseCache(project.cache_dir)
            new_keys[rel] = cache.key(rel_root, data, lang)
            cache.put(new_keys[rel], new, [])
        old_at = {r.id: r.location for r in old}
        if any(old_at.get(r.id, r.location) != r.location for r in new):
            raise NotUpdatable(f"{rel}: records moved within the file")
    if old_notices or new_notices:
        raise NotUpdatable(f"{rel}: the loader has notes about it")
    old_by_id = {r.id: r for r in old}
    new_by_id = {r.id: r for r in new}
    if set(old_by_id) - set(new_by_id):
        raise NotUpdatable(f"{rel}: records were removed or renamed")
    if table is not None and keep_table:
        _cache_table(project, *table, data, lang)
    olds, news = [], []
    for rid, rec in new_by_id.items():
        before = old_by_id.get(rid)
        if before is None:
            if rid in state.types:
                raise NotUpdatable(f"{rel}: the id '{rid}' is used elsewhere")
        elif _content(before) == _content(rec):
            continue
        else:
            olds.append(before)
        news.append(rec)
    return olds, news


def check_changes(
    project: Project, state: EditionState, olds: list[Record], news: list[Record]
) -> None:
    """Check the changed records as the loader and the policy would; raise NotUpdatable when
    only a full build can tell (or report) the outcome."""
    old_by_id = {r.id: r for r in olds}
    by_id = {r.id: r for r in news}
    for rec in news:
        before = old_by_id.get(rec.id)
        if before is not None and before.type != rec.type:
            raise NotUpdatable(f"the type of '{rec.id}' changed")
        if rec.type == "Award":
            raise NotUpdatable("an award changed (its name is on every laureate)")
        if rec.id in state.hidden:
            raise NotUpdatable("a record kept out of the edition changed")
        for version in (before, rec):
            if version is None:
                continue
            if version.visibility != "public":
                raise NotUpdatable(f"'{rec.id}' is restricted")
            refs = {ref.id for _f, ref in version.refs()} | set(version.all_sources())
            if refs & state.hidden:
                raise NotUpdatable(f"'{rec.id}' refers to a restricted record")
        # a conferral's category must belong to its award, a check across records at load
        if rec.type == "AwardCategory" or (
            rec.type == "AwardConferral"
            and (rec.values.get("category") or (before and before.values.get("category")))
            and (
                before is None
                or before.values.get("category") != rec.values.get("category")
                or before.values.get("award") != rec.values.get("award")
            )
        ):
            raise NotUpdatable(f"'{rec.id}' changed an award category or a conferral's category")
        for fname in HIERARCHY_FIELDS:
            if (
                before is None
                and rec.values.get(fname)
                or (before is not None and before.values.get(fname) != rec.values.get(fname))
            ):
                raise NotUpdatable(f"'{rec.id}' changed a hierarchy ({fname})")
    problems = ProblemList()
    check_refs(by_id, problems, {**state.types, **{r.id: r.type for r in news}})
    check_fixity({r.id: r for r in news if r.type == "Source"}, project.data_dir, problems)
    if problems:
        raise NotUpdatable("the changed records have problems to report")


# --- the difference in triples ----------------------------------------------------------------


@dataclass
class Subject:
    """One subject whose triples changed: (graph, line) before and after."""

    key: bytes
    old: set[tuple[str, bytes]]
    new: set[tuple[str, bytes]]

    @staticmethod
    def union(quads: Iterable[tuple[str, bytes]]) -> list[bytes]:
        """Return the distinct lines of ``quads``, sorted."""
        return sorted({line for _g, line in quads})

    def graph(self, quads: set[tuple[str, bytes]], g: str) -> list[bytes]:
        """Return the sorted lines of ``quads`` in the graph ``g``."""
        return sorted(line for graph, line in quads if graph == g)

    def delta(self) -> SubjectDelta:
        """Return the change of this subject's union lines (for the VoID figures)."""
        return SubjectDelta(
            self.key,
            frozenset(line for _g, line in self.old),
            frozenset(line for _g, line in self.new),
        )


def _encoded(records: list[Record], iris: IriMaker, awards: Records) -> Counter[tuple[str, bytes]]:
    out: Counter[tuple[str, bytes]] = Counter()
    for rec in records:
        out.update((g, line.encode("utf-8")) for g, line in lines_of(rec, iris, awards))
    return out


def _old_quads(nq: B.Region, key: bytes) -> set[tuple[str, bytes]]:
    start, end = nq.locate(key)
    out = set()
    for q in ox.parse(bytes(nq.data[start:end]), format=ox.RdfFormat.N_QUADS):
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        out.add((g, str(ox.Triple(q.subject, q.predicate, q.object)).encode() + b" ."))
    return out


def changed_subjects(
    state: EditionState, olds: list[Record], news: list[Record], iris: IriMaker, nq: B.Region
) -> tuple[list[Subject], set[tuple[str, bytes]]]:
    """Return the subjects whose triples change, sorted, and the lines now made twice."""
    awards = Records(state.awards)
    before = _encoded(olds, iris, awards)
    after = _encoded(news, iris, awards)
    removed = set(before) - set(after)
    added = set(after) - set(before)
    if removed & state.dups:
        raise NotUpdatable("a removed triple was also made by another record")
    by_key: dict[bytes, tuple[set[tuple[str, bytes]], set[tuple[str, bytes]]]] = {}
    for which, lines in ((0, removed), (1, added)):
        for g, line in lines:
            key = subject_of(line)
            if not key.startswith(b"<"):
                raise NotUpdatable("a blank node changed")
            by_key.setdefault(key, (set(), set()))[which].add((g, line))
    dups = {q for q, n in after.items() if n > 1}
    out = []
    for key in sorted(by_key):
        gone, new = by_key[key]
        old = _old_quads(nq, key)
        if not gone <= old:
            raise NotUpdatable("the previous edition does not hold what the state says")
        dups |= new & old
        now = (old - gone) | new
        if (
            old
            and now
            and {x for x in Subject.union(old) if predicate_of(x) == _TYPE}
            != {x for x in Subject.union(now) if predicate_of(x) == _TYPE}
        ):
            raise NotUpdatable("the types of an existing entity changed")
        out.append(Subject(key, old, now))
    return out, dups
