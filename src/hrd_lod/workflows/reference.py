"""The field reference: every record type, its fields, and what to write in each.

Built from :mod:`hrd_lod.records.schema` (the one table the loader, the encoder and the policy
follow), so ``hrd-lod fields`` and ``docs/fields.md`` cannot drift from what the loader accepts.
Examples of references are the ids of the records ``hrd-lod init`` writes, read from the
packaged skeleton, so an example in the reference is an example in a new project.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import textwrap
from dataclasses import dataclass
from functools import lru_cache

import yaml

from ..errors import UsageError
from ..records.csvfile import SEPARATOR
from ..records.parse import a_or_an
from ..records.schema import META_KEYS, TYPES, FieldSpec, Kind, TypeSpec
from .files import yaml_scalar
from .init import SKELETON

#: What the keys that every record may have are for (``META_KEYS`` in the schema).
META_HELP: dict[str, str] = {
    "id": "a stable slug (lowercase letters, digits, hyphens); part of the entity's IRI, "
    "never changed once published",
    "type": "the record type, one of the types listed here",
    "sources": "the ids of the Source records the facts were read from (not on a Source)",
    "field_sources": "a field read from only some sources: {founder: [source-id]}",
    "visibility": "public (the default) or restricted: a restricted record and every "
    "reference to it stay out of every output",
    "public_fields": "personal contact fields to publish anyway: [telephone]",
    "derived": "a value a source implies but does not state: {death_year: how it was worked out}",
    "claims": "values on which sources disagree, each with its own sources: {established: "
    "[{value: 1993, sources: [a], preferred: why}, {value: 1983, sources: [b]}]}",
    "note": "a note for archivists; never published",
    "added": "the day the record was entered in the archive, YYYY-MM-DD ('hrd-lod import' "
    "and 'hrd-lod source add' write it); the site's home page lists the latest additions; "
    "never a triple",
    "at_risk": "true for a person or group at risk: their facts stay out of exports to other "
    "platforms such as Wikidata ('hrd-lod export wikidata')",
    "wikidata_consent": "true when an at-risk person or group agreed that their award facts "
    "go to Wikidata",
}

_KIND_WORDS: dict[Kind, str] = {
    Kind.TEXT: "text",
    Kind.LANGTEXT: "text in the dataset's language, or {en: ..., fr: ...}",
    Kind.REF: "the id of",
    Kind.DATE: "a date YYYY-MM-DD",
    Kind.YEAR: "a year YYYY",
    Kind.URL: "a full http:// or https:// URL",
    Kind.ENUM: "one of",
    Kind.SHA256: "a SHA-256 digest (64 hexadecimal digits)",
    Kind.PATH: "a file path relative to data/",
    Kind.MONEY: "an amount, a space and an ISO 4217 currency code",
}

#: Examples where the kind's own example would mislead (a telephone number is not "text").
_FIELD_EXAMPLES: dict[str, object] = {
    "same_as": "Q42",
    "telephone": "+41 22 555 01 23",
    "email": "info@example.org",
    "address": "1 Example Street, Geneva",
    "media_type": "text/html",
}
_KIND_EXAMPLES: dict[Kind, object] = {
    Kind.TEXT: "text as the source gives it",
    Kind.LANGTEXT: "text in the source's words",
    Kind.DATE: dt.date(2024, 5, 5),
    Kind.YEAR: 2024,
    Kind.URL: "https://example.org/",
    Kind.SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    Kind.PATH: "sources/example-source.txt",
    Kind.MONEY: "20000 CHF",
}


#: The width of the text reference (a terminal's 100 columns).
WIDTH = 100

#: Rules across fields that the loader checks beyond "required" (records/parse.py).
_TYPE_RULES: dict[str, str] = {
    "Source": "either an archived copy (archived_copy with its sha256) or the page's url "
    "(with retrieved, the day it was read), or both; 'hrd-lod source add URL' writes one",
}


@dataclass(frozen=True)
class FieldDoc:
    """One field as the reference shows it."""

    name: str
    value: str  # the kind of value, in words
    example: str  # what to write after 'name: '
    required: bool
    many: bool
    private: bool
    help: str


@dataclass(frozen=True)
class TypeDoc:
    """One record type as the reference shows it."""

    name: str
    help: str
    iri_path: str  # id/{kind}/{id}
    needs_sources: bool
    fields: tuple[FieldDoc, ...]
    rule: str = ""  # a rule across fields, beyond "required"

    @property
    def required(self) -> tuple[str, ...]:
        """Return the names of the required fields."""
        return tuple(f.name for f in self.fields if f.required)


def _skeleton_records() -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for path in sorted((SKELETON / "data").rglob("*.yaml")):
        if path.name == "dataset.yaml":
            continue
        # init fills markers such as {{today}} in; read them as text, left out of examples
        doc = yaml.safe_load(re.sub(r"(\{\{\w+\}\})", r'"\1"', path.read_text("utf-8")))
        out += [r for r in (doc if isinstance(doc, list) else [doc]) if isinstance(r, dict)]
    return out


@lru_cache(maxsize=1)
def example_ids() -> dict[str, str]:
    """Return, per record type, the id of its first example record in the init skeleton."""
    out: dict[str, str] = {}
    for rec in _skeleton_records():
        if "type" in rec and "id" in rec:
            out.setdefault(str(rec["type"]), str(rec["id"]))
    return out


@lru_cache(maxsize=1)
def example_values() -> dict[tuple[str, str], object]:
    """Return, per (type, field), the value the init skeleton's first example writes."""
    out: dict[tuple[str, str], object] = {}
    for rec in _skeleton_records():
        for key, value in rec.items():
            items = value if isinstance(value, list) else [value]
            if all(isinstance(v, (str, int)) and "{{" not in str(v) for v in items):
                out.setdefault((str(rec.get("type")), key), value)
    return out


