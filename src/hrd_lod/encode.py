"""Records -> quads: one named graph per source, provenance in the default graph.

For each public record: its facts go into the named graph of every source they were read from
(a field's own ``field_sources``, else the record's ``sources``); its type and name go into each
of those graphs too, so every source graph describes its entities on its own. The default graph
holds the source documents' descriptions, ``prov:wasDerivedFrom`` links from every entity to
its sources, and the derivations of derived values.

Triples are written as N-Triples text, one sorted list of lines per graph, and bulk-loaded:
formatting a line is several times cheaper than building pyoxigraph term objects one by one, and
the Rust parser does the rest. The lines are in oxigraph's canonical form (its escapes, language
tags in lower case), so the exports use them as they are instead of dumping and sorting the
store again (tests hold the two equal).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pyoxigraph as ox

from . import vocab as V
from .project import DatasetMeta
from .records.model import Enum, LangString, Money, Record, Records, Ref, Url, Value, Year
from .records.schema import DISTINCTION_CLASSES, ORG_TYPE_CLASSES, PLACE_TYPE_CLASSES, TYPES

_TYPE = f"<{V.RDF_TYPE}>"
_DERIVED_FROM = f"<{V.PROV}wasDerivedFrom>"
_XSD_DATE = f"^^<{V.XSD}date>"
_XSD_YEAR = f"^^<{V.XSD}gYear>"
_XSD_DECIMAL = f"^^<{V.XSD}decimal>"
_XSD_BOOLEAN = f"^^<{V.XSD}boolean>"
# The escapes of oxigraph's N-Triples writer, so that a line is byte for byte what it writes.
_ESCAPES = str.maketrans(
    {
        **{chr(c): f"\\u{c:04X}" for c in (*range(0x20), 0x7F)},
        "\b": "\\b",
        "\t": "\\t",
        "\n": "\\n",
        "\f": "\\f",
        "\r": "\\r",
        '"': '\\"',
        "\\": "\\\\",
    }
)
DEFAULT = ""  # the default graph: no fourth term


def literal(text: str, suffix: str = "") -> str:
    """Return an N-Triples literal: the escaped text in quotes, then ``@lang`` or ``^^<dt>``."""
    return '"' + text.translate(_ESCAPES) + '"' + suffix


class IriMaker:
    """Makes entity and graph IRIs (in N-Triples form) for one dataset, memoised."""

    def __init__(
        self, base: str, records: Records | None = None, types: dict[str, str] | None = None
    ) -> None:
        self.base = base
        if types is None:
            types = {r.id: r.type for r in records or ()}
        self.kind_of = {rid: TYPES[t].kind for rid, t in types.items()}
        self._nodes: dict[str, str] = {}
        self._graphs: dict[str, str] = {}

    def entity(self, record_id: str) -> str:
        """Return ``<IRI>`` of a record's entity."""
        node = self._nodes.get(record_id)
        if node is None:
            node = f"<{V.entity_iri(self.base, self.kind_of[record_id], record_id)}>"
            self._nodes[record_id] = node
        return node

    def graph(self, source_id: str) -> str:
        """Return ``<IRI>`` of the named graph of a source."""
        node = self._graphs.get(source_id)
        if node is None:
            node = self._graphs[source_id] = f"<{V.graph_iri(self.base, source_id)}>"
        return node


_LANGS: dict[str, str] = {}  # language tag -> "@tag" in lower case


def _lang(tag: str) -> str:
    suffix = _LANGS.get(tag)
    if suffix is None:
        suffix = _LANGS[tag] = "@" + tag.lower()
    return suffix


