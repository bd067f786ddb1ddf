"""Read-only checks on SPARQL text, and the limits an endpoint enforces.

pyoxigraph's query parser already rejects update syntax, but it happily runs ``SERVICE``,
which makes the engine fetch any URL, so that must be found before a query runs. A substring
search would refuse ``"SERVICE"`` in a literal and miss nothing, but it also cannot tell a
keyword from a prefixed name (``ex:SERVICE``) or a variable; so the text is tokenised the way
the SPARQL grammar does (strings, IRIs, comments, variables, prefixed names, keywords) and only
keyword tokens count. Codepoint escapes (``\\u0053ERVICE``) are checked as well, in case an
engine processes them before parsing as the SPARQL 1.1 text allows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import QueryRefused, QueryTooLong

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'''(?:[^'\\]|\\.|'(?!''))*'''
                |"(?:[^"\\\r\n]|\\.)*"
                |'(?:[^'\\\r\n]|\\.)*')
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<pname>(?:[^\W\d_][\w.\-\u00b7]*)?:(?:[\w.\-:%\u00b7]|\\.)*)
    | (?P<word>[^\W\d][\w]*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)

#: Query forms (read) and update operations (refused).
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
UPDATE_WORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def tokens(text: str) -> Iterator[tuple[str, str]]:
    """Yield ``(kind, text)`` tokens of SPARQL text, without whitespace and comments."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield kind, m.group()


def unescape(text: str) -> str:
    """Return ``text`` with SPARQL codepoint escapes (``\\uXXXX``, ``\\UXXXXXXXX``) replaced."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _ESCAPE.sub(repl, text)


def _form(toks: list[tuple[str, str]]) -> str | None:
    i = 0
    while i < len(toks):
        kind, value = toks[i]
        word = value.upper() if kind == "word" else None
        if word == "BASE":
            i += 2
        elif word == "PREFIX":
            i += 3
        elif kind == "word":
            return word
        else:
            return None
    return None


def query_form(text: str) -> str | None:
    """Return the first keyword after the prologue (SELECT, ASK, INSERT, ...), upper-cased."""
    return _form(list(tokens(text)))


def keywords(text: str) -> set[str]:
    """Return every keyword token of ``text`` (outside strings, IRIs and comments), upper-cased."""
    return {value.upper() for kind, value in tokens(text) if kind == "word"}


_OPEN = frozenset("{([")
_CLOSE = frozenset("})]")


def _depth(toks: list[tuple[str, str]]) -> int:
    depth = deepest = 0
    for kind, value in toks:
        if kind != "other":
            continue
        if value in _OPEN:
            depth += 1
            deepest = max(deepest, depth)
        elif value in _CLOSE:
            depth = max(depth - 1, 0)
    return deepest


def nesting_depth(text: str) -> int:
    """Return how deeply ``{``, ``(`` and ``[`` nest in ``text`` (outside strings and IRIs)."""
    return _depth(list(tokens(text)))


@dataclass(frozen=True)
class Checked:
    """What the guard found in a query text: its form, whether it is read-only, its depth."""

    form: str | None
    update: str | None
    service: bool
    depth: int


@functools.lru_cache(maxsize=1024)
def inspect(text: str) -> Checked:
    """Return what the guard needs to know of ``text`` (tokenised once; cached, as clients
    repeat their queries)."""
    variants = [list(tokens(text))]
    if "\\u" in text or "\\U" in text:
        variants.append(list(tokens(unescape(text))))
    forms = [_form(t) for t in variants]
    updates = sorted(f for f in forms if f in UPDATE_WORDS)
    service = any(
        kind == "word" and value.upper() == "SERVICE" for t in variants for kind, value in t
    )
    return Checked(
        forms[0], updates[0] if updates else None, service, max(_depth(t) for t in variants)
    )


def check_read_only(text: str) -> str:
    """Return the query form of ``text``; raise QueryRefused for updates and SERVICE."""
    return _read_only(inspect(text))


def _read_only(checked: Checked) -> str:
    if checked.update:
        raise QueryRefused(
            f"updates are not allowed: this endpoint is read-only (the request starts with "
            f"{checked.update})",
            hint="send SELECT, ASK, CONSTRUCT or DESCRIBE queries only",
        )
    if checked.service:
        raise QueryRefused(
            "SERVICE is not allowed: this endpoint does not fetch other URLs (federated query)",
            hint="run the federated part against the other endpoint yourself",
        )
    return checked.form if checked.form in QUERY_FORMS else "UNKNOWN"


@dataclass(frozen=True)
class Limits:
    """What one request may cost the endpoint."""

    #: seconds a query may run (evaluation and serialisation) before its worker is killed
    time_s: float = 10.0
    #: bytes of a serialised result
    result_bytes: int = 16 * 1024 * 1024
    #: bytes of a request body (POST)
    body_bytes: int = 64 * 1024
    #: characters of the query text
    query_chars: int = 32 * 1024
    #: worker processes (each holds a read-only view of the store)
    workers: int = 2
    #: seconds a request waits for a free worker before 503
    queue_s: float = 10.0
    #: how deeply groups, expressions and blank-node lists may nest (the engine's parser
    #: recurses, and a few thousand levels crash it)
    nesting: int = 128

    def check_query(self, text: str) -> str:
        """Return the query form; raise QueryRefused if the text is too long or not read-only."""
        if len(text) > self.query_chars:
            raise QueryTooLong(
                f"the query is {len(text)} characters long; the limit is {self.query_chars}"
            )
        if not text.strip():
            raise QueryRefused("the query is empty")
        checked = inspect(text)
        form = _read_only(checked)
        depth = checked.depth
        if depth > self.nesting:
            raise QueryRefused(
                f"the query nests {{ }}, ( ) or [ ] {depth} levels deep; the limit is "
                f"{self.nesting}",
                hint="flatten the query",
            )
        return form
