"""Compile SHACL shapes into SPARQL queries for the fast validator (see ``fast.py``).

Each supported constraint becomes one SELECT query over the whole store that returns the
violating (focus, value) rows of every focus node at once; pyshacl's per-focus-node loops become
joins inside pyoxigraph. Anything outside the supported subset is listed up front in an
:class:`UnsupportedShape` error so that the caller runs the reference validator instead.

The supported subset: node and property shapes with ``sh:targetClass`` (following
``rdfs:subClassOf*``), ``sh:targetNode``, ``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and
implicit class targets; property shapes with an IRI path, reached through ``sh:property``;
``sh:minCount``, ``sh:maxCount``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` (with
``sh:flags``), ``sh:class``, ``sh:or`` of shapes made of ``sh:class``/``sh:nodeKind``,
``sh:uniqueLang``, ``sh:severity``, ``sh:deactivated``, and SPARQL SELECT constraints on node
shapes whose query binds ``$this`` at the top level. Every shape and SPARQL constraint must
carry an ``sh:message`` (pyshacl's generated messages are not reproduced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, RDFS, SH, XSD

from .reference import shape_name

#: What the compiled query of a check computes, and how its rows become results.
ROW_PLAIN = "plain"  # each row is a violation: ?this [?v]
ROW_DATATYPE = "datatype"  # rows are candidates; rdflib's datatype rules decide
ROW_PATTERN = "pattern"  # rows are candidates; Python's re decides, as pyshacl does
ROW_SPARQL = "sparql"  # rows of a SHACL-SPARQL constraint

_SHAPE_TYPES = (SH.NodeShape, SH.PropertyShape)
_TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Predicates that describe a shape without constraining anything (pyshacl ignores them).
_DESCRIPTIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    RDFS.seeAlso,
    RDFS.isDefinedBy,
    SH.message,
    SH.description,
    SH.name,
    SH.order,
    SH.group,
    SH.severity,
    SH.deactivated,
    SH.defaultValue,
}
_NODE_PARAMS = {
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH["class"],
    SH.datatype,
    SH["or"],
    SH.property,
    SH.sparql,
    *_TARGETS,
}
_PROPERTY_PARAMS = {
    SH.path,
    SH.minCount,
    SH.maxCount,
    SH.uniqueLang,
    SH.nodeKind,
    SH.pattern,
    SH.flags,
    SH["class"],
    SH.datatype,
    SH["or"],
    *_TARGETS,
}
_OR_MEMBER_PARAMS = {SH["class"], SH.nodeKind}
_SPARQL_PARAMS = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.select,
    SH.message,
    SH.prefixes,
    SH.description,
    SH.deactivated,
    SH.name,
}

_NODE_KIND_FAILS = {
    SH.IRI: "!isIRI(?v)",
    SH.BlankNode: "!isBlank(?v)",
    SH.Literal: "!isLiteral(?v)",
    SH.BlankNodeOrIRI: "isLiteral(?v)",
    SH.BlankNodeOrLiteral: "isIRI(?v)",
    SH.IRIOrLiteral: "isBlank(?v)",
}
_NODE_KIND_PASSES = {
    SH.IRI: "isIRI(?v)",
    SH.BlankNode: "isBlank(?v)",
    SH.Literal: "isLiteral(?v)",
    SH.BlankNodeOrIRI: "!isLiteral(?v)",
    SH.BlankNodeOrLiteral: "!isIRI(?v)",
    SH.IRIOrLiteral: "!isBlank(?v)",
}

# Literals of these datatypes that SPARQL proves well-formed and in rdflib's canonical form;
# every other value goes to rdflib to decide (see fast._datatype_ok).
_DATE_OK = (
    f'(DATATYPE(?v) = <{str(XSD)}date> && !STRSTARTS(STR(?v), "0000") && '
    'REGEX(STR(?v), "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") && '
    f"COALESCE(sameTerm(<{str(XSD)}date>(STR(?v)), ?v), false))"
)

# Regular expression syntax on which Python's re (pyshacl) and SPARQL REGEX agree.
_PATTERN_UNSAFE = re.compile(r"\(\?|\\[A-Za-z0-9]|\[:|\[[^\]]*-\[|[^\x20-\x7e]")

_SPARQL_REJECT = (
    "MINUS",
    "SERVICE",
    "GRAPH",
    "VALUES",
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "ORDER",
    "COUNT",
    "SUM",
    "MIN",
    "MAX",
    "AVG",
    "SAMPLE",
    "GROUP_CONCAT",
    "FROM",
    "CONSTRUCT",
    "ASK",
    "DESCRIBE",
)


class Unsupported(Exception):  # noqa: N818 (a signal, handled by validate_auto)
    """The fast validator cannot give exactly the reference's results; run pyshacl."""

    def __init__(self, items: list[tuple[str, str]]) -> None:
        self.items = sorted(set(items))
        super().__init__("unsupported: " + "; ".join(f"{s}, {c}" for s, c in self.items))