def term(value: Value, iris: IriMaker) -> str:
    """Return the N-Triples form of a field value."""
    # the exact classes first (the loader makes no subclasses); mypy narrows ``type(x) is C``
    if type(value) is LangString:
        return '"' + value.value.translate(_ESCAPES) + '"' + _lang(value.lang)
    if type(value) is Ref:
        return iris.entity(value.id)
    if isinstance(value, LangString):
        return literal(value.value, _lang(value.lang))
    if isinstance(value, Ref):
        return iris.entity(value.id)
    if isinstance(value, Url):
        return f"<{value.value}>"
    if isinstance(value, Year):
        return literal(str(value), _XSD_YEAR)
    if isinstance(value, dt.date):
        return literal(value.isoformat(), _XSD_DATE)
    if isinstance(value, str):
        return literal(value)
    raise TypeError(f"no RDF term for {value!r}")  # pragma: no cover


_IRIS: dict[str, str] = {}  # predicate or class IRI -> "<IRI>"


def _iri(iri: str) -> str:
    node = _IRIS.get(iri)
    if node is None:
        node = _IRIS[iri] = f"<{iri}>"
    return node


#: Enumerated fields whose value adds a class to the record's entity.
_CLASS_FIELDS = (
    ("organization_type", ORG_TYPE_CLASSES),
    ("place_type", PLACE_TYPE_CLASSES),
    ("distinction", DISTINCTION_CLASSES),
)


def record_lines(rec: Record, iris: IriMaker, records: Records) -> list[tuple[str, str]]:
    """Return (graph, N-Triples line) for every triple of one public record.

    A triple in several graphs is one line object in each (the lines are made once).
    """
    out: list[tuple[str, str]] = []
    add = out.append
    spec = TYPES[rec.type]
    s = iris.entity(rec.id)
    graph = iris.graph
    values = rec.values
    all_sources = rec.all_sources()
    if rec.type == "Source":
        own_graphs = every_graph = [DEFAULT]
    else:
        own_graphs = [graph(x) for x in rec.sources] or [DEFAULT]
        every_graph = [graph(x) for x in all_sources] or [DEFAULT]

    classes = set(spec.classes)
    for name, table in _CLASS_FIELDS:
        found = values.get(name)
        if found and isinstance(found[0], Enum):
            classes.add(table[found[0].value])
    names = [term(v, iris) for v in values.get("name", ())]
    head = [f"{s} {_TYPE} {_iri(cls)} ." for cls in sorted(classes)]
    head += [f"{s} {_iri(pred)} {o} ." for pred in spec.name_predicates for o in names]
    for g in every_graph:
        for line in head:
            add((g, line))

    by_name = spec.by_name
    field_sources = rec.field_sources
    claims = rec.claims
    for fname, vals in rec.values.items():
        predicates = by_name[fname].predicates
        if not predicates:
            continue
        if fname in claims:
            out += _claim_lines(rec, fname, s, iris)
            continue
        graphs = [graph(x) for x in field_sources[fname]] if fname in field_sources else own_graphs
        for v in vals:
            if type(v) is Money:
                out += _money_lines(s, predicates, v, graphs)
                continue
            o = term(v, iris)
            for pred in predicates:
                line = f"{s} {_iri(pred)} {o} ."
                for g in graphs:
                    add((g, line))

    if rec.type == "AwardConferral":
        # Consumers that only know schema.org see the award as text on the laureate.
        out += _award_text(rec, iris, records, own_graphs)

    if rec.type != "Source":
        for src in all_sources:
            add((DEFAULT, f"{s} {_DERIVED_FROM} {iris.entity(src)} ."))

    for fname, how in sorted(rec.derived.items()):
        d = f"{s[:-1]}#derived-{fname.replace('_', '-')}>"
        add((DEFAULT, f"{d} {_TYPE} <{V.hrd('Derivation')}> ."))
        add((DEFAULT, f"{d} <{V.hrd('derivedFor')}> {s} ."))
        for pred in by_name[fname].predicates:
            add((DEFAULT, f"{d} <{V.hrd('derivedProperty')}> <{pred}> ."))
        add((DEFAULT, f"{d} <{V.hrd('derivationMethod')}> {literal(how)} ."))
        for src in rec.sources_of(fname):
            add((DEFAULT, f"{d} {_DERIVED_FROM} {iris.entity(src)} ."))
    return out


