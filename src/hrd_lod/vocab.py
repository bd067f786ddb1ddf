"""Every namespace and IRI the project uses, in one place.

Nothing else in the code base spells an ontology or schema.org IRI by hand: modules import
the namespaces from here. Terms are plain strings so that both rdflib and pyoxigraph can use
them without conversion.
"""

from __future__ import annotations

SCHEMA = "http://schema.org/"
HRD = "https://w3id.org/hrd/ontology#"
HRDSH = "https://w3id.org/hrd/shapes#"
DEFAULT_BASE = "https://w3id.org/hrd/"
PROV = "http://www.w3.org/ns/prov#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
VOID = "http://rdfs.org/ns/void#"
FOAF = "http://xmlns.com/foaf/0.1/"
SH = "http://www.w3.org/ns/shacl#"
SPDX = "http://spdx.org/rdf/terms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
WD = "http://www.wikidata.org/entity/"
#: IANA media-type IRIs, as DCAT recommends for dcat:mediaType.
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"

#: Prefixes written in Turtle/TriG dumps and used as the JSON-LD context's prefixes.
PREFIXES: dict[str, str] = {
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "hrd": HRD,
    "hrdsh": HRDSH,
    "owl": OWL,
    "prov": PROV,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "spdx": SPDX,
    "void": VOID,
    "wd": WD,
    "xsd": XSD,
}


def schema(local: str) -> str:
    """Return the schema.org IRI for a local name."""
    return SCHEMA + local


def hrd(local: str) -> str:
    """Return the award-ontology IRI for a local name."""
    return HRD + local


def entity_iri(base: str, kind: str, slug: str) -> str:
    """Return the IRI of an entity: ``{base}id/{kind}/{slug}``."""
    return f"{base}id/{kind}/{slug}"


def graph_iri(base: str, source_slug: str) -> str:
    """Return the IRI of the named graph that holds the facts read from one source."""
    return f"{base}graph/{source_slug}"


def dataset_iri(base: str) -> str:
    """Return the IRI of the dataset (the VoID/DCAT description's subject)."""
    return f"{base}dataset"


def description_graph_iri(base: str) -> str:
    """Return the IRI of the named graph holding the dataset description (VoID/DCAT)."""
    return f"{base}graph/dataset-description"
