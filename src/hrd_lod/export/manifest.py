"""``dist/manifest.json``: every published file with its size and SHA-256."""

from __future__ import annotations

import hashlib
import json
import mimetypes
import mmap
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .context import ExportContext

MANIFEST = "manifest.json"

MEDIA_TYPES = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".nq": "application/n-quads",
    ".trig": "application/trig",
    ".jsonld": "application/ld+json",
    ".json": "application/json",
    ".gz": "application/gzip",
    ".html": "text/html",
    ".xml": "application/xml",
    ".txt": "text/plain",
    ".rq": "application/sparql-query",
    ".css": "text/css",
    ".js": "text/javascript",
    ".conf": "text/plain",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def media_type(path: Path) -> str:
    """Return the media type of a published file, from its suffix."""
    return (
        MEDIA_TYPES.get(path.suffix)
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


@dataclass(frozen=True)
class FileEntry:
    """One published file."""

    path: str
    bytes: int
    sha256: str
    media_type: str

    def __reduce__(self) -> tuple[type[FileEntry], tuple[str, int, str, str]]:
        # pickled as its values (the kept states hold some 70,000 of them per edition)
        return (FileEntry, (self.path, self.bytes, self.sha256, self.media_type))


EntryCache = dict[tuple[str, int, int, int], "FileEntry"]


def entry_key(path: Path, inode: int, size: int, mtime_ns: int) -> tuple[str, int, int, int]:
    """Return the key of a file's entry in an EntryCache: the file is the same while these are."""
    return (str(path), inode, size, mtime_ns)


def _sha256(path: Path) -> tuple[int, str]:
    """Return a file's size and SHA-256, hashed from a memory map (no copy of a large dump in
    memory; the hash lets other threads run)."""
    with path.open("rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if not size:
            return 0, hashlib.sha256(b"").hexdigest()
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            return size, hashlib.sha256(data).hexdigest()


def file_entry(root: Path, path: Path, cache: EntryCache | None = None) -> FileEntry:
    """Return the manifest entry of one file under ``root``.

    With ``cache`` (one per export: the home page, the dataset description and the manifest
    all list the dumps), a file whose inode, size and modification time did not change is not
    read and hashed again.
    """
    key = None
    if cache is not None:
        st = path.stat()
        key = entry_key(path, st.st_ino, st.st_size, st.st_mtime_ns)
        hit = cache.get(key)
        if hit is not None:
            return hit
    size, digest = _sha256(path)
    entry = FileEntry(path.relative_to(root).as_posix(), size, digest, media_type(path))
    if cache is not None and key is not None:
        cache[key] = entry
    return entry


def entry_cache(ctx: ExportContext) -> EntryCache:
    """Return the file entries computed during this export (see ``file_entry``)."""
    return ctx.file_entries


def _files(root: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """Return (relative path with forward slashes, its directory entry) of every file under
    ``root``, sorted by path (``os.scandir``: an edition of 70,000 per-entity files is listed
    several times faster than through pathlib; symbolic links to folders are not followed)."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    folders = [(str(root), "")]
    while folders:
        folder, prefix = folders.pop()
        with os.scandir(folder) as it:
            for entry in it:
                rel = prefix + entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append((entry.path, rel + "/"))
                elif entry.is_file():
                    found.append((rel, entry))
    found.sort(key=lambda item: item[0])
    return found


def scan(root: Path, cache: EntryCache | None = None) -> list[FileEntry]:
    """Return entries for every file under ``root`` but the manifest, sorted by path."""
    out: list[FileEntry] = []
    for rel, entry in _files(root):
        if rel == MANIFEST:
            continue
        if cache is not None:
            st = entry.stat()
            hit = cache.get((entry.path, st.st_ino, st.st_size, st.st_mtime_ns))
            if hit is not None:
                out.append(hit)
                continue
        out.append(file_entry(root, root / rel, cache))
    return out


def write_manifest(ctx: ExportContext, out: Path) -> None:
    """Write ``manifest.json`` for everything written before it."""
    cache = entry_cache(ctx)
    for rel, kept in ctx.reuse.new.items():  # per-entity files: hashed when written
        cache[entry_key(out / rel, kept.inode, kept.entry.bytes, kept.mtime_ns)] = kept.entry
    entries = scan(out, cache)
    doc = {
        "tool": "hrd-lod",
        "tool_version": ctx.tool_version,
        "dataset": ctx.meta.id,
        "dataset_version": ctx.meta.version,
        "base_iri": ctx.meta.base_iri,
        "modified": ctx.meta.modified.isoformat(),
    }
    (out / MANIFEST).write_text(manifest_text(doc, entries), encoding="utf-8")


def manifest_text(doc: Mapping[str, object], entries: list[FileEntry]) -> str:
    """Return ``json.dumps(doc, indent=2, sort_keys=True)`` with ``entries`` as the
    ``"files"`` list, each entry written from a template (the same text: json's indenting
    encoder is written in Python, and takes seconds for 70,000 entries)."""
    text = json.dumps({**doc, "files": []}, indent=2, sort_keys=True) + "\n"
    head, empty, tail = text.partition('"files": []')
    if not entries:
        return text
    q = json.encoder.encode_basestring_ascii  # what json.dumps writes a string with
    rows = ",\n".join(
        f'    {{\n      "bytes": {e.bytes},\n      "media_type": {q(e.media_type)},\n'
        f'      "path": {q(e.path)},\n      "sha256": {q(e.sha256)}\n    }}'
        for e in entries
    )
    return f'{head}"files": [\n{rows}\n  ]{tail}'


def read_manifest(dist: Path) -> dict[str, object]:
    """Return the parsed manifest of a built ``dist/``."""
    return json.loads((dist / MANIFEST).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Manifest:
    """``manifest.json``: the tool and dataset it was made by and of, and every file."""

    tool_version: str
    dataset: str
    dataset_version: str
    base_iri: str
    modified: str
    files: tuple[FileEntry, ...]


def load_manifest(dist: Path) -> Manifest:
    """Return the manifest of a built ``dist/`` as a typed value."""
    doc = read_manifest(dist)
    files = doc["files"]
    assert isinstance(files, list)
    return Manifest(
        str(doc["tool_version"]),
        str(doc["dataset"]),
        str(doc["dataset_version"]),
        str(doc["base_iri"]),
        str(doc["modified"]),
        tuple(FileEntry(**e) for e in files),
    )