class UnsupportedShape(Unsupported):
    """A shape uses a SHACL feature the fast validator does not compile."""


@dataclass
class Check:
    """One compiled constraint: its query and what a row of it means."""

    query: str
    kind: str
    severity: str
    path: str | None
    component: str
    shape: str
    messages: tuple[str, ...]
    hint: str | None
    has_value: bool = True
    #: ROW_DATATYPE: the sh:datatype IRI the candidates are checked against
    datatype: rdflib.URIRef | None = None
    #: ROW_PATTERN: the sh:pattern and the sh:flags (as Python's re reads them)
    pattern: tuple[str, str] | None = None
    #: SPARQL constraints: the messages of the constraint node and the variable names
    extra_messages: tuple[str, ...] = ()
    is_node_shape: bool = False
    order: int = 0
    #: the predicates whose values the check reads; None: it may read any
    predicates: frozenset[str] | None = frozenset()
    #: the predicates whose subjects or objects are the check's focus nodes (read as they are)
    focus_predicates: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Origin:
    """What every check of one shape shares: severity, path, shape name, messages, hint."""

    severity: str
    path: str | None
    shape: str
    messages: tuple[str, ...]
    hint: str | None

    def check(
        self,
        query: str,
        kind: str,
        component: str,
        *,
        has_value: bool = True,
        datatype: rdflib.URIRef | None = None,
        pattern: tuple[str, str] | None = None,
    ) -> Check:
        """Return the check of one constraint of this shape."""
        return Check(
            query,
            kind,
            severity=self.severity,
            path=self.path,
            component=component,
            shape=self.shape,
            messages=self.messages,
            hint=self.hint,
            has_value=has_value,
            datatype=datatype,
            pattern=pattern,
        )


@dataclass(frozen=True)
class Focus:
    """The focus nodes of a shape in SPARQL: as a group binding ?this, and as a test of ?this.

    Queries that start from the focus nodes (sh:minCount, node-level constraints) join the
    group; the others find the violating triples first and test only those rows for focus
    membership, which avoids enumerating 100,000s of focus nodes per constraint.
    """

    join: str
    test: str
    #: the predicates whose subjects or objects are focus nodes (sh:targetSubjectsOf/ObjectsOf)
    predicates: frozenset[str] = frozenset()


def _boolean(node: rdflib.term.Node) -> bool:
    """Return whether ``node`` is ``true`` or ``false`` as written (the values the spec names:
    pyshacl reads "1"^^xsd:boolean as true, the W3C suite does not)."""
    return (
        isinstance(node, rdflib.Literal)
        and node.datatype == XSD.boolean
        and str(node) in ("true", "false")
    )


def _order(node: rdflib.term.Node) -> str:
    """Return a sort key for RDF terms: their N-Triples form (distinct for distinct terms)."""
    return node.n3()


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def sparql_string(text: str) -> str:
    """Return ``text`` as a SPARQL string literal."""
    out = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{out}"'


def sparql_term(node: rdflib.term.Node) -> str:
    """Return an rdflib IRI or literal in SPARQL syntax."""
    if isinstance(node, rdflib.URIRef):
        return f"<{node}>"
    if isinstance(node, rdflib.Literal):
        if node.language:
            return f"{sparql_string(str(node))}@{node.language}"
        if node.datatype is not None:
            return f"{sparql_string(str(node))}^^<{node.datatype}>"
        return sparql_string(str(node))
    raise TypeError(f"no SPARQL syntax for the blank node {node}")


