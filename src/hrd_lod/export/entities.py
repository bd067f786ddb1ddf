"""Per-entity resources: ``id/{kind}/{slug}.ttl``, ``.jsonld``, ``.schema.jsonld`` per record.

An entity's document is its concise bounded description over the union graph: its own triples,
the derivation notes about it, the full description of the conferrals, quotations and sources
that point at it (a laureate's conferrals, quotations by or about a person, sources a publisher
published), the single linking triple of anything else that points at it, and the
``schema:name`` / ``rdfs:label`` of every IRI the document mentions.

The union is read once and grouped by subject and by object (:class:`EntityIndex`), so the work
per entity is proportional to the size of its description, never a scan of the whole store.
The index is shared with the site exporter through ``ctx.entity_index``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..records.model import Record
from ..records.schema import TYPES
from ..store import terms_of, triples_from_lines
from . import jsonld
from .context import ExportContext
from .dumps import dump_prefixes, turtle
from .reuse import fingerprint
from .schemaorg import SchemaOrgMapper, embed_bytes

#: Record types whose whole description is pulled into the document of what they point at.
EMBEDDED_TYPES = frozenset({"AwardConferral", "Quotation", "Source"})
LABEL_PREDICATES = frozenset({V.schema("name"), V.RDFS_LABEL})
_PROVENANCE = V.PROV + "wasDerivedFrom"


@dataclass(frozen=True)
class Fact:
    """One triple of the union and the source graphs it is stated in."""

    triple: ox.Triple
    line: bytes
    graphs: tuple[str, ...]


def _iri(term: bytes) -> str:
    """Return the IRI of an N-Triples IRI term (``<...>``, escapes read by the parser)."""
    if b"\\" not in term:
        return term[1:-1].decode()
    line = term + b" " + term + b" " + term + b" ."
    subject = next(iter(triples_from_lines([line]))).subject
    assert isinstance(subject, ox.NamedNode)
    return subject.value


class EntityIndex:
    """The union graph grouped by subject and by object, with each triple's named graphs.

    The groups are made from the lines' bytes; a line is parsed into a triple only when a
    fact is asked for (parsing one line costs about what it costs in a whole document), so
    a build that renders a few pages parses a few lines.
    """

    def __init__(self, ctx: ExportContext) -> None:
        self.base = ctx.meta.base_iri
        self.lines: list[bytes] = ctx.union
        self._triples: list[ox.Triple | None] = [None] * len(self.lines)
        self.by_subject: dict[str, list[int]] = defaultdict(list)
        self.by_object: dict[str, list[int]] = defaultdict(list)
        self.labels: dict[str, list[int]] = defaultdict(list)
        #: the subject IRI (or blank node label) of each triple (the dataset has no quoted triples)
        self.subjects: list[str] = []
        #: whether each triple's subject is an IRI (else a blank node)
        self.named: list[bool] = []
        #: the object IRI of each triple, None for a literal or a blank node
        self.objects: list[str | None] = []
        #: the indexes of the triples whose predicate is the provenance link
        self.provenance: set[int] = set()
        label_keys = {f"<{p}>".encode() for p in LABEL_PREDICATES}
        provenance = f"<{_PROVENANCE}>".encode()
        text: dict[bytes, str] = {}  # each term decoded once
        for i, (s, p, o) in enumerate(terms_of(self.lines)):
            if s.startswith(b"<<"):
                raise ValueError(f"a quoted triple as a subject is not supported: {s!r}")
            named = s.startswith(b"<")
            key = text.get(s)
            if key is None:
                key = text[s] = _iri(s) if named else s[2:].decode()
            self.subjects.append(key)
            self.named.append(named)
            self.by_subject[key].append(i)
            obj: str | None = None
            if o.startswith(b"<") and not o.startswith(b"<<"):
                obj = text.get(o)
                if obj is None:
                    obj = text[o] = _iri(o)
                self.by_object[obj].append(i)
            self.objects.append(obj)
            if p in label_keys:
                self.labels[key].append(i)
            elif p == provenance:
                self.provenance.add(i)
        # A triple's sources are the named graphs it is in; the default graph holds provenance.
        self.graphs_of: dict[bytes, list[str]] = defaultdict(list)
        for g, lines in ctx.graph_lines():
            if g:
                name = g[1:-1]
                for line in lines:
                    self.graphs_of[line].append(name)
        self.records: dict[str, Record] = {}
        for rec in ctx.records:
            self.records[self.iri(rec)] = rec

    def triple(self, i: int) -> ox.Triple:
        """Return the i-th triple of the union (its line parsed on first use)."""
        t = self._triples[i]
        if t is None:
            t = self._triples[i] = next(iter(triples_from_lines([self.lines[i]])))
        return t

    def iri(self, rec: Record) -> str:
        """Return the entity IRI of a record."""
        return V.entity_iri(self.base, TYPES[rec.type].kind, rec.id)

    def record_of(self, iri: str) -> Record | None:
        """Return the record whose entity has this IRI, if any."""
        return self.records.get(iri)

    def fact(self, i: int) -> Fact:
        """Return the i-th triple of the union as a Fact."""
        line = self.lines[i]
        return Fact(self.triple(i), line, tuple(self.graphs_of.get(line, ())))

    def outgoing(self, iri: str) -> list[Fact]:
        """Return the facts whose subject is ``iri``, sorted."""
        return [self.fact(i) for i in self.by_subject.get(iri, ())]

    def incoming(self, iri: str) -> list[Fact]:
        """Return the facts whose object is ``iri``, sorted."""
        return [self.fact(i) for i in self.by_object.get(iri, ())]

    def description(self, iri: str) -> list[bytes]:
        """Return the sorted N-Triples lines of the entity's concise bounded description."""
        described = {iri}
        picked: set[int] = set()
        for i in self.by_object.get(iri, ()):
            s = self.subjects[i]
            rec = self.records.get(s)
            if s.startswith(iri + "#") or (
                rec is not None and rec.type in EMBEDDED_TYPES and i not in self.provenance
            ):
                described.add(s)
            else:
                picked.add(i)
        for s in described:
            picked.update(self.by_subject.get(s, ()))
        mentioned: set[str] = set()
        for i in picked:
            if self.named[i] and self.subjects[i] not in described:
                mentioned.add(self.subjects[i])
            o = self.objects[i]
            if o is not None and o not in described:
                mentioned.add(o)
        for m in mentioned:
            picked.update(self.labels.get(m, ()))
        return sorted({self.lines[i] for i in picked})


