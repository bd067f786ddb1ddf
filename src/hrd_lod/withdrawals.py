"""The register of withdrawals: records taken down, kept out of every output for good.

The register is ``withdrawals.yaml`` at the project root, outside ``data/`` (the loader never
reads it as records) and outside ``dist/`` (it is never published). Each entry names a record
by id and type, the day it was withdrawn and why::

    - id: some-person
      type: Person
      date: 2026-12-07
      reason: asked to be taken down

The policy treats a withdrawn id exactly as a restricted record (the record, every reference to
it, and a record that needs it go), whatever ``data/`` says about it later; the register is
the one decision every output (the edition, past releases, pushed stores, served responses)
is derived from. Entries are only ever appended, as text, so that comments are kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .errors import LoadError, ProblemList
from .fsutil import write_atomic
from .records.fields import FieldError, check_slug
from .records.schema import TYPES
from .records.yamlfile import read_yaml

REGISTER = "withdrawals.yaml"
_KEYS = ("id", "type", "date", "reason")
_HEADER = (
    "# Withdrawals: records taken down. Every output (dist/, releases/, pushed stores, served\n"
    "# responses) is made without them. Never published; 'hrd-lod withdraw' appends to it.\n"
)


@dataclass(frozen=True, order=True)
class Withdrawal:
    """One record withdrawn: its id and type, the day, and why (never published)."""

    id: str
    type: str
    date: dt.date
    reason: str

    @property
    def kind(self) -> str:
        """Return the IRI segment of the record's type (``person`` for a Person)."""
        return TYPES[self.type].kind


def register_path(root: Path) -> Path:
    """Return where the register of the project at ``root`` lives."""
    return root / REGISTER


def load_register(root: Path) -> tuple[Withdrawal, ...]:
    """Return the withdrawals of the project at ``root`` (none if there is no register).

    Raises LoadError naming the file, line and field of every bad entry.
    """
    path = register_path(root)
    if not path.is_file():
        return ()
    problems = ProblemList()
    raws = read_yaml(path, REGISTER, problems)
    out: list[Withdrawal] = []
    for raw in raws:
        data = raw.data
        bad = False
        for key in data:
            if key not in _KEYS:
                problems.add(raw.where(key), f"unknown key '{key}' in a withdrawal", code="key")
                bad = True
        for key in _KEYS:
            if not isinstance(data.get(key), str | dt.date) or not str(data.get(key)).strip():
                problems.add(
                    raw.where(key) if key in data else raw.where(),
                    f"a withdrawal needs '{key}'",
                    "write id, type, date (YYYY-MM-DD) and reason",
                    code="missing-field",
                )
                bad = True
        if bad:
            continue
        rid, rtype = str(data["id"]), str(data["type"])
        try:
            check_slug(rid)
        except FieldError as exc:
            problems.add(raw.where("id"), str(exc), code="id")
            continue
        if rtype not in TYPES:
            problems.add(raw.where("type"), f"'{rtype}' is not a record type", code="type")
            continue
        day = data["date"]
        if not isinstance(day, dt.date):
            try:
                day = dt.date.fromisoformat(str(day))
            except ValueError:
                problems.add(raw.where("date"), f"'{day}' is not a date YYYY-MM-DD", code="date")
                continue
        out.append(Withdrawal(rid, rtype, day, str(data["reason"]).strip()))
    if problems:
        raise LoadError(problems.items)
    return tuple(out)


def withdrawn_ids(root: Path) -> frozenset[str]:
    """Return the ids of the records withdrawn in the project at ``root``."""
    return frozenset(w.id for w in load_register(root))


def yaml_scalar(value: str) -> str:
    """Return a string as a one-line YAML scalar (quoted when needed)."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def entry_text(w: Withdrawal) -> str:
    """Return one register entry as YAML text."""
    return (
        f"- id: {yaml_scalar(w.id)}\n  type: {w.type}\n  date: {w.date.isoformat()}\n"
        f"  reason: {yaml_scalar(w.reason)}\n"
    )


def append_withdrawals(root: Path, new: Iterable[Withdrawal]) -> list[Withdrawal]:
    """Add ``new`` entries (those not registered yet) to the register, atomically, keeping
    the file's text as it is; return the entries added."""
    path = register_path(root)
    known = {w.id for w in load_register(root)}
    added = [w for w in new if w.id not in known]
    if not added:
        return []
    text = path.read_text("utf-8") if path.is_file() else _HEADER
    if text and not text.endswith("\n"):
        text += "\n"
    text += "".join(entry_text(w) for w in added)
    write_atomic(path, text.encode("utf-8"))
    load_register(root)  # the file must still read: never leave a register the build refuses
    return added
