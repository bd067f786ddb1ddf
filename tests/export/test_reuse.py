"""Incremental builds: per-entity files whose inputs did not change are linked, not rendered,
and the edition is byte for byte what a clean build writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from hrd_lod.incremental import state as state_module
from hrd_lod.pipeline import EntityFiles, build
from tests.conftest import tree

ENTITY_SUFFIXES = (".ttl", ".jsonld", ".schema.jsonld", ".html")


def entity_files(dist: Path) -> int:
    return sum(
        1
        for p in (dist / "id").rglob("*")
        if p.is_file() and p.name != "index.html" and p.name.endswith(ENTITY_SUFFIXES)
    )


def clean_build(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """Build a copy of the project with no cache and no previous edition."""
    copy = tmp_path / "clean-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("dist", ".hrd-cache"))
    return tree(build(copy).dist)


@pytest.mark.parametrize("parallel", [False, True])
def test_nothing_changed_links_every_entity_file(project: Path, parallel: bool) -> None:
    first = build(project, parallel=parallel)
    assert first.entity_files.linked == 0
    assert first.entity_files.rendered == entity_files(first.dist)
    before = tree(first.dist)
    again = build(project, parallel=parallel)
    assert again.entity_files == EntityFiles(rendered=0, linked=entity_files(again.dist))
    assert tree(again.dist) == before


def test_one_changed_record_renders_only_what_mentions_it(project: Path, tmp_path: Path) -> None:
    build(project)
    records = project / "data" / "records.yaml"
    records.write_text(
        records.read_text().replace("name: Example Land", "name: Example Land Renamed")
    )
    built = build(project)
    total = entity_files(built.dist)
    assert 0 < built.entity_files.rendered < total
    assert built.entity_files.rendered + built.entity_files.linked == total
    land = (built.dist / "id" / "place" / "example-land.html").read_text()
    assert "Example Land Renamed" in land
    group = (built.dist / "id" / "organization" / "example-group.html").read_text()
    assert "Example Land Renamed" in group  # the group's page names the place it serves
    assert tree(built.dist) == clean_build(project, tmp_path)


def test_a_file_edited_in_dist_is_written_again(project: Path, tmp_path: Path) -> None:
    built = build(project)
    page = built.dist / "id" / "organization" / "example-group.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Example Defenders Group", b"Tampered"))
    again = build(project)
    assert again.entity_files.rendered == 1
    assert page.read_bytes() == original
    assert tree(again.dist) == clean_build(project, tmp_path)


def test_a_deleted_previous_edition_renders_everything(project: Path) -> None:
    built = build(project)
    before = tree(built.dist)
    shutil.rmtree(built.dist)
    again = build(project)
    assert again.entity_files.linked == 0
    assert tree(again.dist) == before


def test_changed_code_renders_everything(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(project)
    monkeypatch.setattr(state_module, "fingerprint", lambda tool_version="": "other code")
    again = build(project)
    assert again.entity_files.linked == 0


def test_changed_dataset_metadata_renders_every_page(project: Path, tmp_path: Path) -> None:
    build(project)
    meta = project / "data" / "dataset.yaml"
    meta.write_text(meta.read_text().replace("version: 1.0.0", "version: 1.0.1"))
    assert "1.0.1" in meta.read_text()
    again = build(project)
    assert again.entity_files.linked == 0
    assert tree(again.dist) == clean_build(project, tmp_path)


def test_linked_files_are_not_copies(project: Path) -> None:
    first = build(project)
    page = first.dist / "id" / "organization" / "example-group.html"
    inode = page.stat().st_ino
    again = build(project)
    assert (again.dist / "id" / "organization" / "example-group.html").stat().st_ino == inode
    assert os.stat(page).st_nlink == 1  # the previous edition is gone; the file is kept


def test_a_broken_state_file_only_costs_time(project: Path, tmp_path: Path) -> None:
    build(project)
    for state in (project / ".hrd-cache" / "state" / "entities").glob("*.pickle"):
        state.write_bytes(b"not a pickle")
    records = project / "data" / "records.yaml"
    records.write_text(
        records.read_text().replace("name: Example Land", "name: Example Land Renamed")
    )
    again = build(project)
    assert again.patched is None and again.entity_files.linked == 0
    assert again.notes and "entities state cannot be read" in again.notes[0]
    assert tree(again.dist) == clean_build(project, tmp_path)