_AWARD = f"<{V.schema('award')}>"


def money_node(subject: str, money: Money) -> str:
    """Return ``<IRI>`` of the schema:MonetaryAmount node of an amount on an entity
    (``subject`` is the entity's ``<IRI>``): one node per amount and currency."""
    return f"{subject[:-1]}#amount-{money.amount.replace('.', '-')}-{money.currency.lower()}>"


def _money_lines(
    s: str, predicates: tuple[str, ...], money: Money, graphs: list[str]
) -> list[tuple[str, str]]:
    node = money_node(s, money)
    lines = [f"{s} {_iri(p)} {node} ." for p in predicates] + [
        f"{node} {_TYPE} <{V.schema('MonetaryAmount')}> .",
        f"{node} <{V.schema('value')}> {literal(money.amount, _XSD_DECIMAL)} .",
        f"{node} <{V.schema('currency')}> {literal(money.currency)} .",
    ]
    return [(g, line) for line in lines for g in graphs]


def claim_node(subject: str, fname: str, index: int) -> str:
    """Return ``<IRI>`` of the node for claim ``index`` (from 1) of a field of an entity."""
    return f"{subject[:-1]}#claim-{fname.replace('_', '-')}-{index}>"


def _claim_lines(rec: Record, fname: str, s: str, iris: IriMaker) -> list[tuple[str, str]]:
    """Each claimed value in the graphs of its own sources, and in the default graph a
    statement node (rdf:subject/predicate/object) citing those sources, marked preferred
    with the reason where the record says so, and ``hrd:disputedProperty`` on the entity when
    the values differ."""
    out: list[tuple[str, str]] = []
    predicates = TYPES[rec.type].by_name[fname].predicates
    if len({c.value for c in rec.claims[fname]}) > 1:  # on the entity: shapes stay local
        out += [(DEFAULT, f"{s} <{V.hrd('disputedProperty')}> {_iri(p)} .") for p in predicates]
    for i, claim in enumerate(rec.claims[fname], 1):
        graphs = [iris.graph(x) for x in claim.sources]
        v = claim.value
        if type(v) is Money:
            out += _money_lines(s, predicates, v, graphs)
            o = money_node(s, v)
        else:
            o = term(v, iris)
            out += [(g, f"{s} {_iri(p)} {o} .") for p in predicates for g in graphs]
        c = claim_node(s, fname, i)
        out += [
            (DEFAULT, f"{c} {_TYPE} <{V.hrd('Claim')}> ."),
            (DEFAULT, f"{c} {_TYPE} <{V.RDF}Statement> ."),
            (DEFAULT, f"{c} <{V.RDF}subject> {s} ."),
            (DEFAULT, f"{c} <{V.RDF}predicate> {_iri(predicates[0])} ."),
            (DEFAULT, f"{c} <{V.RDF}object> {o} ."),
        ]
        out += [(DEFAULT, f"{c} {_DERIVED_FROM} {iris.entity(x)} .") for x in claim.sources]
        if claim.preferred is not None:
            out.append((DEFAULT, f"{c} <{V.hrd('preferred')}> {literal('true', _XSD_BOOLEAN)} ."))
            out.append((DEFAULT, f"{c} <{V.hrd('preferenceReason')}> {literal(claim.preferred)} ."))
    return out


def _award_text(
    rec: Record, iris: IriMaker, records: Records, graphs: list[str]
) -> list[tuple[str, str]]:
    award_ref = rec.first("award")
    year = rec.first("year")
    award = records.get(award_ref.id) if isinstance(award_ref, Ref) else None
    if award is None or not isinstance(year, Year):
        return []
    out = []
    for name in award.values.get("name", ()):
        assert isinstance(name, LangString)
        text = literal(f"{name.value} {year}", _lang(name.lang))
        for laureate in rec.values.get("laureate", ()):
            assert isinstance(laureate, Ref)
            line = f"{iris.entity(laureate.id)} {_AWARD} {text} ."
            out += [(g, line) for g in graphs]
    return out


