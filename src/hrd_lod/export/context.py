"""What every exporter gets: the store, the records, the metadata, and cached sorted lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pyoxigraph as ox

from ..project import DatasetMeta, Project
from ..records.model import Records
from ..store import quad_lines, union_lines


@dataclass
class ExportContext:
    """Inputs of the export stage; the sorted dumps are computed once and shared."""

    store: ox.Store
    records: Records
    meta: DatasetMeta
    project: Project
    tool_version: str
    extras: dict[str, object] = field(default_factory=dict)

    @cached_property
    def union(self) -> list[bytes]:
        """Return the union graph as sorted, distinct N-Triples lines."""
        return union_lines(self.store)

    @cached_property
    def quads(self) -> list[bytes]:
        """Return every quad as sorted N-Quads lines."""
        return quad_lines(self.store)

    @property
    def name(self) -> str:
        """Return the base name of the dump files (the dataset id)."""
        return self.meta.id
