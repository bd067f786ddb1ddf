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


def test_only_the_store_splits_n_triples_lines() -> None:
    """One module (``store.py``) knows how an N-Triples line splits into its terms."""
    pattern = re.compile(r"""\.split\(b?" ", 2\)""")
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        if rel == "store.py":
            continue
        assert not pattern.search(path.read_text(encoding="utf-8")), f"{rel} splits lines"


def test_no_module_imports_the_package_itself() -> None:
    """``from . import __version__`` (or anything) from the package's ``__init__`` inside a
    module makes an import cycle; the version lives in ``_version.py``."""
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC).as_posix()
        depth = len(path.relative_to(SRC).parts)  # 1: a top module, 2: in a subpackage
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == depth and not node.module:
                names = {a.name for a in node.names}
                assert "__version__" not in names, f"{rel} imports __version__ from the package"


def test_adding_an_exporter_is_one_entry_in_one_list() -> None:
    """Every exporter is declared once, with what it reads and where it runs: no other set
    of exporter names exists beside ``EXPORTERS``."""
    from hrd_lod.export import EXPORTERS, Exporter

    assert all(isinstance(e, Exporter) for e in EXPORTERS)
    assert len({e.label for e in EXPORTERS}) == len(EXPORTERS)
    text = (SRC / "export" / "__init__.py").read_text(encoding="utf-8")
    for label in ("N-Triples", "TriG", "JSON-LD", "home page", "releases"):
        assert text.count(f'"{label}"') == 1, label
