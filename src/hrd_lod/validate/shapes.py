"""The shapes and ontology graphs used for validation (rdflib: they are small)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .. import vocab as V
from ..errors import LoadError, Location, Problem


def _pattern_default_base() -> str:
    # In the shapes' patterns the default base is written with its dot escaped.
    return V.DEFAULT_BASE.replace(".", "\\.")


@lru_cache(maxsize=8)
def _parse(files: tuple[tuple[Path, int, int], ...]) -> rdflib.Graph:
    g = rdflib.Graph()
    for path, _mtime, _size in files:
        data = path.read_bytes()
        _check_syntax(path, data)
        g.parse(data=data, format="turtle", publicID=path.resolve().as_uri())
    return g


def _check_syntax(path: Path, data: bytes) -> None:
    """Raise LoadError naming the file and line of a Turtle syntax error.

    No base IRI: a relative IRI would resolve against this machine's folder, so it is an error.
    """
    try:
        for _ in ox.parse(data, format=ox.RdfFormat.TURTLE):
            pass
    except SyntaxError as exc:
        try:
            shown = path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            shown = path.as_posix()
        raise LoadError(
            [
                Problem(
                    Location(shown, exc.lineno),
                    f"Turtle syntax error: {exc.msg}",
                    "fix the file (an editor with Turtle support helps)",
                    code="syntax",
                )
            ]
        ) from None


def check_files(paths: list[Path]) -> None:
    """Raise LoadError (file, line) if any of the Turtle files does not parse."""
    load_graph(paths)


def load_graph(paths: list[Path]) -> rdflib.Graph:
    """Return the union of Turtle files as a new rdflib Graph (parsed once per file version)."""
    # The key holds each file's mtime and size: an edited shapes file is parsed again.
    key = tuple((p, (st := p.stat()).st_mtime_ns, st.st_size) for p in paths)
    out = rdflib.Graph()
    for t in _parse(key):
        out.add(t)
    return out


def shapes_graph(paths: list[Path], base_iri: str) -> rdflib.Graph:
    """Return the shapes, with IRI patterns rewritten for the dataset's base IRI."""
    g = load_graph(paths)
    if base_iri == V.DEFAULT_BASE:
        return g
    default = _pattern_default_base()
    own = re.escape(base_iri)
    pattern = rdflib.URIRef(V.SH + "pattern")
    for s, o in list(g.subject_objects(pattern)):
        if isinstance(o, rdflib.Literal) and default in str(o):
            g.remove((s, pattern, o))
            g.add((s, pattern, rdflib.Literal(str(o).replace(default, own))))
    return g