def entity_index(ctx: ExportContext) -> EntityIndex:
    """Return the entity index of ``ctx``, built once and shared by the exporters."""
    if ctx.entity_index is None:
        ctx.entity_index = EntityIndex(ctx)
    return ctx.entity_index


def entity_path(rec: Record) -> str:
    """Return the path of an entity's files without suffix, relative to dist: id/{kind}/{slug}."""
    if not rec.id or "/" in rec.id or "\\" in rec.id or rec.id.startswith("."):
        # Record ids are checked slugs; this guards the file system if that check ever changes.
        raise ValueError(f"record id {rec.id!r} cannot be a file name")
    return f"id/{TYPES[rec.type].kind}/{rec.id}"


def used_context(nodes: list[dict[str, object]], context: dict[str, object]) -> dict[str, object]:
    """Return the part of ``context`` that the compacted ``nodes`` use (terms and prefixes)."""
    words: set[str] = set()
    iris: set[str] = set()
    id_terms = {k for k, v in context.items() if isinstance(v, dict) and v.get("@type") == "@id"}

    def value(key: str, v: object) -> None:
        if isinstance(v, list):
            for x in v:
                value(key, x)
        elif isinstance(v, dict):
            for k in ("@id", "@type"):
                if isinstance(v.get(k), str):
                    iris.add(str(v[k]))
        elif isinstance(v, str) and (key in ("@id", "@type") or key in id_terms):
            iris.add(v)

    for node in nodes:
        for key, v in node.items():
            if not key.startswith("@"):
                words.add(key)
                iris.add(key)
            value(key, v)
    prefixes = {i.split(":", 1)[0] for i in iris if ":" in i}
    return {k: v for k, v in context.items() if k in words or k in prefixes}


class EntityWriter:
    """Writes the Turtle and JSON-LD documents of entities; one per export run."""

    def __init__(self, ctx: ExportContext, mapper: SchemaOrgMapper | None = None) -> None:
        self.reuse = ctx.reuse
        self.index = entity_index(ctx)
        self.prefixes = dump_prefixes(ctx.meta.base_iri)
        self.context = jsonld.dataset_context(ctx.meta.base_iri)
        self.compactor = jsonld.Compactor(self.context)
        #: ``mapper``: the same mapping of the same records, made elsewhere
        self.schemaorg = mapper or SchemaOrgMapper(ctx.records, ctx.meta)

    def turtle(self, lines: list[bytes]) -> bytes:
        """Return Turtle for sorted lines, declaring only the prefixes they use."""
        data = b"\n".join(lines)
        used = {k: v for k, v in self.prefixes.items() if v.encode() in data}
        return turtle(lines, used)

    def jsonld(self, lines: list[bytes]) -> bytes:
        """Return compacted JSON-LD for sorted lines, with the part of the context it uses."""
        nodes = self.compactor.graph_lines(lines)
        doc = {"@context": used_context(nodes, self.context), "@graph": nodes}
        # Compact separators let json use its C encoder (indent forces the Python one, about
        # five times slower); these files are for machines, the HTML page is for people.
        return (
            json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
        ).encode("utf-8")

    def write(self, rec: Record, out: Path) -> None:
        """Write ``id/{kind}/{slug}.ttl``, ``.jsonld`` and ``.schema.jsonld`` for one record
        (each linked from the previous edition if what it is made from did not change)."""
        lines = self.index.description(self.index.iri(rec))
        base = entity_path(rec)
        body = b"\n".join(lines)
        self.reuse.write(out, base + ".ttl", fingerprint("ttl", body), lambda: self.turtle(lines))
        self.reuse.write(
            out, base + ".jsonld", fingerprint("jsonld", body), lambda: self.jsonld(lines)
        )
        doc = self.schemaorg.document(rec)  # plain JSON values: repr is their full content
        self.reuse.write(
            out, base + ".schema.jsonld", fingerprint("schema", repr(doc)), lambda: embed_bytes(doc)
        )


def write_entities(ctx: ExportContext, out: Path) -> None:
    """Write the Turtle, JSON-LD and schema.org JSON-LD of every public entity under ``id/``."""
    writer = EntityWriter(ctx)
    for rec in ctx.records:
        writer.write(rec, out)
