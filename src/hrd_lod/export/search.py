"""The site's own full-text search: an index file and a page whose small script searches it.

No server is involved: ``search/index.json`` holds every public entity (name, other names,
page, type, awards, years, countries and the start of its description) and ``search.html``
loads it once with ``assets/search.js``, which matches the words typed against the names
(prefixes, accents and case ignored) and the descriptions, and filters by the facets (type of
entity, award, year, country). The facets' values are numbered lists in the index, so each
entity costs a few small integers per facet. Nothing withheld reaches the index: it is made
from the public records only, as every other output. Output is sorted, hence deterministic.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..records.model import Record
from .awards import Entry, Histories
from .context import ExportContext
from .dumps import write_bytes

if TYPE_CHECKING:
    from .site import Site

INDEX_PATH = "search/index.json"
PAGE_PATH = "search.html"
#: Index format version, read by the script (a change of shape changes it).
FORMAT = 1
#: How much a match on an entity of each type counts, besides its words: a visitor looking for
#: "martin ennals" wants the award before a source document whose title names it.
WEIGHTS = {
    "Award": 3,
    "Person": 2,
    "Organization": 2,
    "Place": 1,
    "AwardConferral": 1,
    "Source": -1,
}
#: Characters of the description kept for the result's snippet and the text match.
SNIPPET = 200


@dataclass(frozen=True)
class Document:
    """One entity in the index."""

    name: str
    path: str
    type: str
    awards: tuple[str, ...]
    years: tuple[int, ...]
    countries: tuple[str, ...]
    other_names: tuple[str, ...]
    snippet: str
    weight: int


def documents(histories: Histories, only: set[str] | None = None) -> list[Document]:
    """Return the index's documents (every public record, or those whose ids are in
    ``only``), sorted by name then page."""
    mapper = histories.mapper
    out = []
    for rec in histories.records:
        if only is not None and rec.id not in only:
            continue
        awards, years, countries = _facets(rec, histories)
        description = " ".join(mapper.text(rec.values.get("description", ())))
        if not description and rec.type == "AwardConferral":
            description = " ".join(mapper.text(rec.values.get("rationale", ())))
        other = tuple(
            sorted(
                {n for f in ("name", "alternate_name") for n in _all_text(rec, f)}
                - {mapper.name(rec)}
            )
        )
        out.append(
            Document(
                mapper.name(rec),
                histories.entry(rec).path,
                _label(rec.type),
                awards,
                years,
                countries,
                other,
                _cut(description),
                WEIGHTS.get(rec.type, 0),
            )
        )
    out.sort(key=lambda d: (d.name.casefold(), d.path))
    return out


def _all_text(rec: Record, field_name: str) -> list[str]:
    return [getattr(v, "value", str(v)) for v in rec.values.get(field_name, ())]


def _facets(rec: Record, h: Histories) -> tuple[tuple[str, ...], tuple[int, ...], tuple[str, ...]]:
    awards: set[str] = set()
    years: set[int] = set()
    countries: set[Entry] = set()
    if rec.type in ("Person", "Organization"):
        for c in h.conferrals_of.get(rec.id, ()):
            awards.add(c.award.name)
            years.add(c.year)
        countries.update(h.countries_of(rec))
    elif rec.type == "AwardConferral":
        award = h.ref(rec.first("award"))
        if award is not None:
            awards.add(award.name)
        year = rec.first("year")
        if year is not None:
            years.add(int(str(year)))
        for e in h.refs(rec, "laureate"):
            laureate = h.records.get(e.id)
            if laureate is not None:
                countries.update(h.countries_of(laureate))
    elif rec.type == "Award":
        awards.add(h.entry(rec).name)
        history = h.by_award.get(rec.id)
        if history is not None:
            years.update(y.year for y in history.years)
    elif rec.type == "Place":
        countries.add(h.entry(rec))
    return (
        tuple(sorted(awards)),
        tuple(sorted(years)),
        tuple(sorted({c.name for c in countries})),
    )


def _label(type_name: str) -> str:
    return {"AwardConferral": "Award conferral", "AwardCategory": "Award category"}.get(
        type_name,
        {"ConceptScheme": "Concept scheme", "RiskType": "Risk type"}.get(type_name, type_name),
    )


def _cut(text: str) -> str:
    text = " ".join(text.split())
    if len(text) <= SNIPPET:
        return text
    return text[:SNIPPET].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class Facets:
    """The values of each facet, sorted (the index refers to them by position)."""

    types: tuple[str, ...]
    awards: tuple[str, ...]
    years: tuple[int, ...]
    countries: tuple[str, ...]


def facets(docs: list[Document]) -> Facets:
    """Return every facet value the documents use."""
    return Facets(
        tuple(sorted({d.type for d in docs})),
        tuple(sorted({a for d in docs for a in d.awards})),
        tuple(sorted({y for d in docs for y in d.years}, reverse=True)),
        tuple(sorted({c for d in docs for c in d.countries}, key=str.casefold)),
    )


def index_bytes(docs: list[Document], f: Facets) -> bytes:
    """Return the index file: the facets' values, then one array per document."""
    t = {v: i for i, v in enumerate(f.types)}
    a = {v: i for i, v in enumerate(f.awards)}
    c = {v: i for i, v in enumerate(f.countries)}
    rows = [
        [
            d.name,
            d.path,
            t[d.type],
            [a[x] for x in d.awards],
            list(d.years),
            [c[x] for x in d.countries],
            list(d.other_names),
            d.snippet,
            d.weight,
        ]
        for d in docs
    ]
    data = {
        "format": FORMAT,
        "fields": [
            "name",
            "path",
            "type",
            "awards",
            "years",
            "countries",
            "other",
            "snippet",
            "weight",
        ],
        "types": list(f.types),
        "awards": list(f.awards),
        "countries": list(f.countries),
        "docs": rows,
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def read_documents(data: bytes) -> list[Document]:
    """Return the documents of an index file (what :func:`index_bytes` wrote); raise
    ValueError if it is not one of this format."""
    doc = json.loads(data)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError("not a search index of this format")
    types, awards, countries = doc["types"], doc["awards"], doc["countries"]
    return [
        Document(
            name,
            path,
            types[t],
            tuple(awards[i] for i in a),
            tuple(years),
            tuple(countries[i] for i in c),
            tuple(other),
            snippet,
            weight,
        )
        for name, path, t, a, years, c, other, snippet, weight in doc["docs"]
    ]


def write_search(ctx: ExportContext, out: Path) -> None:
    """Write the search index and the search page."""
    from .site import Site

    write_search_of(Site(ctx, out), out)


def write_search_of(site: Site, out: Path, docs: list[Document] | None = None) -> None:
    """Write the search index and the search page with the lookups of ``site`` (and these
    ``docs``, sorted as :func:`documents` sorts them, if given)."""
    docs = documents(site.histories) if docs is None else docs
    f = facets(docs)
    write_bytes(out / INDEX_PATH, index_bytes(docs, f))
    site.render(
        "search.html",
        PAGE_PATH,
        **site.common("", "Search", PAGE_PATH, scripts=True),
        facets=f,
        count=len(docs),
    )
