"""``void.ttl``: the dataset described with VoID and DCAT, from the dumps already written.

One file carries both vocabularies about one subject (``vocab.dataset_iri(base)``), which is
both a ``void:Dataset`` and a ``dcat:Dataset``: the statistics (triples, entities, class and
property partitions, example resources, the SPARQL endpoint, dump links) and the catalogue
record (title, licence, dates, version, publisher, contact point, and one distribution per
dump with its media type, byte size and SHA-256). Sizes and checksums are read from the files,
so the description can never disagree with them. Every node has an IRI under the dataset IRI
(no blank nodes), so the output is byte-stable. Publish it as the graph
``vocab.description_graph_iri(base)``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..store import split_line, terms_of
from .context import ExportContext
from .dumps import turtle, write_bytes
from .manifest import EntryCache, FileEntry, entry_cache, file_entry

DESCRIPTION_FILE = "void.ttl"
_DUMP_SUFFIXES = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".nq.gz")
_EXAMPLES_PER_CLASS = 1

_TYPE = ox.NamedNode(V.RDF_TYPE)
_XSD_DATE = ox.NamedNode(V.XSD + "date")
_XSD_INT = ox.NamedNode(V.XSD + "integer")
_XSD_NNI = ox.NamedNode(V.XSD + "nonNegativeInteger")
_XSD_HEX = ox.NamedNode(V.XSD + "hexBinary")


def dump_files(out: Path, name: str, cache: EntryCache | None = None) -> list[FileEntry]:
    """Return the whole-dataset dumps written so far (``{name}.ttl`` ...), sorted by path."""
    found = []
    for p in sorted(out.iterdir()):
        if p.is_file() and p.name.startswith(name + ".") and p.name[len(name) :] in _DUMP_SUFFIXES:
            found.append(file_entry(out, p, cache))
    return found


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(
    value: str | int, datatype: ox.NamedNode | None = None, lang: str | None = None
) -> ox.Literal:
    if lang:
        return ox.Literal(str(value), language=lang)
    return ox.Literal(str(value), datatype=datatype) if datatype else ox.Literal(str(value))


def _local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text).strip("-")


@dataclass(frozen=True)
class SubjectDelta:
    """One subject's union lines before and after a change (either may be empty)."""

    key: bytes
    before: frozenset[bytes]
    after: frozenset[bytes]


class StatisticsStale(ValueError):
    """The figures cannot be updated for a change (only counting again can tell)."""


@dataclass(frozen=True)
class VoidStatistics:
    """The VoID figures of the union graph."""

    triples: int
    subjects: int
    entities: int
    uri_space: str
    #: how many times each object (N-Triples term) occurs; its length is ``objects``
    object_counts: Counter[bytes]
    classes: dict[str, int]  # class IRI -> instances, sorted by IRI
    properties: dict[str, int]  # property IRI -> triples, sorted by IRI
    examples: dict[str, str]  # class IRI -> the first entity of it

    @property
    def objects(self) -> int:
        """Return the number of distinct objects."""
        return len(self.object_counts)

    @classmethod
    def of_lines(cls, lines: list[bytes], base: str) -> VoidStatistics:
        """Return the figures of the union's sorted N-Triples lines (one pass over the bytes)."""
        classes: Counter[bytes] = Counter()
        properties: dict[bytes, int] = {}
        objects: list[bytes] = []
        subjects = entities = 0
        examples: dict[bytes, bytes] = {}
        space = V.entity_iri(base, "", "")[:-1]  # "{base}id/"
        space_b = b"<" + space.encode()
        rdf_type = f"<{V.RDF_TYPE}>".encode()
        last_s = b""
        is_entity = False
        add_object = objects.append
        for s, p, o in terms_of(lines):
            add_object(o)
            properties[p] = properties.get(p, 0) + 1
            if s != last_s:  # sorted lines: a subject's triples are together
                last_s = s
                subjects += 1
                is_entity = s.startswith(space_b) and b"#" not in s
                entities += is_entity
            if p == rdf_type and o[0] == 60:  # "<"
                classes[o] += 1
                if is_entity:
                    examples.setdefault(o, s)  # lines are sorted: the first is stable
        object_counts = Counter(objects)
        del objects
        return cls(
            triples=len(lines),
            subjects=subjects,
            entities=entities,
            uri_space=space,
            object_counts=object_counts,
            classes=dict(sorted((_iri(k), v) for k, v in classes.items())),
            properties=dict(sorted((_iri(k), v) for k, v in properties.items())),
            examples={_iri(k): _iri(v) for k, v in examples.items()},
        )

    def apply(self, delta: Iterable[SubjectDelta]) -> VoidStatistics:
        """Return the figures after the subjects' lines changed as ``delta`` says; raise
        StatisticsStale when only counting again can tell (a class's example was removed)."""
        space_b = b"<" + self.uri_space.encode()
        rdf_type = f"<{V.RDF_TYPE}>".encode()
        objects = Counter(self.object_counts)
        classes = Counter(self.classes)
        properties = Counter(self.properties)
        examples = dict(self.examples)
        triples, subjects, entities = self.triples, self.subjects, self.entities
        for change in delta:
            is_entity = change.key.startswith(space_b) and b"#" not in change.key
            if bool(change.before) != bool(change.after):
                step = 1 if change.after else -1
                subjects += step
                entities += step if is_entity else 0
            for lines, step in (
                (change.before - change.after, -1),
                (change.after - change.before, 1),
            ):
                for line in lines:
                    _s, p, o = split_line(line)
                    triples += step
                    objects[o] += step
                    if not objects[o]:
                        del objects[o]
                    prop = _iri(p)
                    properties[prop] += step
                    if not properties[prop]:
                        del properties[prop]
                    if p != rdf_type or not o.startswith(b"<"):
                        continue
                    cls = _iri(o)
                    classes[cls] += step
                    if not classes[cls]:
                        del classes[cls]
                    if not is_entity:
                        continue
                    subject = _iri(change.key)
                    if step < 0 and examples.get(cls) == subject:
                        raise StatisticsStale("the example of a class was removed")
                    if step > 0 and (
                        cls not in examples or subject.encode() < examples[cls].encode()
                    ):
                        examples[cls] = subject
        return VoidStatistics(
            triples=triples,
            subjects=subjects,
            entities=entities,
            uri_space=self.uri_space,
            object_counts=objects,
            classes=dict(sorted(classes.items())),
            properties=dict(sorted(properties.items())),
            examples={k: examples[k] for k in sorted(examples) if k in classes},
        )


