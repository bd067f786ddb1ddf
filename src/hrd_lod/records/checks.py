"""Checks across records: duplicate ids, dangling or mistyped references, cycles, fixity."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import ProblemList
from .model import LangString, Record, Ref
from .parse import a_or_an, nearest
from .schema import TYPES

#: Fields whose references form a hierarchy, where a cycle is an error.
HIERARCHY_FIELDS = ("contained_in", "broader", "parent_organization")


def check_ids(records: Iterable[Record], problems: ProblemList) -> dict[str, Record]:
    """Return records by id; a duplicate id is a problem naming both places."""
    by_id: dict[str, Record] = {}
    for rec in records:
        first = by_id.get(rec.id)
        if first is not None:
            problems.add(
                rec.where("id"),
                f"the id '{rec.id}' is already used by the {first.type} at {first.location}",
                "give each record its own id",
                code="duplicate-id",
            )
            continue
        by_id[rec.id] = rec
    return by_id


def check_refs(
    by_id: dict[str, Record], problems: ProblemList, broken: dict[str, str] | None = None
) -> None:
    """Add a problem for every reference to a missing record or a record of the wrong type.

    ``broken`` maps the ids of records that failed to load to their types: references to them
    are not reported again (one typo must not cascade into many errors).
    """
    types_of = {**(broken or {}), **{rid: rec.type for rid, rec in by_id.items()}}
    ids: list[str] = []  # sorted, for suggestions: made at the first dangling reference
    get = types_of.get

    def check(rec: Record, fname: str, target: str, types: tuple[str, ...]) -> None:
        if not ids:
            ids.extend(sorted(types_of))
        _check_one(rec, fname, target, types, types_of, ids, problems, by_id)

    source = ("Source",)
    for rec in by_id.values():
        by_name = TYPES[rec.type].by_name
        for fname, vals in rec.values.items():
            for v in vals:
                if type(v) is Ref or isinstance(v, Ref):
                    types = by_name[fname].ref_types
                    other = get(v.id)
                    if other is None or (types and other not in types):
                        check(rec, fname, v.id, types)
        for sid in rec.sources:
            if get(sid) != "Source":
                check(rec, "sources", sid, source)
        for sids in rec.field_sources.values():
            for sid in sids:
                if get(sid) != "Source":
                    check(rec, "field_sources", sid, source)
        for claims in rec.claims.values():
            for claim in claims:
                for sid in claim.sources:
                    if get(sid) != "Source":
                        check(rec, "claims", sid, source)


def _check_one(
    rec: Record,
    fname: str,
    target: str,
    types: tuple[str, ...],
    types_of: dict[str, str],
    ids: list[str],
    problems: ProblemList,
    by_id: dict[str, Record] | None = None,
) -> None:
    other = types_of.get(target)
    wanted = " or ".join(types)
    if other is None:
        # suggest only ids of the type the field takes: a Jury's field never gets an Award
        guess = nearest(target, [i for i in ids if not types or types_of[i] in types])
        if guess:
            found = (by_id or {}).get(guess)
            name = found.first("name") if found is not None else None
            title = f" ({name.value})" if isinstance(name, LangString) else ""
            hint = f"did you mean '{guess}'{title}?"
        else:
            nothing = not any(t in types for t in types_of.values())
            why = (
                f"there is no {wanted} record yet"
                if nothing
                else (f"no {wanted} record has a similar id")
            )
            where = f" ('hrd-lod fields {types[0]}' lists its fields)" if len(types) == 1 else ""
            hint = f"{why}: add {a_or_an(wanted)} record with id '{target}'{where}"
            if types == ("Source",):
                hint = (
                    f"{why}: capture the document with 'hrd-lod source add URL --id {target}', "
                    f"or add a Source record with id '{target}'{where}"
                )
        problems.add(
            rec.where(fname),
            f"'{target}' is not the id of any record",
            hint,
            code="dangling-ref",
        )
    elif types and other not in types:
        problems.add(
            rec.where(fname),
            f"'{target}' is {a_or_an(other)}, but '{fname}' takes {a_or_an(wanted)}",
            f"give the id of {a_or_an(wanted)} record here",
            code="wrong-ref-type",
        )


def check_categories(by_id: dict[str, Record], problems: ProblemList) -> None:
    """Add a problem for every conferral whose category belongs to another award."""
    for rec in by_id.values():
        if rec.type != "AwardConferral":
            continue
        category, award = rec.first("category"), rec.first("award")
        if not isinstance(category, Ref) or not isinstance(award, Ref):
            continue
        target = by_id.get(category.id)
        owner = target.first("award") if target is not None else None
        if isinstance(owner, Ref) and owner.id != award.id:
            problems.add(
                rec.where("category"),
                f"the category '{category.id}' is a category of '{owner.id}', "
                f"not of this conferral's award '{award.id}'",
                "pick a category of the same award, or correct the category's 'award'",
                code="wrong-category",
            )


def check_cycles(by_id: dict[str, Record], problems: ProblemList) -> None:
    """Add a problem for every cycle in a hierarchy field (a place inside itself, ...)."""
    for fname in HIERARCHY_FIELDS:
        edges: dict[str, list[str]] = {}
        for rid, rec in by_id.items():
            vals = rec.values.get(fname)
            if vals:
                edges[rid] = [v.id for v in vals if isinstance(v, Ref) and v.id in by_id]
        for targets in list(edges.values()):
            for t in targets:
                edges.setdefault(t, [])
        state: dict[str, int] = {}  # 1: on the current path, 2: finished
        for start in sorted(edges):
            if start in state:
                continue
            state[start] = 1
            path = [start]
            stack = [iter(edges[start])]
            while stack:
                nxt = next(stack[-1], None)
                if nxt is None:
                    state[path.pop()] = 2
                    stack.pop()
                elif state.get(nxt) == 1:
                    cycle = path[path.index(nxt) :] + [nxt]
                    problems.add(
                        by_id[nxt].where(fname),
                        "a reference cycle: " + " -> ".join(cycle),
                        f"'{fname}' must not lead back to the same record",
                        code="ref-cycle",
                    )
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append(iter(edges[nxt]))


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def check_fixity(by_id: dict[str, Record], data_dir: Path, problems: ProblemList) -> None:
    """Add a problem for each source whose archived copy is missing or altered."""
    for rec in by_id.values():
        if rec.type != "Source":
            continue
        rel = rec.first("archived_copy")
        expected = rec.first("sha256")
        if not isinstance(rel, str) or not isinstance(expected, str):
            continue
        path = data_dir / rel
        if not path.is_file():
            problems.add(
                rec.where("archived_copy"),
                f"the archived copy data/{rel} is missing",
                "restore the file, or capture the source again with 'hrd-lod source add'",
                code="fixity",
            )
            continue
        actual = sha256_file(path)
        if actual != expected:
            problems.add(
                rec.where("sha256"),
                f"the archived copy data/{rel} has changed: its SHA-256 is {actual}",
                "an archived copy must not be edited; restore "
                "it, or record the new capture as a new source",
                code="fixity",
            )
