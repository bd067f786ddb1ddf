"""A small HTTP client for SPARQL 1.1 Protocol and Graph Store Protocol endpoints.

Every request has a timeout; connection errors and 5xx answers are retried a bounded number of
times with exponential backoff; 4xx answers are not retried and their message (the server's
own words) is shown. Credentials come from the caller (see :func:`auth_from_env`); when there
are none, requests falls back to ``~/.netrc``. Credentials are never part of a message: URLs
are shown without their userinfo and without the values of secret-looking query parameters.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import requests

from ..errors import RemoteError, UsageError

ENV_USER = "HRD_LOD_SPARQL_USER"
ENV_PASSWORD = "HRD_LOD_SPARQL_PASSWORD"
ENV_TOKEN = "HRD_LOD_SPARQL_TOKEN"
_SECRET_PARAM = re.compile(r"(key|token|secret|pass|auth|sig)", re.IGNORECASE)
_RETRY_STATUS = frozenset({500, 502, 503, 504})
_MAX_MESSAGE = 1000


class BearerAuth(requests.auth.AuthBase):
    """``Authorization: Bearer TOKEN`` (the token never appears in reprs)."""

    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = f"Bearer {self._token}"
        return r

    def __repr__(self) -> str:
        return "BearerAuth(***)"


AUTH_SCHEMES = ("basic", "digest")


class HttpError(RemoteError):
    """The server answered with an error status; ``status`` and its own ``detail`` say which."""

    def __init__(self, message: str, *, status: int, detail: str, hint: str | None = None):
        super().__init__(message, hint=hint)
        self.status = status
        self.detail = detail


def auth_from_env(
    environ: Mapping[str, str], scheme: str = "basic"
) -> requests.auth.AuthBase | None:
    """Return the auth given by the environment (token, or user and password), else None.

    ``scheme`` says how a user and password are sent: ``basic`` (HTTP Basic) or ``digest``
    (HTTP Digest, which Virtuoso's authenticated endpoints ask for).
    """
    if scheme not in AUTH_SCHEMES:
        raise UsageError(f"unknown authentication scheme {scheme!r}; use basic or digest")
    token = environ.get(ENV_TOKEN)
    if token:
        return BearerAuth(token)
    user, password = environ.get(ENV_USER), environ.get(ENV_PASSWORD)
    if user and password is not None:
        if scheme == "digest":
            return requests.auth.HTTPDigestAuth(user, password)
        return requests.auth.HTTPBasicAuth(user, password)
    if user:
        raise UsageError(f"{ENV_USER} is set but {ENV_PASSWORD} is not")
    return None  # requests then uses ~/.netrc if it has the host


def redact_url(url: str) -> str:
    """Return ``url`` without userinfo and with secret-looking query values masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host + (f":{port}" if port else "")
    pairs = [
        (k, "***" if _SECRET_PARAM.search(k) else v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
    ]
    query = "&".join(quote(k) if v == "" else f"{quote(k)}={quote(v, safe='*')}" for k, v in pairs)
    return urlunsplit((parts.scheme, netloc, parts.path, query, ""))


def check_url(url: str) -> str:
    """Return ``url`` if it is an http(s) URL with a host; raise UsageError otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"not an http(s) URL: {redact_url(url)}")
    return url


@dataclass
class Client:
    """HTTP with timeouts, bounded retries with backoff, and clear errors."""

    auth: requests.auth.AuthBase | None = None
    timeout: float = 60.0
    connect_timeout: float = 10.0
    retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    session: requests.Session = field(default_factory=requests.Session)
    #: called with a line before each retry (for progress messages)
    on_retry: Callable[[str], None] | None = None

    def request(
        self,
        method: str,
        url: str,
        *,
        body: bytes | IO[bytes] | None = None,
        rewind: Callable[[], None] | None = None,
        ok: tuple[int, ...] = (),
        **kwargs: Any,
    ) -> requests.Response:
        """Return the response to a request, retrying connection errors and 5xx answers.

        A non-2xx answer (other than the codes in ``ok``) raises RemoteError with the
        server's message; ``rewind`` is called before a retry of a streamed body.
        """
        shown = redact_url(url)
        attempts = self.retries + 1
        for attempt in range(1, attempts + 1):
            if attempt > 1 and rewind is not None:
                rewind()
            try:
                resp = self.session.request(
                    method,
                    url,
                    data=body,
                    auth=self.auth,
                    timeout=(self.connect_timeout, self.timeout),
                    **kwargs,
                )
            except requests.Timeout as exc:
                # A read timeout means the server is working on it: re-sending would only
                # pile up work, so only connection timeouts are retried.
                if isinstance(exc, requests.ConnectTimeout) and attempt < attempts:
                    self._wait(attempt, f"{method} {shown}: connection timed out")
                    continue
                raise RemoteError(
                    f"{method} {shown}: no answer within {self.timeout:g} s "
                    f"(attempt {attempt} of {attempts})",
                    hint="raise --timeout, or simplify the query",
                ) from None
            except requests.ConnectionError as exc:
                reason = _reason(exc)
                if attempt < attempts:
                    self._wait(attempt, f"{method} {shown}: {reason}")
                    continue
                raise RemoteError(
                    f"{method} {shown}: cannot connect: {reason} "
                    f"(gave up after {_attempts(attempts)})",
                    hint="is the server running and the URL right?",
                ) from None
            except requests.RequestException as exc:
                raise RemoteError(f"{method} {shown}: {type(exc).__name__}") from None
            if resp.ok or resp.status_code in ok:
                return resp
            message = server_message(resp)
            if resp.status_code in _RETRY_STATUS and attempt < attempts:
                self._wait(
                    attempt, f"{method} {shown}: HTTP {resp.status_code}", _retry_after(resp)
                )
                continue
            status = resp.status_code
            tail = f" (gave up after {_attempts(attempts)})" if attempt > 1 else ""
            raise HttpError(
                f"{method} {shown}: HTTP {status} {resp.reason}: {message}{tail}",
                status=status,
                detail=message,
                hint=_hint(status, resp, self.auth),
            )
        raise AssertionError("unreachable")  # the loop always returns or raises

    def _wait(self, attempt: int, why: str, retry_after: float | None = None) -> None:
        delay = self.backoff * (2 ** (attempt - 1))
        if retry_after is not None:
            delay = min(max(delay, retry_after), 30.0)  # honour Retry-After, within reason
        if self.on_retry:
            self.on_retry(
                f"{why}; retrying in {delay:.1f} s (attempt {attempt + 1} of {self.retries + 1})"
            )
        self.sleep(delay)


def _hint(status: int, resp: requests.Response, auth: object) -> str:
    """Return what to do about an error status, naming its likely cause."""
    if status == 401:
        challenge = resp.headers.get("WWW-Authenticate", "").split(" ", 1)[0].lower()
        if challenge == "digest" and not isinstance(auth, requests.auth.HTTPDigestAuth):
            return (
                "the server asks for HTTP Digest authentication: add --auth digest, with "
                f"{ENV_USER} and {ENV_PASSWORD} set"
            )
        if auth is None:
            return (
                f"the server wants credentials: set {ENV_TOKEN}, or {ENV_USER} and "
                f"{ENV_PASSWORD}, or add the host to ~/.netrc"
            )
        if isinstance(auth, requests.auth.HTTPBasicAuth):
            return (
                f"the credentials were refused: check {ENV_USER} and {ENV_PASSWORD}; if the "
                "store asks for HTTP Digest authentication (Virtuoso's *-auth endpoints do), "
                "add --auth digest"
            )
        if isinstance(auth, BearerAuth):
            return f"the token was refused: check {ENV_TOKEN}"
        return f"the credentials were refused: check {ENV_USER} and {ENV_PASSWORD}"
    if status == 403:
        return "the credentials were accepted but may not do this: ask for write access"
    if status in (404, 405, 501):  # Virtuoso answers a PUT to an unknown path with 501
        return (
            "is the URL the store's Graph Store Protocol (or SPARQL) endpoint? Oxigraph: "
            "/store (/query), Fuseki: /DATASET/data (/DATASET/sparql), Virtuoso: "
            "/sparql-graph-crud-auth (/sparql)"
        )
    if status >= 500:
        return "the store failed; its own message is above (see also the store's log)"
    return "the store refused the request; its own message is above"


def _attempts(n: int) -> str:
    return f"{n} attempt{'s' if n != 1 else ''}"


def _retry_after(resp: requests.Response) -> float | None:
    value = resp.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _reason(exc: requests.ConnectionError) -> str:
    # requests' messages quote the URL; say what happened in our own words instead.
    text = str(exc).lower()
    for needle, reason in (
        ("refused", "connection refused"),
        ("name or service not known", "unknown host"),
        ("nodename nor servname", "unknown host"),
        ("reset", "connection reset"),
        ("remotedisconnected", "the server closed the connection"),
        ("aborted", "connection aborted"),
    ):
        if needle in text:
            return reason
    return "connection failed"


def server_message(resp: requests.Response) -> str:
    """Return the server's explanation from an error response, as short plain text."""
    text = resp.text if resp.content else ""
    if "html" in resp.headers.get("Content-Type", ""):
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    if len(text) > _MAX_MESSAGE:
        text = text[:_MAX_MESSAGE] + " ..."
    return text or "(no message)"


SELECT_ACCEPT = (
    "application/sparql-results+json, application/sparql-results+xml;q=0.9, "
    "text/turtle;q=0.8, application/n-triples;q=0.8, application/ld+json;q=0.7, "
    "application/rdf+xml;q=0.5"
)


def sparql_query(
    client: Client, endpoint: str, query: str, default_graphs: list[str] | None = None
) -> tuple[str, bytes]:
    """Return the media type and body of a SPARQL query's answer from a remote endpoint."""
    check_url(endpoint)
    form = [("query", query)] + [("default-graph-uri", g) for g in default_graphs or []]
    resp = client.request(
        "POST",
        endpoint,
        body=urlencode(form).encode("ascii"),
        headers={"Accept": SELECT_ACCEPT, "Content-Type": "application/x-www-form-urlencoded"},
    )
    media = resp.headers.get("Content-Type", "").split(";")[0].strip().lower()
    return media, resp.content
