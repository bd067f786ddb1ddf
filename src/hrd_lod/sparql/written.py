"""Literals as written in query answers: the store's canonical forms mapped back.

pyoxigraph's Store keeps typed literals in a canonical form (``"01"^^xsd:int`` as
``"1"^^xsd:integer``, ``"1000.50"^^xsd:decimal`` as ``"1000.5"``, the description's
``xsd:nonNegativeInteger`` byte sizes as ``xsd:integer``), so an answer read from it shows
values the dataset never wrote. When a store is built from an edition's dumps,
:func:`written_forms` compares the lines as written with the store's forms (through
:mod:`hrd_lod.validate.literals`) and keeps what differs; :meth:`Written.solutions` and
:meth:`Written.graph` turn an answer back into the forms as written.

An answer is rewritten only when it may hold one of those store forms: a look for their lexical
forms in the answer's bytes (:meth:`Written.may_hold`) decides, so answers that hold none are
sent as the engine wrote them, byte for byte, at the cost of a few substring searches.

Where two forms were written for one store form (``"01"^^xsd:int`` and ``"1"^^xsd:byte`` both
become ``"1"^^xsd:integer``; or ``"1"^^xsd:integer`` itself is also written) a SELECT answer
cannot tell which one a row holds: it keeps the store's form, which is equal in value to each.
A CONSTRUCT or DESCRIBE answer knows the triple: one whose subject, predicate and store form
were written in one way only gets that form. Values a query computes or gives itself (``AS``,
literals in ``VALUES``) keep the engine's form. Nothing is ever given a form that was not
written for it.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..validate.literals import rewrites, typed_objects
from .guard import tokens
from .results import RESULT_FORMATS

#: the file beside an on-disk store that holds its written forms
FILE = "written.json"
_VERSION = 1
_TYPED = b'"^^<'
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: the characters of the canonical forms the store writes (numbers, booleans, dates, durations)
_PLAIN = re.compile(r"[-+.:0-9A-Za-z]+")
#: a token of an answer that such a form could be (never ending in "." : Turtle's " ." is not)
_TOKEN = re.compile(rb"[-+:0-9A-Za-z](?:[-+.:0-9A-Za-z]*[-+:0-9A-Za-z])?")
#: up to this many forms, each is looked for with one substring search
_FEW = 32


class Written:
    """Which store forms of typed literals stand for which forms as written (N-Triples)."""

    def __init__(
        self,
        terms: dict[str, str] | None = None,
        triples: dict[tuple[str, str, str], str] | None = None,
        ambiguous: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        #: store form -> the one form written for it
        self.terms = terms or {}
        #: (subject, predicate, store form) -> the form written in that triple (subjects that
        #: are IRIs: blank nodes are renamed in answers; not where one triple of the store
        #: stands for two written ones)
        self.triples = triples or {}
        #: store form -> every form written for it, where there are several
        self.ambiguous = ambiguous or {}
        forms = {*self.terms, *(k[2] for k in self.triples)}
        lexes = {_lexical(s) for s in forms}
        self._always = any(not _PLAIN.fullmatch(x) for x in lexes)
        self._lexes = frozenset(x.encode("utf-8") for x in lexes)
        by_type: dict[bytes, set[bytes]] = {}
        for form in forms:
            by_type.setdefault(_datatype(form).encode(), set()).add(_lexical(form).encode())
        #: datatype IRI -> the lexical forms of the store forms of that datatype
        self._by_type = {k: frozenset(v) for k, v in by_type.items()}
        self._literals: dict[str, ox.Literal] = {}

    def __bool__(self) -> bool:
        return bool(self.terms or self.triples)

    def may_hold(self, body: bytes, typed: bool = False) -> bool:
        """Return False when the answer ``body`` holds none of the store forms that stand for
        another form; True when it may (then look closer). ``typed``: the format writes every
        typed literal's datatype IRI in full (SPARQL JSON and XML results, N-Triples, JSON-LD,
        RDF/XML; not Turtle, TSV or CSV), so an answer without the datatype holds none of its
        forms (one search for a long IRI, where the lexical forms may be short and common)."""
        if not self:
            return False
        if self._always:
            return True
        if typed:
            return any(dt in body and _found(lx, body) for dt, lx in self._by_type.items())
        return _found(self._lexes, body)

    def term(self, term: object) -> object:
        """Return ``term`` as written (a literal the store keeps in another form), else itself."""
        if isinstance(term, ox.Literal):
            written = self.terms.get(str(term))
            if written is not None:
                return self._literal(written)
        return term

    def triple(self, triple: ox.Triple, only_as_held: bool = False) -> ox.Triple:
        """Return ``triple`` with its object as written in that triple, or (unless
        ``only_as_held``) as written anywhere when only one form was written for the store's
        form."""
        o = triple.object
        if not isinstance(o, ox.Literal):
            return triple
        stored = str(o)
        written = self.triples.get((str(triple.subject), str(triple.predicate), stored))
        if written is None and not only_as_held:
            written = self.terms.get(stored)
        if written is None:
            return triple
        return ox.Triple(triple.subject, triple.predicate, self._literal(written))

    def _literal(self, written: str) -> ox.Literal:
        cache = self._literals
        lit = cache.get(written)
        if lit is None:
            doc = f"<urn:x:s> <urn:x:p> {written} .\n".encode()
            obj = next(iter(ox.parse(doc, format=ox.RdfFormat.N_TRIPLES))).object
            assert isinstance(obj, ox.Literal)
            lit = cache[written] = obj
        return lit

    def solutions(
        self,
        body: bytes,
        fmt: str,
        again: Callable[[], ox.QuerySolutions] | None = None,
        query: str = "",
    ) -> bytes:
        """Return a SELECT answer ``body`` in ``fmt`` (json, xml, csv, tsv) with its literals as
        written; ``body`` itself when it holds none to change. CSV keeps no datatypes, so its
        rows are read from ``again()`` (the query run once more); without it, CSV is kept.
        Variables that ``query`` binds itself (computed values) keep the engine's form."""
        if fmt == "csv":
            if again is None:
                return body
            solutions: object = again()
        else:
            solutions = ox.parse_query_results(body, format=RESULT_FORMATS[fmt])
        if not isinstance(solutions, ox.QuerySolutions):
            return body
        names = [v.value for v in solutions.variables]
        own = own_variables(query)
        mapped = [n not in own for n in names]
        rows: list[list[object]] = []
        changed = False
        for sol in solutions:
            row: list[object] = []
            for i in range(len(names)):
                t = sol[i]
                w = self.term(t) if mapped[i] else t
                changed = changed or w is not t
                row.append(w)
            rows.append(row)
        if not changed:
            return body
        return write_solutions(names, rows, fmt)

    def graph(
        self,
        body: bytes,
        fmt: ox.RdfFormat,
        prefixes: Mapping[str, str] | None = None,
        query: str = "",
    ) -> bytes:
        """Return a CONSTRUCT or DESCRIBE answer ``body`` in ``fmt`` with its literals as
        written; ``body`` itself when it holds none to change. A CONSTRUCT that binds values
        itself (``query``: ``AS``, literals in ``VALUES``) may put them anywhere in its
        template: then only triples the dataset holds as such get their written form."""
        own = bool(own_variables(query))
        triples = [q.triple for q in ox.parse(body, format=fmt)]
        mapped = [self.triple(t, own) for t in triples]
        if all(m is t for m, t in zip(mapped, triples, strict=True)):
            return body
        if fmt == ox.RdfFormat.TURTLE:
            out = ox.serialize(mapped, format=fmt, prefixes=dict(prefixes or {}))
        else:
            out = ox.serialize(mapped, format=fmt)
        assert out is not None
        return out

    # -- kept beside an on-disk store
    def save(self, folder: Path) -> None:
        """Write the forms into ``folder`` (:data:`FILE`)."""
        doc = {
            "version": _VERSION,
            "terms": dict(sorted(self.terms.items())),
            "triples": sorted([*k, v] for k, v in self.triples.items()),
            "ambiguous": {k: list(v) for k, v in sorted(self.ambiguous.items())},
        }
        (folder / FILE).write_text(json.dumps(doc, ensure_ascii=False, indent=0), "utf-8")


