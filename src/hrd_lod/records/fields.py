"""Check and convert one field value of a raw record, by the field's kind."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

import langcodes
import pyoxigraph as ox

from ..vocab import WD
from .model import Enum, LangString, Money, Ref, Url, Value, Year
from .schema import FieldSpec, Kind

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 120
MAX_TEXT = 20_000
YEAR_MIN, YEAR_MAX = 1000, 2100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_QID = re.compile(r"^[Qq][1-9][0-9]*$")
_WD_PAGE = re.compile(r"^https?://(?:www\.|m\.)?wikidata\.org/wiki/(Q[1-9][0-9]*)/?$")
_MONEY = re.compile(r"^(\d{1,15}(?:\.\d{1,4})?) ([A-Z]{3})$")


class FieldError(ValueError):
    """A value does not fit its field; ``hint`` says what to write instead."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def suggest_slug(text: str) -> str:
    """Return a slug made from ``text`` (lowercase ASCII words joined by hyphens)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:MAX_SLUG] or "record"


def check_slug(value: object) -> str:
    """Return ``value`` if it is a valid record id, else raise FieldError."""
    if not isinstance(value, str):
        raise FieldError(
            f"an id must be text, got {_what(value)}", "write a slug such as joint-mobile-group"
        )
    if len(value) > MAX_SLUG:
        raise FieldError(f"the id is {len(value)} characters long (at most {MAX_SLUG})")
    if not SLUG_RE.match(value):
        why = "lowercase ASCII letters, digits and single hyphens only"
        if "/" in value or "." in value or "\\" in value:
            why = "an id becomes part of a URL and a file name: no slashes or dots"
        elif any(ord(c) > 127 for c in value):
            why = "non-ASCII characters (including look-alikes of Latin letters) are not allowed"
        raise FieldError(f"invalid id {value!r}: {why}", f"use '{suggest_slug(value)}'")
    return value


def clean_text(value: object) -> tuple[str, bool]:
    """Return (NFC text, whether normalisation changed it); raise FieldError for bad text."""
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FieldError(
            f"expected text, got {_what(value)}",
            "put the text in quotes if it looks like a number or yes/no",
        )
    if isinstance(value, (int, float)):
        raise FieldError(f"expected text, got the number {value!r}", f'put it in quotes: "{value}"')
    assert isinstance(value, str)
    text = value.strip()
    if not text:
        raise FieldError("the text is empty", "remove the field or fill it in")
    if len(text) > MAX_TEXT:
        raise FieldError(
            f"the text is {len(text):,} characters long (at most {MAX_TEXT:,})",
            "shorten it; long documents belong in an archived source",
        )
    bad = _CONTROL.search(text)
    if bad and not _BIDI.match(bad.group()):
        raise FieldError(
            f"the text contains the control character U+{ord(bad.group()):04X}",
            "remove it (it is invisible in most editors)",
        )
    if bad:
        raise FieldError(
            f"the text contains the invisible direction mark U+{ord(bad.group()):04X}",
            "remove it; right-to-left text needs no marks, give it its language tag",
        )
    if unicodedata.is_normalized("NFC", text):  # the common case, checked in C
        return text, False
    nfc = unicodedata.normalize("NFC", text)
    return nfc, nfc != text


@lru_cache(maxsize=4096)
def _standard_lang(tag: str) -> str | None:
    if not langcodes.tag_is_valid(tag) or tag.lower() == "und":
        return None
    standard = str(langcodes.standardize_tag(tag))
    try:  # and a tag the RDF store accepts (it loads without checking again)
        ox.Literal("", language=standard)
    except ValueError:
        return None
    return standard


def check_lang(tag: object) -> str:
    """Return a valid BCP 47 language tag, normalised, or raise FieldError."""
    if not isinstance(tag, str) or not tag:
        raise FieldError(f"a language tag must be text such as 'en', got {_what(tag)}")
    standard = _standard_lang(tag)
    if standard is None:
        raise FieldError(f"'{tag}' is not a BCP 47 language tag", "use e.g. en, fr, ru, en-GB")
    return standard


def parse_value(spec: FieldSpec, raw: object, default_lang: str, notes: list[str]) -> list[Value]:
    """Return the values of a field, converted; raise FieldError if any is wrong."""
    if not isinstance(raw, list) and spec.kind is not Kind.LANGTEXT:
        return _one(spec, raw, default_lang, notes)  # the common case: one plain value
    items: list[object]
    if isinstance(raw, list):
        if not spec.many and not (spec.kind is Kind.LANGTEXT and len(raw) == 1):
            raise FieldError(
                "this field takes one value, not a list",
                "keep one value, or record the others in another field",
            )
        items = raw
    else:
        items = [raw]
    if not items:
        raise FieldError("the list is empty", "remove the field or add a value")
    out: list[Value] = []
    for item in items:
        out.extend(_one(spec, item, default_lang, notes))
    if spec.kind is Kind.LANGTEXT and not spec.many:
        langs = [v.lang for v in out if isinstance(v, LangString)]
        if len(langs) != len(set(langs)):
            raise FieldError("two values in the same language", "keep one per language")
    return out


def _one(spec: FieldSpec, item: object, default_lang: str, notes: list[str]) -> list[Value]:
    kind = spec.kind
    if kind is Kind.LANGTEXT:
        if isinstance(item, dict):
            if not item:
                raise FieldError("the {language: text} map is empty")
            vals: list[Value] = []
            for lang, text in sorted(item.items()):
                clean, changed = clean_text(text)
                if changed:
                    notes.append("text normalised to Unicode NFC")
                vals.append(LangString(clean, check_lang(lang)))
            return vals
        clean, changed = clean_text(item)
        if changed:
            notes.append("text normalised to Unicode NFC")
        return [LangString(clean, default_lang)]
    if kind is Kind.TEXT:
        clean, changed = clean_text(item)
        if changed:
            notes.append("text normalised to Unicode NFC")
        return [clean]
    if kind is Kind.REF:
        if not isinstance(item, str):
            raise FieldError(f"expected the id of a record, got {_what(item)}")
        return [Ref(check_slug(item))]
    if kind is Kind.DATE:
        return [parse_date(item)]
    if kind is Kind.YEAR:
        return [parse_year(item)]
    if kind is Kind.URL:
        if spec.name == "same_as" and isinstance(item, str):
            if _QID.match(item.strip()):
                return [Url(WD + item.strip().upper())]  # a bare Wikidata id: its entity URL
            page = _WD_PAGE.match(item.strip())
            if page:  # the item's web page: the entity is what the record is the same as
                notes.append(
                    f"the Wikidata page {item.strip()} is read as its item "
                    f"{WD}{page.group(1)}; write that (or just {page.group(1)})"
                )
                return [Url(WD + page.group(1))]
        try:
            return [Url(parse_url(item))]
        except FieldError as exc:
            if spec.name == "same_as" and exc.hint and "https://" in exc.hint:
                raise FieldError(
                    str(exc),
                    "give the Wikidata item's id (Q42) or its full URL "
                    "(http://www.wikidata.org/entity/Q42)",
                ) from None
            raise
    if kind is Kind.ENUM:
        if item not in spec.choices:
            raise FieldError(f"{item!r} is not one of: {', '.join(spec.choices)}")
        return [Enum(str(item))]
    if kind is Kind.SHA256:
        if not isinstance(item, str) or not _SHA.match(item.lower()):
            raise FieldError(
                "expected a SHA-256 digest: 64 hexadecimal digits",
                "run 'hrd-lod source check' to see the digest of the archived file",
            )
        return [item.lower()]
    if kind is Kind.MONEY:
        return [parse_money(item)]
    if kind is Kind.PATH:
        if not isinstance(item, str) or not item.strip():
            raise FieldError("expected a file path relative to data/")
        p = item.strip()
        if p.startswith(("/", "\\")) or ".." in p.replace("\\", "/").split("/") or ":" in p:
            raise FieldError(
                f"the path {p!r} leaves data/", "give a path inside data/, e.g. sources/page.txt"
            )
        return [p]
    raise AssertionError(kind)  # pragma: no cover


def parse_date(item: object) -> dt.date:
    """Return a date from 'YYYY-MM-DD' or raise FieldError."""
    if isinstance(item, dt.date):
        return item
    if isinstance(item, int) and not isinstance(item, bool) and YEAR_MIN <= item <= YEAR_MAX:
        raise FieldError(
            f"expected a date YYYY-MM-DD, got only the year {item}",
            f"write the day the source gives, e.g. {item}-05-12; if it gives only the year, "
            "leave the date out and say so in 'description'",
        )
    if not isinstance(item, str):
        raise FieldError(f"expected a date YYYY-MM-DD, got {_what(item)}")
    text = item.strip()
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise FieldError(
            f"'{text}' is not a date in the form YYYY-MM-DD",
            "write dates as year-month-day, e.g. 2013-10-08",
        )
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldError(
            f"'{text}' is not a real calendar date", "check the day and month"
        ) from None
    if not YEAR_MIN <= value.year <= YEAR_MAX:
        raise FieldError(f"the year {value.year} is out of range ({YEAR_MIN}-{YEAR_MAX})")
    return value


def parse_year(item: object) -> Year:
    """Return a year from 2013 or '2013', or raise FieldError."""
    if isinstance(item, bool):
        raise FieldError(f"expected a year such as 2013, got {_what(item)}")
    if isinstance(item, str) and re.fullmatch(r"\d{4}", item.strip()):
        item = int(item.strip())
    if not isinstance(item, int):
        raise FieldError(f"expected a year such as 2013, got {_what(item)}")
    if not YEAR_MIN <= item <= YEAR_MAX:
        raise FieldError(f"the year {item} is out of range ({YEAR_MIN}-{YEAR_MAX})")
    return Year(item)


def parse_money(item: object) -> Money:
    """Return an amount of money from '20000 CHF' (digits, a space, an ISO 4217 code)."""
    if not isinstance(item, str):
        raise FieldError(
            f"expected an amount and a currency such as '20000 CHF', got {_what(item)}",
            "write the amount without grouping, a space, and the ISO 4217 code, in quotes",
        )
    text = item.strip()
    match = _MONEY.match(text)
    if match is None:
        raise FieldError(
            f"'{text}' is not an amount and a currency such as '20000 CHF'",
            "write the amount without grouping (20000, not 20,000), a space, and the "
            "three-letter ISO 4217 code in capitals (CHF, EUR, USD)",
        )
    return Money(match.group(1), match.group(2))


def parse_url(item: object) -> str:
    """Return an http(s) URL or raise FieldError."""
    if not isinstance(item, str):
        raise FieldError(f"expected a URL, got {_what(item)}")
    text = item.strip()
    try:
        parts = urlsplit(text)
    except ValueError as exc:  # e.g. an unclosed [IPv6] host
        raise FieldError(f"'{text}' is not a valid URL: {exc}", "check the host") from None
    if not parts.scheme:
        raise FieldError(
            f"'{text}' is not a full URL: it does not start with http:// or https://",
            "give the full address, starting with https://",
        )
    if parts.scheme.lower() not in ("http", "https"):
        raise FieldError(
            f"only http and https URLs are allowed, not {parts.scheme!r}",
            "give the full address, starting with https://",
        )
    if not parts.netloc or re.search(r"[\s<>\"{}|\\^`\x00-\x1f]", text):
        raise FieldError(
            f"'{text}' is not a valid URL", "encode spaces and special characters (%20, ...)"
        )
    try:  # the IRI rules of the RDF store (ports, percent escapes, hosts), checked here once
        ox.NamedNode(text)
    except ValueError as exc:
        raise FieldError(
            f"'{text}' is not a valid URL: {exc}", "check the host, the port and any %-escapes"
        ) from None
    return text


def _what(value: object) -> str:
    if value is None:
        return "nothing (empty value)"
    if isinstance(value, bool):
        return f"yes/no ({value})"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return repr(value)
