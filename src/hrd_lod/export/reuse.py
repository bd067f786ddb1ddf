"""Incremental per-entity files: what did not change is linked from the previous edition.

Every per-entity file (``id/{kind}/{slug}.ttl``, ``.jsonld``, ``.schema.jsonld``, ``.html``) is
written through :meth:`Reuse.write` with a *fingerprint* of everything it is made from (the
entity's description lines, or the values its page template receives), combined with a
fingerprint of the code and templates that render it. The build remembers (the ``entities``
item of the project's :class:`~hrd_lod.incremental.state.StateKeeper`) each file's
fingerprint, checksum, inode and modification time. The next build renders a file only if
its fingerprint changed or the previous file is not exactly the one it wrote (moved, edited,
deleted); otherwise it hard-links the previous file into the new edition (copying where
links are not possible). The files are the same bytes either way: the fingerprint covers
every input of the renderer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..incremental.state import code_fingerprint
from .manifest import FileEntry, media_type

#: The kind of this state in the project's :class:`~hrd_lod.incremental.state.StateKeeper`.
STATE_KIND = "entities"


@dataclass(frozen=True)
class Kept:
    """A file a build wrote: its fingerprint and manifest entry, and how to know it again."""

    fingerprint: str
    entry: FileEntry
    inode: int
    mtime_ns: int

    def __reduce__(self) -> tuple[type[Kept], tuple[str, FileEntry, int, int]]:
        # pickled as its values (one per per-entity file: some 70,000 per edition)
        return (Kept, (self.fingerprint, self.entry, self.inode, self.mtime_ns))


def fingerprint(*parts: bytes | str) -> str:
    """Return the digest of some inputs of a file."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


class Reuse:
    """Writes per-entity files, linking unchanged ones from the previous edition."""

    def __init__(
        self, previous: Path | None = None, state: dict[str, Kept] | None = None, context: str = ""
    ) -> None:
        self.previous = previous
        self.state = state or {}
        self.context = context
        self.new: dict[str, Kept] = {}
        self.rendered = 0
        self.linked = 0
        self._folders: set[Path] = set()

    def _folder(self, path: Path) -> None:
        if path not in self._folders:
            path.mkdir(parents=True, exist_ok=True)
            self._folders.add(path)

    @cached_property
    def salt(self) -> str:
        """Return what every fingerprint is mixed with: the code and the dataset's context
        (computed on first use: a build without the site never needs it)."""
        return fingerprint(code_fingerprint(), self.context)

    def write(self, out: Path, rel: str, inputs: str, render: Callable[[], bytes]) -> None:
        """Write ``out/rel``: linked from the previous edition if ``inputs`` (a fingerprint of
        what it is made from) did not change, else ``render()``'s bytes."""
        fp = fingerprint(self.salt, inputs)
        target = out / rel
        old = self.state.get(rel)
        if old is not None and old.fingerprint == fp and self.previous is not None:
            self._folder(target.parent)
            kept = _link_if_same(self.previous / rel, target, old)
            if kept is not None:
                self.new[rel] = kept
                self.linked += 1
                return
        data = render()
        self._folder(target.parent)
        target.write_bytes(data)
        st = target.stat()
        self.new[rel] = Kept(
            fp,
            FileEntry(rel, len(data), hashlib.sha256(data).hexdigest(), media_type(target)),
            st.st_ino,
            st.st_mtime_ns,
        )
        self.rendered += 1

    def take_new(self) -> tuple[dict[str, Kept], int, int]:
        """Return (and forget) what was written since the last call, and how many files were
        rendered and linked (sent from the second process to the first)."""
        taken = (self.new, self.rendered, self.linked)
        self.new, self.rendered, self.linked = {}, 0, 0
        return taken

    def merge(self, taken: tuple[dict[str, Kept], int, int]) -> None:
        """Add what ``take_new`` returned in another process."""
        new, rendered, linked = taken
        self.new.update(new)
        self.rendered += rendered
        self.linked += linked


def _link_if_same(src: Path, target: Path, old: Kept) -> Kept | None:
    """Link (or copy) ``src`` to ``target`` if it is still the file described by ``old``."""
    try:
        st = src.stat()
    except OSError:
        return None
    if (st.st_ino, st.st_size, st.st_mtime_ns) != (old.inode, old.entry.bytes, old.mtime_ns):
        return None  # edited, replaced or restored since: render it again
    try:
        os.link(src, target)
        return old
    except OSError:
        try:
            shutil.copyfile(src, target)
        except OSError:
            return None
        st = target.stat()
        return Kept(old.fingerprint, old.entry, st.st_ino, st.st_mtime_ns)
