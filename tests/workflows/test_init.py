"""hrd-lod init: a new project that builds at once, with one example of every record type."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hrd_lod.cli.archive import init_cmd
from hrd_lod.pipeline import build, check
from hrd_lod.project import load_metadata, open_project
from hrd_lod.records.schema import TYPES
from hrd_lod.workflows import init as init_mod
from hrd_lod.workflows.init import init_project

from .wf_helpers import TODAY


def test_init_writes_a_project_that_builds_and_validates(new_project: Path) -> None:
    built = build(new_project)
    report = built.checked.report
    assert report.conforms and not report.warnings
    assert (new_project / "dist" / "manifest.json").is_file()
    meta = load_metadata(open_project(new_project))
    assert meta.issued == meta.modified == TODAY
    assert meta.id == "ds"


def test_one_example_of_every_type(new_project: Path) -> None:
    checked = check(new_project)
    types = {r.type for r in checked.records}
    assert types == set(TYPES), f"no example for {set(TYPES) - types}"
    # every example cites the example source, whose archived file's digest is correct
    src = checked.records.get("example-source")
    assert src is not None
    data = (new_project / "data" / "sources" / "example-source.txt").read_bytes()
    assert src.first("sha256") == hashlib.sha256(data).hexdigest()
    for rec in checked.records:
        if TYPES[rec.type].needs_sources:
            assert rec.sources == ("example-source",), rec.id


def test_every_metadata_field_is_explained(new_project: Path) -> None:
    from hrd_lod.project import _META_FIELDS

    text = (new_project / "data" / "dataset.yaml").read_text()
    lines = text.splitlines()
    for key in _META_FIELDS:
        at = [i for i, line in enumerate(lines) if line.lstrip("# ").startswith(key + ":")]
        assert at, f"dataset.yaml does not mention {key}"
        assert lines[at[0] - 1].startswith("#"), f"no comment above {key}"
    assert "{{" not in text and "{{" not in (new_project / "README.md").read_text()
    assert (new_project / ".gitignore").is_file()


def test_yaml_special_title_is_quoted(tmp_path: Path) -> None:
    root = init_project(tmp_path / "x", today=TODAY, title="Awards: 2024 # yes").root
    assert yaml.safe_load((root / "data" / "dataset.yaml").read_text())["title"] == (
        "Awards: 2024 # yes"
    )
    assert check(root).report.conforms


def test_cli_init_and_refusals(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(init_cmd, [str(tmp_path / "a"), "--date", "2024-01-31"])
    assert res.exit_code == 0, res.output
    assert "data/examples.yaml" in res.output
    assert "modified: 2024-01-31" in (tmp_path / "a/data/dataset.yaml").read_text()
    # a non-empty folder is refused, and left alone
    res = runner.invoke(init_cmd, [str(tmp_path / "a")])
    assert res.exit_code == 2 and "not an empty folder" in res.output
    (tmp_path / "f").write_text("x")
    assert runner.invoke(init_cmd, [str(tmp_path / "f")]).exit_code == 2
    res = runner.invoke(init_cmd, [str(tmp_path / "b"), "--date", "31/01/2024"])
    assert res.exit_code == 2 and "YYYY-MM-DD" in res.output
    # an existing empty folder is fine
    (tmp_path / "empty").mkdir()
    assert runner.invoke(init_cmd, [str(tmp_path / "empty")]).exit_code == 0


def test_interrupted_init_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(init_mod.shutil, "copyfile", fail)
    with pytest.raises(OSError):
        init_project(tmp_path / "new", today=TODAY)
    assert list(tmp_path.iterdir()) == []


def test_skeleton_is_inside_the_package() -> None:
    # shipped as package data: the wheel includes everything under src/hrd_lod/
    assert init_mod.SKELETON.is_relative_to(Path(init_mod.__file__).resolve().parents[1])
    rels = {p.relative_to(init_mod.SKELETON).as_posix() for p in init_mod.skeleton_files()}
    assert {"data/dataset.yaml", "data/examples.yaml", "README.md", init_mod.EXAMPLE_SOURCE} <= rels
