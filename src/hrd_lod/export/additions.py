"""The latest additions to the archive, for the home page: the last days records were added.

A record may say the day it was entered in the archive (``added:``; ``hrd-lod import csv``
and ``hrd-lod source add`` write it). The home page lists the most recent of those days, each
with how many records of each type were added and a few of them by name, so a returning
visitor sees what is new. Records without the day are not listed (nothing is guessed), and
only public records are read, as for every other page. Output is sorted, hence deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..records.model import Record, Year
from .awards import Entry

#: Which records a visitor looks for first among a day's additions (others follow by name).
SHOWN_FIRST = ("AwardConferral", "Person", "Organization", "Award", "Jury", "Quotation")


@dataclass(frozen=True)
class Addition:
    """One day's additions: how many of each type, and the first few by name."""

    day: dt.date
    counts: tuple[tuple[str, int], ...]  # (type, how many), most first
    entries: tuple[Entry, ...]
    total: int


def latest_additions(
    records: Iterable[Record],
    entry: Callable[[Record], Entry],
    *,
    days: int = 2,
    names: int = 8,
) -> list[Addition]:
    """Return the ``days`` most recent days on which records were added, newest first, each
    with at most ``names`` entries (conferrals first, the newest award year first)."""
    by_day: dict[dt.date, list[Record]] = defaultdict(list)
    for rec in records:
        if rec.added is not None:
            by_day[rec.added].append(rec)
    out = []
    for day in sorted(by_day, reverse=True)[:days]:
        recs = by_day[day]
        counts = Counter(r.type for r in recs)
        ranked = sorted(recs, key=lambda r: _rank(r, entry))
        out.append(
            Addition(
                day,
                tuple(sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))),
                tuple(entry(r) for r in ranked[:names]),
                len(recs),
            )
        )
    return out


def _rank(rec: Record, entry: Callable[[Record], Entry]) -> tuple[int, int, str, str]:
    kind = SHOWN_FIRST.index(rec.type) if rec.type in SHOWN_FIRST else len(SHOWN_FIRST)
    year = rec.first("year")
    newest = -year.value if isinstance(year, Year) else 0
    return kind, newest, entry(rec).name.casefold(), rec.id