def encode_lines(records: Records, meta: DatasetMeta) -> Iterator[tuple[str, str]]:
    """Yield (graph, N-Triples line) for every triple of the public records; the graph is
    ``<IRI>``, or "" for the default graph."""
    iris = IriMaker(meta.base_iri, records)
    for rec in records:
        yield from lines_of(rec, iris, records)


def lines_of(rec: Record, iris: IriMaker, records: Records) -> list[tuple[str, str]]:
    """Return (graph, N-Triples line) for every triple one public record gives: its own
    (``record_lines``) and, for a source, its named graph's link to it."""
    out = record_lines(rec, iris, records)
    if rec.type == "Source":
        out.append((DEFAULT, f"{iris.graph(rec.id)} {_DERIVED_FROM} {iris.entity(rec.id)} ."))
    return out


@dataclass
class Encoded:
    """The encoded dataset: a store, and the same triples as sorted N-Triples lines by graph."""

    store: ox.Store
    #: graph (``<IRI>``, or "" for the default graph) -> its distinct triples, sorted
    graphs: dict[str, list[bytes]]
    #: (graph, line) of the triples made more than once (by two records, or twice by one)
    dups: frozenset[tuple[str, bytes]] = frozenset()


def encode_dataset(records: Records, meta: DatasetMeta, *, chunk: int = 100_000) -> Encoded:
    """Return the RDF of the public records, in a store and as sorted lines per graph.

    The store is loaded in a second thread while the lines are made here: every ``chunk``
    lines, the new lines of each graph go to the Rust parser, which lets the interpreter go on
    (the store needs no order; the lines are sorted once all are made, while the last ones
    load). It is loaded without checking IRIs and language tags again (a third faster): every
    IRI here is made from checked ids and the base IRI, or is a URL field, and the loader
    checked those URLs and every language tag with the store's own rules
    (``records.fields``).
    """
    buckets: dict[str, list[str]] = {}
    handed: dict[str, int] = {}  # graph -> how many of its lines the store was given
    store = ox.Store()
    graphs: dict[str, list[bytes]] = {}
    dups: set[tuple[str, bytes]] = set()
    with ThreadPoolExecutor(max_workers=1) as loader:
        pending = []

        def hand_over() -> None:
            # One N-Quads text per hand-over: few calls, so the two threads rarely wait for
            # each other. A line's only " .\n" is its end (a literal's newlines are escaped).
            parts = []
            for g, bucket in buckets.items():
                start = handed.get(g, 0)
                if start == len(bucket):
                    continue
                handed[g] = len(bucket)
                text = "\n".join(bucket[start:] if start else bucket) + "\n"
                parts.append(text.replace(" .\n", f" {g} .\n") if g else text)
            if parts:
                pending.append(
                    loader.submit(
                        store.load,
                        "".join(parts).encode("utf-8"),
                        format=ox.RdfFormat.N_QUADS,
                        lenient=True,
                    )
                )

        made = 0
        for g, line in encode_lines(records, meta):
            bucket = buckets.get(g)
            if bucket is None:
                bucket = buckets[g] = []
            bucket.append(line)
            made += 1
            if made == chunk:
                hand_over()
                made = 0
        hand_over()
        for g in sorted(buckets):
            bucket = buckets.pop(g)
            distinct = set(bucket)
            if len(distinct) < len(bucket):
                dups.update(
                    (g, line.encode("utf-8")) for line, n in Counter(bucket).items() if n > 1
                )
            graphs[g] = "\n".join(sorted(distinct)).encode("utf-8").split(b"\n")
        for job in pending:
            job.result()
    return Encoded(store, graphs, frozenset(dups))


def encode(records: Records, meta: DatasetMeta) -> ox.Store:
    """Return a store holding the RDF of the public records."""
    return encode_dataset(records, meta).store
