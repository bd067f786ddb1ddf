"""The archivist commands are registered, documented, and the library stays click-free."""

from __future__ import annotations

import ast
from pathlib import Path

from click.testing import CliRunner

import hrd_lod.workflows as wf
from hrd_lod.cli import main

COMMANDS = ["init", "source", "import", "release", "diff", "status"]


def test_commands_have_help() -> None:
    runner = CliRunner()
    top = runner.invoke(main, ["--help"]).output
    for name in COMMANDS:
        assert name in top
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0 and "Usage:" in res.output, name
    for sub in (["source", "add"], ["source", "check"], ["import", "csv"]):
        res = runner.invoke(main, [*sub, "--help"])
        assert res.exit_code == 0 and len(res.output.splitlines()) > 5, sub


def test_workflows_do_not_import_click_or_print() -> None:
    for path in Path(wf.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("click") for a in node.names), path
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("click"), path
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in ("print", "exit", "input"), path


def test_hrd_lod_build_in_a_new_project(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "p"), "--date", "2025-01-01"]).exit_code == 0
    res = runner.invoke(main, ["build", "--project", str(tmp_path / "p")])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "p" / "dist" / "p.ttl").is_file()
