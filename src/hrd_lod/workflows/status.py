"""``hrd-lod status``: what a dataset holds and what it lacks, at a glance.

Counts by type, each source and the facts (triples in its named graph) it supports, records
that cite no source, what the policy withholds (counts by reason, never values), entities
without a Wikidata link, the validation state, and reminders (example records from
``hrd-lod init`` still present, an ``example.org`` base IRI). A project that does not load
still gets counts by type (read without checks) and the load problems.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox

from .. import vocab as V
from ..errors import LoadError, Location, Problem
from ..pipeline import check
from ..project import open_project
from ..records.model import LangString, Records, Ref, Url, Year
from ..records.schema import TYPES
from ..withdrawals import load_register
from . import Progress
from .files import raw_records

#: Types whose entities usually have a Wikidata item, so a missing link is worth a look.
LINKABLE = ("Organization", "Person", "Place", "Award")
EXAMPLE_SOURCE = "example-source"
_WIKIDATA_HOSTS = ("www.wikidata.org", "wikidata.org")


@dataclass(frozen=True)
class SourceUse:
    """A source document and how much of the dataset rests on it."""

    id: str
    name: str
    facts: int  # triples in the source's named graph
    records: int  # records citing it
    archived: bool = True  # False: a page cited by its address ("cited, not archived")
    url: str | None = None


@dataclass(frozen=True)
class AwardYears:
    """The years of one award from its first to its last recorded conferral, and the gaps."""

    id: str
    first: int
    last: int
    with_conferral: tuple[int, ...]
    without: tuple[int, ...]  # no recorded conferral: not invented, shown as a gap


@dataclass
class Status:
    """The summary ``hrd-lod status`` prints."""

    counts: dict[str, int]
    load_problems: tuple[Problem, ...] = ()
    public: int = 0
    quads: int = 0
    sources: list[SourceUse] = field(default_factory=list)
    unsourced: list[tuple[str, str, Location]] = field(default_factory=list)
    withheld: dict[str, int] = field(default_factory=dict)
    no_wikidata: list[tuple[str, str]] = field(default_factory=list)
    award_years: list[AwardYears] = field(default_factory=list)
    violations: int = 0
    warnings: int = 0
    todo: list[str] = field(default_factory=list)
    #: (id, type, date) of every withdrawn record: never its name, never the reason
    withdrawn: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def loaded(self) -> bool:
        """Return True when the project loaded (and so was validated)."""
        return not self.load_problems

    @property
    def conforms(self) -> bool:
        """Return True when the project loaded and has no violations."""
        return self.loaded and self.violations == 0

    def to_dict(self) -> dict[str, object]:
        """Return the status as JSON-ready data."""
        return {
            "counts": self.counts,
            "records_public": self.public,
            "quads": self.quads,
            "load_problems": [p.to_dict() for p in self.load_problems],
            "sources": [s.__dict__ for s in self.sources],
            "unsourced": [
                {"id": i, "type": t, "file": loc.file, "line": loc.line}
                for i, t, loc in self.unsourced
            ],
            "withheld": self.withheld,
            "without_wikidata": [{"id": i, "type": t} for i, t in self.no_wikidata],
            "award_years": [
                {
                    "award": a.id,
                    "first": a.first,
                    "last": a.last,
                    "years_with_conferral": list(a.with_conferral),
                    "years_without_conferral": list(a.without),
                }
                for a in self.award_years
            ],
            "validation": {
                "loaded": self.loaded,
                "conforms": self.conforms,
                "violations": self.violations,
                "warnings": self.warnings,
            },
            "todo": self.todo,
            "withdrawn": [{"id": i, "type": t, "date": d} for i, t, d in self.withdrawn],
        }


def is_wikidata(url: str) -> bool:
    """Return True when ``url`` is a Wikidata entity IRI."""
    return (urlsplit(url).hostname or "") in _WIKIDATA_HOSTS


def award_years(records: Records) -> list[AwardYears]:
    """Return, per award with conferrals, the years from the first to the last recorded
    conferral, split into years with one and years without (gaps)."""
    years: dict[str, set[int]] = {}
    for rec in records.of_type("AwardConferral"):
        award, year = rec.first("award"), rec.first("year")
        if isinstance(award, Ref) and isinstance(year, Year):
            years.setdefault(award.id, set()).add(year.value)
    out = []
    for award_id in sorted(years):
        found = years[award_id]
        first, last = min(found), max(found)
        out.append(
            AwardYears(
                award_id,
                first,
                last,
                tuple(sorted(found)),
                tuple(y for y in range(first, last + 1) if y not in found),
            )
        )
    return out


def project_status(project_dir: Path | str, progress: Progress | None = None) -> Status:
    """Return the status of the project at ``project_dir`` (nothing is written)."""
    project = open_project(project_dir)

    def stage(name: str) -> None:
        if progress:
            progress(name, 0, 0)  # a stage, not a count

    try:
        withdrawn = [(w.id, w.type, w.date.isoformat()) for w in load_register(project.root)]
        checked = check(project.root, progress=stage)
    except LoadError as exc:
        counts: Counter[str] = Counter()
        for raw, _ in raw_records(project.root, project.data_dir):
            counts[str(raw.data.get("type", "?"))] += 1
        return Status(dict(sorted(counts.items())), load_problems=exc.problems)
    records, meta = checked.records, checked.meta
    st = Status(
        dict(sorted(Counter(r.type for r in records).items())),
        public=len(checked.public),
        quads=len(checked.store),
        withdrawn=sorted(withdrawn, key=lambda w: (w[2], w[0])),
    )
    cited = Counter(s for r in records for s in r.all_sources())
    for src in records.of_type("Source"):
        graph = ox.NamedNode(V.graph_iri(meta.base_iri, src.id))
        facts = sum(1 for _ in checked.store.quads_for_pattern(None, None, None, graph))
        name = src.first("name")
        url = src.first("url")
        st.sources.append(
            SourceUse(
                src.id,
                name.value if isinstance(name, LangString) else "",
                facts,
                cited[src.id],
                archived=src.first("archived_copy") is not None,
                url=url.value if isinstance(url, Url) else None,
            )
        )
    st.award_years = award_years(records)
    st.unsourced = [
        (r.id, r.type, r.location)
        for r in records
        if TYPES[r.type].needs_sources and not r.all_sources()
    ]
    st.withheld = dict(sorted(Counter(i.reason for i in checked.withheld.items).items()))
    st.no_wikidata = [
        (r.id, r.type)
        for r in checked.public
        if r.type in LINKABLE
        and not any(
            isinstance(v, Url) and is_wikidata(v.value) for v in r.values.get("same_as", ())
        )
    ]
    st.violations = len(checked.report.violations)
    st.warnings = len(checked.report.warnings)
    examples = [
        r.id for r in records if EXAMPLE_SOURCE in r.all_sources() or r.id == EXAMPLE_SOURCE
    ]
    if examples:
        st.todo.append(
            f"{len(examples)} example record(s) from 'hrd-lod init' are still in "
            "data/ (they cite 'example-source'): delete them before publishing"
        )
    if urlsplit(meta.base_iri).hostname in ("example.org", "www.example.org"):
        st.todo.append(
            f"the base IRI is still {meta.base_iri}: set base_iri in "
            "data/dataset.yaml to an address you control before the first release"
        )
    return st