EMPTY = Written()


def load(folder: Path) -> Written | None:
    """Return the forms kept in ``folder``; None if it has none (a store built before them)."""
    try:
        doc = json.loads((folder / FILE).read_text("utf-8"))
    except FileNotFoundError:
        return None
    if doc.get("version") != _VERSION:
        return None
    return Written(
        dict(doc["terms"]),
        {(s, p, o): w for s, p, o, w in doc["triples"]},
        {k: tuple(v) for k, v in doc["ambiguous"].items()},
    )


def written_forms(lines: Iterable[bytes]) -> Written:
    """Return the written forms of the typed literals of N-Triples ``lines`` (any order: the
    union of an edition and its description) that the store keeps in another form."""
    typed = sorted({line for line in lines if _TYPED in line})
    found = rewrites(typed)
    if not found:
        return EMPTY
    as_is = typed_objects(typed)
    forms: dict[str, set[str]] = {}
    for r in found:
        forms.setdefault(r.stored, set()).add(r.written)
    terms: dict[str, str] = {}
    ambiguous: dict[str, tuple[str, ...]] = {}
    for stored, written in forms.items():
        if stored.encode("utf-8") in as_is:
            written = written | {stored}
        if len(written) == 1:
            terms[stored] = next(iter(written))
        else:
            ambiguous[stored] = tuple(sorted(written))
    triples = {
        (f"<{r.subject}>", f"<{r.predicate}>", r.stored): r.written
        for r in found
        if not r.merged and not r.subject.startswith("_:")
    }
    return Written(terms, triples, ambiguous)


def description_lines(path: Path) -> list[bytes]:
    """Return the N-Triples lines of the typed literals of a Turtle file (the description)."""
    out = []
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        o = q.object
        if isinstance(o, ox.Literal) and not o.language and o.datatype.value != _XSD_STRING:
            out.append(f"{q.subject} {q.predicate} {o} .".encode())
    return out


