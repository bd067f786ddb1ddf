"""Download one document over http(s), bounded in time, size and redirects.

Redirects are followed by hand so that every hop is recorded and checked (only http and
https, at most ``max_redirects``); the body is streamed and the download stops as soon as it
passes ``max_bytes``; ``timeout`` bounds each connect and read, and ``deadline`` the whole
download (a server that trickles bytes cannot hold the command forever).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from ..errors import RemoteError, UsageError

MAX_BYTES = 50 * 1024 * 1024
TIMEOUT = 20.0
DEADLINE = 120.0
MAX_REDIRECTS = 10
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Fetched:
    """A downloaded document."""

    requested_url: str
    final_url: str
    redirects: tuple[tuple[str, int], ...]  # (url that redirected, its status), in order
    media_type: str
    charset: str | None
    body: bytes

    @property
    def sha256(self) -> str:
        """Return the hex SHA-256 of the body."""
        return hashlib.sha256(self.body).hexdigest()


def check_url(url: str) -> str:
    """Return ``url`` if it is an absolute http(s) URL, else raise UsageError."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https"):
        raise UsageError(
            f"only http and https URLs can be captured, not {url!r}",
            hint="give the full address, starting with https://",
        )
    if not parts.hostname:
        raise UsageError(f"{url!r} has no host name")
    return url.strip()


def fetch(
    url: str,
    *,
    max_bytes: int = MAX_BYTES,
    timeout: float = TIMEOUT,
    deadline: float = DEADLINE,
    max_redirects: int = MAX_REDIRECTS,
    user_agent: str = "hrd-lod",
    session: requests.Session | None = None,
) -> Fetched:
    """Return the document at ``url``; raise UsageError or RemoteError when it cannot be had."""
    current = check_url(url)
    chain: list[tuple[str, int]] = []
    own = session is None
    sess = session or requests.Session()
    start = time.monotonic()
    try:
        while True:
            resp = _get(sess, current, timeout, user_agent)
            with resp:
                if resp.status_code in _REDIRECTS:
                    location = resp.headers.get("Location")
                    if not location:
                        raise RemoteError(
                            f"{current} answered {resp.status_code} (a redirect) without a Location"
                        )
                    chain.append((current, resp.status_code))
                    if len(chain) > max_redirects:
                        raise RemoteError(
                            f"more than {max_redirects} redirects, starting at {url}",
                            hint="open the URL in a browser to see "
                            "where it leads, and capture the final address",
                        )
                    nxt = urljoin(current, location)
                    try:
                        current = check_url(nxt)
                    except UsageError:
                        raise RemoteError(
                            f"{current} redirects to {nxt!r}, which is not an "
                            "http(s) URL; not followed"
                        ) from None
                    continue
                if resp.status_code >= 400:
                    raise RemoteError(
                        f"{current} answered {resp.status_code} {resp.reason or ''}".rstrip(),
                        hint="check the address; the page may have moved",
                    )
                body = _read_body(resp, current, max_bytes, start, deadline)
                media_type, charset = _content_type(resp.headers.get("Content-Type"))
                return Fetched(url.strip(), current, tuple(chain), media_type, charset, body)
    finally:
        if own:
            sess.close()


def _get(sess: requests.Session, url: str, timeout: float, user_agent: str) -> requests.Response:
    try:
        return sess.get(
            url,
            stream=True,
            allow_redirects=False,
            timeout=(timeout, timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "identity"},
        )
    except requests.Timeout:
        raise RemoteError(
            f"{url} did not answer within {timeout:g} s", hint="try again later, or raise --timeout"
        ) from None
    except requests.RequestException as exc:
        raise RemoteError(f"cannot fetch {url}: {_reason(exc)}") from None


def _read_body(
    resp: requests.Response, url: str, max_bytes: int, start: float, deadline: float
) -> bytes:
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise RemoteError(
            f"{url} is {int(declared):,} bytes, over the limit of {max_bytes:,}",
            hint="raise the limit with --max-bytes if this document is wanted",
        )
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in resp.iter_content(chunk_size=64 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise RemoteError(
                    f"{url} is over the limit of {max_bytes:,} bytes; the download was stopped",
                    hint="raise the limit with --max-bytes if this document is wanted",
                )
            if time.monotonic() - start > deadline:
                raise RemoteError(
                    f"downloading {url} took longer than {deadline:g} s; stopped",
                    hint="try again later, or raise --timeout",
                )
            chunks.append(chunk)
    except requests.RequestException as exc:
        raise RemoteError(f"downloading {url} failed: {_reason(exc)}") from None
    return b"".join(chunks)


def _content_type(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "application/octet-stream", None
    main, *params = header.split(";")
    charset = None
    for p in params:
        k, _, v = p.strip().partition("=")
        if k.lower() == "charset" and v:
            charset = v.strip('"').lower()
    return main.strip().lower() or "application/octet-stream", charset


def _reason(exc: Exception) -> str:
    # requests nests the real cause (refused, DNS, reset) several levels deep.
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Connection reset",
        "Read timed out",
    ):
        if marker in text:
            return marker.lower()
    return text[:200]
