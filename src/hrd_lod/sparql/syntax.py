"""Plain words for the common SPARQL syntax errors.

The parser says what it expected at a position (``expected one of LATERAL, SERVICE, [_]``),
which is right but in its own words. :func:`explain` looks at the query text around that
position and, for the mistakes people make most (a triple pattern missing its object, a missing
dot, brace or parenthesis, a text without its closing quote, an undeclared prefix, a PREFIX line
without its colon, a misspelt query form, ORDER or GROUP without BY), returns one line saying what
is wrong and what to write; the caller keeps the parser's detail after it. Anything else gets
None: a wrong explanation is worse than the parser's own words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import vocab as V

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<string>(?:\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')(?:@[A-Za-z0-9-]+|\^\^\S+)?)
  | (?P<var>[?$]\w+)
  | (?P<bnode>_:[\w.-]*\w)
  | (?P<pname>(?:[A-Za-z][\w.-]*)?:(?:[\w%:-]|\.(?=[\w%:-]))*)
  | (?P<number>[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<word>[A-Za-z_]\w*)
  | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_TERMS = ("iri", "string", "var", "bnode", "pname", "number")
_FORMS = ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "WITH", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
_EXAMPLE = f"PREFIX schema: <{V.SCHEMA}>"


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    start: int
    line: int

    @property
    def is_term(self) -> bool:
        return self.kind in _TERMS or (self.kind == "word" and self.text == "a")


def _tokens(text: str) -> list[_Tok]:
    out: list[_Tok] = []
    line = 1
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            out.append(_Tok(kind, m.group(), m.start(), line))
        line += m.group().count("\n")
    return out


def offset_of(text: str, line: int, column: int) -> int:
    """Return the character offset of a 1-based line and column of ``text``."""
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    return sum(len(x) + 1 for x in lines[: line - 1]) + max(column - 1, 0)


def explain(text: str, line: int, column: int, detail: str) -> str | None:
    """Return a plain-language line for the syntax error at ``line``:``column``, or None."""
    at = offset_of(text, line, column)
    toks = _tokens(text)
    before = [t for t in toks if t.start < at]
    after = [t for t in toks if t.start >= at]
    if before and before[-1].kind == "punct" and before[-1].start + len(before[-1].text) == at:
        after.insert(0, before.pop())  # the parser points just after the token it stopped at
    nxt = after[0] if after else None
    for rule in (_quote, _prefix, _prefix_line, _form, _by, _brackets, _pattern):
        said = rule(text, before, nxt, detail)
        if said:
            return said
    return None


def _quote(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    for t in before + ([nxt] if nxt else []):
        if t.kind == "punct" and t.text in "\"'":
            return (
                f"the text in quotes that starts on line {t.line} is not closed: end it with "
                f"{t.text} on the same line (or use triple quotes for several lines)"
            )
    return None


def _prefix(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    if "Prefix not found" not in detail and "undeclared prefix" not in detail:
        return None
    near = [t for t in before[-1:] + ([nxt] if nxt else []) if t.kind == "pname"]
    if not near:
        return "a prefixed name uses a prefix that is not declared: add a PREFIX line for it"
    prefix = near[0].text.split(":", 1)[0]
    known = V.PREFIXES.get(prefix)
    line = f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <namespace IRI>"
    return f"the prefix '{prefix}:' is not declared: add the line '{line}' at the top"


def _prefix_line(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    if len(before) >= 2 and before[-2].text.upper() == "PREFIX" and before[-1].kind == "word":
        name = before[-1].text
        return f"a PREFIX line needs a colon after the name: 'PREFIX {name}: <...>'"
    return None


def _form(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    words = before + ([nxt] if nxt else [])
    i = 0
    while i < len(words) and words[i].text.upper() in ("PREFIX", "BASE"):
        i += 3 if words[i].text.upper() == "PREFIX" else 2
    if i >= len(words) or words[i].kind != "word":
        return None
    first = words[i].text
    if first.upper() in _FORMS + _UPDATES:
        return None
    return (
        f"a query starts with SELECT, CONSTRUCT, ASK or DESCRIBE (after its PREFIX lines), "
        f"not '{first}'"
    )


def _by(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    last = [t.text.upper() for t in before[-2:]]
    if last[-1:] in (["LIMIT"], ["OFFSET"]) and (nxt is None or nxt.kind != "number"):
        return f"{last[-1]} needs a whole number after it, e.g. {last[-1]} 10"
    if last in (["ORDER", "BY"], ["GROUP", "BY"]) and (nxt is None or nxt.text == "}"):
        what = "sort" if last[0] == "ORDER" else "group"
        return f"{last[0]} BY needs what to {what} by, e.g. {last[0]} BY ?variable"
    if "BY" not in detail:
        return None
    for t in reversed(before[-3:]):
        word = t.text.upper()
        if word in ("ORDER", "GROUP"):
            what = "sort" if word == "ORDER" else "group"
            return f"write {word} BY, then what to {what} by: {word} BY ?variable"
    return None


def _brackets(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    opened: list[_Tok] = []
    pairs = {"}": "{", ")": "(", "]": "["}
    for t in before:
        if t.kind != "punct":
            continue
        if t.text in "{([":
            opened.append(t)
        elif t.text in pairs:
            if not opened or opened[-1].text != pairs[t.text]:
                return _unmatched(t, opened)
            opened.pop()
    if nxt is not None and nxt.kind == "punct" and nxt.text in pairs:
        if not opened or opened[-1].text != pairs[nxt.text]:
            return _unmatched(nxt, opened)
    if nxt is None and opened:
        o = opened[-1]
        close = {v: k for k, v in pairs.items()}[o.text]
        return (
            f"the query ends before the '{o.text}' on line {o.line} is closed: add '{close}' "
            "at the end"
        )
    return None


def _unmatched(t: _Tok, opened: list[_Tok]) -> str:
    pairs = {"}": "{", ")": "(", "]": "["}
    if not opened:
        return (
            f"there is one '{t.text}' too many on line {t.line}: every '{t.text}' closes "
            f"a '{pairs[t.text]}' opened before it"
        )
    o = opened[-1]
    close = {v: k for k, v in pairs.items()}[o.text]
    return (
        f"the '{o.text}' on line {o.line} is not closed: add '{close}' before the "
        f"'{t.text}' on line {t.line}"
    )


def _pattern(text: str, before: list[_Tok], nxt: _Tok | None, detail: str) -> str | None:
    """A triple pattern with too few or too many terms, judged from where it starts."""
    seg: list[_Tok] = []
    sep: _Tok | None = None
    for t in reversed(before):
        if t.kind == "punct" and t.text in "{.;,}":
            sep = t
            break
        seg.insert(0, t)
    if sep is not None and sep.text == "}" and not seg:
        # the parser may point past a group it accepted up to its '}' (OPTIONAL { ?s ?p }):
        # judge the last pattern inside that group
        return _pattern(text, before[: before.index(sep)], sep, detail)
    if sep is None or not seg and sep.text not in ";,":
        return None
    if not all(t.is_term for t in seg):
        return None
    shown = " ".join(t.text for t in seg)
    ends = nxt is None or (nxt.kind == "punct" and nxt.text in "}.;,")
    new_triple = sep.text in "{.}"
    if new_triple and len(seg) >= 4:
        three = " ".join(t.text for t in seg[:3])
        return (
            f"a triple pattern ends after its object: add ' .' after '{three}' "
            f"(before '{seg[3].text}')"
        )
    if not ends:
        return None
    if new_triple and len(seg) == 2:
        return (
            f"the triple pattern '{shown}' has no object: a pattern is a subject, a predicate "
            f"and an object, e.g. '{shown} ?value'"
        )
    if new_triple and len(seg) == 1:
        return (
            f"the triple pattern '{shown}' has only a subject: add a predicate and an object, "
            f"e.g. '{shown} ?property ?value'"
        )
    if sep.text == ";" and len(seg) == 1:
        return (
            f"after ';' come another predicate and its object for the same subject: "
            f"'{shown}' has no object"
        )
    if sep.text == ";" and not seg and nxt is not None and nxt.text in ".}":
        return "a ';' is followed by nothing: remove it, or add a predicate and an object"
    if sep.text == "," and not seg:
        return "a ',' is followed by nothing: remove it, or add another object"
    return None