def _or(words: tuple[str, ...]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def field_doc(spec: FieldSpec, type_name: str = "") -> FieldDoc:
    """Return the reference entry of one field (examples from ``type_name``'s init example)."""
    example: object
    if spec.kind is Kind.REF:
        value = f"the id of {a_or_an(_or(spec.ref_types))} record"
        example = example_ids().get(spec.ref_types[0], "some-record-id")
    elif spec.kind is Kind.ENUM:
        value = "one of: " + ", ".join(spec.choices)
        example = spec.choices[0]
    else:
        value = _KIND_WORDS[spec.kind]
        example = _FIELD_EXAMPLES.get(spec.name, _KIND_EXAMPLES[spec.kind])
    if spec.name == "same_as":
        value += " (a bare Wikidata id such as Q42 is read as its entity URL)"
    example = example_values().get((type_name, spec.name), example)
    if spec.many:
        value += "; one value or a list [a, b]"
        if not isinstance(example, list):
            example = [example]
    return FieldDoc(
        spec.name,
        value,
        yaml_scalar(example),
        spec.required,
        spec.many,
        spec.private,
        spec.help or "",
    )


def type_doc(spec: TypeSpec) -> TypeDoc:
    """Return the reference entry of one record type."""
    return TypeDoc(
        spec.name,
        spec.help,
        f"id/{spec.kind}/{{id}}",
        spec.needs_sources,
        tuple(field_doc(f, spec.name) for f in spec.fields),
        _TYPE_RULES.get(spec.name, ""),
    )


def reference() -> tuple[TypeDoc, ...]:
    """Return the reference of every record type, in the schema's order."""
    return tuple(type_doc(spec) for spec in TYPES.values())


def find_type(name: str) -> TypeSpec:
    """Return the record type called ``name`` (any case, or its IRI segment); else UsageError."""
    wanted = name.strip().lower()
    for spec in TYPES.values():
        if wanted in (spec.name.lower(), spec.kind):
            return spec
    by_lower = {t.lower(): t for t in TYPES}
    close = difflib.get_close_matches(wanted, list(by_lower), n=1, cutoff=0.6)
    hint = f"did you mean '{by_lower[close[0]]}'?" if close else None
    raise UsageError(
        f"there is no record type '{name}'; the types are: {', '.join(TYPES)}",
        hint=hint or "run 'hrd-lod fields' to see every type",
    )


def meta_help() -> list[tuple[str, str]]:
    """Return (key, what it is for) for the keys every record may have."""
    return [(key, META_HELP[key]) for key in META_KEYS]


# --- rendering -------------------------------------------------------------------------------


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest, break_on_hyphens=False
    )


def _flags(f: FieldDoc) -> str:
    flags = []
    if f.required:
        flags.append("required")
    if f.private:
        flags.append("personal data: withheld unless listed in public_fields")
    return f" ({'; '.join(flags)})" if flags else ""


