"""``hrd-lod withdraw ID --reason TEXT``: take a record down from everything published.

Steps, in this order:
1. load the project (it must load) and find the records; list what depends on them:
   records that cannot stand without them (a conferral whose only laureate is withdrawn, a
   quotation they said: the shapes need that reference) and records that only refer to them
   (a presenter, a member). When there are any, the archivist chooses: ``withdraw`` them too,
   or ``keep`` them with the reference removed (those that cannot stand without it go anyway);
   without a choice nothing is changed;
2. refuse, before changing anything, when a past release that holds the record cannot be
   made again (it predates ``release-inputs/``);
3. append the withdrawals to the register (``withdrawals.yaml``, never published);
4. make every release that holds a withdrawn record again (:mod:`.amend`);
5. build the edition (``dist/``) without them.
A failure after step 3 leaves the withdrawal recorded: every later build applies it, and
``hrd-lod build`` remakes the releases that still hold it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ..errors import HrdLodError, UsageError
from ..export.releases import find_in_releases, hidden_records, stale_releases
from ..pipeline import Built, build
from ..policy import apply_policy
from ..project import load_metadata, open_project
from ..records.load import load_records
from ..records.model import Records
from ..records.parse import nearest
from ..records.schema import type_for_kind
from ..withdrawals import Withdrawal, append_withdrawals, load_register
from . import Progress
from .amend import Remade, check_remakable, remake_releases

Choice = Literal["withdraw", "keep"]


@dataclass(frozen=True, order=True)
class Dependent:
    """A record that depends on a withdrawn one: ``needs`` it (cannot stand without it), or
    only refers to it (it can be kept with the reference removed)."""

    id: str
    type: str
    needs: bool
    fields: tuple[str, ...]


class DependentsNeedChoice(UsageError):
    """Records depend on the ones to withdraw and the archivist has not said what to do."""

    def __init__(self, dependents: list[Dependent]) -> None:
        lines = [
            f"  {d.id} ({d.type}): "
            + (
                f"cannot stand without it ({', '.join(d.fields)})"
                if d.needs
                else f"refers to it in {', '.join(d.fields)}"
            )
            for d in dependents
        ]
        super().__init__(
            f"{len(dependents)} record(s) depend on what is withdrawn; nothing was changed:\n"
            + "\n".join(lines),
            hint="choose: --with-dependents withdraws them too; --keep-dependents keeps those "
            "that only refer to it, with the reference removed (the others go anyway)",
        )
        self.dependents = dependents


@dataclass
class Withdrawn:
    """A withdrawal done: what was registered, what depended on it, what was remade."""

    ids: tuple[str, ...]
    added: tuple[Withdrawal, ...]
    dependents: tuple[Dependent, ...]
    remade: list[Remade] = field(default_factory=list)
    built: Built | None = None


def dependents_of(records: Records, ids: set[str], already: frozenset[str]) -> list[Dependent]:
    """Return the records that need or refer to ``ids`` (beyond what is already withheld)."""
    before, held_before = apply_policy(records, already)
    after, held_after = apply_policy(records, already | ids)
    public_after = {r.id for r in after}
    out: dict[str, Dependent] = {}
    seen = set(held_before.items)
    for item in held_after.items:
        rid = item.record_id
        if rid in ids or item in seen:
            continue
        rec = records.get(rid)
        assert rec is not None
        if item.field is None and rid not in public_after and before.get(rid) is not None:
            why = item.reason.removeprefix("its ").split("'")
            fields: tuple[str, ...] = (why[1],) if len(why) > 1 else ("sources",)
            out[rid] = Dependent(rid, rec.type, True, fields)
        elif item.field is not None and not (rid in out and out[rid].needs):
            prev = out.get(rid)
            fields = (*(prev.fields if prev else ()), item.field)
            out[rid] = Dependent(rid, rec.type, False, tuple(sorted(set(fields))))
    return sorted(out.values())


def withdraw(
    project_dir: Path | str,
    ids: list[str],
    *,
    reason: str,
    date: dt.date,
    dependents: Choice | None = None,
    site: bool | None = None,
    progress: Progress | None = None,
) -> Withdrawn:
    """Withdraw the records ``ids`` from the edition and every past release; return what
    was done. Raises DependentsNeedChoice (nothing changed) when records depend on them and
    ``dependents`` is None."""
    project = open_project(project_dir)
    if not reason.strip():
        raise UsageError("a withdrawal needs a reason", hint="--reason 'asked to be taken down'")
    steps = 4

    def tick(label: str, done: int) -> None:
        if progress:
            progress(label, done, steps)

    tick("load", 0)
    meta = load_metadata(project)
    records = load_records(
        project.root, project.data_dir, meta.language, cache_dir=project.cache_dir
    )
    register = {w.id: w.kind for w in load_register(project.root)}
    known = set(register)
    wanted: set[str] = set()
    gone: dict[str, str] = {}  # removed from the data, still in a release: id -> kind
    for rid in ids:
        if records.get(rid) is None:
            kind = find_in_releases(project.root, rid)
            if kind is None or type_for_kind(kind) is None:
                guess = nearest(rid, [r.id for r in records])
                raise UsageError(
                    f"no record has the id '{rid}', in data/ or in a release",
                    hint=f"did you mean '{guess}'?" if guess else "give a record id from data/",
                )
            gone[rid] = kind
            continue
        wanted.add(rid)
    deps = dependents_of(records, wanted, frozenset(known))
    if deps and dependents is None:
        raise DependentsNeedChoice(deps)
    if dependents == "withdraw":
        wanted |= {d.id for d in deps}
    entries = []
    for rid in sorted(wanted):
        rec = records.get(rid)
        assert rec is not None
        entries.append(Withdrawal(rid, rec.type, date, reason.strip()))
    for rid, kind in sorted(gone.items()):
        spec = type_for_kind(kind)
        assert spec is not None
        entries.append(Withdrawal(rid, spec.name, date, reason.strip()))
    wanted |= set(gone)
    public, _ = apply_policy(records, frozenset(known | wanted))
    hidden = hidden_records(records, public, {**register, **gone})
    check_remakable(project.root, [f for f, _ in stale_releases(project.root, hidden)])
    tick("register", 1)
    added = append_withdrawals(project.root, entries)
    done = Withdrawn(tuple(sorted(wanted)), tuple(added), tuple(deps))
    try:
        tick("releases", 2)
        done.remade = remake_releases(project, hidden, date=date)
        tick("build", 3)
        if site is None:
            site = not project.dist_dir.is_dir() or (project.dist_dir / "id").is_dir()
        done.built = build(project.root, site=site)
    except HrdLodError as exc:
        exc.add_note(
            "the withdrawal is recorded in withdrawals.yaml and every build applies it: fix "
            "the problem (or withdraw the records it names too: 'hrd-lod withdraw ID "
            "--reason ...'), then run 'hrd-lod build' (it remakes releases that still hold it)"
        )
        raise
    tick("done", 4)
    return done
