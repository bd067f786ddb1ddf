"""Point validation results at records: which record, which file and line, which field."""

from __future__ import annotations

from dataclasses import replace

from .. import vocab as V
from ..records.model import Records
from ..records.schema import TYPES
from .report import Result


def _field_index() -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for spec in TYPES.values():
        for f in spec.fields:
            for p in f.predicates:
                out.setdefault((spec.name, p), f.name)
        for p in spec.name_predicates:
            out.setdefault((spec.name, p), "name")
        out[(spec.name, V.PROV + "wasDerivedFrom")] = "sources"
    return out


_FIELDS = _field_index()


def locate(results: list[Result], records: Records, base_iri: str) -> list[Result]:
    """Return the results with their record, type, file, line and field filled in."""
    by_iri = {V.entity_iri(base_iri, TYPES[r.type].kind, r.id): r for r in records}
    out = []
    for res in results:
        focus = res.focus.split("#", 1)[0]
        rec = by_iri.get(focus)
        if rec is None:
            out.append(res)
            continue
        field_name = _FIELDS.get((rec.type, res.path)) if res.path else None
        if field_name is None and "#derived-" in res.focus:
            field_name = "derived"
        loc = (
            rec.where(field_name)
            if field_name and field_name in rec.field_lines
            else (rec.where(None))
        )
        out.append(
            replace(
                res, record_id=rec.id, record_type=rec.type, location=loc, field_name=field_name
            )
        )
    return out
