"""The latest additions: the last days records were added, counted by type, a few by name."""

from __future__ import annotations

import datetime as dt

from hrd_lod.errors import Location
from hrd_lod.export.additions import latest_additions
from hrd_lod.export.awards import Entry
from hrd_lod.records.model import LangString, Record, Year


def _rec(rid: str, type_: str, added: dt.date | None, year: int | None = None) -> Record:
    values: dict[str, tuple[object, ...]] = {"name": (LangString(rid.title(), "en"),)}
    if year is not None:
        values["year"] = (Year(year),)
    return Record(rid, type_, values, ("doc",), Location("data/x.yaml", 1), added=added)  # type: ignore[arg-type]


def _entry(rec: Record) -> Entry:
    return Entry(rec.id.title(), f"id/x/{rec.id}.html", rec.id, rec.type)


D1, D2, D3 = dt.date(2026, 1, 1), dt.date(2026, 2, 1), dt.date(2026, 3, 1)


def test_the_newest_days_first_conferrals_first_newest_year_first() -> None:
    records = [
        _rec("zed", "Person", D3),
        _rec("src", "Source", D3),
        _rec("c-2019", "AwardConferral", D3, 2019),
        _rec("c-2024", "AwardConferral", D3, 2024),
        _rec("amy", "Person", D3),
        _rec("old", "Person", D2),
        _rec("older", "Organization", D1),
        _rec("undated", "Person", None),
    ]
    days = latest_additions(records, _entry, days=2, names=4)
    assert [a.day for a in days] == [D3, D2]  # two days asked for: D1 is left out
    first = days[0]
    assert [e.id for e in first.entries] == ["c-2024", "c-2019", "amy", "zed"]
    assert first.counts == (("AwardConferral", 2), ("Person", 2), ("Source", 1))
    assert first.total == 5
    assert [e.id for e in days[1].entries] == ["old"]
    # a record without the day is never listed, whatever the count asked for
    every = latest_additions(records, _entry, days=10, names=10)
    assert "undated" not in {e.id for a in every for e in a.entries}
    assert sum(a.total for a in every) == 7


def test_nothing_added_says_nothing() -> None:
    assert latest_additions([_rec("a", "Person", None)], _entry) == []
