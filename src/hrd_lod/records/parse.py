"""Turn a raw record (plain values with lines) into a checked :class:`Record`."""

from __future__ import annotations

import difflib
from functools import cache

from ..errors import ProblemList
from .fields import FieldError, check_slug, clean_text, parse_value
from .model import Notice, RawRecord, Record, Value
from .schema import META_KEYS, TYPES, VISIBILITIES, FieldSpec


def nearest(word: str, choices: list[str] | tuple[str, ...]) -> str | None:
    """Return the choice closest to ``word``, if one is close enough to be a typo."""
    found = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return found[0] if found else None


def parse_record(
    raw: RawRecord, default_lang: str, problems: ProblemList, notices: list[Notice]
) -> Record | None:
    """Return the checked record, or None after adding its problems to ``problems``."""
    before = len(problems.items)
    data = raw.data
    rec_id = data.get("id")
    if rec_id is None:
        problems.add(
            raw.where(),
            "the record has no 'id'",
            "add a stable slug, e.g. id: joint-mobile-group",
            code="missing-field",
        )
    else:
        try:
            check_slug(rec_id)
        except FieldError as exc:
            problems.add(raw.where("id"), str(exc), exc.hint, code="bad-id")
    type_name = data.get("type")
    spec = TYPES.get(type_name) if isinstance(type_name, str) else None
    if type_name is None:
        problems.add(
            raw.where(),
            "the record has no 'type'",
            f"add one of: {', '.join(TYPES)}",
            code="missing-field",
        )
    elif spec is None:
        guess = nearest(str(type_name), list(TYPES))
        problems.add(
            raw.where("type"),
            f"unknown type {type_name!r}",
            f"did you mean '{guess}'?" if guess else f"use one of: {', '.join(TYPES)}",
            code="unknown-type",
        )
    if spec is None:
        return None

    values: dict[str, tuple[Value, ...]] = {}
    suggested: set[str] = set()
    for key, value in data.items():
        if key in META_KEYS:
            continue
        fspec = spec.by_name.get(key)
        if fspec is None:
            guess = nearest(key, list(spec.by_name) + list(META_KEYS))
            if guess:
                suggested.add(guess)
            problems.add(
                raw.where(key),
                f"unknown field '{key}' for {_a(spec.name)}",
                f"did you mean '{guess}'?"
                if guess
                else f"the fields of {_a(spec.name)} are: {', '.join(spec.by_name)}",
                code="unknown-field",
            )
            continue
        if value is None:
            problems.add(
                raw.where(key), "the field is empty", "fill it in or remove it", code="empty-field"
            )
            continue
        notes: list[str] = []
        try:
            values[key] = tuple(parse_value(fspec, value, default_lang, notes))
        except FieldError as exc:
            problems.add(raw.where(key), str(exc), exc.hint, code="bad-value")
        for note in sorted(set(notes)):
            notices.append(Notice(raw.where(key), note))
    for fspec in _required(spec.name):
        if fspec.name not in data and fspec.name not in suggested:
            problems.add(
                raw.where(),
                f"{_a(spec.name)} needs '{fspec.name}'",
                fspec.help or None,
                code="missing-field",
            )

    sources = _id_list(raw, "sources", problems)
    field_sources: dict[str, tuple[str, ...]] = {}
    fs = data.get("field_sources")
    if fs is not None:
        if not isinstance(fs, dict):
            problems.add(
                raw.where("field_sources"),
                "expected a mapping of field: [source ids]",
                code="bad-value",
            )
        else:
            for fname, ids in fs.items():
                if fname not in spec.by_name:
                    problems.add(
                        raw.where("field_sources"),
                        f"field_sources names '{fname}', which is not a field of {_a(spec.name)}",
                        code="unknown-field",
                    )
                    continue
                if fname not in data:
                    problems.add(
                        raw.where("field_sources"),
                        f"field_sources names '{fname}', which this record does not fill in",
                        code="unknown-field",
                    )
                    continue
                field_sources[fname] = _ids(ids, raw, "field_sources", problems)

    visibility = data.get("visibility", "public")
    if visibility not in VISIBILITIES:
        problems.add(
            raw.where("visibility"),
            f"visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}",
            code="bad-value",
        )
    public_fields = _id_list(raw, "public_fields", problems, slugs=False)
    for name in public_fields:
        f = spec.by_name.get(name)
        if f is None or not f.private:
            private = [f.name for f in spec.fields if f.private]
            problems.add(
                raw.where("public_fields"),
                f"'{name}' is not a withheld field of {_a(spec.name)}",
                f"public_fields lists fields that are withheld by default: "
                f"{', '.join(private) or 'none'}",
                code="bad-value",
            )

    derived: dict[str, str] = {}
    dv = data.get("derived")
    if dv is not None:
        if not isinstance(dv, dict):
            problems.add(
                raw.where("derived"),
                "expected a mapping of field: how it was derived",
                code="bad-value",
            )
        else:
            for fname, how in dv.items():
                if fname not in values and fname not in data:
                    problems.add(
                        raw.where("derived"),
                        f"'derived' names '{fname}', which this record does not fill in",
                        code="unknown-field",
                    )
                    continue
                try:
                    derived[fname] = clean_text(how)[0]
                except FieldError as exc:
                    problems.add(raw.where("derived"), str(exc), exc.hint, code="bad-value")
    note_value = data.get("note")
    if note_value is not None and not isinstance(note_value, str):
        problems.add(raw.where("note"), "a note must be text", code="bad-value")

    if len(problems.items) > before:
        return None
    return Record(
        id=str(rec_id),
        type=spec.name,
        values=values,
        sources=sources,
        location=raw.location,
        field_lines=dict(raw.lines),
        field_sources=field_sources,
        visibility=str(visibility),
        public_fields=frozenset(public_fields),
        derived=derived,
    )


@cache
def _required(type_name: str) -> tuple[FieldSpec, ...]:
    return tuple(f for f in TYPES[type_name].fields if f.required)


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _id_list(
    raw: RawRecord, key: str, problems: ProblemList, slugs: bool = True
) -> tuple[str, ...]:
    value = raw.data.get(key)
    if value is None:
        return ()
    return _ids(value, raw, key, problems, slugs)


def _ids(
    value: object, raw: RawRecord, key: str, problems: ProblemList, slugs: bool = True
) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str):
            problems.add(raw.where(key), f"expected ids (text), got {item!r}", code="bad-value")
            continue
        if slugs:
            try:
                check_slug(item)
            except FieldError as exc:
                problems.add(raw.where(key), str(exc), exc.hint, code="bad-id")
                continue
        out.append(item)
    if len(set(out)) != len(out):
        problems.add(raw.where(key), "the same id is listed twice", code="bad-value")
    return tuple(sorted(set(out)))
