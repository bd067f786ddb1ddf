"""A WSGI app that serves a built ``dist/`` as linked data.

``GET /id/{kind}/{slug}`` (the entity IRI, no suffix) negotiates on ``Accept`` between the
entity's HTML page, Turtle, JSON-LD and N-Triples (made on the fly from the Turtle). The answer
is a **200 with** ``Vary: Accept`` and ``Content-Location`` naming the document served, not a
303 redirect: one round trip instead of two (the IRI usually already arrives through a w3id.org
redirect), caches key on Accept through ``Vary``, and ``Content-Location`` tells clients which
document describes the thing, which is what the W3C TAG's 2012 httpRange-14 revision allows.
Every file in ``dist/`` is also served under its own path with its media type.

Every response carries ETag (SHA-256 of the bytes; 304 on ``If-None-Match``), Last-Modified
(304 on ``If-Modified-Since`` when no ETag is asked), and security headers. Only GET and HEAD
are allowed (405 otherwise). No path ever leaves ``dist/``: ``..`` and ``.`` segments, NUL and
backslashes are refused, hidden files are not served, and the resolved real path (symlinks
followed) must lie inside ``dist/``.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formatdate
from pathlib import Path
from typing import Any

from werkzeug.http import parse_date, quote_etag, unquote_etag
from werkzeug.wrappers import Request, Response
from werkzeug.wsgi import wrap_file

from ..export.manifest import MEDIA_TYPES


def served_type(suffix: str) -> str:
    """Return the Content-Type of a served file: the manifest's media type, with a charset
    for text."""
    media = MEDIA_TYPES.get(suffix)
    if media is None:
        return "application/octet-stream"
    return media + "; charset=utf-8" if media.startswith(("text/",)) else media


#: Negotiable representations of an extensionless path, in order of preference on ``*/*``.
VARIANTS: list[tuple[str, str]] = [
    ("text/html", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/json", ".jsonld"),
    ("application/n-triples", ".nt"),
]
SECURITY_HEADERS = {
    # Pages carry their own meta CSP (inline CSS allowed by hash, scripts only on the search
    # and SPARQL pages); this header is the outer bound: scripts, data requests and forms only
    # from here, never frames or plugins, styles only inline or from here.
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; connect-src 'self'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "cross-origin",
    # Open data: any web page may read it with fetch() (no credentials are ever involved).
    "Access-Control-Allow-Origin": "*",
}
ALLOWED = ("GET", "HEAD")
#: ``/.well-known/void`` (RFC 8615; VoID section 7.2) answers with the dataset description.
WELL_KNOWN_VOID = [".well-known", "void"]
VOID_FILE = "void.ttl"
_SMALL = 4 * 1024 * 1024  # files up to this size are cached in memory


@dataclass(frozen=True)
class Body:
    """The bytes (or the path, for large files) of one representation and its validators."""

    etag: str
    mtime: float
    size: int
    data: bytes | None
    path: Path


class LinkedDataApp:
    """WSGI app serving ``dist_dir`` with content negotiation for entity IRIs."""

    def __init__(self, dist_dir: Path | str, *, cache_bytes: int = 64 * 1024 * 1024) -> None:
        self.root = Path(os.path.realpath(dist_dir))
        if not self.root.is_dir():
            raise FileNotFoundError(f"{dist_dir} is not a folder (build the dataset first)")
        self.cache_bytes = cache_bytes
        self._cache: OrderedDict[tuple[str, str], Body] = OrderedDict()
        self._cached = 0
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        request = Request(environ)
        response = self.respond(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response(environ, start_response)

    # --- routing ---------------------------------------------------------------------------
    def respond(self, request: Request) -> Response:
        """Return the response to one request."""
        if request.method not in ALLOWED:
            return _error(
                405, "Method not allowed: this server only reads.", {"Allow": ", ".join(ALLOWED)}
            )
        segments = self.segments(request.path)
        if segments is None:
            return _error(400, "Bad path.")
        if segments == WELL_KNOWN_VOID:
            void = self.root / VOID_FILE
            if not void.is_file():
                return _error(404, "Not found.")
            return self.file_response(request, void, ".ttl", {"Content-Location": "/" + VOID_FILE})
        target = self.resolve(segments)
        if target is None:
            return _error(404, "Not found.")
        if not target.is_dir() and (
            (request.path.endswith("/") and segments)
            or (request.query_string and self.has_variants(target))
        ):
            # One address per page: ``/x/`` and ``/x?anything`` are ``/x`` (relative links on
            # the page would resolve under ``/x/`` and caches would split on the query).
            canonical = "/" + "/".join(segments)
            if target.is_file() or self.has_variants(target):
                return Response(status=301, headers={"Location": canonical})
            return _error(404, "Not found.")
        if target.is_dir():
            if not request.path.endswith("/"):
                # Relative links in index pages need the trailing slash.
                return Response(status=301, headers={"Location": request.path + "/"})
            target = target / "index.html"
            if not target.is_file():
                return _error(404, "Not found.")
            return self.file_response(request, target, ".html")
        if target.is_file():
            return self.file_response(request, target, _suffix(target))
        if target.suffix == ".nt" and self._inside(target.with_suffix(".ttl")):
            return self.file_response(request, target, ".nt")  # made from the Turtle
        return self.negotiate(request, target)

    def segments(self, path: str) -> list[str] | None:
        """Return the path's segments, or None if any could escape or hide."""
        if "\x00" in path or "\\" in path:
            return None
        parts = [p for p in path.split("/") if p]
        if any(p in (".", "..") for p in parts):
            return None
        return parts

    def resolve(self, parts: list[str]) -> Path | None:
        """Return the path inside dist/ for the segments (may not exist), or None if outside."""
        if any(p.startswith(".") for p in parts):
            return None  # hidden files (.dist.old, editor files) are never published
        candidate = self.root.joinpath(*parts)
        if os.path.lexists(candidate):
            real = Path(os.path.realpath(candidate))
            if real != self.root and self.root not in real.parents:
                return None  # a symlink that leads out of dist/
        return candidate

    # --- negotiation ----------------------------------------------------------------------
    def has_variants(self, target: Path) -> bool:
        """Return True when an extensionless path names an entity (it has a document)."""
        if target.is_file():
            return False
        return any(self._inside(target.with_name(target.name + sfx)) for _, sfx in VARIANTS)

    def negotiate(self, request: Request, target: Path) -> Response:
        """Answer an extensionless path with the best of its variants (200, Vary: Accept)."""
        base = target.name
        available = {
            suffix for _, suffix in VARIANTS if self._inside(target.with_name(base + suffix))
        }
        if ".ttl" in available:
            available.add(".nt")
        if not available:
            return _error(404, "Not found.")
        offers = [mime for mime, suffix in VARIANTS if suffix in available]
        if not request.headers.get("Accept"):
            choice: str | None = offers[0]
        else:
            choice = request.accept_mimetypes.best_match(offers)
        extra = {"Vary": "Accept"}
        if choice is None:
            body = "Not acceptable. Available: " + ", ".join(offers) + "."
            return _error(406, body, extra)
        suffix = dict(VARIANTS)[choice]
        # One alternate only: JSON-LD loaders (pyld's among them) follow a single
        # rel=alternate of type application/ld+json and fail on several; the other
        # representations are one Accept header away (and named in the page's <link>s).
        other = ".html" if suffix == ".jsonld" else ".jsonld"
        if other in available:
            mime = "text/html" if other == ".html" else "application/ld+json"
            extra["Link"] = f'<{base}{other}>; rel="alternate"; type="{mime}"'
        extra["Content-Location"] = base + suffix
        return self.file_response(request, target.with_name(base + suffix), suffix, extra)

    def _inside(self, path: Path) -> bool:
        if not path.is_file():
            return False
        real = Path(os.path.realpath(path))
        return self.root in real.parents

    # --- files ----------------------------------------------------------------------------
    def body(self, path: Path, suffix: str) -> Body:
        """Return the representation of ``path`` (``.nt`` is made from the ``.ttl``)."""
        source = path.with_suffix(".ttl") if suffix == ".nt" and not path.is_file() else path
        st = source.stat()
        key = (str(path), f"{st.st_mtime_ns}:{st.st_size}")
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
        if source is not path:
            data: bytes | None = ntriples_from_turtle(source.read_bytes())
        elif st.st_size <= _SMALL:
            data = source.read_bytes()
        else:
            data = None
        if data is not None:
            digest = hashlib.sha256(data).hexdigest()
            size = len(data)
        else:
            h = hashlib.sha256()
            with source.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
            digest, size = h.hexdigest(), st.st_size
        body = Body(digest[:32], st.st_mtime, size, data, source)
        with self._lock:
            self._cache[key] = body
            self._cached += len(data or b"")
            while self._cached > self.cache_bytes and len(self._cache) > 1:
                _, old = self._cache.popitem(last=False)
                self._cached -= len(old.data or b"")
        return body

    def file_response(
        self, request: Request, path: Path, suffix: str, extra: dict[str, str] | None = None
    ) -> Response:
        """Return the file (or 304) with media type, validators and ``extra`` headers."""
        body = self.body(path, suffix)
        headers = dict(extra or {})
        headers["ETag"] = quote_etag(body.etag)
        headers["Last-Modified"] = formatdate(body.mtime, usegmt=True)
        headers["Cache-Control"] = "public, max-age=300"
        if _not_modified(request, body):
            return Response(status=304, headers=headers)
        mime = served_type(suffix)
        if body.data is not None:
            return Response(body.data, status=200, headers=headers, content_type=mime)
        fh = body.path.open("rb")
        resp = Response(
            wrap_file(request.environ, fh),
            status=200,
            headers=headers,
            content_type=mime,
            direct_passthrough=True,
        )
        resp.content_length = body.size
        return resp


def _suffix(path: Path) -> str:
    name = path.name
    if name.endswith(".schema.jsonld"):
        return ".jsonld"
    return path.suffix


def _not_modified(request: Request, body: Body) -> bool:
    inm = request.headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip() for t in inm.split(",")]
        if "*" in tags:
            return True
        return any(unquote_etag(t)[0] == body.etag for t in tags if t)
    ims = request.headers.get("If-Modified-Since")
    if ims:
        when = parse_date(ims)
        return when is not None and int(body.mtime) <= when.timestamp()
    return False


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    from markupsafe import escape

    html = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{status}'
        f"</title></head><body><h1>{status}</h1><p>{escape(message)}</p></body></html>\n"
    )
    return Response(
        html, status=status, headers=headers or {}, content_type="text/html; charset=utf-8"
    )


def ntriples_from_turtle(data: bytes) -> bytes:
    """Return sorted N-Triples for Turtle bytes."""
    import pyoxigraph as ox

    lines = ox.serialize(
        ox.parse(data, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
    ).splitlines()  # type: ignore[union-attr]
    return b"".join(line + b"\n" for line in sorted(set(lines)) if line)