@functools.lru_cache(maxsize=256)
def own_variables(query: str) -> frozenset[str]:
    """Return the variables ``query`` binds to values of its own, not read from the dataset:
    after ``AS`` (an expression, an aggregate, ``BIND``), and in ``VALUES`` blocks that hold
    literals (a block of IRIs binds no literal)."""
    toks = list(tokens(query))
    own: set[str] = set()
    for i, (kind, value) in enumerate(toks):
        if kind != "word":
            continue
        word = value.upper()
        if word == "AS" and i + 1 < len(toks) and toks[i + 1][0] == "var":
            own.add(toks[i + 1][1][1:])
        elif word == "VALUES":
            names, j = _values_block(toks, i + 1)
            if _holds_literals(toks, j):
                own.update(names)
    return frozenset(own)


def _values_block(toks: list[tuple[str, str]], j: int) -> tuple[list[str], int]:
    """Return the variables of a VALUES clause starting at ``j`` and where its data begins."""
    if j < len(toks) and toks[j][0] == "var":
        return [toks[j][1][1:]], j + 1
    names = []
    if j < len(toks) and toks[j][1] == "(":
        j += 1
        while j < len(toks) and toks[j][0] == "var":
            names.append(toks[j][1][1:])
            j += 1
        j += 1  # ")"
    return names, j


def _holds_literals(toks: list[tuple[str, str]], j: int) -> bool:
    """Return True when the data block ``{ ... }`` at ``j`` holds anything but IRIs."""
    depth = 0
    for kind, value in toks[j:]:
        if value == "{":
            depth += 1
        elif value == "}":
            depth -= 1
            if depth <= 0:
                return False
        elif kind in ("iri", "pname") or value in ("(", ")") or value.upper() == "UNDEF":
            continue
        else:
            return True
    return False


def _lexical(literal: str) -> str:
    return literal[1 : literal.rindex('"^^<')]


def _datatype(literal: str) -> str:
    return literal[literal.rindex('"^^<') + 4 : -1]


def _found(lexes: frozenset[bytes], body: bytes) -> bool:
    """Return True when one of ``lexes`` may be in ``body``."""
    if len(lexes) <= _FEW:
        return any(x in body for x in lexes)
    return not lexes.isdisjoint(_TOKEN.findall(body))


# -- SELECT answers written here (only when a literal changed: the engine writes the rest)
def write_solutions(names: list[str], rows: list[list[object]], fmt: str) -> bytes:
    """Return SELECT rows of terms (None: unbound) in a W3C results format."""
    if fmt == "json":
        doc = {
            "head": {"vars": names},
            "results": {
                "bindings": [
                    {n: _json(t) for n, t in zip(names, row, strict=True) if t is not None}
                    for row in rows
                ]
            },
        }
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if fmt == "xml":
        parts = [
            '<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>',
            *(f"<variable name={quoteattr(n)}/>" for n in names),
            "</head><results>",
        ]
        for row in rows:
            parts.append("<result>")
            for n, t in zip(names, row, strict=True):
                if t is not None:
                    parts.append(f"<binding name={quoteattr(n)}>{_xml(t)}</binding>")
            parts.append("</result>")
        parts.append("</results></sparql>")
        return "".join(parts).encode("utf-8")
    if fmt == "tsv":
        lines = ["\t".join("?" + n for n in names)]
        lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "csv":
        lines = [",".join(_csv(n) for n in names)]
        lines += [",".join(_csv(_plain(t)) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode("utf-8")
    raise ValueError(f"no SPARQL results format {fmt!r}")


def _json(t: object) -> dict[str, object]:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.BlankNode):
        return {"type": "bnode", "value": t.value}
    if isinstance(t, ox.Literal):
        out: dict[str, object] = {"type": "literal", "value": t.value}
        if t.language:
            out["xml:lang"] = t.language
        elif t.datatype.value != _XSD_STRING:
            out["datatype"] = t.datatype.value
        return out
    if isinstance(t, ox.Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json(t.subject),
                "predicate": _json(t.predicate),
                "object": _json(t.object),
            },
        }
    raise TypeError(f"not an RDF term: {t!r}")


def _xml(t: object) -> str:
    if isinstance(t, ox.NamedNode):
        return f"<uri>{escape(t.value)}</uri>"
    if isinstance(t, ox.BlankNode):
        return f"<bnode>{escape(t.value)}</bnode>"
    if isinstance(t, ox.Literal):
        if t.language:
            return f"<literal xml:lang={quoteattr(t.language)}>{escape(t.value)}</literal>"
        if t.datatype.value != _XSD_STRING:
            return f"<literal datatype={quoteattr(t.datatype.value)}>{escape(t.value)}</literal>"
        return f"<literal>{escape(t.value)}</literal>"
    if isinstance(t, ox.Triple):
        return (
            f"<triple><subject>{_xml(t.subject)}</subject><predicate>{_xml(t.predicate)}"
            f"</predicate><object>{_xml(t.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {t!r}")


def _plain(t: object) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode | ox.Literal):
        return t.value
    if isinstance(t, ox.BlankNode):
        return f"_:{t.value}"
    return str(t)


def _csv(text: str) -> str:
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text
