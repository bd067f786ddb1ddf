"""A cache of parsed data files keyed by their content, so a rebuild re-reads only what changed.

An entry is the records one file gave (with their notices) when it loaded without problems. It
is one item of what builds keep for each other (:class:`~hrd_lod.incremental.state.StateKeeper`,
kind ``records``, in ``.hrd-cache/state/records/``), keyed by the SHA-256 of the keeper's one
fingerprint (format version, code, tool version), the default language, the file's path and its
bytes. Files with problems are never cached: their errors are reported afresh every time.
Deleting the cache only costs time. Entries are pickles, so the folder must be as trusted as
``data/`` itself.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from ..incremental.state import UNREADABLE, StateKeeper
from ..lanes import gc_paused
from .model import Notice, Record

#: The kind of the parse cache's entries in the :class:`StateKeeper`.
KIND = "records"


class ParseCache:
    """Parsed records of data files, by content (``cache_dir`` None: nothing is kept)."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.keeper = StateKeeper(cache_dir)
        self.hits = 0
        self.misses = 0

    def key(self, rel: str, data: bytes, default_lang: str) -> str:
        """Return the cache key of one file's content."""
        return self.keeper.entry_key(default_lang, rel, data)

    def get(self, key: str) -> tuple[list[Record], list[Notice]] | None:
        """Return the cached records and notices of a file, or None."""
        path = self.keeper.entry_path(KIND, key)
        if path is None:
            return None
        records: list[Record] = []
        notices: list[Notice] = []
        try:
            # millions of objects that all stay: the collector would scan them again and again
            with path.open("rb") as fh, gc_paused():
                while fh.peek(1):  # one pickle per chunk of the file's records
                    chunk_records, chunk_notices = pickle.load(fh)
                    records += chunk_records
                    notices += chunk_notices
        except UNREADABLE:
            self.misses += 1
            return None
        self.hits += 1
        return records, notices

    def put(self, key: str, records: list[Record], notices: list[Notice]) -> None:
        """Store a file's records (written atomically; a failure only costs time later)."""
        self.put_chunks(key, [chunk(records, notices)])

    def put_chunks(self, key: str, chunks: list[bytes]) -> None:
        """Store a file's records given as ``chunk``s, in order (parts of the file read apart
        are stored without being pickled again)."""
        self.keeper.write_entry(KIND, key, b"".join(chunks))


def chunk(records: list[Record], notices: list[Notice]) -> bytes:
    """Return some of a file's records and notices, pickled as one cache chunk."""
    with gc_paused():  # the pickler's memo holds every object: no cycle to collect here
        return pickle.dumps((records, notices), protocol=pickle.HIGHEST_PROTOCOL)