class _Compiler:
    def __init__(self, shapes: rdflib.Graph, *, require_messages: bool = True) -> None:
        self.g = shapes
        self.require_messages = require_messages
        self.problems: list[tuple[str, str]] = []
        self.checks: list[Check] = []

    # -- helpers -----------------------------------------------------------------------------
    def name(self, node: rdflib.term.Node) -> str:
        return shape_name(self.g, node)

    def refuse(self, node: rdflib.term.Node, what: str) -> None:
        self.problems.append((self.name(node), what))

    def one(self, node: rdflib.term.Node, pred: rdflib.URIRef) -> rdflib.term.Node | None:
        vals = list(self.g.objects(node, pred))
        if len(vals) > 1:
            self.refuse(node, f"{_local(str(pred))} given {len(vals)} times")
        return vals[0] if vals else None

    def deactivated(self, node: rdflib.term.Node) -> bool:
        val = self.one(node, SH.deactivated)
        if val is None:
            return False
        if not _boolean(val):
            self.refuse(node, f"deactivated {val.n3()} (not true or false)")
            return False
        return str(val) == "true"

    def common(self, node: rdflib.term.Node) -> tuple[str, tuple[str, ...], str | None]:
        sev = self.one(node, SH.severity)
        severity = _local(str(sev)) if sev is not None else "Violation"
        messages = tuple(sorted(str(m) for m in self.g.objects(node, SH.message)))
        name = self.name(node)
        hint = self.g.value(rdflib.URIRef(name), SH.description) if name else None
        return severity, messages, (str(hint) if hint is not None else None)

    def check_params(self, node: rdflib.term.Node, allowed: set[rdflib.URIRef]) -> None:
        for p in sorted(set(self.g.predicates(node, None)), key=_order):
            if p in _DESCRIPTIVE or p in allowed:
                continue
            if str(p).startswith(str(SH)):
                self.refuse(node, _local(str(p)))

    # -- targets -----------------------------------------------------------------------------
    def implicit_class(self, node: rdflib.term.Node) -> bool:
        classes = set(self.g.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        return any(t in classes for t in self.g.objects(node, RDF.type))

    def focus(self, node: rdflib.term.Node) -> Focus | None:
        """Return the focus nodes of a shape in SPARQL, or None if it has no targets."""
        parts: list[str] = []
        tests: list[str] = []
        classes = sorted(self.g.objects(node, SH.targetClass), key=_order)
        if self.implicit_class(node):
            classes.append(node)
        if any(not isinstance(c, rdflib.URIRef) for c in classes):
            self.refuse(node, "targetClass that is not an IRI")
            return None
        if classes:
            values = " ".join(sparql_term(c) for c in classes)
            parts.append(
                f"{{ VALUES ?hrdlodTc {{ {values} }} "
                f"?this <{RDF.type}>/<{RDFS.subClassOf}>* ?hrdlodTc }}"
            )
            # One EXISTS per class, with the class as a constant: evaluated from ?this.
            tests += [
                f"EXISTS {{ ?this <{RDF.type}>/<{RDFS.subClassOf}>* {sparql_term(c)} }}"
                for c in classes
            ]
        nodes = sorted(self.g.objects(node, SH.targetNode), key=_order)
        if nodes:
            if any(isinstance(n, rdflib.BNode) for n in nodes):
                self.refuse(node, "targetNode that is a blank node")
                return None
            terms = [sparql_term(n) for n in nodes]
            parts.append(f"{{ VALUES ?this {{ {' '.join(terms)} }} }}")
            tests += [f"sameTerm(?this, {t})" for t in terms]
        for pred, pattern in (
            (SH.targetSubjectsOf, "?this {p} ?hrdlodX"),
            (SH.targetObjectsOf, "?hrdlodX {p} ?this"),
        ):
            for p in sorted(self.g.objects(node, pred), key=_order):
                if not isinstance(p, rdflib.URIRef):
                    self.refuse(node, f"{_local(str(pred))} that is not an IRI")
                    return None
                group = "{ " + pattern.format(p=sparql_term(p)) + " }"
                parts.append(group)
                tests.append(f"EXISTS {group}")
        if not parts:
            return None
        return Focus(
            "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join(parts) + " } }",
            "(" + " || ".join(tests) + ")",
            frozenset(
                str(p)
                for pred in (SH.targetSubjectsOf, SH.targetObjectsOf)
                for p in self.g.objects(node, pred)
            ),
        )

    # -- shapes ------------------------------------------------------------------------------
    def compile(self) -> list[Check]:
        g = self.g
        shapes: set[rdflib.term.Node] = set()
        for t in _SHAPE_TYPES:
            shapes.update(g.subjects(RDF.type, t))
        for p in _TARGETS:
            shapes.update(g.subjects(p, None))
        for s in list(g.subjects(RDF.type, None)):
            if self.implicit_class(s) and (s, RDF.type, SH.NodeShape) in g:
                shapes.add(s)
        for p in (SH.node, SH["not"], SH["and"], SH.xone, SH.qualifiedValueShape):
            for s, _o in g.subject_objects(p):
                self.refuse(s, _local(str(p)))
        for s in g.subjects(RDF.type, SH.NodeShape):
            if (s, SH.path, None) in g:
                self.refuse(s, "a NodeShape with sh:path")
        self.custom_components()
        for shape in sorted(shapes, key=str):
            focus = self.focus(shape)
            if focus is None or self.deactivated(shape):
                continue
            start = len(self.checks)
            if (shape, SH.path, None) in g:
                self.property_shape(shape, focus)
            else:
                self.node_shape(shape, focus)
            for check in self.checks[start:]:
                check.focus_predicates = focus.predicates
        if self.problems:
            raise UnsupportedShape(self.problems)
        for i, c in enumerate(self.checks):
            c.order = i
        return self.checks

    def custom_components(self) -> None:
        """Refuse every node that gives a parameter of a declared constraint component.

        A parameter of a component outside SHACL Core (``sh:parameter [ sh:path ex:lang ]``
        with a SPARQL validator) makes its shapes run that validator in pyshacl; the fast
        engine compiles none, so a shape that uses one is refused (never silently passed).
        """
        g = self.g
        params: dict[rdflib.URIRef, rdflib.term.Node] = {}
        for comp, param in g.subject_objects(SH.parameter):
            for path in g.objects(param, SH.path):
                if isinstance(path, rdflib.URIRef):
                    params.setdefault(path, comp)
                else:
                    self.refuse(comp, "a constraint component parameter without an IRI path")
        for path, comp in sorted(params.items(), key=lambda item: str(item[0])):
            for user in g.subjects(path, None):
                self.refuse(
                    user, f"custom constraint component {self.name(comp)} (parameter {path})"
                )

    def missing_message(self, shape: rdflib.term.Node) -> None:
        if self.require_messages:
            self.refuse(shape, "no sh:message (pyshacl's generated message is not reproduced)")

    def node_shape(self, shape: rdflib.term.Node, focus: Focus) -> None:
        self.check_params(shape, _NODE_PARAMS)
        severity, messages, hint = self.common(shape)
        if not messages and self._has_constraints(shape, node=True):
            self.missing_message(shape)
        self.value_checks(shape, focus, None, None, severity, messages, hint)
        for prop in sorted(self.g.objects(shape, SH.property), key=str):
            if (prop, SH.path, None) not in self.g:
                self.refuse(prop, "a property shape without sh:path")
                continue
            if self.deactivated(prop):
                continue
            self.property_shape(prop, focus)
        for constraint in sorted(self.g.objects(shape, SH.sparql), key=str):
            self.sparql(shape, constraint, focus, severity, messages)

    def _has_constraints(self, shape: rdflib.term.Node, node: bool) -> bool:
        params = {SH.nodeKind, SH.pattern, SH["class"], SH.datatype, SH["or"]}
        if not node:
            params |= {SH.minCount, SH.maxCount, SH.uniqueLang}
        return any((shape, p, None) in self.g for p in params)

    def property_shape(self, shape: rdflib.term.Node, focus: Focus) -> None:
        self.check_params(shape, _PROPERTY_PARAMS)
        path = self.one(shape, SH.path)
        if not isinstance(path, rdflib.URIRef):
            self.refuse(shape, "a path that is not a single IRI")
            return
        severity, messages, hint = self.common(shape)
        if not messages and self._has_constraints(shape, node=False):
            self.missing_message(shape)
        p = sparql_term(path)
        base = Origin(severity, str(path), self.name(shape), messages, hint)
        for pred, comp, op in (
            (SH.minCount, "MinCountConstraintComponent", "<"),
            (SH.maxCount, "MaxCountConstraintComponent", ">"),
        ):
            val = self.one(shape, pred)
            if val is None:
                continue
            if not isinstance(val, rdflib.Literal) or not isinstance(val.value, int):
                self.refuse(shape, f"{_local(str(pred))} is not an integer")
                continue
            n = int(val.value)
            if op == "<" and n == 0:
                continue
            if op == "<" and n == 1:
                q = f"SELECT ?this WHERE {{ {focus.join} FILTER NOT EXISTS {{ ?this {p} ?v }} }}"
            elif op == "<":
                q = (
                    f"SELECT ?this WHERE {{ {focus.join} OPTIONAL {{ ?this {p} ?v }} }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {n})"
                )
            else:
                q = (
                    f"SELECT ?this WHERE {{ {{ SELECT ?this WHERE {{ ?this {p} ?v }} "
                    f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {n}) }} "
                    f"FILTER({focus.test}) }}"
                )
            self.checks.append(base.check(q, ROW_PLAIN, comp, has_value=False))
        unique = self.one(shape, SH.uniqueLang)
        if unique is not None:
            if not _boolean(unique):
                self.refuse(shape, f"uniqueLang {unique.n3()} (not true or false)")
            elif str(unique) == "true":
                # One result per language tag used twice, as pyshacl reports (without a value).
                q = (
                    f"SELECT ?this WHERE {{ {{ SELECT DISTINCT ?this ?lang WHERE {{ "
                    f"?this {p} ?v . ?this {p} ?w "
                    f'FILTER(?v != ?w && isLiteral(?v) && isLiteral(?w) && LANG(?v) != "" '
                    f"&& LCASE(LANG(?v)) = LCASE(LANG(?w))) BIND(LCASE(LANG(?v)) AS ?lang) }} }} "
                    f"FILTER({focus.test}) }}"
                )
                self.checks.append(
                    base.check(q, ROW_PLAIN, "UniqueLangConstraintComponent", has_value=False)
                )
        self.value_checks(shape, focus, p, str(path), severity, messages, hint)

    def value_checks(
        self,
        shape: rdflib.term.Node,
        focus: Focus,
        p: str | None,
        path: str | None,
        severity: str,
        messages: tuple[str, ...],
        hint: str | None,
    ) -> None:
        """Compile the constraints that test each value node on its own (p: None for the node)."""
        base = Origin(severity, path, self.name(shape), messages, hint)

        def rows(cond: str) -> str:
            if p is None:
                return (
                    f"SELECT DISTINCT ?this ?v WHERE {{ {focus.join} BIND(?this AS ?v) "
                    f"FILTER({cond}) }}"
                )
            # The value test first: only violating rows are tested for focus membership.
            # IF, not &&: oxigraph evaluates both sides of && (the membership EXISTS for every
            # value: 3 s of 8 at 100,000 conferrals); IF evaluates its condition, then one
            # branch. For a FILTER the two agree (false and error both drop the row).
            return (
                f"SELECT DISTINCT ?this ?v WHERE {{ ?this {p} ?v FILTER(IF(({cond}), "
                f"{focus.test}, false)) }}"
            )

        def without(classes: list[rdflib.URIRef]) -> str:
            # MINUS computes each class's members once; NOT EXISTS would walk the class
            # hierarchy again for every value.
            minus = " ".join(
                f"MINUS {{ ?v <{RDF.type}>/<{RDFS.subClassOf}>* <{c}> }}" for c in classes
            )
            if p is None:
                return (
                    f"SELECT DISTINCT ?this ?v WHERE {{ {focus.join} BIND(?this AS ?v) {minus} }}"
                )
            return (
                f"SELECT DISTINCT ?this ?v WHERE {{ {{ SELECT DISTINCT ?this ?v WHERE {{ "
                f"?this {p} ?v {minus} }} }} FILTER({focus.test}) }}"
            )

        kind = self.one(shape, SH.nodeKind)
        if kind is not None:
            if not isinstance(kind, rdflib.URIRef) or kind not in _NODE_KIND_FAILS:
                self.refuse(shape, f"nodeKind {kind}")
            else:
                self.checks.append(
                    base.check(
                        rows(_NODE_KIND_FAILS[kind]), ROW_PLAIN, "NodeKindConstraintComponent"
                    )
                )
        dtype = self.one(shape, SH.datatype)
        if dtype is not None:
            if not isinstance(dtype, rdflib.URIRef):
                self.refuse(shape, "datatype that is not an IRI")
            else:
                self.checks.append(
                    base.check(
                        rows(f"!({_datatype_fast_ok(dtype)})"),
                        ROW_DATATYPE,
                        "DatatypeConstraintComponent",
                        datatype=dtype,
                    )
                )
        patterns = list(self.g.objects(shape, SH.pattern))
        flags_node = self.one(shape, SH.flags)
        written_flags = str(flags_node) if flags_node is not None else ""
        if set(written_flags) - set("im"):
            # pyshacl reads only i and m (and in any case); SPARQL's s, x and q, and anything
            # else, would be ignored by one engine and not the other.
            self.refuse(shape, f"flags {written_flags!r} (only 'i' and 'm' are run as written)")
            return
        flags = "".join(f for f in "im" if f in written_flags)
        for pat in sorted(patterns, key=str):
            text = str(pat)
            try:
                re.compile(text)
            except re.error as exc:
                # SPARQL's REGEX would fail on every value (no row: a silent pass)
                self.refuse(shape, f"pattern {text!r} is not a regular expression ({exc})")
                continue
            if not isinstance(pat, rdflib.Literal) or _PATTERN_UNSAFE.search(text):
                self.refuse(
                    shape, f"pattern {text!r} (outside the regex syntax SPARQL and Python agree on)"
                )
                continue
            cond = (
                f"isBlank(?v) || !REGEX(STR(?v), {sparql_string(text)}, "
                f"{sparql_string(flags)}) || "
                'CONTAINS(STR(?v), "\\n") || CONTAINS(STR(?v), "\\r") || '
                f"(isLiteral(?v) && DATATYPE(?v) != <{XSD.string}> && "
                f"DATATYPE(?v) != <{RDF.langString}>)"
            )
            if flags:
                cond += ' || REGEX(STR(?v), "[^\\\\x00-\\\\x7F]")'
            self.checks.append(
                base.check(
                    rows(cond), ROW_PATTERN, "PatternConstraintComponent", pattern=(text, flags)
                )
            )
        for cls in sorted(self.g.objects(shape, SH["class"]), key=str):
            if not isinstance(cls, rdflib.URIRef):
                self.refuse(shape, "class that is not an IRI")
                continue
            self.checks.append(base.check(without([cls]), ROW_PLAIN, "ClassConstraintComponent"))
        for lst in sorted(self.g.objects(shape, SH["or"]), key=str):
            members = list(rdflib.collection.Collection(self.g, lst))
            tests = [self.or_member(shape, m) for m in members]
            if not members or any(t is None for t in tests):
                continue
            single = [
                [c for c in self.g.objects(m, SH["class"]) if isinstance(c, rdflib.URIRef)]
                for m in members
            ]
            if all(
                len(c) == 1 and (m, SH.nodeKind, None) not in self.g
                for m, c in zip(members, single, strict=True)
            ):
                query = without([c[0] for c in single])
            else:
                query = rows("!(" + " || ".join(f"({t})" for t in tests) + ")")
            self.checks.append(base.check(query, ROW_PLAIN, "OrConstraintComponent"))

    def or_member(self, shape: rdflib.term.Node, member: rdflib.term.Node) -> str | None:
        """Return a SPARQL test that ?v conforms to one member of an sh:or list."""
        preds = {p for p in self.g.predicates(member, None) if p not in _DESCRIPTIVE}
        if (
            preds - _OR_MEMBER_PARAMS
            or not preds
            or self.deactivated(member)
            or (member, SH.severity, None) in self.g
        ):
            self.refuse(shape, "or (members other than sh:class/sh:nodeKind shapes)")
            return None
        tests = []
        for cls in self.g.objects(member, SH["class"]):
            if not isinstance(cls, rdflib.URIRef):
                self.refuse(shape, "or member class that is not an IRI")
                return None
            tests.append(_class_test(cls))
        for kind in self.g.objects(member, SH.nodeKind):
            if not isinstance(kind, rdflib.URIRef) or kind not in _NODE_KIND_PASSES:
                self.refuse(shape, f"or member nodeKind {kind}")
                return None
            tests.append(_NODE_KIND_PASSES[kind])
        return " && ".join(sorted(tests))

    # -- SHACL-SPARQL ------------------------------------------------------------------------
    def sparql(
        self,
        shape: rdflib.term.Node,
        constraint: rdflib.term.Node,
        focus: Focus,
        severity: str,
        messages: tuple[str, ...],
    ) -> None:
        g = self.g
        for p in set(g.predicates(constraint, None)):
            if p not in _SPARQL_PARAMS:
                self.refuse(shape, f"sparql constraint with {_local(str(p))}")
                return
        if self.deactivated(constraint):
            return
        select = self.one(constraint, SH.select)
        if not isinstance(select, rdflib.Literal):
            self.refuse(shape, "sparql constraint without sh:select")
            return
        extra = tuple(str(m) for m in g.objects(constraint, SH.message))
        if not extra and not messages and self.require_messages:
            self.refuse(shape, "sparql constraint without sh:message")
            return
        prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": "http://www.w3.org/2002/07/owl#"}
        for pnode in g.objects(constraint, SH.prefixes):
            for decl in g.objects(pnode, SH.declare):
                pfx, ns = g.value(decl, SH.prefix), g.value(decl, SH.namespace)
                if pfx is not None and ns is not None:
                    prefixes[str(pfx)] = str(ns)
        text = str(select)
        problem = sparql_problem(text)
        if problem:
            self.refuse(shape, f"sparql constraint ({problem})")
            return
        head = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
        predicates = query_predicates(text, prefixes)
        query = inject_focus(text, focus.join)
        # reference.py names a result after its SPARQL constraint when that has an IRI.
        name = str(constraint) if isinstance(constraint, rdflib.URIRef) else self.name(shape)
        desc = self.g.value(rdflib.URIRef(name), SH.description) if name else None
        hint = str(desc) if desc is not None else None
        self.checks.append(
            Check(
                head + query,
                ROW_SPARQL,
                severity=severity,
                path=None,
                component="SPARQLConstraintComponent",
                shape=name,
                messages=messages,
                hint=hint,
                extra_messages=extra,
                is_node_shape=True,
                predicates=predicates,
            )
        )


