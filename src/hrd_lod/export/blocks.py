"""The dumps as runs of subject blocks: find a subject's block in a written dump, render the
block of new lines, and patch a dump without writing it again.

Every dump is sorted by subject, and each subject's triples form one block that depends on
nothing else: a run of lines in N-Triples and N-Quads, one ``subject p o ; ...`` statement in
Turtle and in each graph of TriG, one node object (one line) in JSON-LD. A subject's block is
found by binary search over the block starts of the file already written (each format says
where a block starts and which subject it is about), and a new block is rendered with the same
writer as a whole dump, so a patched file is byte for byte the file a clean build writes (the
tests hold them equal).

Keys are subjects in N-Triples form (``b"<iri>"``): they sort as the lines do.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..store import subject_of
from . import jsonld
from .turtle import TurtleWriter, header

#: A piece of a patched file: a byte range of the old file, or new bytes.
Piece = tuple[int, int] | bytes
#: A written file's bytes: read, or mapped into memory (both have find, rfind and slicing).
Buffer = bytes | mmap.mmap

_LOCAL_ESCAPE = re.compile(rb"\\(.)")


def line_key(data: Buffer, pos: int) -> bytes:
    """Return the subject of the N-Triples or N-Quads line at ``pos``."""
    return subject_of(bytes(data[pos : pos + 4096]))


class TurtleKeys:
    """Reads the subject of a Turtle or TriG statement (``<iri>`` or ``prefix:local``)."""

    def __init__(self, prefixes: dict[str, str], indent: int = 0) -> None:
        self.prefixes = {k.encode(): v.encode() for k, v in prefixes.items()}
        self.indent = indent

    def __call__(self, data: Buffer, pos: int) -> bytes:
        start = pos + self.indent
        head = bytes(data[start : start + 4096])
        token = head[: head.index(b" ")]
        if token.startswith(b"<"):
            return token
        prefix, local = token.split(b":", 1)
        return b"<" + self.prefixes[prefix] + _LOCAL_ESCAPE.sub(rb"\1", local) + b">"


class JsonLdKeys:
    """Reads the ``@id`` of a node object line of a JSON-LD dump, expanded."""

    _HEAD = b'    {"@id": "'

    def __init__(self, context: dict[str, object]) -> None:
        self.prefixes = {
            k.encode(): v.encode()
            for k, v in context.items()
            if isinstance(v, str) and v.endswith(("/", "#"))
        }

    def __call__(self, data: Buffer, pos: int) -> bytes:
        head = bytes(data[pos : pos + 4096])
        assert head.startswith(self._HEAD), head[:40]
        start = len(self._HEAD)
        compact = head[start : head.index(b'"', start)]
        prefix, _, rest = compact.partition(b":")
        ns = self.prefixes.get(prefix)
        return b"<" + (ns + rest if ns is not None and rest else compact) + b">"


@dataclass
class Region:
    """A run of blocks sorted by subject, in ``data[start:end]``."""

    data: Buffer
    start: int
    end: int
    head: re.Pattern[bytes]  # matches where a block (or a line of one) starts
    key: Callable[[Buffer, int], bytes]

    def next_head(self, pos: int) -> int:
        """Return where the first block start at or after ``pos`` is (``end`` if none)."""
        m = self.head.search(self.data, pos, self.end)
        return m.start() if m else self.end

    def locate(self, key: bytes) -> tuple[int, int]:
        """Return the byte range of ``key``'s block; empty, at its place, if it has none."""
        lo, hi = self.next_head(self.start), self.end
        while hi - lo > 8192:
            mid = self.next_head((lo + hi) // 2)
            if mid >= hi:
                break
            if self.key(self.data, mid) < key:
                lo = self.next_head(mid + 1)
            else:
                hi = mid
        pos = lo
        while pos < hi and self.key(self.data, pos) < key:
            pos = self.next_head(pos + 1)
        end = pos
        while end < self.end and self.key(self.data, end) == key:
            end = self.next_head(end + 1)
        return pos, end

    def splice(self, changes: Sequence[tuple[bytes, bytes]]) -> list[Piece]:
        """Return this region with each (key, new block) of ``changes`` (sorted by key) in
        place of the key's old block (an empty block removes it)."""
        pieces: list[Piece] = []
        pos = self.start
        for key, block in changes:
            start, end = self.locate(key)
            assert start >= pos, "changes must be sorted by key"
            if start > pos:
                pieces.append((pos, start))
            if block:
                pieces.append(block)
            pos = end
        if self.end > pos:
            pieces.append((pos, self.end))
        return pieces


LINE_HEAD = re.compile(rb"^[<_]", re.M)
TURTLE_HEAD = re.compile(rb"^[^\t\n}]", re.M)
TRIG_GRAPH_HEAD = re.compile(rb"^\t[^\t]", re.M)
JSONLD_HEAD = re.compile(rb'^    \{"@id": "', re.M)
_TRIG_SECTION = re.compile(rb"^[^\t\n}][^\n]* \{\n", re.M)


def lines_bytes(lines: Iterable[bytes]) -> bytes:
    """Return lines, each ended by a newline."""
    return b"".join(line + b"\n" for line in lines)


def turtle_blocks(lines: list[bytes], prefixes: dict[str, str]) -> bytes:
    """Return the Turtle statements of sorted N-Triples lines (the dump without its header)."""
    return TurtleWriter(prefixes).statements(lines)


def trig_blocks(graph: str, lines: list[bytes], prefixes: dict[str, str]) -> bytes:
    """Return the TriG statements of sorted N-Triples lines in ``graph`` ("" for the default
    graph), without the header, and without the graph's braces for a named graph."""
    return TurtleWriter(prefixes).statements(lines, b"\t" if graph else b"")


def jsonld_blocks(lines: list[bytes], context: dict[str, object]) -> bytes:
    """Return the node object lines of sorted N-Triples lines, each followed by ``,\\n``."""
    nodes = jsonld.Compactor(context).nodes_of_lines(lines)
    return b"".join(b"    " + jsonld.node_json(n).encode() + b",\n" for n in nodes)


def lines_region(data: Buffer) -> Region:
    """Return the blocks of an N-Triples or N-Quads dump."""
    return Region(data, 0, len(data), LINE_HEAD, line_key)


def turtle_region(data: Buffer, prefixes: dict[str, str]) -> Region:
    """Return the statements of a Turtle dump."""
    start = len(header(prefixes))
    assert bytes(data[:start]) == header(prefixes)
    return Region(data, start, len(data), TURTLE_HEAD, TurtleKeys(prefixes))


def trig_regions(data: Buffer, prefixes: dict[str, str]) -> tuple[Region, dict[bytes, Region]]:
    """Return the default graph's statements of a TriG dump, and each named graph's."""
    start = len(header(prefixes))
    keys = TurtleKeys(prefixes)
    sections = list(_TRIG_SECTION.finditer(data, start))
    first = sections[0].start() if sections else len(data)
    default = Region(data, start, first, TURTLE_HEAD, keys)
    named: dict[bytes, Region] = {}
    inner = TurtleKeys(prefixes, indent=1)
    for i, m in enumerate(sections):
        end = sections[i + 1].start() if i + 1 < len(sections) else len(data)
        named[keys(data, m.start())] = Region(data, m.end(), end - 2, TRIG_GRAPH_HEAD, inner)
    return default, named


def trig_region_of(data: Buffer, prefixes: dict[str, str], graph: str) -> Region | None:
    """Return the statements of one graph ("" for the default graph) of a TriG dump, found
    without reading the others; None if the dump has no such graph."""
    start = len(header(prefixes))
    first = data.find(b" {\n", start)
    first = len(data) if first < 0 else data.rfind(b"\n", start, first) + 1
    if not graph:
        return Region(data, start, first, TURTLE_HEAD, TurtleKeys(prefixes))
    headers = Region(data, first, len(data), TURTLE_HEAD, TurtleKeys(prefixes))
    key = graph.encode("utf-8")
    at, end = headers.locate(key)
    if at == end:
        return None
    body = data.find(b"\n", at) + 1
    close = data.find(b"\n}\n", body - 1) + 1
    return Region(data, body, close, TRIG_GRAPH_HEAD, TurtleKeys(prefixes, indent=1))


def jsonld_region(data: Buffer, context: dict[str, object]) -> Region:
    """Return the node objects of a JSON-LD dump: each line with its ``,\\n``, the last one's
    counted as if it were there (see ``write_pieces``)."""
    start = bytes(data[: 1 << 20]).index(b'  "@graph": [\n') + len(b'  "@graph": [\n')
    tail = b"\n  ]\n}\n"
    assert bytes(data[-len(tail) :]) == tail
    return Region(data, start, len(data) - len(tail) + 2, JSONLD_HEAD, JsonLdKeys(context))


def finish_jsonld(region: Region, pieces: list[Piece]) -> list[Piece]:
    """Return a JSON-LD region's pieces with its last separator dropped and the end appended."""
    real_end = region.end - 2
    out = list(pieces)
    if out and isinstance(out[-1], bytes):
        assert out[-1].endswith(b",\n")
        out[-1] = out[-1][:-2]
    elif out:
        start, end = out[-1]
        out[-1] = (start, min(end, real_end))
    return [*out, b"\n  ]\n}\n"]


#: Bytes read and written at a time where the kernel cannot copy a range itself.
_COPY_CHUNK = 1 << 20


def write_pieces(old: Path, new: Path, pieces: Iterable[Piece]) -> None:
    """Write ``new`` from byte ranges of ``old`` and new bytes.

    The ranges are copied by the kernel (``os.copy_file_range``) where it offers that, else
    (macOS, other systems, a file system that refuses) read and written in chunks: the same
    bytes either way.
    """
    kernel_copy = getattr(os, "copy_file_range", None)
    with old.open("rb") as src, new.open("wb", buffering=0) as dst:
        for piece in pieces:
            if isinstance(piece, bytes):
                _write_all(dst.fileno(), piece)
                continue
            offset, end = piece
            while offset < end and kernel_copy is not None:
                try:
                    sent = kernel_copy(src.fileno(), dst.fileno(), end - offset, offset)
                except OSError:  # not between these files (EXDEV, EINVAL...): copy by hand
                    kernel_copy = None
                    break
                if sent <= 0:
                    raise OSError(f"copying {old} into {new} stopped at byte {offset}")
                offset += sent
            while offset < end:
                chunk = os.pread(src.fileno(), min(_COPY_CHUNK, end - offset), offset)
                if not chunk:
                    raise OSError(f"{old} ended at byte {offset}, before byte {end}")
                _write_all(dst.fileno(), chunk)
                offset += len(chunk)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
