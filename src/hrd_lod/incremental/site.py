"""Patch the site of the previous edition: render only the pages that read what changed.

Every page of an entity is made from its own record and from the records near it in the
graph of references (a record's reference fields and the sources it cites). Which ones, read
from the code that makes them (:mod:`hrd_lod.export.site`, :mod:`~hrd_lod.export.entities`,
:mod:`~hrd_lod.export.schemaorg`, :mod:`~hrd_lod.export.awards`), as paths from the page's
record ``X`` to a record it reads:

- ``X`` itself; what ``X`` refers to (its values' names, its countries, the sources that state
  its facts); what refers to ``X`` (the incoming facts, an award's conferrals, a source's
  facts, a laureate's conferrals);
- two steps out (a conferral names its award's organisers and its jury's members);
- one step in, then out (a laureate's page names the award of each of its conferrals, an
  award's history the laureates of each; an entity's document labels everything its embedded
  conferrals and quotations mention; a note names the source of an incoming fact);
- two steps in (a country's page counts the laureates of it: the conferrals of its people).

So the pages that may read a changed record ``D`` are those of ``D``, ``in(D)``, ``out(D)``,
``in(in(D))``, ``out(in(D))`` and ``out(out(D))`` (:func:`readers`), over the references of
the new records and of the changed records' previous versions; a record whose entity's triples
changed counts as changed, whichever record made them. Those are computed again
(and still linked when their inputs' fingerprint did not change); every other entity's files
are linked from the previous edition without computing anything. The pages made from every
record (the home and data pages, the lists per type, the search index and its page, the
sitemap) are rendered again, from the records and the lines of the patched dumps (a list
per type only for the kinds of the changed records, the sitemap only when records were
added). The tests
compare the result with a clean build, byte for byte,
for each kind of change the patch accepts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..export.context import ExportContext
from ..export.entities import EntityWriter, entity_path
from ..export.manifest import EntryCache
from ..export.reuse import Kept, Reuse
from ..export.search import INDEX_PATH, Document, documents, read_documents, write_search_of
from ..export.site import Site
from ..policy import apply_policy
from ..project import DatasetMeta, Project
from ..records.load import load_records
from ..records.model import Record, Records
from ..records.schema import TYPES
from ..store import Dataset
from ..withdrawals import withdrawn_ids
from . import NotUpdatable

#: The suffixes of an entity's files (``id/{kind}/{slug}`` + suffix).
ENTITY_SUFFIXES = (".ttl", ".jsonld", ".schema.jsonld", ".html")


def entity_files(paths: Iterable[str]) -> int:
    """Return how many of ``paths`` (from dist/) are per-entity files."""
    return sum(
        1
        for rel in paths
        if rel.startswith("id/")
        and rel.endswith(ENTITY_SUFFIXES)
        and rel.count("/") == 2
        and not rel.endswith("/index.html")
    )


def references(rec: Record) -> set[str]:
    """Return the ids a record refers to: its reference fields and the sources it cites."""
    return {ref.id for _f, ref in rec.refs()} | set(rec.all_sources())


def readers(changed: set[str], records: Iterable[Record], previous: Iterable[Record]) -> set[str]:
    """Return the ids of the records whose pages may read a record of ``changed`` (see the
    module's docstring), over the references of ``records`` and of the ``previous`` versions
    of changed records."""
    out: dict[str, set[str]] = defaultdict(set)
    into: dict[str, set[str]] = defaultdict(set)
    for rec in (*records, *previous):
        for target in references(rec):
            out[rec.id].add(target)
            into[target].add(rec.id)

    def step(ids: set[str], links: dict[str, set[str]]) -> set[str]:
        found: set[str] = set()
        for i in ids:
            found |= links.get(i, set())
        return found

    incoming = step(changed, into)
    outgoing = step(changed, out)
    return (
        changed
        | incoming
        | outgoing
        | step(incoming, into)
        | step(incoming, out)
        | step(outgoing, out)
    )


def graphs_of_dumps(nt: bytes, nq: bytes) -> dict[str, list[bytes]]:
    """Return the sorted lines by graph of an edition from its N-Triples and N-Quads dumps
    (what the encoder made them from: a quad line is a line of the union, in the default
    graph, or one with a graph IRI, which holds no space, before its final ``" ."``)."""
    union = set(nt.split(b"\n"))
    graphs: dict[str, list[bytes]] = defaultdict(list)
    for line in nq.split(b"\n"):
        if not line:
            continue
        if line in union:
            graphs[""].append(line)
            continue
        triple, graph, _end = line.rsplit(b" ", 2)
        graphs[graph.decode("utf-8")].append(triple + b" .")
    return {g: sorted(graphs[g]) for g in sorted(graphs)}


@dataclass
class SitePlan:
    """The public records of the new edition and the entities whose files are made again."""

    public: Records
    readers: set[str]
    #: the kinds of entity of the changed records (a list per kind shows names and
    #: descriptions: the others are the same)
    kinds: set[str]
    #: records were added (the sitemap lists every page)
    added: bool

    def rewritten(self) -> set[str]:
        """Return the paths (from dist/) of the files the site patch writes."""
        paths = {"index.html", "data.html", "search.html", "search/index.json"}
        if self.added:
            paths |= {"sitemap.xml", "robots.txt"}  # written together
        paths |= {f"id/{kind}/index.html" for kind in self.kinds}
        for rec in self.public:
            if rec.id in self.readers:
                base = entity_path(rec)
                paths |= {base + s for s in ENTITY_SUFFIXES}
        return paths


def plan_site(
    project: Project,
    meta: DatasetMeta,
    types: dict[str, str],
    hidden: frozenset[str],
    olds: list[Record],
    news: list[Record],
    subjects: Iterable[str] = (),
) -> SitePlan:
    """Return what the site patch renders, from the project's records (read through the
    parse cache); raise NotUpdatable when only a full build can make the site.

    ``subjects`` are the IRIs whose triples changed: the records they are the entities of
    (or the nodes of, ``#...``) count as changed too, whichever record made the triples."""
    records = load_records(project.root, project.data_dir, meta.language, project.cache_dir)
    public, _withheld = apply_policy(records, withdrawn_ids(project.root))
    before = {i for i in types if i not in hidden}
    now = {r.id for r in public}
    if not before <= now or now - before != {r.id for r in news} - set(types):
        raise NotUpdatable("the public records are not the previous ones and the changed ones")
    kinds_before = {TYPES[types[i]].kind for i in before}
    if {TYPES[r.type].kind for r in public} != kinds_before:
        raise NotUpdatable("a kind of entity appeared (it is in every page's menu)")
    changed = {r.id for r in olds} | {r.id for r in news}
    ids = {V.entity_iri(meta.base_iri, TYPES[r.type].kind, r.id): r.id for r in public}
    for iri in subjects:
        rid = ids.get(iri.partition("#")[0])
        if rid is None:
            raise NotUpdatable(f"the triples of <{iri}> changed, which is no record's entity")
        changed.add(rid)
    return SitePlan(
        public,
        readers(changed, public, olds),
        {TYPES[r.type].kind for r in public if r.id in changed},
        bool(now - before),
    )


def _search_documents(plan: SitePlan, site: Site, old: Path) -> list[Document]:
    """Return the search index's documents: the previous index's but those of the readers
    (a document reads what its entity's page reads: the record, its conferrals' awards and
    years, its countries, an award's years), made again."""
    try:
        previous = read_documents((old / INDEX_PATH).read_bytes())
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return documents(site.histories)
    fresh = documents(site.histories, plan.readers)
    again = {d.path for d in fresh}
    docs = [d for d in previous if d.path not in again] + fresh
    docs.sort(key=lambda d: (d.name.casefold(), d.path))
    return docs


@dataclass(frozen=True)
class SiteWritten:
    """What the site patch wrote: the per-entity files' state, and how many it rendered."""

    kept: dict[str, Kept]
    rendered: int
    linked: int


def write_site(
    plan: SitePlan,
    project: Project,
    meta: DatasetMeta,
    tool_version: str,
    old: Path,
    new: Path,
    kept: dict[str, Kept],
    cache: EntryCache,
) -> SiteWritten:
    """Write the site's files of ``plan`` into ``new`` (the dumps are there already, the
    other files linked from ``old``); return the new per-entity state."""
    nt = (new / f"{meta.id}.nt").read_bytes()
    dataset = Dataset(ox.Store(), graphs_of_dumps(nt, (new / f"{meta.id}.nq").read_bytes()))
    if nt != (b"\n".join(dataset.union) + b"\n" if dataset.union else b""):
        raise NotUpdatable("the patched dumps do not agree")
    reuse = Reuse(old, kept, context=repr((meta, tool_version)))
    ctx = ExportContext.of(dataset, plan.public, meta, project, tool_version, reuse)
    ctx.file_entries = cache
    site = Site(ctx, new)
    writer = EntityWriter(ctx, site.mapper)
    for rec in plan.public:
        if rec.id in plan.readers:
            writer.write(rec, new)
            site.entity_page(rec)
    site.type_pages(plan.kinds)
    if plan.added:
        site.sitemap(site.page_paths())
    write_search_of(site, new, _search_documents(plan, site, old))
    site.index_page()
    site.data_page()
    state = {**kept, **reuse.new}
    return SiteWritten(state, reuse.rendered, entity_files(state) - reuse.rendered)
