"""What a kept release says about itself: the dataset, its version and date, its sources.

Read from the release folder (its ``manifest.json`` and its N-Triples dump) and the project's
dataset metadata, so that a release can be described again after it was made, e.g. when a
withdrawal rewrites it: the description follows what the release holds, never the current data.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..errors import UsageError
from ..export.manifest import MANIFEST
from ..project import DatasetMeta


@dataclass(frozen=True)
class SourceInfo:
    """A source document the release's facts were read from."""

    iri: str
    id: str
    name: str
    url: str | None = None
    publisher: str | None = None  # the publisher's name
    publisher_iri: str | None = None
    date_published: str | None = None
    retrieved: str | None = None
    archived_copy: str | None = None  # relative to data/ in the project and to the release
    sha256: str | None = None


@dataclass(frozen=True)
class ReleaseInfo:
    """The facts every preservation file states about one release."""

    dataset_id: str
    title: str
    description: str
    license: str
    publisher: str
    version: str
    date: dt.date
    issued: dt.date
    language: str
    tool: str
    tool_version: str
    base_iri: str
    publisher_url: str | None = None
    contact_email: str | None = None
    homepage: str | None = None
    keywords: tuple[str, ...] = ()
    sources: tuple[SourceInfo, ...] = ()

    @property
    def dataset_iri(self) -> str:
        """Return the IRI of the dataset (as in its VoID description)."""
        return V.dataset_iri(self.base_iri)


_SOURCES = f"""
PREFIX schema: <{V.SCHEMA}>
PREFIX hrd: <{V.HRD}>
SELECT ?s (MIN(STR(?n)) AS ?name) (MIN(STR(?u)) AS ?url) (MIN(STR(?pn)) AS ?pubname)
       (MIN(STR(?p)) AS ?pub) (MIN(STR(?d)) AS ?date) (MIN(STR(?r)) AS ?retrieved)
       (MIN(STR(?c)) AS ?copy) (MIN(STR(?h)) AS ?sha)
WHERE {{
  ?s a schema:CreativeWork ; schema:name ?n .
  FILTER(STRSTARTS(STR(?s), ?prefix))
  OPTIONAL {{ ?s schema:url ?u }}
  OPTIONAL {{ ?s schema:publisher ?p . OPTIONAL {{ ?p schema:name ?pn }} }}
  OPTIONAL {{ ?s schema:datePublished ?d }}
  OPTIONAL {{ ?s hrd:retrieved ?r }}
  OPTIONAL {{ ?s hrd:archivedCopy ?c }}
  OPTIONAL {{ ?s hrd:sha256 ?h }}
}} GROUP BY ?s ORDER BY ?s
"""


def read_manifest(folder: Path) -> dict[str, object]:
    """Return a release folder's ``manifest.json``; a clear error if it is missing or broken."""
    path = folder / MANIFEST
    try:
        data = json.loads(path.read_text("utf-8"))
    except OSError:
        raise UsageError(f"{path} is missing: {folder} is not a kept release") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a manifest (an object with 'files')")
    return data


def read_sources(folder: Path, dataset_id: str, base_iri: str) -> tuple[SourceInfo, ...]:
    """Return the source documents described in the release's N-Triples dump."""
    dump = folder / f"{dataset_id}.nt"
    if not dump.is_file():
        raise UsageError(f"{dump} is missing: the release has no N-Triples dump")
    store = ox.Store()
    try:
        store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise UsageError(f"{dump} does not parse as N-Triples: {exc}") from None
    prefix = V.entity_iri(base_iri, "source", "")
    query = _SOURCES.replace("?prefix", f'"{prefix}"')
    out = []
    for row in store.query(query):  # type: ignore[union-attr]
        iri = row["s"].value

        def val(name: str, row: ox.QuerySolution = row) -> str | None:
            term = row[name]
            return term.value if term is not None else None

        out.append(
            SourceInfo(
                iri=iri,
                id=iri[len(prefix) :],
                name=val("name") or iri,
                url=val("url"),
                publisher=val("pubname"),
                publisher_iri=val("pub"),
                date_published=val("date"),
                retrieved=val("retrieved"),
                archived_copy=val("copy"),
                sha256=val("sha"),
            )
        )
    return tuple(out)


def release_info(folder: Path, meta: DatasetMeta) -> ReleaseInfo:
    """Return what the preservation files state about the release kept in ``folder``."""
    manifest = read_manifest(folder)
    version = str(manifest.get("dataset_version") or meta.version)
    modified = manifest.get("modified")
    try:
        date = dt.date.fromisoformat(str(modified)) if modified else meta.modified
    except ValueError:
        raise UsageError(f"{folder / MANIFEST}: 'modified' is not a date: {modified!r}") from None
    dataset_id = str(manifest.get("dataset") or meta.id)
    base_iri = str(manifest.get("base_iri") or meta.base_iri)
    return ReleaseInfo(
        dataset_id=dataset_id,
        title=meta.title_text(),
        description=meta.description_text(),
        license=meta.license,
        publisher=meta.publisher,
        version=version,
        date=date,
        issued=meta.issued,
        language=meta.language,
        tool=str(manifest.get("tool") or "hrd-lod"),
        tool_version=str(manifest.get("tool_version") or ""),
        base_iri=base_iri,
        publisher_url=meta.publisher_url,
        contact_email=meta.contact_email,
        homepage=meta.homepage,
        keywords=meta.keywords,
        sources=read_sources(folder, dataset_id, base_iri),
    )
