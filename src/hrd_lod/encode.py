"""Records -> quads: one named graph per source, provenance in the default graph.

For each public record: its facts go into the named graph of every source they were read from
(a field's own ``field_sources``, else the record's ``sources``); its type and name go into each
of those graphs too, so every source graph describes its entities on its own. The default graph
holds the source documents' descriptions, ``prov:wasDerivedFrom`` links from every entity to
its sources, and the derivations of derived values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pyoxigraph as ox

from . import vocab as V
from .project import DatasetMeta
from .records.model import Enum, LangString, Record, Records, Ref, Url, Value, Year
from .records.schema import ORG_TYPE_CLASSES, PLACE_TYPE_CLASSES, TYPES
from .store import new_store

_DEFAULT = ox.DefaultGraph()
_TYPE = ox.NamedNode(V.RDF_TYPE)
_DERIVED_FROM = ox.NamedNode(V.PROV + "wasDerivedFrom")
_XSD_DATE = ox.NamedNode(V.XSD + "date")
_XSD_YEAR = ox.NamedNode(V.XSD + "gYear")


class IriMaker:
    """Makes entity and graph IRIs for one dataset, memoised."""

    def __init__(self, base: str, records: Records) -> None:
        self.base = base
        self.kind_of = {r.id: TYPES[r.type].kind for r in records}
        self._nodes: dict[str, ox.NamedNode] = {}
        self._graphs: dict[str, ox.NamedNode] = {}
        self._preds: dict[str, ox.NamedNode] = {}

    def entity(self, record_id: str) -> ox.NamedNode:
        """Return the IRI of a record's entity."""
        node = self._nodes.get(record_id)
        if node is None:
            node = ox.NamedNode(V.entity_iri(self.base, self.kind_of[record_id], record_id))
            self._nodes[record_id] = node
        return node

    def graph(self, source_id: str) -> ox.NamedNode:
        """Return the IRI of the named graph of a source."""
        node = self._graphs.get(source_id)
        if node is None:
            node = ox.NamedNode(V.graph_iri(self.base, source_id))
            self._graphs[source_id] = node
        return node

    def pred(self, iri: str) -> ox.NamedNode:
        """Return a (memoised) predicate node."""
        node = self._preds.get(iri)
        if node is None:
            node = self._preds[iri] = ox.NamedNode(iri)
        return node


def term(value: Value, iris: IriMaker) -> ox.NamedNode | ox.Literal:
    """Return the RDF term for a field value."""
    if isinstance(value, LangString):
        return ox.Literal(value.value, language=value.lang)
    if isinstance(value, Ref):
        return iris.entity(value.id)
    if isinstance(value, Url):
        return ox.NamedNode(value.value)
    if isinstance(value, Year):
        return ox.Literal(str(value), datatype=_XSD_YEAR)
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=_XSD_DATE)
    if isinstance(value, str):
        return ox.Literal(value)
    raise TypeError(f"no RDF term for {value!r}")  # pragma: no cover


def record_quads(rec: Record, iris: IriMaker, records: Records) -> Iterator[ox.Quad]:
    """Yield the quads of one public record."""
    spec = TYPES[rec.type]
    s = iris.entity(rec.id)
    own_graphs = [iris.graph(x) for x in rec.sources] or [_DEFAULT]
    every_graph = [iris.graph(x) for x in rec.all_sources()] or [_DEFAULT]
    if rec.type == "Source":
        own_graphs = every_graph = [_DEFAULT]

    classes = list(spec.classes)
    for name, table in (("organization_type", ORG_TYPE_CLASSES),
                        ("place_type", PLACE_TYPE_CLASSES)):
        value = rec.first(name)
        if isinstance(value, Enum):
            classes.append(table[value.value])
    names = rec.values.get("name", ())
    for g in every_graph:
        for cls in sorted(set(classes)):
            yield ox.Quad(s, _TYPE, iris.pred(cls), g)
        for pred in spec.name_predicates:
            for v in names:
                yield ox.Quad(s, iris.pred(pred), term(v, iris), g)

    for fname, vals in rec.values.items():
        f = spec.by_name[fname]
        if not f.predicates:
            continue
        graphs = ([iris.graph(x) for x in rec.field_sources[fname]]
                  if fname in rec.field_sources else own_graphs)
        for v in vals:
            o = term(v, iris)
            for pred in f.predicates:
                p = iris.pred(pred)
                for g in graphs:
                    yield ox.Quad(s, p, o, g)

    if rec.type == "AwardConferral":
        # Consumers that only know schema.org see the award as text on the laureate.
        yield from _award_text(rec, iris, records, own_graphs)

    for src in rec.all_sources():
        if rec.type != "Source":
            yield ox.Quad(s, _DERIVED_FROM, iris.entity(src), _DEFAULT)

    for fname, how in sorted(rec.derived.items()):
        d = ox.NamedNode(f"{s.value}#derived-{fname.replace('_', '-')}")
        yield ox.Quad(d, _TYPE, iris.pred(V.hrd("Derivation")), _DEFAULT)
        yield ox.Quad(d, iris.pred(V.hrd("derivedFor")), s, _DEFAULT)
        for pred in spec.by_name[fname].predicates:
            yield ox.Quad(d, iris.pred(V.hrd("derivedProperty")), iris.pred(pred), _DEFAULT)
        yield ox.Quad(d, iris.pred(V.hrd("derivationMethod")), ox.Literal(how), _DEFAULT)
        for src in rec.sources_of(fname):
            yield ox.Quad(d, _DERIVED_FROM, iris.entity(src), _DEFAULT)


def _award_text(rec: Record, iris: IriMaker, records: Records,
                graphs: list[ox.NamedNode | ox.DefaultGraph]) -> Iterator[ox.Quad]:
    award_ref = rec.first("award")
    year = rec.first("year")
    award = records.get(award_ref.id) if isinstance(award_ref, Ref) else None
    if award is None or not isinstance(year, Year):
        return
    p = iris.pred(V.schema("award"))
    for name in award.values.get("name", ()):
        assert isinstance(name, LangString)
        text = ox.Literal(f"{name.value} {year}", language=name.lang)
        for laureate in rec.values.get("laureate", ()):
            assert isinstance(laureate, Ref)
            for g in graphs:
                yield ox.Quad(iris.entity(laureate.id), p, text, g)


def encode_quads(records: Records, meta: DatasetMeta) -> Iterator[ox.Quad]:
    """Yield every quad of the public records."""
    iris = IriMaker(meta.base_iri, records)
    for rec in records:
        yield from record_quads(rec, iris, records)
    for src in records.of_type("Source"):
        g = iris.graph(src.id)
        yield ox.Quad(g, _DERIVED_FROM, iris.entity(src.id), _DEFAULT)


def encode(records: Records, meta: DatasetMeta) -> ox.Store:
    """Return a store holding the RDF of the public records."""
    return new_store(encode_quads(records, meta))
