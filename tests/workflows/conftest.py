"""Fixtures for the archivist workflows: projects in tmp dirs and a local HTTP server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrd_lod.workflows.init import init_project

from .wf_helpers import REPO, TODAY, Server


@pytest.fixture
def new_project(tmp_path: Path) -> Path:
    """A fresh 'hrd-lod init' project."""
    return init_project(tmp_path / "ds", today=TODAY).root


@pytest.fixture
def repo_project(tmp_path: Path) -> Path:
    """A copy of the repository's own dataset."""
    root = tmp_path / "repo"
    shutil.copytree(REPO / "data", root / "data")
    return root


@pytest.fixture
def server() -> Iterator[Server]:
    """Start a local HTTP server for one test and stop it afterwards."""
    srv = Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=5)
