"""``hrd-lod export wikidata``: the dataset's award facts as a QuickStatements (v1) batch.

Wikidata models an award as ``P166`` (award received) on the laureate, qualified by ``P585``
(point in time), ``P6208`` (award rationale) and ``P1706`` (together with, for a shared year);
finalists and nominees get ``P1411`` (nominated for). Every statement is written once per
source that states it (``S854`` reference URL, ``S813`` retrieved, ``S248`` stated in when the
source has an item), because OpenRefine and some tools keep only the first reference of a line.

Only public facts are exported: the records come from the same policy stage as every other
output (nothing withheld or withdrawn), and a person or group marked ``at_risk`` is left out
unless the record has ``wikidata_consent: true`` (Wikidata's policy on living people: once a
fact is on Wikidata it is copied everywhere and cannot be recalled).

Entities without a recorded Wikidata item are listed for reconciliation in OpenRefine
(``reconciliation_csv``); ``hrd-lod links import`` reads the reconciled items back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import vocab as V
from ..pipeline import prepare
from ..records.model import LangString, Record, Records, Ref, Url, Year

WIKIDATA_ITEM = re.compile(r"^https?://www\.wikidata\.org/(?:entity|wiki)/(Q[1-9][0-9]*)$")
Q_ID = re.compile(r"^Q[1-9][0-9]*$")

#: the record types whose award facts are exported, and their word in the CSV
ENTITY_TYPES = {"Person": "person", "Organization": "organization", "Award": "award"}


def wikidata_item(record: Record) -> str | None:
    """Return the Q-id of the record's Wikidata item (from ``same_as``), if one is recorded."""
    for v in record.values.get("same_as", ()):
        if isinstance(v, Url):
            m = WIKIDATA_ITEM.match(v.value)
            if m:
                return m.group(1)
    return None


def item_url(qid: str) -> str:
    """Return the IRI of a Wikidata item as ``same_as`` records it."""
    return V.WD + qid


@dataclass(frozen=True)
class Reference:
    """One source of a statement: its URL, the day it was read, its item if it has one."""

    url: str
    retrieved: dt.date | None = None
    stated_in: str | None = None


@dataclass(frozen=True, order=True)
class Statement:
    """A claim for Wikidata: subject, property, value, qualifiers; one line per reference."""

    subject: str
    prop: str
    value: str
    qualifiers: tuple[tuple[str, str], ...]
    references: tuple[Reference, ...]
    record: str  # the conferral it was read from


@dataclass(frozen=True)
class Unlinked:
    """An entity the batch needs but whose Wikidata item is not recorded yet."""

    id: str
    name: str
    type: str
    countries: tuple[str, ...]
    years: tuple[int, ...]


@dataclass(frozen=True)
class WikidataExport:
    """The batch and what was left out of it."""

    statements: tuple[Statement, ...]
    unlinked: tuple[Unlinked, ...]
    #: facts not exported because an entity has no item yet (reconcile them first)
    without_item: int
    #: facts not exported because no source of them has a URL to cite
    without_url: tuple[str, ...]
    #: facts of people or groups at risk left out (they did not consent)
    at_risk: int

    def quickstatements(self) -> str:
        """Return the batch as QuickStatements v1 text, one line per reference."""
        return "".join(line + "\n" for s in self.statements for line in statement_lines(s))

    def lines(self) -> int:
        """Return how many lines the batch has."""
        return sum(len(s.references) for s in self.statements)


def time_value(year: int, day: dt.date | None = None) -> str:
    """Return a QuickStatements time: day precision (11) when the day is known, else year (9)."""
    if day is not None:
        return f"+{day.isoformat()}T00:00:00Z/11"
    return f"+{year:04d}-00-00T00:00:00Z/9"


def text_value(text: str, lang: str | None = None) -> str:
    """Return a QuickStatements string (or monolingual text with ``lang``)."""
    clean = " ".join(text.replace('"', "'").split())
    return f'{lang}:"{clean}"' if lang else f'"{clean}"'


def statement_lines(s: Statement) -> list[str]:
    """Return the QuickStatements v1 lines of a statement: one per reference."""
    head = [s.subject, s.prop, s.value]
    for prop, value in s.qualifiers:
        head += [prop, value]
    out = []
    for ref in s.references:
        cells = list(head)
        if ref.stated_in:
            cells += ["S248", ref.stated_in]
        cells += ["S854", text_value(ref.url)]
        if ref.retrieved:
            cells += ["S813", time_value(ref.retrieved.year, ref.retrieved)]
        out.append("\t".join(cells))
    return out


