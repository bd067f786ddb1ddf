"""``added``: the day a record was entered in the archive (YAML or CSV), checked, never a triple."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from hrd_lod.encode import encode_lines
from hrd_lod.errors import LoadError
from hrd_lod.project import load_metadata, open_project
from hrd_lod.records.load import load_records
from tests.conftest import write


def test_added_is_read_from_yaml_and_csv(project: Path) -> None:
    write(
        project / "data" / "more.yaml",
        "- id: ngo-added\n  type: Organization\n  name: NGO Added\n  sources: [doc]\n"
        "  added: 2026-11-30\n",
    )
    write(
        project / "data" / "organizations.csv",
        "id,name,sources,added\nngo-csv,NGO Csv,doc,2026-12-01\nngo-none,NGO None,doc,\n",
    )
    records = load_records(project, project / "data")
    assert records.get("ngo-added").added == dt.date(2026, 11, 30)  # type: ignore[union-attr]
    assert records.get("ngo-csv").added == dt.date(2026, 12, 1)  # type: ignore[union-attr]
    assert records.get("ngo-none").added is None  # type: ignore[union-attr]
    # about the record, not the world: no triple carries the day
    meta = load_metadata(open_project(project))
    lines = [line for _, line in encode_lines(records, meta)]
    assert lines and not any("2026-11-30" in line or "2026-12-01" in line for line in lines)


@pytest.mark.parametrize(
    "value,words",
    [("yesterday", "not a date in the form YYYY-MM-DD"), ("2026-02-30", "not a real calendar")],
)
def test_a_bad_added_names_file_line_and_field(project: Path, value: str, words: str) -> None:
    write(
        project / "data" / "more.yaml",
        f"- id: ngo-added\n  type: Organization\n  name: NGO Added\n  sources: [doc]\n"
        f"  added: {value}\n",
    )
    with pytest.raises(LoadError) as exc:
        load_records(project, project / "data")
    [problem] = exc.value.problems
    assert (problem.location.file, problem.location.line, problem.location.field) == (
        "data/more.yaml",
        5,
        "added",
    )
    assert "the day the record was entered" in problem.message and words in problem.message
