"""The parse cache: same records with or without it; a changed file is read again."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_lod.errors import LoadError
from hrd_lod.records.load import load_records
from tests.conftest import write


def test_cache_gives_the_same_records_and_sees_changes(project: Path) -> None:
    cache = project / ".hrd-cache"
    plain = load_records(project, project / "data")
    first = load_records(project, project / "data", cache_dir=cache)
    second = load_records(project, project / "data", cache_dir=cache)
    assert plain.items == first.items == second.items
    assert list((cache / "state" / "records").rglob("*")), "nothing was cached"
    path = project / "data" / "records.yaml"
    path.write_text(path.read_text().replace("Example Land", "Other Land"))
    changed = load_records(project, project / "data", cache_dir=cache)
    assert changed.get("example-land").values["name"][0].value == "Other Land"  # type: ignore


def test_files_with_problems_are_not_cached(project: Path) -> None:
    cache = project / ".hrd-cache"
    write(project / "data" / "bad.yaml", "id: x\ntype: Place\nnmae: X\n")
    for _ in range(2):
        with pytest.raises(LoadError) as info:
            load_records(project, project / "data", cache_dir=cache)
        assert any(p.location.file == "data/bad.yaml" for p in info.value.problems)


def test_corrupt_cache_entry_is_ignored(project: Path) -> None:
    cache = project / ".hrd-cache"
    load_records(project, project / "data", cache_dir=cache)
    for entry in (cache / "state" / "records").rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    again = load_records(project, project / "data", cache_dir=cache)
    assert again.get("example-group") is not None