def render_type_text(doc: TypeDoc) -> str:
    """Return one type's reference as plain text for a terminal."""
    lines = [
        *_wrap(f"{doc.name}: {doc.help}", "", "  "),
        f"  required: {', '.join(doc.required)}"
        + ("" if doc.needs_sources else "; cites no sources itself"),
        f"  IRI: {{base_iri}}{doc.iri_path}",
    ]
    if doc.rule:
        lines += _wrap(f"needs: {doc.rule}", "  ", "    ")
    lines.append("")
    for f in doc.fields:
        lines += textwrap.wrap(
            f"{f.name}{_flags(f)}: {f.value}",
            WIDTH,
            initial_indent="  ",
            subsequent_indent="      ",
            break_on_hyphens=False,
        )
        if f.help:
            lines += textwrap.wrap(f.help, WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6)
        lines.append(f"      e.g. {f.name}: {f.example}")
    lines.append("")
    lines += _wrap(
        "and on every record: " + ", ".join(META_KEYS) + " ('hrd-lod fields --all')", "  ", "    "
    )
    return "\n".join(lines)


def render_summary_text(docs: tuple[TypeDoc, ...]) -> str:
    """Return the list of types with their required fields, for a terminal."""
    width = max(len(d.name) for d in docs)
    lines = ["record types (hrd-lod fields TYPE shows a type's fields):", ""]
    for d in docs:
        lines += _wrap(d.help, f"  {d.name.ljust(width)}  ", " " * (width + 4))
        lines.append(f"  {''.ljust(width)}  required: {', '.join(d.required)}")
    lines += ["", "on every record:"]
    for key, text in meta_help():
        lines += _wrap(f"{key}: {text}", "  ", "      ")
    lines.append("")
    lines += _wrap(
        f"in a CSV table: one column per field; several values in a cell separated by "
        f"'{SEPARATOR}'; a column name@fr holds the French name",
        "",
        "  ",
    )
    return "\n".join(lines)


def render_all_text(docs: tuple[TypeDoc, ...]) -> str:
    """Return every type's reference, then the keys of every record, for a terminal."""
    parts = [render_type_text(d) for d in docs]
    meta = [line for k, t in meta_help() for line in _wrap(f"{k}: {t}", "  ", "      ")]
    parts.append("\n".join(["on every record:", *meta]))
    return "\n\n".join(parts)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(docs: tuple[TypeDoc, ...]) -> str:
    """Return the whole reference as a Markdown page (``docs/fields.md``)."""
    out = [
        "# Record fields",
        "",
        "<!-- Generated by `hrd-lod fields --format markdown > docs/fields.md` from",
        "     src/hrd_lod/records/schema.py; a test fails when this page is out of date. -->",
        "",
        "Every record in `data/` has an `id`, a `type`, its fields, and `sources`. This page",
        "lists each type's fields: which are required, what value each takes with an example,",
        "and which are personal data, withheld from every output unless the record lists the",
        "field in `public_fields`. `hrd-lod fields TYPE` prints the same in a terminal.",
        "",
        "In a CSV table each field is a column named after it (the type comes from a `type`",
        f"column or the file name); a cell with several values separates them with `{SEPARATOR}`,",
        "and a column `name@fr` holds the French name.",
        "",
        "Types: " + ", ".join(f"[{d.name}](#{d.name.lower()})" for d in docs) + ".",
        "",
        "## On every record",
        "",
        "| key | what it is for |",
        "|---|---|",
    ]
    out += [f"| `{k}` | {_cell(t)} |" for k, t in meta_help()]
    for d in docs:
        out += [
            "",
            f"## {d.name}",
            "",
            f"{d.help[:1].upper()}{d.help[1:]}. IRI: `{{base_iri}}{d.iri_path}`."
            + ("" if d.needs_sources else " A Source cites no sources itself.")
            + (f" It needs {d.rule}." if d.rule else ""),
            "",
            "| field | required | value | example | notes |",
            "|---|---|---|---|---|",
        ]
        for f in d.fields:
            notes = f.help
            if f.private:
                notes = "**personal data, withheld unless in `public_fields`**" + (
                    f"; {notes}" if notes and "public_fields" not in notes else ""
                )
            out.append(
                f"| `{f.name}` | {'yes' if f.required else ''} | {_cell(f.value)} | "
                f"`{f.name}: {_cell(f.example)}` | {_cell(notes)} |"
            )
    return "\n".join(out) + "\n"
