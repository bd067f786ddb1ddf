"""A cache of parsed data files keyed by their content, so a rebuild re-reads only what changed.

An entry is the records one file gave (with their notices) when it loaded without problems,
stored under the SHA-256 of (the state fingerprint, default language, path, bytes): the
fingerprint (:func:`hrd_lod.incremental.state.fingerprint`, one for everything kept between
builds) covers the format version, the code (the data model included) and the tool version.
Files with problems are never cached: their errors are reported afresh every time. The cache
lives in the project's ``.hrd-cache/`` (never published); deleting it only costs time. Entries
are pickles, so the folder must be as trusted as ``data/`` itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

from ..fsutil import write_atomic
from ..incremental.state import UNREADABLE, fingerprint
from .model import Notice, Record


class ParseCache:
    """Parsed records of data files, by content."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder / "records" if folder is not None else None
        self.hits = 0
        self.misses = 0

    def key(self, rel: str, data: bytes, default_lang: str) -> str:
        """Return the cache key of one file's content."""
        h = hashlib.sha256()
        for part in (fingerprint(), default_lang, rel):
            h.update(part.encode() + b"\0")
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> tuple[list[Record], list[Notice]] | None:
        """Return the cached records and notices of a file, or None."""
        if self.folder is None:
            return None
        path = self.folder / key[:2] / key
        records: list[Record] = []
        notices: list[Notice] = []
        try:
            with path.open("rb") as fh:
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
        if self.folder is None:
            return
        with contextlib.suppress(OSError):  # a failure only costs time later
            write_atomic(self.folder / key[:2] / key, b"".join(chunks), durable=False)


def chunk(records: list[Record], notices: list[Notice]) -> bytes:
    """Return some of a file's records and notices, pickled as one cache chunk."""
    return pickle.dumps((records, notices), protocol=pickle.HIGHEST_PROTOCOL)
