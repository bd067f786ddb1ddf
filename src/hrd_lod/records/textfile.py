"""Read a data file as text: size limit, strict UTF-8, BOM and line endings handled."""

from __future__ import annotations

from pathlib import Path

from ..errors import Location, ProblemList

#: Largest data file read, in bytes. Bulk data belongs in CSV, which is read row by row.
MAX_FILE_BYTES = 16 * 1024 * 1024


def read_text(
    path: Path, rel: str, problems: ProblemList, limit: int = MAX_FILE_BYTES
) -> str | None:
    """Return the file's text, or None after recording why it cannot be read."""
    try:
        size = path.stat().st_size
        if size > limit:
            problems.add(
                Location(rel),
                f"the file is {size:,} bytes, over the limit of {limit:,}",
                "split it into several files, or use a CSV table for bulk records",
                code="too-large",
            )
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add(Location(rel), f"cannot read the file: {exc.strerror}", code="unreadable")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.add(
            Location(rel, line),
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}",
            "save the file as UTF-8 in your editor",
            code="encoding",
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        problems.add(
            Location(rel, line),
            "the file contains a NUL byte",
            "this is not a text file, or it is corrupted",
            code="control-char",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")
