"""What every exporter gets: the dataset, the records, the metadata, and typed shared values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from ..project import DatasetMeta, Project
from ..records.model import Records
from ..store import Dataset
from .manifest import EntryCache
from .reuse import Reuse

if TYPE_CHECKING:
    from .describe import VoidStatistics
    from .entities import EntityIndex


@dataclass
class ExportContext:
    """Inputs of the export stage, and the typed values exporters hand each other."""

    store: ox.Store
    records: Records
    meta: DatasetMeta
    project: Project
    tool_version: str
    #: the store's triples as sorted N-Triples lines by graph (``<IRI>``, "" for the default
    #: graph), as the encoder made them; without it they are dumped from the store
    graphs: dict[str, list[bytes]] | None = None
    #: writes the per-entity files, linking unchanged ones from the previous edition
    reuse: Reuse = field(default_factory=lambda: Reuse())
    #: the VoID figures of the union (made by the "statistics" exporter)
    statistics: VoidStatistics | None = None
    #: the N-Quads gzip's members: (offset in the plain file, offset in the gzip) of each
    gzip_members: list[tuple[int, int]] | None = None
    #: the entities and their description lines (shared by the entity files and the pages)
    entity_index: EntityIndex | None = None
    #: manifest entries of the files hashed so far in this export
    file_entries: EntryCache = field(default_factory=dict)
    dataset: Dataset = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.dataset = Dataset(self.store, self.graphs)

    @classmethod
    def of(
        cls,
        dataset: Dataset,
        records: Records,
        meta: DatasetMeta,
        project: Project,
        tool_version: str,
        reuse: Reuse | None = None,
    ) -> ExportContext:
        """Return the context of exporting ``dataset`` (its line views shared, not remade)."""
        ctx = cls(dataset.store, records, meta, project, tool_version, reuse=reuse or Reuse())
        ctx.dataset = dataset
        return ctx

    def graph_lines(self) -> list[tuple[str, list[bytes]]]:
        """Return (graph, sorted lines) for the default graph, then the named graphs by IRI."""
        return self.dataset.graph_lines()

    @property
    def union(self) -> list[bytes]:
        """Return the union graph as sorted, distinct N-Triples lines."""
        return self.dataset.union

    def sorted_quads(self) -> list[bytes]:
        """Return every quad as sorted N-Quads lines (made on each call)."""
        return self.dataset.sorted_quads()

    @property
    def name(self) -> str:
        """Return the base name of the dump files (the dataset id)."""
        return self.meta.id