def _class_test(cls: rdflib.URIRef) -> str:
    return f"EXISTS {{ ?v <{RDF.type}>/<{RDFS.subClassOf}>* <{cls}> }}"


def _datatype_fast_ok(dtype: rdflib.URIRef) -> str:
    """Return a SPARQL test that proves ?v matches ``dtype`` as pyshacl decides (or false)."""
    converters = rdflib.term.XSDToPython
    if dtype == RDF.langString:
        return 'isLiteral(?v) && LANG(?v) != ""'
    if dtype == XSD.string:
        return f"isLiteral(?v) && DATATYPE(?v) = <{XSD.string}>"
    if dtype == RDFS.Literal:
        return "isLiteral(?v)"
    if dtype == XSD.date:
        return f"isLiteral(?v) && {_DATE_OK}"
    if dtype not in converters:
        # rdflib cannot parse the type, so pyshacl accepts any literal that carries it.
        return f"isLiteral(?v) && DATATYPE(?v) = <{dtype}>"
    return "false"


def _mask(text: str) -> str:
    """Return the query with strings, IRIs and comments blanked out (same length)."""
    out = list(text)
    i, n = 0, len(text)
    iri = re.compile(r'<[^<>"{}|^`\\\s]*>')
    while i < n:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            j = n if j < 0 else j
            out[i:j] = " " * (j - i)
            i = j
        elif c in "\"'":
            q3 = text[i : i + 3]
            end = q3 if q3 in ('"""', "'''") else c
            j = i + len(end)
            while j < n and not text.startswith(end, j):
                j += 2 if text[j] == "\\" else 1
            j = min(n, j + len(end))
            out[i:j] = " " * (j - i)
            i = j
        elif c == "<" and (m := iri.match(text, i)):
            out[i : m.end()] = " " * (m.end() - i)
            i = m.end()
        else:
            i += 1
    return "".join(out)


