"""The in-memory dataset: a pyoxigraph Store, its sorted line views, and the conversions.

Everything that holds the whole dataset goes through here. pyoxigraph keeps 1.7M quads in a
third of rdflib's memory and writes them in seconds; rdflib graphs are made only for small
graphs (pyshacl, per-entity descriptions, tests) via N-Triples, the cheapest exchange format.

:class:`Dataset` is the one value the exporters read: the store, and the same triples as
sorted N-Triples lines per graph, as the union and as N-Quads (made once, shared). The lines
are split into their terms here and nowhere else (:func:`split_line`, :func:`subject_of`):
subjects and predicates are IRIs or blank node labels, which hold no space, so the first two
spaces of a line end them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
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
    every: list[ox.NamedNode | ox.DefaultGraph] = [ox.DefaultGraph(), *graph_names(store)]
    for g in every:
        data = store.dump(format=NT, from_graph=g) or b""
        lines = sorted(x for x in data.splitlines() if x)
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
        suffix = g.encode("utf-8") + b" ."  # quad_line, without a call per line
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


def split_line(line: bytes) -> tuple[bytes, bytes, bytes]:
    """Return the subject, predicate and object of an N-Triples line (``S P O .``)."""
    s, p, rest = line.split(b" ", 2)
    return s, p, rest[:-2]


def terms_of(lines: Iterable[bytes]) -> Iterator[tuple[bytes, bytes, bytes]]:
    """Yield the subject, predicate and object of each N-Triples line (a generator: in a hot
    loop it costs less than splitting the lines inline)."""
    for line in lines:
        s, p, rest = line.split(b" ", 2)
        yield s, p, rest[:-2]


def text_terms_of(lines: Iterable[bytes]) -> Iterator[tuple[str, str, str]]:
    """Yield the subject, predicate and object of each N-Triples line, decoded."""
    for line in lines:
        s, p, rest = line.decode("utf-8").split(" ", 2)
        yield s, p, rest[:-2]


def subject_of(line: bytes) -> bytes:
    """Return the subject of an N-Triples or N-Quads line (its key: lines sort by it)."""
    return line[: line.index(b" ")]


def predicate_of(line: bytes) -> bytes:
    """Return the predicate of an N-Triples line."""
    return line.split(b" ", 2)[1]


def object_of(line: bytes) -> bytes:
    """Return the object of an N-Triples line."""
    return line.split(b" ", 2)[2][:-2]


def quad_line(graph: str, line: bytes) -> bytes:
    """Return the N-Quads line of an N-Triples ``line`` in ``graph`` ("": the default graph)."""
    return line[:-1] + graph.encode("utf-8") + b" ." if graph else line


@dataclass
class Dataset:
    """The dataset: a store, and its triples as sorted lines (made once and shared)."""

    store: ox.Store
    #: graph (``<IRI>``, "" for the default graph) -> its sorted N-Triples lines, as the
    #: encoder made them; dumped from the store when not given
    given_graphs: dict[str, list[bytes]] | None = field(default=None, repr=False)

    @cached_property
    def graphs(self) -> dict[str, list[bytes]]:
        """Return graph (``<IRI>``, "" for the default graph) -> its sorted lines."""
        return self.given_graphs if self.given_graphs is not None else graphs_of(self.store)

    def graph_lines(self) -> list[tuple[str, list[bytes]]]:
        """Return (graph, sorted lines) for the default graph, then the named graphs by IRI."""
        return sorted(self.graphs.items(), key=lambda item: item[0][1:-1])

    @cached_property
    def union(self) -> list[bytes]:
        """Return the union graph as sorted, distinct N-Triples lines."""
        return union_of(self.graphs)

    def sorted_quads(self) -> list[bytes]:
        """Return every quad as sorted N-Quads lines (made on each call: one export reads
        them, and drops them after)."""
        return quads_of(self.graphs)

    @property
    def size(self) -> int:
        """Return the number of quads (from the lines when they are made, else the store)."""
        if self.given_graphs is not None or "graphs" in self.__dict__:
            return sum(len(lines) for lines in self.graphs.values())
        return len(self.store)
