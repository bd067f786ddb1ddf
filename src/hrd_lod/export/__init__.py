"""Export: write the published edition into a folder.

Every exporter is a function ``(ctx, out) -> None`` that writes its files under ``out``; they
run in the order of :data:`EXPORTERS`, the manifest last, so that it covers every file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .context import ExportContext
from .describe import write_description
from .dumps import (
    write_jsonld,
    write_nquads,
    write_ntriples,
    write_trig,
    write_turtle,
    write_vocabularies,
)
from .entities import write_entities
from .manifest import write_manifest
from .releases import write_releases
from .site import write_site

Exporter = Callable[[ExportContext, Path], None]

#: The exporters, in order. Later ones may read what earlier ones wrote (the dataset
#: description reads the dumps' sizes and checksums; the manifest reads everything).
EXPORTERS: list[tuple[str, Exporter]] = [
    ("N-Triples", write_ntriples),
    ("Turtle", write_turtle),
    ("N-Quads", write_nquads),
    ("TriG", write_trig),
    ("JSON-LD", write_jsonld),
    ("ontology and shapes", write_vocabularies),
    ("entities", write_entities),
    ("site", write_site),
    ("dataset description", write_description),
    ("releases", write_releases),
]


#: Exporters that make the per-entity web site; ``build --no-site`` leaves them out.
SITE_EXPORTERS = frozenset({"entities", "site"})


def export(ctx: ExportContext, out: Path, progress: Callable[[str], None] | None = None,
           skip: frozenset[str] = frozenset()) -> None:
    """Write every export of ``ctx`` under ``out`` (but those named in ``skip``), then the
    manifest."""
    for label, exporter in EXPORTERS:
        if label in skip:
            continue
        if progress:
            progress(label)
        exporter(ctx, out)
    write_manifest(ctx, out)


__all__ = ["EXPORTERS", "SITE_EXPORTERS", "ExportContext", "export"]
