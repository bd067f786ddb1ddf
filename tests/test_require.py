"""The "must exist in CI" helpers of ``tests/conftest.py``: a skip here, a failure in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import require_file, require_module, require_shared, require_tool


@pytest.mark.parametrize(
    "call",
    [
        lambda tmp: require_tool("no-such-command-hrd-lod"),
        lambda tmp: require_file(tmp / "absent.ttl", "a vocabulary"),
        lambda tmp: require_shared("no-such-folder/absent.ttl"),
        lambda tmp: require_module("no_such_module_hrd_lod"),
    ],
)
def test_missing_skips_here_and_fails_in_ci(
    call: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="missing"):
        call(tmp_path)  # type: ignore[operator]
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must provide it"):
        call(tmp_path)  # type: ignore[operator]


def test_present_things_are_returned(tmp_path: Path) -> None:
    assert require_tool("sh").endswith("sh")
    path = tmp_path / "here.ttl"
    path.write_text("")
    assert require_file(path) == path
    assert require_module("json").__name__ == "json"
