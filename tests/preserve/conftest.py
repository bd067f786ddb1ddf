"""Fixtures for the preservation tests: one released project, copied for each test that
changes it, and the RO-Crate validator run without a network."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest

from hrd_lod.workflows.init import init_project
from hrd_lod.workflows.release import release

from ..workflows.wf_helpers import TODAY

RELEASE_DATE = dt.date(2025, 3, 5)


@pytest.fixture(scope="module")
def released_once(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new project with release 1.0.0 made (shared: copy it before changing anything)."""
    root = init_project(tmp_path_factory.mktemp("preserve") / "ds", today=TODAY).root
    release(root, "1.0.0", date=RELEASE_DATE)
    return root


@pytest.fixture
def released(released_once: Path, tmp_path: Path) -> Path:
    """A copy of the released project that a test may change."""
    copy = tmp_path / "ds"
    shutil.copytree(released_once, copy, symlinks=True)
    return copy


class _Context:
    """A response carrying a JSON-LD context document."""

    status_code = 200
    headers = {"Content-Type": "application/ld+json"}

    def __init__(self, doc: object) -> None:
        self._doc = doc
        self.text = json.dumps(doc)
        self.content = self.text.encode()

    def json(self) -> object:
        return self._doc


@pytest.fixture
def offline_crate_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Let roc-validator resolve the RO-Crate context without a network.

    The validator fetches ``https://w3id.org/ro/crate/1.1/context`` to expand the crate; this
    machine has no network, so the request is answered with the RO-Crate context that the
    ``rocrate`` package ships (a superset of 1.1's terms). Any other URL fails, so a check
    that needs something else from the web shows up as an error, never as a silent pass.
    """
    from rocrate_validator.utils.http import HttpRequester

    shipped = json.loads(resources.files("rocrate").joinpath("data/ro-crate.jsonld").read_text())
    asked: list[str] = []

    def get(self: object, url: str, **kwargs: object) -> _Context:
        asked.append(url)
        if url.startswith("https://w3id.org/ro/crate/"):
            return _Context({"@context": shipped["@context"]})
        raise ConnectionError(f"no network in tests: {url}")

    monkeypatch.setattr(HttpRequester, "get", get, raising=False)
    yield asked
