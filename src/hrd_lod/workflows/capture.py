"""``hrd-lod source add URL``: capture a document as a source, with its archived copy.

Design (also in docs/workflows.md):
- the archived copy is ``data/sources/{id}{suffix}`` (suffix from the media type; never
  ``.yaml`` or ``.csv``, which the loader would read as records) and the record is
  ``data/sources/{id}.yaml``; both are written all or nothing;
- the record carries name (the HTML ``<title>`` or the first line of text, else the URL),
  url (the final URL), archived_copy, sha256, media_type, retrieved, and a ``note`` (never
  published) with the capture time, the requested URL and every redirect;
- ``publisher`` is required and only a person can tell it: unless ``--publisher`` is given,
  the record has a commented ``# publisher:`` line, and the build stops with "a Source needs
  'publisher'" at this record until it is filled in;
- a source is matched to earlier captures by its URL (requested or final). Same SHA-256 as one
  of them: nothing is written. Different: a new record ``{first id}-{date}`` with its own
  archived copy; the earlier capture stays as it was (archives keep every version).
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import UsageError
from ..project import open_project
from ..records.fields import FieldError, check_slug, parse_url, suggest_slug
from .fetch import Fetched, check_url, fetch
from .files import raw_records, write_new_files, yaml_scalar
from .titles import extract_title

SOURCES_DIR = "sources"
MAX_ID = 60
SUFFIXES = {
    "text/html": ".html",
    "application/xhtml+xml": ".xhtml",
    "text/plain": ".txt",
    "text/markdown": ".md",
    "application/pdf": ".pdf",
    "application/json": ".json",
    "application/ld+json": ".jsonld",
    "text/xml": ".xml",
    "application/xml": ".xml",
    "text/csv": ".csv.txt",
    "application/yaml": ".yaml.txt",
    "application/x-yaml": ".yaml.txt",
    "text/yaml": ".yaml.txt",
    "text/x-yaml": ".yaml.txt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
}
#: Suffixes the loader reads as records: an archived copy must never end with one.
_RECORD_SUFFIXES = (".yaml", ".yml", ".csv")


@dataclass(frozen=True)
class Capture:
    """The outcome of ``add_source``."""

    status: str  # "new", "changed" (a new capture of a known URL) or "unchanged"
    source_id: str  # the new record, or the matching earlier capture when unchanged
    record_file: str  # relative to the project root
    record_line: int | None  # the line of the publisher placeholder, when it is to be filled
    archived_copy: str  # relative to data/
    fetched: Fetched
    title: str | None
    previous: tuple[str, ...] = ()  # ids of earlier captures of the same URL


def suffix_for(media_type: str) -> str:
    """Return the file suffix for an archived copy of this media type."""
    suffix = SUFFIXES.get(media_type) or mimetypes.guess_extension(media_type) or ".bin"
    if suffix in _RECORD_SUFFIXES:
        suffix += ".txt"
    return suffix


#: Words left out of an id made from a long title: they rarely tell two documents apart.
_STOP_WORDS = frozenset("a an and at by for from in its of on the to with".split())
#: Where a title's clauses end: "Title | Site", "Title - Site", "Title: subtitle", "a, b".
_CLAUSE_END = re.compile(r"\s+[|\u2013\u2014-]\s+|[:;,]\s+")


def slug_for(title: str | None, url: str) -> str:
    """Return an id for a source: from its title, else from its URL, at most MAX_ID long.

    A long title is shortened by whole words only, never cut inside a word or a name: first
    its small words (the, of, ...) are left out, then whole clauses from the end ("... |
    Site name", "..., City") while half the length is left, then words from the end.
    """
    if not title:
        parts = urlsplit(url)
        host = (parts.hostname or "").removeprefix("www.")
        title = f"{host} {parts.path}"
    base = suggest_slug(title)
    if len(base) <= MAX_ID:
        return base.strip("-") or "source"

    def words(text: str) -> list[str]:
        return [w for w in suggest_slug(text).split("-") if w not in _STOP_WORDS]

    whole = words(title)
    if len("-".join(whole)) <= MAX_ID:
        return "-".join(whole)
    clauses = [c for c in _CLAUSE_END.split(title) if suggest_slug(c) != "record"]
    for n in range(len(clauses) - 1, 0, -1):
        kept = words(" ".join(clauses[:n]))
        if len("-".join(kept)) <= MAX_ID and len("-".join(kept)) >= MAX_ID // 2:
            return "-".join(kept)
    out: list[str] = []
    for word in whole:
        if len("-".join([*out, word])) > MAX_ID:
            break
        out.append(word)
    return "-".join(out) or base[:MAX_ID].strip("-") or "source"


def unique_id(base: str, taken: set[str]) -> str:
    """Return ``base``, or ``base-2``, ``base-3``, ... whichever is not taken."""
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


@dataclass(frozen=True)
class _Known:
    id: str
    file: str
    url: str | None
    sha256: str | None
    retrieved: str
    archived_copy: str


def add_source(
    project_dir: Path | str,
    url: str,
    *,
    retrieved_at: dt.datetime,
    source_id: str | None = None,
    publisher: str | None = None,
    **fetch_options: object,
) -> Capture:
    """Capture the document at ``url`` into the project and return what happened."""
    project = open_project(project_dir)
    check_url(url)
    for value, what in ((source_id, "--id"), (publisher, "--publisher")):
        if value is not None:
            try:
                check_slug(value)
            except FieldError as exc:
                raise UsageError(f"{what}: {exc}", hint=exc.hint) from None
    ids: dict[str, str] = {}
    known: list[_Known] = []
    for raw, rel in raw_records(project.root, project.data_dir):
        rid = raw.data.get("id")
        if isinstance(rid, str):
            ids.setdefault(rid, f"{rel}:{raw.location.line}")
            if raw.data.get("type") == "Source":
                known.append(
                    _Known(
                        rid,
                        rel,
                        _str(raw.data.get("url")),
                        _str(raw.data.get("sha256")),
                        _str(raw.data.get("retrieved")) or "",
                        _str(raw.data.get("archived_copy")) or "",
                    )
                )
    if source_id is not None and source_id in ids:
        raise UsageError(
            f"the id '{source_id}' is already used ({ids[source_id]})",
            hint="choose another --id, or leave it out to get one from the title",
        )

    fetched = fetch(url, **fetch_options)  # type: ignore[arg-type]
    title = extract_title(fetched.body, fetched.media_type, fetched.charset)
    urls = {fetched.requested_url, fetched.final_url}
    earlier = sorted((k for k in known if k.url in urls), key=lambda k: (k.retrieved, k.id))
    for k in earlier:
        if k.sha256 == fetched.sha256:
            return Capture(
                "unchanged",
                k.id,
                k.file,
                None,
                k.archived_copy,
                fetched,
                title,
                tuple(e.id for e in earlier),
            )

    date = retrieved_at.date().isoformat()
    if source_id is not None:
        new_id = source_id
    elif earlier:
        new_id = unique_id(f"{earlier[0].id}-{date}", set(ids))
    else:
        new_id = unique_id(slug_for(title, fetched.final_url), set(ids))
    archived = f"{SOURCES_DIR}/{new_id}{suffix_for(fetched.media_type)}"
    record_rel = f"{SOURCES_DIR}/{new_id}.yaml"
    text, line = _record_text(
        new_id, fetched, title, archived, retrieved_at, publisher, tuple(e.id for e in earlier)
    )
    write_new_files(
        [
            (project.data_dir / archived, fetched.body),
            (project.data_dir / record_rel, text.encode("utf-8")),
        ]
    )
    return Capture(
        "changed" if earlier else "new",
        new_id,
        project.rel(project.data_dir / record_rel),
        line,
        archived,
        fetched,
        title,
        tuple(e.id for e in earlier),
    )


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _record_text(
    rid: str,
    f: Fetched,
    title: str | None,
    archived: str,
    at: dt.datetime,
    publisher: str | None,
    earlier: tuple[str, ...],
) -> tuple[str, int | None]:
    stamp = at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    hops = " -> ".join(f"{u} ({code})" for u, code in f.redirects)
    note = f"captured {stamp} by hrd-lod source add from {f.requested_url}"
    if hops:
        note += f"; redirects: {hops} -> {f.final_url}"
    if earlier:
        note += f"; earlier captures of this URL: {', '.join(earlier)}"
    lines = [f"# Captured by 'hrd-lod source add' on {stamp}."]
    if publisher is None:
        lines += [
            "# To do: fill in 'publisher' below (the id of an Organization record;",
            "# required: until it is set, 'hrd-lod build' stops with \"a Source needs",
            "# 'publisher'\" at this record), 'date_published' if the document states",
            "# it, and check 'name' against the document.",
        ]
    lines += [f"id: {rid}", "type: Source"]
    if title:
        lines.append(f"name: {yaml_scalar(title)}")
    else:
        lines += [
            "# No title could be read from this format: the URL stands in for it.",
            f"name: {yaml_scalar(f.final_url)}",
        ]
    try:
        lines.append(f"url: {yaml_scalar(parse_url(f.final_url))}")
    except FieldError:
        lines.append(f"# url left out: {f.final_url!r} is not a URL the data accepts")
    lines += [
        f"archived_copy: {archived}",
        f"sha256: {f.sha256}",
        f"media_type: {yaml_scalar(f.media_type)}",
        f"retrieved: {at.date().isoformat()}",
    ]
    placeholder: int | None = None
    if publisher is None:
        lines.append("# publisher: id-of-the-publishing-organization")
        placeholder = len(lines)
    else:
        lines.append(f"publisher: {publisher}")
    lines.append("# date_published: YYYY-MM-DD")
    lines.append(f"note: {yaml_scalar(note)}")
    lines.append(f"added: {at.date().isoformat()}")
    return "\n".join(lines) + "\n", placeholder
