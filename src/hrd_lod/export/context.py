"""What every exporter gets: the store, the records, the metadata, and cached sorted lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from ..project import DatasetMeta, Project
from ..records.model import Records
from ..store import graphs_of, quads_of, union_of
from .reuse import Reuse


@dataclass
class ExportContext:
    """Inputs of the export stage; the sorted dumps are computed once and shared."""

    store: ox.Store
    records: Records
    meta: DatasetMeta
    project: Project
    tool_version: str
    extras: dict[str, object] = field(default_factory=dict)
    #: the store's triples as sorted N-Triples lines by graph (``<IRI>``, "" for the default
    #: graph), as the encoder made them; without it they are dumped from the store
    graphs: dict[str, list[bytes]] | None = None
    #: writes the per-entity files, linking unchanged ones from the previous edition
    reuse: Reuse = field(default_factory=lambda: Reuse())

    def _graphs(self) -> dict[str, list[bytes]]:
        if self.graphs is None:
            self.graphs = graphs_of(self.store)
        return self.graphs

    def graph_lines(self) -> list[tuple[str, list[bytes]]]:
        """Return (graph, sorted lines) for the default graph, then the named graphs by IRI."""
        return sorted(self._graphs().items(), key=lambda item: item[0][1:-1])

    @cached_property
    def union(self) -> list[bytes]:
        """Return the union graph as sorted, distinct N-Triples lines."""
        return union_of(self._graphs())

    def sorted_quads(self) -> list[bytes]:
        """Return every quad as sorted N-Quads lines (made on each call: one export reads them,
        and drops them after)."""
        return quads_of(self._graphs())

    @property
    def name(self) -> str:
        """Return the base name of the dump files (the dataset id)."""
        return self.meta.id
