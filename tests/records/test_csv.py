"""CSV tables of records: type from the file name or a column, multi-values, languages, errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_lod.errors import LoadError
from hrd_lod.records.load import load_records
from hrd_lod.records.model import LangString, Ref, Year
from tests.conftest import write


def test_csv_records_load(project: Path) -> None:
    write(
        project / "data" / "organizations.csv",
        "id,name,name@fr,area_served,sources\n"
        "ngo-one,NGO One,ONG Un,example-land,doc\n"
        "ngo-two,NGO Two,,,doc\n",
    )
    (project / "data" / "conferrals.csv").write_bytes(
        "\ufeffid;name;award;laureate;year;sources\r\n"
        "c-1;Example Award 2021;example-award;ngo-one | ngo-two;2021;doc\r\n".encode()
    )
    records = load_records(project, project / "data")
    one = records.get("ngo-one")
    assert one is not None and one.type == "Organization"
    assert set(one.values["name"]) == {LangString("NGO One", "en"), LangString("ONG Un", "fr")}
    assert one.values["area_served"] == (Ref("example-land"),)
    assert one.location.file == "data/organizations.csv" and one.location.line == 2
    conf = records.get("c-1")
    assert conf is not None and conf.type == "AwardConferral"
    assert conf.values["laureate"] == (Ref("ngo-one"), Ref("ngo-two"))
    assert conf.values["year"] == (Year(2021),)


@pytest.mark.parametrize(
    "name,text,line,field,words",
    [
        ("things.csv", "id,name\nx,X\n", 1, None, "record type"),
        ("organizations.csv", "id,name,sources\nx,X\n", 2, None, "2 cells"),
        ("organizations.csv", "id,name,name,sources\nx,X,Y,doc\n", 1, "name", "twice"),
        (
            "organizations.csv",
            "id,name,sources,founding_date\nx,X,doc,13/10/2013\n",
            2,
            "founding_date",
            "YYYY-MM-DD",
        ),
        ("organizations.csv", "id,nmae,sources\nx,X,doc\n", 2, "nmae", "did you mean 'name'"),
        ("places.csv", "id,name,sources\nbad id,X,doc\n", 2, "id", "bad-id"),
    ],
)
def test_csv_errors(
    project: Path, name: str, text: str, line: int, field: str | None, words: str
) -> None:
    write(project / "data" / name, text)
    with pytest.raises(LoadError) as info:
        load_records(project, project / "data")
    found = [p for p in info.value.problems if p.location.file == f"data/{name}"]
    assert found, info.value
    p = found[0]
    assert (p.location.line, p.location.field) == (line, field)
    assert words in f"{p.message} {p.hint} {p.code}"
