"""Award histories for people: every award's conferrals by year, the laureates' countries.

The site's home page (a timeline a visitor can scan), the award pages (every year with its
laureates, finalists, nominees and regional winners) and the search index's facets all read
these typed values, made once from the public records. Years no record covers are reported
as gaps, never filled in.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..records.model import Enum, Record, Records, Ref, Year
from .entities import entity_path
from .schemaorg import SchemaOrgMapper

#: How a distinction reads on a page.
DISTINCTIONS = {"RegionalWinner": "regional winner", "GlobalLaureate": "global laureate"}


@dataclass(frozen=True, order=True)
class Entry:
    """A public entity as a page shows it: its name and the path of its page (from dist/)."""

    name: str
    path: str
    id: str
    type: str


@dataclass(frozen=True)
class Conferral:
    """One conferral as an award's history lists it."""

    entry: Entry
    award: Entry
    year: int
    laureates: tuple[Entry, ...]
    finalists: tuple[Entry, ...] = ()
    nominees: tuple[Entry, ...] = ()
    category: Entry | None = None
    distinction: str | None = None


@dataclass(frozen=True)
class YearOf:
    """The conferrals of one award in one year (regional winners side by side)."""

    year: int
    conferrals: tuple[Conferral, ...]

    @property
    def laureates(self) -> tuple[Entry, ...]:
        """Return the year's laureates in the order of its conferrals, each once."""
        seen: dict[str, Entry] = {}
        for c in self.conferrals:
            for e in c.laureates:
                seen.setdefault(e.id, e)
        return tuple(seen.values())


@dataclass(frozen=True)
class History:
    """An award, its years with conferrals (newest first), and the years without one."""

    award: Entry
    years: tuple[YearOf, ...]
    gaps: tuple[int, ...]

    @property
    def span(self) -> tuple[int, int] | None:
        """Return the first and the last year with a conferral."""
        if not self.years:
            return None
        return self.years[-1].year, self.years[0].year

    @property
    def laureate_count(self) -> int:
        """Return how many distinct laureates the award has."""
        return len({e.id for y in self.years for e in y.laureates})


@dataclass(frozen=True)
class Country:
    """A place laureates are from, and those laureates."""

    entry: Entry
    laureates: tuple[Entry, ...]


class Histories:
    """The award histories and laureates' countries of one set of public records."""

    def __init__(self, records: Records, mapper: SchemaOrgMapper) -> None:
        self.records = records
        self.mapper = mapper
        self._entries: dict[str, Entry] = {}
        self._countries: list[Country] | None = None
        by_award: dict[str, list[Conferral]] = defaultdict(list)
        self.conferrals_of: dict[str, list[Conferral]] = defaultdict(list)
        for rec in records.of_type("AwardConferral"):
            award, year = rec.first("award"), rec.first("year")
            if not isinstance(award, Ref) or not isinstance(year, Year):
                continue
            award_rec = records.get(award.id)
            if award_rec is None:
                continue
            distinction = rec.first("distinction")
            category = rec.first("category")
            conferral = Conferral(
                self.entry(rec),
                self.entry(award_rec),
                year.value,
                self.refs(rec, "laureate"),
                self.refs(rec, "finalist"),
                self.refs(rec, "nominee"),
                self.ref(category),
                DISTINCTIONS.get(distinction.value) if isinstance(distinction, Enum) else None,
            )
            by_award[award.id].append(conferral)
            for e in conferral.laureates:
                self.conferrals_of[e.id].append(conferral)
        self.histories: list[History] = []
        for award_rec in sorted(
            records.of_type("Award"), key=lambda r: (mapper.name(r).casefold(), r.id)
        ):
            self.histories.append(_history(self.entry(award_rec), by_award.get(award_rec.id, [])))
        self.by_award = {h.award.id: h for h in self.histories}

    def entry(self, rec: Record) -> Entry:
        """Return the entry of a public record."""
        hit = self._entries.get(rec.id)
        if hit is None:
            hit = Entry(self.mapper.name(rec), entity_path(rec) + ".html", rec.id, rec.type)
            self._entries[rec.id] = hit
        return hit

    def ref(self, value: object) -> Entry | None:
        """Return the entry a reference points at, if that record is public."""
        if not isinstance(value, Ref):
            return None
        target = self.records.get(value.id)
        return self.entry(target) if target is not None else None

    def refs(self, rec: Record, field_name: str) -> tuple[Entry, ...]:
        """Return the public entries a field of ``rec`` refers to, in the record's order."""
        out = (self.ref(v) for v in rec.values.get(field_name, ()))
        return tuple(e for e in out if e is not None)

    def countries_of(self, rec: Record) -> tuple[Entry, ...]:
        """Return the countries the sources give for a laureate (its country, nationality)."""
        out: dict[str, Entry] = {}
        for fname in ("country", "nationality"):
            for e in self.refs(rec, fname):
                out.setdefault(e.id, e)
        return tuple(out.values())

    def countries(self) -> list[Country]:
        """Return every country with laureates, by number of laureates then name."""
        if self._countries is None:
            self._countries = self._count_countries()
        return self._countries

    def country(self, place_id: str) -> Country | None:
        """Return the country of that id with its laureates, if laureates are from it."""
        return next((c for c in self.countries() if c.entry.id == place_id), None)

    def _count_countries(self) -> list[Country]:
        laureates: dict[str, dict[str, Entry]] = defaultdict(dict)
        places: dict[str, Entry] = {}
        for conferrals in self.conferrals_of.values():
            for e in conferrals[0].laureates:
                rec = self.records.get(e.id)
                if rec is None:
                    continue
                for c in self.countries_of(rec):
                    places[c.id] = c
                    laureates[c.id][e.id] = e
        out = [
            Country(places[pid], tuple(sorted(people.values())))
            for pid, people in laureates.items()
        ]
        out.sort(key=lambda c: (-len(c.laureates), c.entry.name.casefold(), c.entry.id))
        return out

    def latest(self, count: int = 8) -> list[tuple[History, YearOf]]:
        """Return the most recent years of every award (newest first), ``count`` at most."""
        rows = [(h, y) for h in self.histories for y in h.years]
        rows.sort(key=lambda hy: (-hy[1].year, hy[0].award.name.casefold()))
        return rows[:count]


def _history(award: Entry, conferrals: list[Conferral]) -> History:
    by_year: dict[int, list[Conferral]] = defaultdict(list)
    for c in conferrals:
        by_year[c.year].append(c)
    years = tuple(
        YearOf(
            year,
            tuple(
                sorted(
                    by_year[year],
                    key=lambda c: (
                        c.distinction != DISTINCTIONS["GlobalLaureate"],
                        c.category.name.casefold() if c.category else "",
                        c.entry.name.casefold(),
                        c.entry.id,
                    ),
                )
            ),
        )
        for year in sorted(by_year, reverse=True)
    )
    gaps: tuple[int, ...] = ()
    if by_year:
        first, last = min(by_year), max(by_year)
        gaps = tuple(y for y in range(first, last + 1) if y not in by_year)
    return History(award, years, gaps)
