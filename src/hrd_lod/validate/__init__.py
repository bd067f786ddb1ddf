"""Validate the dataset with the SHACL shapes and return a report a person can act on.

Two engines give the same results: the fast one (the shapes compiled to SPARQL over the
pyoxigraph store, ``fast.py``) and the reference (pyshacl over an rdflib copy). ``auto`` runs the
fast engine and falls back to the reference, saying why, for any shape or data it cannot handle.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib

from ..errors import ShapesError, UsageError
from ..records.model import Records
from .locate import locate
from .report import Report, Result
from .shapes import load_graph, shapes_graph

__all__ = ["ENGINES", "Report", "Result", "check_engine", "run_engine", "validate_store"]

ENGINES = ("auto", "fast", "reference")


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _culprits(shapes: rdflib.Graph, files: list[Path]) -> str:
    """Return the files (and shapes) to blame when no engine runs the shapes: the shapes the
    fast compiler refuses, each with the file that describes it, else every shapes file."""
    from .compile import UnsupportedShape, compile_shapes
    from .fast import check_queries

    try:
        check_queries(compile_shapes(shapes))
        refused: list[str] = []
    except UnsupportedShape as exc:
        # A missing sh:message stops only the fast engine, never pyshacl: not a culprit.
        refused = sorted({n for n, why in exc.items if not why.startswith("no sh:message")})
    out = []
    for path in files:
        names = [n for n in refused if (rdflib.URIRef(n), None, None) in load_graph([path])]
        if names:
            out.append(f"{_shown(path)} ({', '.join(names)})")
    return "; ".join(out) if out else ", ".join(_shown(p) for p in files)


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
    written: list[bytes] | None = None,
) -> Report:
    """Return the SHACL report for the union of the store's graphs.

    ``written``: the union as sorted N-Triples lines with the literals as the encoder wrote
    them (see :func:`run_engine`).
    """
    check_engine(engine)
    shapes = shapes_graph(shapes_files, base_iri)
    ontology = load_graph(ontology_files)
    from .compile import Unsupported

    try:
        try:
            results, used, reason = run_engine(engine, store, shapes, ontology, written=written)
        except Unsupported as refused:  # --engine fast, asked for by name
            raise ShapesError(
                f"the fast engine cannot check these shapes or data exactly: {refused}",
                hint="run with --engine auto (which falls back to pyshacl) or --engine reference",
            ) from refused
    except ShapesError as exc:
        raise ShapesError(
            f"{_culprits(shapes, shapes_files)}: {exc.message}",
            hint=exc.hint
            or "fix or remove the shape named above; `hrd-lod validate "
            "--engine reference` runs pyshacl alone",
        ) from exc
    located = locate(results, records, base_iri, store)
    return Report(
        tuple(sorted(set(located), key=Result.sort_key)), engine=used, fallback_reason=reason
    )


def run_engine(
    engine: str,
    store: ox.Store,
    shapes: rdflib.Graph,
    ontology: rdflib.Graph,
    *,
    written: list[bytes] | None = None,
) -> tuple[list[Result], str, str | None]:
    """Return (results, the engine that ran, why auto fell back) for the data of ``store``.

    ``written`` is the union graph as sorted N-Triples lines with every literal as written (the
    store keeps some typed literals in a canonical form: "01"^^xsd:int comes back as
    "1"^^xsd:integer); the reference reads those lines, and the fast engine refuses when a
    literal it would check differs in the store. Without it, the store's own lines are used.
    """
    check_engine(engine)
    if engine == "reference":
        from ..store import to_rdflib, union_lines
        from .reference import run_pyshacl

        data = to_rdflib(written if written is not None else union_lines(store))
        return run_pyshacl(data, shapes, ontology), "pyshacl", None
    if engine == "fast":
        from .fast import validate_fast

        return validate_fast(store, shapes, ontology, written=written), "fast", None
    from .fast import validate_auto

    outcome = validate_auto(store, shapes, ontology, written=written)
    return outcome.results, outcome.engine, outcome.fallback_reason
