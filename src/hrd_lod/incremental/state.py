"""What is kept between builds: one owner, one format version, one fingerprint.

Everything a build keeps for the next one lives in the project's ``.hrd-cache/state/`` (never
published; deleting it only costs time), written and read through :class:`StateKeeper`: the
per-entity files of an edition (``entities``), what a ``--no-site`` build needs to patch its
edition (``edition``, with copies of its CSV tables), and the parsed records of each data file
by content (``records``, the parse cache: :class:`~hrd_lod.records.cache.ParseCache`). Each
item is stored with :data:`FORMAT_VERSION` and the :func:`fingerprint` of the code that wrote
it (an entry of the parse cache is keyed by them); an item of another version or code is not
read (the build does the work again). Items are pickles, so the folder must be as trusted as
``data/`` itself.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TypeVar

from .._version import __version__
from ..fsutil import write_atomic

#: Raised when what is kept changes shape (one number for every item).
FORMAT_VERSION = 5

#: Folders of ``.hrd-cache/`` that earlier versions kept their states in (removed on save).
LEGACY_FOLDERS = ("update", "entities", "records")

T = TypeVar("T")

#: What a pickle that cannot be read back raises (another version of a class, a cut file...).
UNREADABLE = (
    OSError,
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    ValueError,
    TypeError,
    IndexError,
)


def _code_files() -> list[Path]:
    root = Path(__file__).resolve().parents[1]
    return sorted(
        p
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".py", ".html", ".xml", ".css", ".txt", ".json")
    )


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Return a digest of the package's code and templates (their bytes) and of the
    rendering libraries' versions (what a per-entity file's bytes depend on)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in _code_files():
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    for dist in ("pyoxigraph", "jinja2", "markupsafe", "isal"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:  # pragma: no cover - installed with hrd-lod
            h.update(dist.encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _code_stamp() -> str:
    """Return a digest of the package's code files by path, size and modification time (as
    Python's own bytecode cache checks its sources: a file edited, checked out or installed
    again changes it), cheap enough for every build and check."""
    h = hashlib.sha256()
    for path in _code_files():
        st = path.stat()
        h.update(f"{path}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


@lru_cache(maxsize=8)
def fingerprint(tool_version: str = __version__) -> str:
    """Return the one fingerprint of what is kept: format version, code and tool version."""
    h = hashlib.sha256()
    for part in (str(FORMAT_VERSION), _code_stamp(), tool_version):
        h.update(part.encode() + b"\0")
    return h.hexdigest()


class StateUnavailable(Exception):  # noqa: N818 - a reason, not a failure
    """Why a kept item cannot be used (missing, unreadable, of other code)."""


class StateKeeper:
    """The items kept for the editions built from one project.

    ``cache_dir`` None (a project without a cache) keeps nothing: loads find nothing and
    saves do nothing.
    """

    def __init__(self, cache_dir: Path | None, tool_version: str = __version__) -> None:
        self.cache_dir = cache_dir
        self.folder = cache_dir / "state" if cache_dir is not None else None
        self.fingerprint = fingerprint(tool_version)

    def path(self, kind: str, dist: Path) -> Path | None:
        """Return where the item ``kind`` of the edition folder ``dist`` is kept."""
        if self.folder is None:
            return None
        key = hashlib.sha256(str(dist.resolve()).encode()).hexdigest()[:16]
        return self.folder / kind / f"{key}.pickle"

    def load(self, kind: str, dist: Path, cls: type[T]) -> T:
        """Return the item ``kind`` kept for ``dist``; raise StateUnavailable saying why not."""
        path = self.path(kind, dist)
        if path is None or not path.is_file():
            raise StateUnavailable(f"no state kept of a previous build into {dist} ({kind})")
        try:
            with path.open("rb") as fh:
                version, fp, value = pickle.load(fh)
        except UNREADABLE as exc:
            raise StateUnavailable(f"the kept {kind} state cannot be read ({exc})") from None
        if version != FORMAT_VERSION or fp != self.fingerprint:
            raise StateUnavailable(f"the kept {kind} state was written by other code")
        if not isinstance(value, cls):
            raise StateUnavailable(f"the kept {kind} state is not a {cls.__name__}")
        return value

    def load_or(self, kind: str, dist: Path, default: T) -> T:
        """Return the item ``kind`` kept for ``dist``, or ``default`` when there is none."""
        try:
            return self.load(kind, dist, type(default))
        except StateUnavailable:
            return default

    def save(self, kind: str, dist: Path, value: object) -> None:
        """Keep ``value`` as the item ``kind`` of ``dist`` (atomically; a failure drops the
        item, which only costs time at the next build)."""
        path = self.path(kind, dist)
        if path is None:
            return
        data = pickle.dumps(
            (FORMAT_VERSION, self.fingerprint, value), protocol=pickle.HIGHEST_PROTOCOL
        )
        try:
            write_atomic(path, data, durable=False)
        except OSError:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        self._drop_legacy()

    def _drop_legacy(self) -> None:
        """Remove what versions before the one keeper left (never read again)."""
        if self.cache_dir is None:
            return
        for name in LEGACY_FOLDERS:
            old = self.cache_dir / name
            if old.is_dir():
                shutil.rmtree(old, ignore_errors=True)

    def entry_key(self, *parts: bytes | str) -> str:
        """Return the key of a content-addressed entry made from ``parts`` (their digest with
        the format version and the code's fingerprint: other code never reads the entry)."""
        h = hashlib.sha256(self.fingerprint.encode() + b"\0")
        for part in parts:
            data = part.encode("utf-8") if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "little") + data)
        return h.hexdigest()

    def entry_path(self, kind: str, key: str) -> Path | None:
        """Return where the content-addressed entry ``key`` of ``kind`` is kept (None: no
        cache)."""
        return self.folder / kind / key[:2] / key if self.folder is not None else None

    def write_entry(self, kind: str, key: str, data: bytes) -> None:
        """Keep the entry ``key`` of ``kind`` (atomically; a failure only costs time later)."""
        path = self.entry_path(kind, key)
        if path is None:
            return
        try:
            write_atomic(path, data, durable=False)
        except OSError:
            return
        self._drop_legacy()

    def forget(self, kind: str, dist: Path) -> None:
        """Drop the item ``kind`` of ``dist``."""
        path = self.path(kind, dist)
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)

    def copy_path(self, sha256: str) -> Path | None:
        """Return where a copy of a data file with this SHA-256 is kept (None: no cache)."""
        return self.folder / "files" / sha256 if self.folder is not None else None

    def keep_copies(self, keep: set[str]) -> None:
        """Drop the kept copies of data files but those named in ``keep``."""
        folder = self.copy_path("x")
        if folder is None or not folder.parent.is_dir():
            return
        for old in folder.parent.iterdir():
            if old.name not in keep:
                with contextlib.suppress(OSError):
                    old.unlink()
