"""Shared fixtures: the repository root, a copy of the small valid project, tool checks.

A test that needs a tool or a shared file calls ``require_tool``, ``require_file``,
``require_shared`` or ``require_module``: a clear skip where it is missing, a failure in CI
(the env var ``CI`` is set), where everything must be installed.
"""

from __future__ import annotations

import importlib
import os
import shutil
from pathlib import Path
from types import ModuleType
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SHARED = REPO.parent / "shared"


def missing(what: str) -> NoReturn:
    """Skip the test because ``what`` is missing here, but fail it in CI (the env var ``CI``
    is set), where every tool and shared file must be installed (see ``.ci/run``)."""
    message = f"{what} is missing"
    if os.environ.get("CI"):
        pytest.fail(f"{message}: CI must provide it (see .ci/run)")
    pytest.skip(message)


def require_tool(path_or_name: str) -> str:
    """Return the path of a command (a name on PATH, or a path); ``missing`` without it."""
    found = shutil.which(path_or_name) or (path_or_name if Path(path_or_name).exists() else None)
    if found:
        return found
    missing(f"the command {path_or_name!r}")


def require_file(path: Path, what: str = "") -> Path:
    """Return ``path`` if it is a file; ``missing`` (naming ``what`` or the path) without it."""
    if path.is_file():
        return path
    missing(f"{what} ({path})" if what else str(path))


def require_shared(rel: str) -> Path:
    """Return a file of ``../shared/`` beside the repository (the schema.org vocabulary, the
    W3C test suites); ``missing`` without it."""
    path = SHARED / rel
    if path.exists():
        return path
    missing(f"../shared/{rel} (beside the repository)")


def require_module(name: str) -> ModuleType:
    """Return the imported module ``name``; ``missing`` when it is not installed."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"the Python package {name!r}")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh copy of tests/fixtures/valid: a small project that builds and validates."""
    dest = tmp_path / "project"
    shutil.copytree(FIXTURES / "valid", dest)
    return dest


def tree(root: Path) -> dict[str, bytes]:
    """Return every file under ``root``: relative path -> its bytes (to compare editions)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write(path: Path, text: str) -> Path:
    """Write text to a file (creating folders) and return the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
