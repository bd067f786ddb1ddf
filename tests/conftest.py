"""Shared fixtures: the repository root, a copy of the small valid project, tool checks."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"


def require_tool(path_or_name: str) -> str:
    """Return the tool's path; skip without it, but fail in CI (where it must be installed)."""
    found = shutil.which(path_or_name) or (path_or_name if Path(path_or_name).exists() else None)
    if found:
        return found
    message = f"{path_or_name} is not installed"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must install it: see .ci/run)")
    pytest.skip(message)
    raise AssertionError  # unreachable


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
