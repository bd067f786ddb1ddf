"""Helpers for the workflow tests: a local HTTP server, tree snapshots, the test date."""

from __future__ import annotations

import datetime as dt
import hashlib
import http.server
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TODAY = dt.date(2025, 3, 4)


def snapshot(root: Path) -> dict[str, str]:
    """Return every file under ``root`` (hidden ones too) with its SHA-256.

    The parse cache (``.hrd-cache/``) is left out: it is derived, never published, and
    rightly filled by any command that loads the records.
    """
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".hrd-cache" not in p.relative_to(root).parts
    }


Route = tuple[int, dict[str, str], bytes] | Callable[[http.server.BaseHTTPRequestHandler], None]


class Server:
    """A local HTTP server on 127.0.0.1 whose pages a test sets in ``routes``."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[str] = []
        routes, hits = self.routes, self.hits

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404, "Not Found")
                    return
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                if "Content-Length" not in headers and "X-No-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        """Return the full URL of a path on this server."""
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def page(
        self,
        path: str,
        body: bytes | str,
        media_type: str = "text/html; charset=utf-8",
        status: int = 200,
        **headers: str,
    ) -> None:
        """Serve ``body`` at ``path``."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {"Content-Type": media_type, **headers}, data)

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        """Redirect ``path`` to ``location``."""
        self.routes[path] = (status, {"Location": location}, b"")


def slow(seconds: float) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """Return a route that answers only after ``seconds`` (bounded: tests stay fast)."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        time.sleep(min(seconds, 3.0))
        try:
            h.send_response(200)
            h.send_header("Content-Type", "text/plain")
            h.send_header("Content-Length", "2")
            h.end_headers()
            h.wfile.write(b"ok")
        except OSError:
            pass  # the client gave up, as the test expects

    return route


def trickle(total: int, chunk: int = 65536) -> Callable[[http.server.BaseHTTPRequestHandler], None]:
    """Return a route that streams ``total`` bytes with no Content-Length."""

    def route(h: http.server.BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/plain")
        h.end_headers()
        sent = 0
        try:
            while sent < total:
                h.wfile.write(b"x" * min(chunk, total - sent))
                sent += chunk
        except OSError:
            pass  # the client stopped reading: that is what is tested

    return route
