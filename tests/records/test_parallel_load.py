"""Parsing data files in two processes gives what one process gives: records, notices,
problems (in the same order) and the cache entries."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hrd_lod.errors import LoadError
from hrd_lod.records import load
from hrd_lod.records.load import load_records
from tests.conftest import write

ORG = "id: {id}\ntype: Organization\nname: Org {id}\nsources: [doc]\n"


def _many_files(project: Path) -> None:
    for i in range(6):
        write(
            project / "data" / f"orgs-{i}.yaml",
            "".join(
                f"- {{id: org-{i}-{j}, type: Organization, name: Org {i} {j}, sources: [doc]}}\n"
                for j in range(3 + i)
            ),
        )


def _problems(project: Path, **kw: object) -> list[tuple[str, int | None, str, str]]:
    with pytest.raises(LoadError) as info:
        load_records(project, project / "data", **kw)  # type: ignore[arg-type]
    return [(p.location.file, p.location.line, p.code, p.message) for p in info.value.problems]


@pytest.fixture
def forced(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every load with two files or more uses the second process; the files it took."""
    taken: list[list[str]] = []
    split = load._split

    def spy(todo):  # type: ignore[no-untyped-def]
        here, there = split(todo)
        taken.append([f"{rel}#{part[0]}/{part[1]}" for _p, rel, part in there])
        return here, there

    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(load, "_split", spy)
    return taken


def test_two_processes_give_the_same_records(
    project: Path, forced: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_files(project)
    both = load_records(project, project / "data")
    assert forced and forced[-1], "nothing was parsed in the second process"
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 10**12)
    one = load_records(project, project / "data")
    assert both == one


def test_two_processes_report_the_same_problems_in_the_same_order(
    project: Path, forced: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_files(project)
    for i in range(6):  # a problem in every file, whichever process reads it
        write(project / "data" / f"bad-{i}.yaml", ORG.format(id=f"bad-{i}") + "nmae: x\n")
    write(project / "data" / "dangling.yaml", ORG.format(id="d") + "area_served: [narnia]\n")
    both = _problems(project)
    assert {rel for rel in forced[-1]} & {f"data/bad-{i}.yaml#0/1" for i in range(6)}
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 10**12)
    assert both == _problems(project)
    assert len(both) == 7


def test_files_parsed_in_the_second_process_are_cached(
    project: Path, forced: list[list[str]]
) -> None:
    _many_files(project)
    cache = project / ".hrd-cache"
    first = load_records(project, project / "data", cache_dir=cache)
    assert forced[-1]
    again = load_records(project, project / "data", cache_dir=cache)
    assert forced[-1] == [], "cached files were parsed again"
    assert first == again


def test_a_second_process_that_dies_costs_time_only(
    project: Path, forced: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _many_files(project)
    expected = load_records(project, project / "data")

    def die(path: Path, rel: str, lang: str) -> bytes:
        os._exit(3)

    monkeypatch.setattr(load, "_pickled_parse", die)
    assert load_records(project, project / "data") == expected


def _table(project: Path, rows: int, bad: dict[int, str] | None = None) -> Path:
    lines = ["id,name,telephone,sources"]
    for i in range(rows):
        lines.append((bad or {}).get(i, f"p-{i:04d},Person {i} ,,doc"))
    return write(project / "data" / "people.csv", "\n".join(lines) + "\n")


def test_a_large_table_is_read_as_two_halves(
    project: Path, forced: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    decomposed = {i: f"p-{i:04d},Cafe\u0301 {i},,doc" for i in (5, 290)}  # notices
    _table(project, 301, decomposed)
    cache = project / ".hrd-cache"
    both = load_records(project, project / "data", cache_dir=cache)
    assert "data/people.csv#1/2" in forced[-1]
    cached = load_records(project, project / "data", cache_dir=cache)  # two chunks, in order
    assert forced[-1] == []
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 10**12)
    one = load_records(project, project / "data")
    assert both == one == cached
    assert [r.location.line for r in one if r.id.startswith("p-")] == list(range(2, 303))
    assert [n.location.line for n in one.notices if "NFC" in n.message] == [7, 292]


def test_problems_in_a_half_are_reported_as_one_process_reports_them(
    project: Path, forced: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    _table(project, 300, {10: "p-x,Too,many,cells,here", 250: "p-y,Y,,nowhere"})
    both = _problems(project)
    assert "data/people.csv#1/2" in forced[-1]
    monkeypatch.setattr(load, "PARALLEL_MIN_BYTES", 10**12)
    assert both == _problems(project)
    assert [(f, line) for f, line, _c, _m in both] == [
        ("data/people.csv", 12),
        ("data/people.csv", 252),
    ]


def test_a_table_with_quotes_is_not_split() -> None:
    from hrd_lod.records.csvfile import rows_part

    text = 'id,name\na,"two\nlines"\nb,B\n'
    assert rows_part(text, (0, 2)) == text and rows_part(text, (1, 2)) == ""
    plain = "id,name\na,A\nb,B\nc,C\nd,D"
    assert rows_part(plain, (0, 2)) + rows_part(plain, (1, 2)).replace("id,name", "") != ""
    assert rows_part(plain, (0, 2)).split("\n") == ["id,name", "a,A", "b,B"]
    assert rows_part(plain, (1, 2)).split("\n") == ["id,name", "", "", "c,C", "d,D"]
