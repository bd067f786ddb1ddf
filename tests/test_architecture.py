"""The house rules: imports point one way, every command is documented and has help."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from hrd_lod.cli import COMMANDS, main
from tests.conftest import REPO

SRC = REPO / "src" / "hrd_lod"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            out.add(("." * node.level) + (node.module or ""))
    return out


def test_only_the_cli_imports_click_or_prints() -> None:
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("cli/") or rel == "__main__.py":
            continue
        imports = _imports(path)
        assert not any(i == "click" or i.startswith("click.") for i in imports), rel
        assert not any(i.endswith("cli") or ".cli." in i for i in imports), rel
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])print\(", text), f"{rel} prints"
        assert "sys.exit(" not in text, f"{rel} exits"


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for name in COMMANDS:
        res = runner.invoke(main, [name, "--help"])
        assert res.exit_code == 0, name
        assert len(res.output.splitlines()) > 3, f"{name} has no help"
        assert f"hrd-lod {name}" in readme, f"README does not show `hrd-lod {name}`"


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys; from hrd_lod.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rdflib', 'pyshacl', 'pyoxigraph', 'jinja2')\n"
        "         if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))"
    )
    out = (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.strip()
        .splitlines()[-1]
    )
    assert out == "HEAVY:", f"--help imported {out}"


def test_python_dash_m() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "hrd_lod", "--help"], capture_output=True, text=True
    )
    assert res.returncode == 0 and "build" in res.stdout