def sparql_problem(text: str) -> str | None:
    """Return why a SELECT query cannot be run for all focus nodes at once, or None."""
    masked = _mask(text)
    words = re.findall(r"[A-Za-z_]+", re.sub(r"[?$][A-Za-z0-9_]+", " ", masked))
    upper = [w.upper() for w in words]
    for kw in _SPARQL_REJECT:
        if kw in upper:
            return f"uses {kw}"
    if upper.count("SELECT") != 1:
        return "nested SELECT"
    for var in ("currentShape", "shapesGraph", "PATH", "failure"):
        if re.search(rf"[?$]{var}\b", masked):
            return f"uses ${var}"
    projection = masked[masked.upper().index("SELECT") + 6 : masked.find("{")]
    if "(" in projection or " AS " in projection.upper():
        return "expressions in the projection"
    if not re.search(r"[?$]this\b", projection) and "*" not in projection:
        return "$this is not selected"
    if re.search(r"\bAS\s+[?$]this\b", masked, re.I):
        return "binds $this"
    depth_words = []
    for m in re.finditer(r"\{", masked):
        if masked.find("{") == m.start():
            continue
        before = re.findall(r"[A-Za-z]+", masked[: m.start()])
        depth_words.append(before[-1].upper() if before else "")
    if any(w not in ("EXISTS", "OPTIONAL") for w in depth_words):
        return "nested groups other than EXISTS and OPTIONAL"
    return None


