"""Validate the dataset with the SHACL shapes and return a report a person can act on."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..records.model import Records
from ..store import to_rdflib, union_lines
from .locate import locate
from .report import Report, Result
from .shapes import load_graph, shapes_graph

__all__ = ["Report", "Result", "validate_store"]


def validate_store(store: ox.Store, records: Records, *, shapes_files: list[Path],
                   ontology_files: list[Path], base_iri: str) -> Report:
    """Return the SHACL report for the union of the store's graphs."""
    from .reference import run_pyshacl

    data = to_rdflib(union_lines(store))
    shapes = shapes_graph(shapes_files, base_iri)
    ontology = load_graph(ontology_files)
    results = run_pyshacl(data, shapes, ontology)
    located = locate(results, records, base_iri)
    return Report(tuple(sorted(set(located), key=Result.sort_key)), engine="pyshacl")
