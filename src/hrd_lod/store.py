"""The in-memory dataset: a pyoxigraph Store, and the conversions to and from it.

Everything that holds the whole dataset goes through here. pyoxigraph keeps 1.7M quads in a
third of rdflib's memory and writes them in seconds; rdflib graphs are made only for small
graphs (pyshacl, per-entity descriptions, tests) via N-Triples, the cheapest exchange format.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox

if TYPE_CHECKING:
    import rdflib

NT = ox.RdfFormat.N_TRIPLES
NQ = ox.RdfFormat.N_QUADS


def new_store(quads: Iterable[ox.Quad] = ()) -> ox.Store:
    """Return an in-memory store holding ``quads``."""
    store = ox.Store()
    store.extend(quads)
    return store


def graph_names(store: ox.Store) -> list[ox.NamedNode]:
    """Return the named graphs of the store, sorted by IRI."""
    return sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode)), key=lambda g: g.value
    )


def graphs_of(store: ox.Store) -> dict[str, list[bytes]]:
    """Return graph (``<IRI>``, or "" for the default graph) -> its sorted N-Triples lines."""
    out: dict[str, list[bytes]] = {}
    for g in [ox.DefaultGraph(), *graph_names(store)]:
        lines = sorted(x for x in store.dump(format=NT, from_graph=g).splitlines() if x)
        if lines or isinstance(g, ox.NamedNode):
            out[f"<{g.value}>" if isinstance(g, ox.NamedNode) else ""] = lines
    return out


def union_of(graphs: dict[str, list[bytes]]) -> list[bytes]:
    """Return the union of sorted lines by graph as sorted, distinct N-Triples lines."""
    if len(graphs) == 1:
        return list(next(iter(graphs.values())))
    # Each graph's lines are a sorted run, which the sort merges (galloping) instead of
    # sorting every line again; dict.fromkeys then drops the duplicates, keeping the order.
    every: list[bytes] = []
    for lines in graphs.values():
        every.extend(lines)
    every.sort()
    return list(dict.fromkeys(every))


def quads_of(graphs: dict[str, list[bytes]]) -> list[bytes]:
    """Return sorted lines by graph as sorted N-Quads lines (no newline)."""
    out: list[bytes] = []
    for g, lines in graphs.items():
        if not g:
            out.extend(lines)
            continue
        suffix = g.encode("utf-8") + b" ."
        out.extend([line[:-1] + suffix for line in lines])
    out.sort()
    return out


def union_lines(store: ox.Store) -> list[bytes]:
    """Return the union of all graphs as sorted, distinct N-Triples lines (no newline)."""
    return union_of(graphs_of(store))


def triples_from_lines(lines: list[bytes]) -> Iterable[ox.Triple]:
    """Return the triples of N-Triples lines, in the order given."""
    if not lines:
        return iter(())
    return (q.triple for q in ox.parse(b"\n".join(lines) + b"\n", format=NT))


def to_rdflib(lines: Iterable[bytes]) -> rdflib.Graph:
    """Return an rdflib Graph of N-Triples lines (for pyshacl and small graphs)."""
    import rdflib

    g = rdflib.Graph()
    data = b"\n".join(lines)
    if data:
        g.parse(data=data.decode("utf-8"), format="nt")
    return g