def query_predicates(text: str, prefixes: dict[str, str]) -> frozenset[str] | None:
    """Return every IRI a query names (a superset of its predicates), or None if a triple
    pattern has a variable predicate."""
    masked = _mask(text)
    where = masked[masked.find("{") :]
    if re.search(r"[?$]\w+\s+[?$]\w+", where):
        return None
    out = {m.group(1) for m in re.finditer(r"<([^<>\s]*)>", text)}
    for m in re.finditer(r"(?<![\w?$])([A-Za-z][\w.-]*)?:([A-Za-z_][\w.-]*)", where):
        ns = prefixes.get(m.group(1) or "")
        if ns is not None:
            out.add(ns + m.group(2))
    if re.search(r"\ba\b", where):
        out.add(str(RDF.type))
    return frozenset(out)


def inject_focus(text: str, focus: str) -> str:
    """Return the query with the focus-node group placed first in its WHERE clause.

    Joining every focus node in first gives, for queries without subqueries, MINUS or
    nested groups (refused by :func:`sparql_problem`), the rows pre-binding $this gives.
    """
    at = _mask(text).find("{")
    return text[: at + 1] + " " + focus + " " + text[at + 1 :]


def compile_shapes(shapes: rdflib.Graph, *, require_messages: bool = True) -> list[Check]:
    """Return the compiled checks of a shapes graph; raise UnsupportedShape if any is not.

    ``require_messages=False`` compiles shapes without ``sh:message`` too (their results say
    "constraint not satisfied" where pyshacl generates a message): for comparing results
    only, as the W3C test suite does.
    """
    return _Compiler(shapes, require_messages=require_messages).compile()
