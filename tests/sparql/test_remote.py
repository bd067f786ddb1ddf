"""The HTTP client's helpers: redaction of credentials, auth from the environment, backoff."""

from __future__ import annotations

import pytest
import requests

from hrd_lod.errors import UsageError
from hrd_lod.sparql.remote import BearerAuth, Client, auth_from_env, redact_url

from .conftest import free_port


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("http://u:p@example.org:8080/sparql", "http://example.org:8080/sparql"),
        ("https://example.org/store?default", "https://example.org/store?default"),
        (
            "https://example.org/q?access_token=abc&graph=x",
            "https://example.org/q?access_token=***&graph=x",
        ),
        (
            "http://[::1]:7878/store?graph=https%3A%2F%2Fw3id.org%2Fg",
            "http://[::1]:7878/store?graph=https%3A%2F%2Fw3id.org%2Fg",
        ),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_auth_from_env() -> None:
    assert auth_from_env({}) is None  # requests then falls back to ~/.netrc
    token = auth_from_env({"HRD_LOD_SPARQL_TOKEN": "t0k", "HRD_LOD_SPARQL_USER": "u"})
    assert isinstance(token, BearerAuth) and "t0k" not in repr(token)
    basic = auth_from_env({"HRD_LOD_SPARQL_USER": "u", "HRD_LOD_SPARQL_PASSWORD": "p"})
    assert isinstance(basic, requests.auth.HTTPBasicAuth) and basic.username == "u"
    with pytest.raises(UsageError, match="HRD_LOD_SPARQL_PASSWORD is not"):
        auth_from_env({"HRD_LOD_SPARQL_USER": "u"})


def test_backoff_doubles_and_is_bounded() -> None:
    waits: list[float] = []
    client = Client(retries=3, backoff=0.25, sleep=waits.append, connect_timeout=1)
    from hrd_lod.errors import RemoteError

    with pytest.raises(RemoteError, match="gave up after 4 attempts"):
        client.request("GET", f"http://127.0.0.1:{free_port()}/")
    assert waits == [0.25, 0.5, 1.0]
