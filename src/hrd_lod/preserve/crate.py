"""``ro-crate-metadata.json``: an RO-Crate 1.1 describing every file of a release.

The crate's root is the release folder (and so the payload of its BagIt bag, as RO-Crate
recommends for bagged crates). It names every file with its media type, size and what it is;
the dataset with its licence, publisher, version and date; the source documents the facts were
read from (with their archived copies where the project keeps one); and, as a ``CreateAction``,
the tool that made the release from those sources.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import quote

from rocrate.model.contextentity import ContextEntity
from rocrate.rocrate import ROCrate

from ..export.manifest import MANIFEST, media_type
from .info import ReleaseInfo
from .licences import licence

CRATE = "ro-crate-metadata.json"
CRATE_VERSION = "1.1"

_ENTITY_FILE = re.compile(r"^id/([a-z]+)/([^/]+?)(\.schema\.jsonld|\.jsonld|\.ttl|\.html|\.nt)$")
_DUMPS = {
    ".ttl": "as Turtle",
    ".nt": "as N-Triples",
    ".jsonld": "as JSON-LD",
    ".trig": "with one named graph per source document, as TriG",
    ".nq": "with one named graph per source document, as N-Quads",
    ".nq.gz": "with one named graph per source document, as gzip'd N-Quads",
}
_FIXED = {
    "context.jsonld": "the JSON-LD @context of the dataset's JSON-LD files",
    "void.ttl": "the dataset's description (VoID and DCAT)",
    "index.html": "the dataset's home page",
    "sitemap.xml": "the site map of the pages",
    "robots.txt": "instructions for web crawlers",
    "CHANGES.md": "what changed since the previous release, for people",
    "changes.json": "what changed since the previous release: triples and entities",
    MANIFEST: "every file of the release with its size and SHA-256",
    "datacite.json": "DataCite metadata of the release (schema 4.5, JSON)",
    "CITATION.cff": "how to cite the release (Citation File Format 1.2.0)",
}
_ENTITY_FORMS = {
    ".html": "the web page",
    ".ttl": "the description as Turtle",
    ".jsonld": "the description as JSON-LD",
    ".schema.jsonld": "the schema.org JSON-LD block",
    ".nt": "the description as N-Triples",
}


def describe_file(rel: str, info: ReleaseInfo) -> str:
    """Return what the release file at ``rel`` is, in a few words."""
    if rel in _FIXED:
        return _FIXED[rel]
    for suffix, how in _DUMPS.items():
        if rel == info.dataset_id + suffix:
            return f"the whole dataset {how}"
    m = _ENTITY_FILE.match(rel)
    if m:
        return f"{_ENTITY_FORMS[m.group(3)]} of the {m.group(1)} '{m.group(2)}'"
    if rel.startswith("ontology/"):
        return "the award ontology"
    if rel.startswith("shapes/"):
        return "the SHACL shapes the dataset is validated with"
    if rel.startswith("queries/"):
        return "an example SPARQL query" if rel.endswith(".rq") else "the example queries"
    if rel.startswith("archive/"):
        return "the archived copy of a source document"
    if rel.startswith("id/"):
        return "a list of entities"
    return "a file of the release"


def release_files(folder: Path) -> list[str]:
    """Return every file of the release folder as a sorted relative POSIX path."""
    out: list[str] = []
    for dirpath, _dirs, names in os.walk(folder):
        base = Path(dirpath).relative_to(folder).as_posix()
        prefix = "" if base == "." else base + "/"
        out.extend(prefix + n for n in names if prefix or n != CRATE)
    return sorted(out)


def crate_metadata(folder: Path, info: ReleaseInfo) -> dict[str, object]:
    """Return the RO-Crate metadata (JSON-LD) describing the release in ``folder``."""
    crate = ROCrate(version=CRATE_VERSION)
    lic = licence(info.license)
    publisher_id = info.publisher_url or "#publisher"
    tool_id = f"#tool-{info.tool}-{info.tool_version}"
    action_id = f"#release-{info.version}"
    root = crate.root_dataset
    root["name"] = info.title
    root["description"] = info.description
    root["license"] = {"@id": lic.url}
    root["publisher"] = {"@id": publisher_id}
    root["creator"] = {"@id": publisher_id}
    root["version"] = info.version
    root["datePublished"] = info.date.isoformat()
    root["dateCreated"] = info.issued.isoformat()
    root["inLanguage"] = info.language
    root["identifier"] = info.dataset_iri
    if info.keywords:
        root["keywords"] = list(info.keywords)
    if info.homepage:
        root["url"] = info.homepage
    if info.sources:
        root["isBasedOn"] = [{"@id": s.iri} for s in info.sources]
    entities: list[ContextEntity] = [
        ContextEntity(crate, lic.url, properties={"@type": "CreativeWork", "name": lic.name}),
        ContextEntity(
            crate,
            publisher_id,
            properties={
                "@type": "Organization",
                "name": info.publisher,
                **({"url": info.publisher_url} if info.publisher_url else {}),
                **({"email": info.contact_email} if info.contact_email else {}),
            },
        ),
        ContextEntity(
            crate,
            tool_id,
            properties={
                "@type": "SoftwareApplication",
                "name": info.tool,
                "version": info.tool_version,
            },
        ),
        ContextEntity(
            crate,
            action_id,
            properties={
                "@type": "CreateAction",
                "name": f"{info.tool} release {info.version}",
                "endTime": info.date.isoformat(),
                "agent": {"@id": publisher_id},
                "instrument": {"@id": tool_id},
                "object": [{"@id": s.iri} for s in info.sources],
                "result": {"@id": "./"},
            },
        ),
    ]
    publishers: dict[str, str] = {}
    archived: dict[str, str] = {}
    for s in info.sources:
        props: dict[str, object] = {"@type": "CreativeWork", "name": s.name}
        if s.url:
            props["url"] = s.url
        if s.publisher_iri:
            props["publisher"] = {"@id": s.publisher_iri}
            publishers[s.publisher_iri] = s.publisher or s.publisher_iri
        if s.date_published:
            props["datePublished"] = s.date_published
        if s.archived_copy:
            archived[f"archive/{s.archived_copy}"] = s.iri
        entities.append(ContextEntity(crate, s.iri, properties=props))
    for iri, name in sorted(publishers.items()):
        entities.append(
            ContextEntity(crate, iri, properties={"@type": "Organization", "name": name})
        )
    crate.add(*entities)
    doc: dict[str, object] = crate.metadata.generate()
    # The File entities are written as JSON-LD directly: rocrate's File model costs about
    # half a millisecond per file (40 s for the 73,000 files of a 10,000-conferral release),
    # and these entities are plain: an id, a type and a few literals.
    graph = doc["@graph"]
    assert isinstance(graph, list)
    files = []
    for rel in release_files(folder):
        entity: dict[str, object] = {
            "@id": quote(rel),
            "@type": "File",
            "name": rel.rsplit("/", 1)[-1],
            "description": describe_file(rel, info),
            "encodingFormat": media_type(Path(rel)),
        }
        if rel != MANIFEST:  # the manifest lists this crate: its size cannot be known here
            entity["contentSize"] = str((folder / rel).stat().st_size)
        if rel in archived:
            entity["about"] = {"@id": archived[rel]}
        files.append(entity)
    root_entity = next(e for e in graph if e.get("@id") == "./")
    root_entity["hasPart"] = [{"@id": e["@id"]} for e in files]
    graph.extend(files)
    return doc


def write_crate(folder: Path, info: ReleaseInfo) -> Path:
    """Write ``ro-crate-metadata.json`` into the release folder and return its path."""
    doc = crate_metadata(folder, info)
    path = folder / CRATE
    path.write_text(json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", "utf-8")
    return path
