"""Validate the dataset with the SHACL shapes and return a report a person can act on.

Two engines give the same results: the fast one (the shapes compiled to SPARQL over the
pyoxigraph store, ``fast.py``) and the reference (pyshacl over an rdflib copy). ``auto`` runs the
fast engine and falls back to the reference, saying why, for any shape or data it cannot handle.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from ..errors import UsageError
from ..records.model import Records
from .locate import locate
from .report import Report, Result
from .shapes import load_graph, shapes_graph

__all__ = ["ENGINES", "Report", "Result", "check_engine", "validate_store"]

ENGINES = ("auto", "fast", "reference")


def check_engine(engine: str) -> None:
    """Raise UsageError unless ``engine`` is one of :data:`ENGINES`."""
    if engine not in ENGINES:
        raise UsageError(
            f"unknown validation engine {engine!r}", hint=f"use one of: {', '.join(ENGINES)}"
        )


def validate_store(
    store: ox.Store,
    records: Records,
    *,
    shapes_files: list[Path],
    ontology_files: list[Path],
    base_iri: str,
    engine: str = "auto",
) -> Report:
    """Return the SHACL report for the union of the store's graphs."""
    check_engine(engine)
    shapes = shapes_graph(shapes_files, base_iri)
    ontology = load_graph(ontology_files)
    reason = None
    if engine == "reference":
        from ..store import to_rdflib, union_lines
        from .reference import run_pyshacl

        results = run_pyshacl(to_rdflib(union_lines(store)), shapes, ontology)
        used = "pyshacl"
    elif engine == "fast":
        from .fast import validate_fast

        results, used = validate_fast(store, shapes, ontology), "fast"
    elif engine == "auto":
        from .fast import validate_auto

        outcome = validate_auto(store, shapes, ontology)
        results, used, reason = outcome.results, outcome.engine, outcome.fallback_reason
    else:  # pragma: no cover - check_engine refused it above
        raise AssertionError(engine)
    located = locate(results, records, base_iri)
    return Report(
        tuple(sorted(set(located), key=Result.sort_key)), engine=used, fallback_reason=reason
    )
