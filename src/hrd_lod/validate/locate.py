"""Point validation results at records: which record, which file and line, which field."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

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


def _term(text: str) -> ox.NamedNode | ox.Literal | None:
    """Return the pyoxigraph term of a result's focus or value (an IRI, or a literal's N3)."""
    if text.startswith("_:"):
        return None
    if not text.startswith('"'):
        try:
            return ox.NamedNode(text)
        except ValueError:
            return None
    try:
        quads = list(ox.parse(f"<urn:x> <urn:x> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        return None
    obj = quads[0].object if quads else None
    return obj if isinstance(obj, ox.Literal) else None


def _value_field(store: ox.Store, rec_type: str, res: Result) -> str | None:
    """Return the field that links a result's focus node to its value in the data (for
    results without a path, such as SPARQL constraints), or None."""
    focus, value = _term(res.focus), _term(res.value) if res.value else None
    if not isinstance(focus, ox.NamedNode) or value is None:
        return None
    predicates = sorted(
        {q.predicate.value for q in store.quads_for_pattern(focus, None, value, None)}
    )
    fields = [f for p in predicates if (f := _FIELDS.get((rec_type, p))) is not None]
    return fields[0] if fields else None


def locate(
    results: list[Result], records: Records, base_iri: str, store: ox.Store | None = None
) -> list[Result]:
    """Return the results with their record, type, file, line and field filled in.

    A result with a path points at that field's line; one without (a SPARQL constraint's)
    at the field whose triple links the focus node to the result's value in ``store``.
    """
    by_iri = {V.entity_iri(base_iri, TYPES[r.type].kind, r.id): r for r in records}
    out = []
    for res in results:
        focus = res.focus.split("#", 1)[0]
        rec = by_iri.get(focus)
        if rec is None:
            out.append(res)
            continue
        field_name = _FIELDS.get((rec.type, res.path)) if res.path else None
        if field_name is None and res.path is None and store is not None and res.value:
            field_name = _value_field(store, rec.type, res)
        if field_name is None and "#derived-" in res.focus:
            field_name = "derived"
        loc = (
            rec.where(field_name)
            if field_name and field_name in rec.field_lines
            else (rec.where(None))
        )
        column = rec.field_columns.get(field_name) if field_name else None
        if column is not None:
            loc = replace(loc, column=column)
        out.append(
            replace(
                res, record_id=rec.id, record_type=rec.type, location=loc, field_name=field_name
            )
        )
    return out
