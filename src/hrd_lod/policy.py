"""The publication policy: what never becomes a triple.

- a record marked ``visibility: restricted`` is not published at all, and neither is a
  reference to it; a record whose required reference pointed only at restricted records goes
  with it (a conferral whose laureate is restricted would otherwise reveal its laureate's
  existence), and so does a record all of whose sources are restricted (it would cite none);
- a record withdrawn (its id in the register of withdrawals, :mod:`hrd_lod.withdrawals`) is
  treated exactly as a restricted one, whatever ``data/`` says about it;
- a field marked private in the schema (telephone, e-mail, postal address) is withheld unless
  the record lists it in ``public_fields``.

The policy reports what it withheld (record, field, location, reason), never the values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import Location
from .records.model import Record, Records, Ref
from .records.schema import TYPES


@dataclass(frozen=True, order=True)
class WithheldItem:
    """One record or field kept out of the published data."""

    location: Location
    record_id: str
    field: str | None
    reason: str


@dataclass(frozen=True)
class Withheld:
    """Everything the policy kept back."""

    items: tuple[WithheldItem, ...]

    @property
    def fields(self) -> int:
        """Return how many fields (values of private fields, references) were withheld."""
        return sum(1 for i in self.items if i.field is not None)

    @property
    def records(self) -> int:
        """Return how many whole records were withheld."""
        return sum(1 for i in self.items if i.field is None)


_PRIVATE = {
    name: frozenset(f.name for f in spec.fields if f.private) for name, spec in TYPES.items()
}


def withhold(rec: Record, hidden: set[str] | frozenset[str]) -> tuple[Record, list[WithheldItem]]:
    """Return a record that is published (not in ``hidden``) with its private fields and its
    references to hidden records taken out, and what was taken out."""
    if not hidden and not (_PRIVATE[rec.type] & rec.values.keys()):
        return rec, []  # nothing to withhold: keep the record as it is (fast path)
    items: list[WithheldItem] = []
    spec = TYPES[rec.type]
    values = {}
    for name, vals in rec.values.items():
        f = spec.by_name[name]
        if f.private and name not in rec.public_fields:
            items.append(WithheldItem(rec.where(name), rec.id, name, "personal contact data"))
            continue
        kept = tuple(v for v in vals if not (isinstance(v, Ref) and v.id in hidden))
        if len(kept) < len(vals):
            items.append(
                WithheldItem(rec.where(name), rec.id, name, "reference to a restricted record")
            )
        if kept:
            values[name] = kept
    sources = tuple(s for s in rec.sources if s not in hidden)
    if len(sources) < len(rec.sources):
        items.append(
            WithheldItem(
                rec.where("sources"), rec.id, "sources", "reference to a restricted record"
            )
        )
    field_sources = {
        k: tuple(s for s in v if s not in hidden)
        for k, v in rec.field_sources.items()
        if k in values
    }
    derived = {k: v for k, v in rec.derived.items() if k in values}
    claims = {}
    for k, found in rec.claims.items():
        kept_claims = tuple(
            replace(c, sources=tuple(x for x in c.sources if x not in hidden))
            for c in found
            if k in values and not (isinstance(c.value, Ref) and c.value.id in hidden)
        )
        kept_claims = tuple(c for c in kept_claims if c.sources)
        if kept_claims:
            claims[k] = kept_claims
            values[k] = tuple(dict.fromkeys(c.value for c in kept_claims))
        else:
            values.pop(k, None)
    return replace(
        rec,
        values=values,
        sources=sources,
        field_sources=field_sources,
        derived=derived,
        claims=claims,
    ), items


def apply_policy(
    records: Records, withdrawn: frozenset[str] = frozenset()
) -> tuple[Records, Withheld]:
    """Return the public records and what was withheld (``withdrawn``: ids taken down)."""
    items: list[WithheldItem] = []
    hidden = {r.id for r in records if r.visibility == "restricted" or r.id in withdrawn}
    for rid in sorted(hidden):
        rec = records.get(rid)
        assert rec is not None
        reason = "withdrawn record" if rid in withdrawn else "restricted record"
        items.append(WithheldItem(rec.location, rid, None, reason))
    # Cascade: a record whose required reference pointed only at hidden records goes too.
    changed = bool(hidden)
    while changed:
        changed = False
        for rec in records:
            if rec.id in hidden:
                continue
            spec = TYPES[rec.type]
            if spec.needs_sources and rec.sources and all(x in hidden for x in rec.sources):
                # every document it was read from is withheld: it would cite nothing
                hidden.add(rec.id)
                items.append(
                    WithheldItem(rec.location, rec.id, None, "its sources are restricted records")
                )
                changed = True
                continue
            for f in spec.fields:
                vals = rec.values.get(f.name, ())
                if f.required and vals and all(isinstance(v, Ref) and v.id in hidden for v in vals):
                    hidden.add(rec.id)
                    items.append(
                        WithheldItem(
                            rec.location, rec.id, None, f"its '{f.name}' is a restricted record"
                        )
                    )
                    changed = True
                    break
    public: list[Record] = []
    for rec in records:
        if rec.id in hidden:
            continue
        kept_rec, withheld = withhold(rec, hidden)
        public.append(kept_rec)
        items.extend(withheld)
    return Records(tuple(public), records.notices), Withheld(tuple(sorted(items)))
