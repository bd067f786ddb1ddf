"""A data file that holds no record (empty, only comments, a CSV header) is a note, not an error."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.errors import LoadError
from hrd_lod.records.load import load_records
from tests.conftest import write

NOTE = (
    "the file holds no record (it is empty, or only comments), so nothing in it is "
    "published; add records ('hrd-lod fields' shows what to write) or delete it"
)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.yaml", ""),
        ("blank.yaml", "\n  \n"),
        ("comments.yaml", "# records about the 2023 prize go here\n# (none yet)\n"),
        ("empty-list.yaml", "[]\n"),
        ("empty.csv", ""),
        ("header-only.csv", "id,type,name,sources\n"),
    ],
)
def test_a_file_without_records_is_noted_and_the_rest_loads(
    project: Path, name: str, text: str
) -> None:
    before = {r.id for r in load_records(project, project / "data")}
    write(project / "data" / name, text)
    records = load_records(project, project / "data")
    assert {r.id for r in records} == before
    notes = [str(n) for n in records.notices if n.location.file == f"data/{name}"]
    assert notes == [f"data/{name}:1: {NOTE}"]


def test_the_build_goes_on_and_prints_the_note(project: Path) -> None:
    write(project / "data" / "todo.yaml", "# nothing yet\n")
    res = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert res.exit_code == 0, res.output
    assert f"note: data/todo.yaml:1: {NOTE}" in res.output.splitlines()
    assert (project / "dist" / "manifest.json").is_file()


def test_a_file_with_a_problem_is_still_an_error(project: Path) -> None:
    write(project / "data" / "bad.yaml", "# a comment\njust text\n")
    with pytest.raises(LoadError) as exc:
        load_records(project, project / "data")
    assert [p.code for p in exc.value.problems] == ["not-a-record"]
