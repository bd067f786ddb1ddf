"""Turn a raw record (plain values with lines) into a checked :class:`Record`."""

from __future__ import annotations

import difflib
from functools import cache

from ..errors import ProblemList
from .fields import FieldError, check_slug, clean_text, parse_date, parse_value
from .model import Claim, Notice, RawRecord, Record, Value
from .schema import FLAG_KEYS, META_KEYS, TYPES, VISIBILITIES, FieldSpec, TypeSpec


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
            f"did you mean '{guess}'?"
            if guess
            else f"use one of: {', '.join(TYPES)} ('hrd-lod fields' says what each is for)",
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
                else f"the fields of {_a(spec.name)} are: {', '.join(spec.by_name)} "
                f"('hrd-lod fields {spec.name}' explains each)",
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
    claims = _claims(raw, spec, default_lang, problems, notices)
    for fname, found in claims.items():
        if fname in data:
            problems.add(
                raw.where(fname),
                f"'{fname}' is given both as a field and in 'claims'",
                "keep the values in 'claims' only, each with its sources",
                code="bad-value",
            )
        values[fname] = tuple(dict.fromkeys(c.value for c in found))
    if spec.name == "Source":
        _check_source(raw, data, problems)
    for fspec in _required(spec.name):
        if fspec.name not in data and fspec.name not in claims and fspec.name not in suggested:
            problems.add(
                raw.where(),
                f"{_a(spec.name)} needs '{fspec.name}'",
                f"add '{fspec.name}:'"
                + (f" ({fspec.help})" if fspec.help else "")
                + f"; 'hrd-lod fields {spec.name}' shows what it takes",
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
                if fname in claims:
                    problems.add(
                        raw.where("field_sources"),
                        f"field_sources names '{fname}', whose values have their sources in "
                        "'claims'",
                        "give the sources with each value in 'claims'",
                        code="bad-value",
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
    flags = {key: _flag(raw, key, problems) for key in FLAG_KEYS}
    added = None
    added_value = data.get("added")
    if added_value is not None:
        try:
            added = parse_date(added_value)
        except FieldError as exc:
            problems.add(
                raw.where("added"),
                f"'added' is the day the record was entered: {exc}",
                exc.hint,
                code="bad-value",
            )

    if len(problems.items) > before:
        return None
    return Record(
        id=str(rec_id),
        type=spec.name,
        values=values,
        sources=sources,
        location=raw.location,
        field_lines=dict(raw.lines),
        field_columns=dict(raw.columns),
        field_sources=field_sources,
        visibility=str(visibility),
        public_fields=frozenset(public_fields),
        derived=derived,
        claims=claims,
        at_risk=flags["at_risk"],
        wikidata_consent=flags["wikidata_consent"],
        added=added,
    )


_YES = {"true": True, "yes": True, "false": False, "no": False, "": False}


def _flag(raw: RawRecord, key: str, problems: ProblemList) -> bool:
    """Return a yes/no record key (YAML true/false, or the words in a CSV cell)."""
    value = raw.data.get(key)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _YES:
        return _YES[value.strip().lower()]
    problems.add(raw.where(key), f"{key} must be true or false, not {value!r}", code="bad-value")
    return False


def _check_source(raw: RawRecord, data: object, problems: ProblemList) -> None:
    """A source is archived (a copy and its SHA-256) or cited by its web address, or both."""
    assert isinstance(data, dict)
    has_copy, has_sum = "archived_copy" in data, "sha256" in data
    if has_copy and not has_sum:
        problems.add(
            raw.where("archived_copy"),
            "an archived copy needs its SHA-256",
            "add 'sha256' ('hrd-lod source check' prints the digest of the file)",
            code="missing-field",
        )
    elif has_sum and not has_copy:
        problems.add(
            raw.where("sha256"),
            "'sha256' is given but no 'archived_copy'",
            "add the archived file's path, or remove 'sha256' from a page cited by its url",
            code="missing-field",
        )
    elif not has_copy and "url" not in data:
        problems.add(
            raw.where(),
            "a Source needs an archived copy or the address of the page it cites",
            "add 'url' (and 'retrieved', the day you read it), or capture the page with "
            "'hrd-lod source add'",
            code="missing-field",
        )


def _claims(
    raw: RawRecord,
    spec: TypeSpec,
    default_lang: str,
    problems: ProblemList,
    notices: list[Notice],
) -> dict[str, tuple[Claim, ...]]:
    """Return the record's ``claims:`` (field -> values, each with its own sources)."""
    given = raw.data.get("claims")
    if given is None:
        return {}
    where = raw.where("claims")
    if not isinstance(given, dict) or not given:
        problems.add(
            where,
            "expected a mapping of field: [{value: ..., sources: [...]}, ...]",
            "list under each field the values sources disagree on, each with its sources",
            code="bad-value",
        )
        return {}
    out: dict[str, tuple[Claim, ...]] = {}
    for fname, items in given.items():
        fspec = spec.by_name.get(fname) if isinstance(fname, str) else None
        if fspec is None or not fspec.predicates:
            guess = nearest(str(fname), list(spec.by_name))
            problems.add(
                where,
                f"claims names '{fname}', which is not a field of {_a(spec.name)}"
                if fspec is None
                else f"claims cannot hold '{fname}' (it sets a class, not a value)",
                f"did you mean '{guess}'?" if fspec is None and guess else None,
                code="unknown-field",
            )
            continue
        if not isinstance(items, list) or not items:
            problems.add(
                where,
                f"claims for '{fname}' must be a list of {{value: ..., sources: [...]}}",
                code="bad-value",
            )
            continue
        claims: list[Claim] = []
        preferred = 0
        for item in items:
            if not isinstance(item, dict) or "value" not in item or "sources" not in item:
                problems.add(
                    where,
                    f"each claim for '{fname}' needs 'value' and 'sources'",
                    "write e.g. {value: 1993, sources: [a-source], preferred: why}",
                    code="bad-value",
                )
                continue
            extra = sorted(set(item) - {"value", "sources", "preferred"})
            if extra:
                problems.add(
                    where,
                    f"unknown key '{extra[0]}' in a claim for '{fname}'",
                    "a claim has 'value', 'sources' and, for one of them, 'preferred'",
                    code="unknown-field",
                )
                continue
            notes: list[str] = []
            try:
                parsed = parse_value(fspec, item["value"], default_lang, notes)
            except FieldError as exc:
                problems.add(where, f"a claim for '{fname}': {exc}", exc.hint, code="bad-value")
                continue
            if len(parsed) != 1:
                problems.add(
                    where,
                    f"a claim for '{fname}' holds one value, not {len(parsed)}",
                    "give each value its own claim",
                    code="bad-value",
                )
                continue
            for note in sorted(set(notes)):
                notices.append(Notice(where, note))
            sources = _ids(item["sources"], raw, "claims", problems)
            if not sources:
                problems.add(where, f"a claim for '{fname}' cites no source", code="missing-field")
                continue
            reason = item.get("preferred")
            if reason is not None:
                preferred += 1
                try:
                    reason = clean_text(reason)[0]
                except FieldError as exc:
                    problems.add(
                        where,
                        f"'preferred' says why the value is preferred: {exc}",
                        "write the reason, e.g. preferred: the award's own site gives it",
                        code="bad-value",
                    )
                    continue
            claims.append(Claim(parsed[0], sources, reason))
        if preferred > 1:
            problems.add(
                where,
                f"{preferred} claims for '{fname}' are marked preferred",
                "mark at most one value as preferred",
                code="bad-value",
            )
        values = [c.value for c in claims]
        if len(set(values)) != len(values):
            problems.add(
                where,
                f"the same value is claimed twice for '{fname}'",
                "list every source of a value in one claim",
                code="bad-value",
            )
        if claims:
            out[fname] = tuple(claims)
    return out


@cache
def _required(type_name: str) -> tuple[FieldSpec, ...]:
    return tuple(f for f in TYPES[type_name].fields if f.required)


def a_or_an(word: str) -> str:
    """Return ``word`` with its indefinite article: 'an Award', 'a Jury'."""
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


_a = a_or_an


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