def _iri(term: bytes) -> str:
    return term[1:-1].decode()


def dataset_statistics(ctx: ExportContext) -> VoidStatistics:
    """Return the VoID figures of the union, computed once per export."""
    if ctx.statistics is None:
        ctx.statistics = VoidStatistics.of_lines(ctx.union, ctx.meta.base_iri)
    return ctx.statistics


def prepare_statistics(ctx: ExportContext, out: Path) -> None:
    """Compute the VoID figures ahead of ``void.ttl`` (which waits for every dump)."""
    dataset_statistics(ctx)


def description_triples(ctx: ExportContext, out: Path) -> list[ox.Triple]:
    """Return the VoID + DCAT triples describing the dataset and the dumps in ``out``."""
    m = ctx.meta
    base = m.base_iri
    site = m.homepage or base
    site = site if site.endswith("/") else site + "/"
    ds = _n(V.dataset_iri(base))
    stats = dataset_statistics(ctx)
    t: list[ox.Triple] = []

    def add(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> None:
        t.append(ox.Triple(s, _n(p), o))

    add(ds, V.RDF_TYPE, _n(V.VOID + "Dataset"))
    add(ds, V.RDF_TYPE, _n(V.DCAT + "Dataset"))
    for lang_text in m.title:
        add(ds, V.DCTERMS + "title", _lit(lang_text.value, lang=lang_text.lang))
    for lang_text in m.description:
        add(ds, V.DCTERMS + "description", _lit(lang_text.value, lang=lang_text.lang))
    add(ds, V.DCTERMS + "license", _n(m.license))
    add(ds, V.DCTERMS + "issued", _lit(m.issued.isoformat(), _XSD_DATE))
    add(ds, V.DCTERMS + "modified", _lit(m.modified.isoformat(), _XSD_DATE))
    add(ds, V.DCAT + "version", _lit(m.version))
    add(ds, V.OWL + "versionInfo", _lit(m.version))
    add(ds, V.DCTERMS + "identifier", _lit(m.id))
    for kw in m.keywords:
        add(ds, V.DCAT + "keyword", _lit(kw, lang=m.language))
    if m.homepage:
        add(ds, V.DCAT + "landingPage", _n(m.homepage))
        add(ds, V.FOAF + "homepage", _n(m.homepage))

    # Publisher (FOAF, as DCAT asks for dcterms:publisher) and contact point (vCard).
    publisher = _n(V.dataset_iri(base) + "#publisher")
    add(ds, V.DCTERMS + "publisher", publisher)
    add(publisher, V.RDF_TYPE, _n(V.FOAF + "Organization"))
    add(publisher, V.FOAF + "name", _lit(m.publisher))
    contact = _n(V.dataset_iri(base) + "#contact-point")
    add(ds, V.DCAT + "contactPoint", contact)
    add(contact, V.RDF_TYPE, _n(V.VCARD + "Organization"))
    add(contact, V.VCARD + "fn", _lit(m.publisher))
    if m.publisher_url:
        add(publisher, V.FOAF + "homepage", _n(m.publisher_url))
        add(contact, V.VCARD + "hasURL", _n(m.publisher_url))
    if m.contact_email:
        add(contact, V.VCARD + "hasEmail", _n("mailto:" + m.contact_email))

    # VoID statistics and access.
    add(ds, V.VOID + "triples", _lit(stats.triples, _XSD_INT))
    add(ds, V.VOID + "entities", _lit(stats.entities, _XSD_INT))
    add(ds, V.VOID + "distinctSubjects", _lit(stats.subjects, _XSD_INT))
    add(ds, V.VOID + "distinctObjects", _lit(stats.objects, _XSD_INT))
    classes = stats.classes
    properties = stats.properties
    add(ds, V.VOID + "classes", _lit(len(classes), _XSD_INT))
    add(ds, V.VOID + "properties", _lit(len(properties), _XSD_INT))
    add(ds, V.VOID + "uriSpace", _lit(stats.uri_space))
    for ns in (V.SCHEMA, V.HRD, V.PROV, V.SKOS):
        add(ds, V.VOID + "vocabulary", _n(ns))
    if m.sparql_endpoint:
        add(ds, V.VOID + "sparqlEndpoint", _n(m.sparql_endpoint))
    for cls, n in classes.items():
        part = _n(f"{ds.value}#class-{_slug(_local(cls))}-{hash_str(cls):08x}")
        add(ds, V.VOID + "classPartition", part)
        add(part, V.VOID + "class", _n(cls))
        add(part, V.VOID + "entities", _lit(n, _XSD_INT))
    for prop, n in properties.items():
        part = _n(f"{ds.value}#property-{_slug(_local(prop))}-{hash_str(prop):08x}")
        add(ds, V.VOID + "propertyPartition", part)
        add(part, V.VOID + "property", _n(prop))
        add(part, V.VOID + "triples", _lit(n, _XSD_INT))
    for example in sorted(set(stats.examples.values())):
        add(ds, V.VOID + "exampleResource", _n(example))

    # One DCAT distribution (and VoID data dump) per dump file.
    for entry in dump_files(out, ctx.name, entry_cache(ctx)):
        url = _n(site + entry.path)
        dist = _n(f"{ds.value}#dist-{_slug(entry.path)}")
        checksum = _n(f"{ds.value}#checksum-{_slug(entry.path)}")
        add(ds, V.VOID + "dataDump", url)
        add(ds, V.DCAT + "distribution", dist)
        add(dist, V.RDF_TYPE, _n(V.DCAT + "Distribution"))
        add(dist, V.DCTERMS + "title", _lit(entry.path))
        add(dist, V.DCAT + "downloadURL", url)
        add(dist, V.DCAT + "accessURL", url)
        add(dist, V.DCAT + "byteSize", _lit(entry.bytes, _XSD_NNI))
        add(dist, V.DCTERMS + "license", _n(m.license))
        add(dist, V.DCTERMS + "issued", _lit(m.issued.isoformat(), _XSD_DATE))
        add(dist, V.DCTERMS + "modified", _lit(m.modified.isoformat(), _XSD_DATE))
        if entry.path.endswith(".gz"):
            add(dist, V.DCAT + "mediaType", _n(V.IANA_MEDIA_TYPES + "application/n-quads"))
            add(dist, V.DCAT + "compressFormat", _n(V.IANA_MEDIA_TYPES + "application/gzip"))
        else:
            add(dist, V.DCAT + "mediaType", _n(V.IANA_MEDIA_TYPES + entry.media_type))
        add(dist, V.SPDX + "checksum", checksum)
        add(checksum, V.RDF_TYPE, _n(V.SPDX + "Checksum"))
        add(checksum, V.SPDX + "algorithm", _n(V.SPDX + "checksumAlgorithm_sha256"))
        add(checksum, V.SPDX + "checksumValue", _lit(entry.sha256, _XSD_HEX))
    return t


def hash_str(text: str) -> int:
    """Return a stable (not salted) integer hash of a string, for node names."""
    import zlib

    return zlib.crc32(text.encode("utf-8"))


def write_description(ctx: ExportContext, out: Path) -> None:
    """Write ``void.ttl`` (VoID + DCAT); runs after every dump so it can list them."""
    triples = description_triples(ctx, out)
    lines = sorted({str(x).encode("utf-8") + b" ." for x in triples})
    prefixes = {
        k: V.PREFIXES[k]
        for k in (
            "dcat",
            "dcterms",
            "hrd",
            "owl",
            "prov",
            "rdf",
            "schema",
            "skos",
            "spdx",
            "void",
            "xsd",
        )
    }
    prefixes.update({"foaf": V.FOAF, "vcard": V.VCARD})
    write_bytes(out / DESCRIPTION_FILE, turtle(lines, prefixes))