def _day(rec: Record) -> dt.date | None:
    """Return the day the conferral was presented, when the sources agree on one."""
    claims = rec.claims.get("date")
    if claims:
        preferred = [c.value for c in claims if c.preferred]
        return preferred[0] if preferred and isinstance(preferred[0], dt.date) else None
    day = rec.first("date")
    return day if isinstance(day, dt.date) else None


def _references(rec: Record, field: str, public: Records) -> tuple[Reference, ...]:
    refs = []
    for sid in rec.sources_of(field):
        src = public.get(sid)
        url = src.first("url") if src else None
        if src is None or not isinstance(url, Url):
            continue
        retrieved = src.first("retrieved")
        refs.append(
            Reference(
                url.value,
                retrieved if isinstance(retrieved, dt.date) else None,
                wikidata_item(src),
            )
        )
    return tuple(sorted(set(refs), key=lambda r: (r.url, r.stated_in or "")))


def _name(rec: Record, lang: str) -> str:
    names = [v for v in rec.values.get("name", ()) if isinstance(v, LangString)]
    for v in names:
        if v.lang == lang:
            return v.value
    return names[0].value if names else rec.id


def wikidata_export(project_dir: Path | str) -> WikidataExport:
    """Return the project's public award facts for Wikidata, and what is left out and why."""
    prepared = prepare(project_dir)
    public, lang = prepared.public, prepared.meta.language

    def withheld(rec: Record) -> bool:
        return rec.at_risk and not rec.wikidata_consent

    statements: list[Statement] = []
    needed: dict[str, set[int]] = defaultdict(set)
    without_item = risky = 0
    without_url: list[str] = []
    for conf in public.of_type("AwardConferral"):
        award = public.get(str(getattr(conf.first("award"), "id", "")))
        year = conf.first("year")
        if award is None or not isinstance(year, Year):
            continue
        award_q = wikidata_item(award)
        roles = [
            ("P166", "laureate"),
            ("P1411", "finalist"),
            ("P1411", "nominee"),
        ]
        laureates = [
            public.get(v.id) for v in conf.values.get("laureate", ()) if isinstance(v, Ref)
        ]
        together = sorted(
            q
            for r in laureates
            if r is not None and not withheld(r) and (q := wikidata_item(r)) is not None
        )
        for prop, field in roles:
            for ref in conf.values.get(field, ()):
                who = public.get(ref.id) if isinstance(ref, Ref) else None
                if who is None:
                    continue
                if withheld(who):
                    risky += 1
                    continue
                who_q = wikidata_item(who)
                if who_q is None or award_q is None:
                    without_item += 1
                    for r in (who, award):
                        if wikidata_item(r) is None:
                            needed[r.id].add(year.value)
                    continue
                references = _references(conf, field, public)
                if not references:
                    without_url.append(f"{conf.id} ({field} {who.id})")
                    continue
                quals: list[tuple[str, str]] = [("P585", time_value(year.value, _day(conf)))]
                if prop == "P166":
                    for v in conf.values.get("rationale", ()):
                        if isinstance(v, LangString):
                            quals.append(("P6208", text_value(v.value, v.lang)))
                    quals += [("P1706", q) for q in together if q != who_q]
                statements.append(
                    Statement(who_q, prop, award_q, tuple(quals), references, conf.id)
                )
    unlinked = []
    for rid, years in sorted(needed.items()):
        rec = public.get(rid)
        assert rec is not None
        countries = tuple(
            _name(c, lang)
            for v in rec.values.get("country", ()) + rec.values.get("nationality", ())
            if isinstance(v, Ref) and (c := public.get(v.id)) is not None
        )
        unlinked.append(
            Unlinked(
                rid,
                _name(rec, lang),
                ENTITY_TYPES.get(rec.type, rec.type.lower()),
                tuple(dict.fromkeys(countries)),
                tuple(sorted(years)),
            )
        )
    return WikidataExport(
        tuple(sorted(statements)), tuple(unlinked), without_item, tuple(without_url), risky
    )


RECONCILE_COLUMNS = ("id", "name", "type", "country", "years", "wikidata")


def reconciliation_csv(unlinked: tuple[Unlinked, ...]) -> str:
    """Return the entities without an item as CSV for OpenRefine's reconciliation.

    Reconcile the ``name`` column (``type`` and ``country`` help to choose), put each item's
    Q-id in ``wikidata`` and give the file to ``hrd-lod links import``.
    """
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(RECONCILE_COLUMNS)
    for u in unlinked:
        w.writerow(
            [u.id, u.name, u.type, " | ".join(u.countries), " | ".join(map(str, u.years)), ""]
        )
    return buf.getvalue()
