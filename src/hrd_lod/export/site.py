"""The web site for visitors: the home page, the data page, a page per entity (an award's page
with its history), lists per type, the SPARQL page, the example queries, the ontology.

Pages use relative links only, so ``dist/`` works from ``file://`` and from any server path.
Each page carries a Content-Security-Policy (meta) that forbids scripts, but the search and
SPARQL pages, which may run the site's own (``assets/*.js``, copied from the package); the
schema.org blocks are data blocks (``application/ld+json``), which CSP does not execute. The CSS
is inline and allowed by its hash, so it loads from ``file://`` too. One Jinja2 environment
(autoescaping) renders every page. The award histories come from :mod:`.awards`, the search
index from :mod:`.search`, the home page's ``Dataset`` block from :mod:`.datasetld`.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from .. import vocab as V
from ..records.model import Record, Year
from ..records.schema import TYPES
from .additions import latest_additions
from .awards import Entry, Histories
from .context import ExportContext
from .datasetld import dataset_document
from .dumps import write_bytes
from .entities import EntityIndex, entity_index, entity_path
from .manifest import MANIFEST, FileEntry, entry_cache, file_entry
from .reuse import fingerprint
from .schemaorg import SchemaOrgMapper, embed_json

QUERY_DIR = "queries"
# Fields shown in the page header rather than in the table of facts.
_HEADER_PREDICATES = {V.RDF_TYPE, V.schema("name"), V.schema("description"), V.SKOS + "prefLabel"}
_FIXED_LABELS = {
    V.RDF_TYPE: "type",
    V.OWL + "sameAs": "same as (OWL)",
    V.schema("sameAs"): "same as",
    V.PROV + "wasDerivedFrom": "source document",
    V.SKOS + "inScheme": "in scheme",
    V.SKOS + "broader": "broader concept",
    V.SKOS + "prefLabel": "preferred label",
    V.RDFS_LABEL: "label",
}
#: The kinds of entity the site's menu lists (the others are reached from the pages).
_NAV = ("award", "person", "organization", "place")
_CURIE_PREFIXES = sorted(((ns, p) for p, ns in V.PREFIXES.items()), key=lambda x: -len(x[0]))


def curie(iri: str) -> str:
    """Return ``prefix:local`` for an IRI in a known namespace, else the IRI."""
    for ns, prefix in _CURIE_PREFIXES:
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def humanise(local: str) -> str:
    """Return "alternate name" for "alternateName"."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


Term = ox.NamedNode | ox.BlankNode | ox.Literal


def _term(node: object) -> Term:
    """Return a subject or object as a plain term (the union holds no RDF-star triples)."""
    if isinstance(node, ox.NamedNode | ox.BlankNode | ox.Literal):
        return node
    raise TypeError(f"unexpected quoted triple {node!r} in the union")


def template_env() -> jinja2.Environment:
    """Return the Jinja2 environment of the site (autoescaping HTML and XML)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hrd_lod", "templates"),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def stylesheet() -> str:
    """Return the site's CSS (inlined in every page)."""
    return resources.files("hrd_lod").joinpath("templates/style.css").read_text("utf-8").strip()


def content_security_policy(
    css: str, scripts: bool = False, sparql_endpoint: str | None = None
) -> str:
    """Return a page's CSP: the inline stylesheet (by hash), own images, forms sent to the
    site; with ``scripts``, the site's own scripts, which may read the site and the endpoint."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    policy = f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; "
    if scripts:
        connect = "'self'" + (f" {_origin(sparql_endpoint)}" if sparql_endpoint else "")
        policy += f"script-src 'self'; connect-src {connect}; "
    return policy + "base-uri 'none'; form-action 'self'"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class Shown:
    """A value as a page shows it: text, optional relative link, language (only where it
    differs from the page's) and the numbers of the source notes that state it."""

    text: str
    href: str | None = None
    lang: str | None = None
    notes: tuple[int, ...] = ()


@dataclass(frozen=True)
class Row:
    """A row of an entity page's table: a readable label and its values."""

    label: str
    values: tuple[Shown, ...]


@dataclass(frozen=True)
class Part:
    """A piece of a summary sentence, linked or not."""

    text: str
    href: str | None = None


@dataclass(frozen=True)
class AwardLine:
    """An award a laureate, finalist or nominee was named for."""

    award: Entry
    conferral: Entry
    year: int
    role: str


@dataclass(frozen=True)
class Note:
    """A numbered source note of a page."""

    n: int
    label: str
    href: str


class Notes:
    """The sources a page cites, numbered in the order they are first cited."""

    def __init__(self) -> None:
        self.by_graph: dict[str, Note] = {}

    def cite(self, graphs: tuple[str, ...], site: Site, root: str) -> tuple[int, ...]:
        """Return the note numbers of the sources (named graphs) of a fact."""
        out = []
        for g in graphs:
            note = self.by_graph.get(g)
            if note is None:
                src = site.graph_source.get(g)
                if src is None:
                    continue
                note = Note(
                    len(self.by_graph) + 1,
                    site.mapper.name(src),
                    f"{root}{entity_path(src)}.html",
                )
                self.by_graph[g] = note
            out.append(note.n)
        return tuple(sorted(out))

    def listed(self) -> list[Note]:
        """Return the notes in order."""
        return sorted(self.by_graph.values(), key=lambda n: n.n)


#: Roles of an entity in a conferral, as an entity page names them.
_ROLES = {"laureate": "laureate", "finalist": "finalist", "nominee": "nominee"}
_ROLE_PREDICATES = frozenset(V.hrd(r) for r in _ROLES)
_AWARD_PREDICATE = frozenset({V.hrd("award")})


def license_name(url: str) -> str:
    """Return "CC BY 4.0" for a Creative Commons licence URL, else the URL."""
    m = re.search(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)", url)
    if m:
        return f"CC {m.group(1).upper()} {m.group(2)}"
    if re.search(r"creativecommons\.org/publicdomain/zero/1\.0", url):
        return "CC0 1.0"
    return url


def _and(parts: list[list[Part]]) -> list[Part]:
    """Join groups of parts as "a", "a and b", "a, b and c"."""
    out: list[Part] = []
    for i, group in enumerate(parts):
        if i:
            out.append(Part(" and " if i == len(parts) - 1 else ", "))
        out.extend(group)
    return out


class Site:
    """Renders the site of one export; holds the environment and the lookups pages share."""

    def __init__(self, ctx: ExportContext, out: Path) -> None:
        self.ctx = ctx
        self.out = out
        self.meta = ctx.meta
        self.index: EntityIndex = entity_index(ctx)
        self.mapper = SchemaOrgMapper(ctx.records, ctx.meta)
        self.env = template_env()
        self.css = stylesheet()
        self.ontology_labels = _ontology_labels(ctx.project.ontology_files())
        self.graph_source: dict[str, Record] = {
            V.graph_iri(self.meta.base_iri, r.id): r for r in ctx.records if r.type == "Source"
        }
        self.kinds = [
            (spec.kind, spec)
            for spec in TYPES.values()
            if any(r.type == spec.name for r in ctx.records)
        ]
        self._shared: dict[tuple[str, bool], dict[str, object]] = {}

    @cached_property
    def histories(self) -> Histories:
        """Return the award histories of the public records."""
        return Histories(self.ctx.records, self.mapper)

    # --- shared pieces -----------------------------------------------------------------
    @property
    def site_url(self) -> str:
        """Return the address the site is published at, ending with a slash."""
        site = self.meta.homepage or self.meta.base_iri
        return site if site.endswith("/") else site + "/"

    def common(
        self, root: str, title: str, canonical: str | None = None, scripts: bool = False
    ) -> dict[str, object]:
        """Return the variables every page needs (``canonical``: its path from dist/)."""
        shared = self._shared.get((root, scripts))
        if shared is None:  # the same for every page of a folder: made once per build
            m = self.meta
            shared = {
                "root": root,
                "site_title": m.title_text(),
                "lang": m.language,
                "css": Markup(self.css),
                "csp": content_security_policy(self.css, scripts, m.sparql_endpoint),
                "nav": [(kind, _plural(spec.name)) for kind, spec in self.kinds if kind in _NAV],
                "version": m.version,
                "modified": m.modified.isoformat(),
                "issued": m.issued.isoformat(),
                "license": m.license,
                "license_name": license_name(m.license),
                "publisher": m.publisher,
                "publisher_url": m.publisher_url,
            }
            self._shared[(root, scripts)] = shared
        return {
            **shared,
            "title": title,
            "canonical": None if canonical is None else self.site_url + canonical,
        }

    def render(self, template: str, path: str, **values: object) -> None:
        """Render a template to ``out/path``."""
        text = self.env.get_template(template).render(**values)
        write_bytes(self.out / path, text.encode("utf-8"))

    def predicate_label(self, iri: str) -> str:
        """Return a readable label for a predicate or class."""
        return _FIXED_LABELS.get(iri) or self.ontology_labels.get(iri) or humanise(_local(iri))

    def entity_href(self, iri: str, root: str) -> str | None:
        """Return the relative link to an entity's page, if it is a public entity."""
        rec = self.index.record_of(iri)
        return f"{root}{entity_path(rec)}.html" if rec is not None else None

    def name_of(self, iri: str) -> str:
        """Return the name of an entity, else the IRI in short form."""
        rec = self.index.record_of(iri)
        return self.mapper.name(rec) if rec is not None else curie(iri)

    def value(self, term: Term, root: str, notes: tuple[int, ...] = ()) -> Shown:
        """Return how an object is shown: a link to an entity or the web, or text."""
        if isinstance(term, ox.Literal):
            lang = term.language if term.language and term.language != self.meta.language else None
            return Shown(term.value, lang=lang, notes=notes)
        if isinstance(term, ox.NamedNode):
            href = self.entity_href(term.value, root)
            if href is not None:
                return Shown(self.name_of(term.value), href, notes=notes)
            if term.value.startswith(V.HRD):
                label = self.predicate_label(term.value)
                return Shown(label, f"{root}ontology/index.html#{_local(term.value)}", notes=notes)
            if term.value.startswith(V.SCHEMA):
                return Shown(humanise(_local(term.value)), term.value, notes=notes)
            if term.value.startswith(("http://", "https://")):
                return Shown(term.value, term.value, notes=notes)
        return Shown(str(term), notes=notes)

    # --- entity pages --------------------------------------------------------------------
    def award_lines(self, rec: Record) -> list[AwardLine]:
        """Return the conferrals that name ``rec`` (laureate, finalist, nominee), newest first."""
        h = self.histories
        out = []
        for fname, other in self.mapper.incoming.get(rec.id, ()):
            role = _ROLES.get(fname)
            if role is None or other.type != "AwardConferral":
                continue
            award, year = h.ref(other.first("award")), other.first("year")
            if award is None or not isinstance(year, Year):
                continue
            out.append(AwardLine(award, h.entry(other), year.value, role))
        out.sort(key=lambda a: (-a.year, a.role != "laureate", a.award.name, a.conferral.id))
        return out

    def summary(self, rec: Record, root: str, awards: list[AwardLine]) -> list[Part]:
        """Return the sentence that opens an entity page, in parts (empty if none applies)."""
        h = self.histories
        if rec.type == "AwardConferral":
            award, year = h.ref(rec.first("award")), rec.first("year")
            if award is None or not isinstance(year, Year):
                return []
            said = [Part("The "), Part(award.name, root + award.path), Part(f" of {year}")]
            category = h.ref(rec.first("category"))
            if category is not None:
                said.append(Part(f" ({category.name})"))
            laureates = h.refs(rec, "laureate")
            if laureates:
                said.append(Part(", conferred on "))
                said += _and([[Part(e.name, root + e.path)] for e in laureates])
            return said + [Part(".")]
        if rec.type == "Award":
            history = h.by_award.get(rec.id)
            if history is None or history.span is None:
                return []
            n, first, last = history.laureate_count, *history.span
            return [
                Part(
                    f"Conferred in {len(history.years)} year"
                    f"{'' if len(history.years) == 1 else 's'} between {first} and {last}, "
                    f"on {n} laureate{'' if n == 1 else 's'}."
                )
            ]
        if rec.type == "Source":
            return self.source_summary(rec, root)
        if rec.type == "Quotation":
            speaker = h.ref(rec.first("creator"))
            if speaker is None:
                return []
            said = [Part("Said by "), Part(speaker.name, root + speaker.path)]
            roles = self.mapper.text(rec.values.get("speaker_role", ()))
            if roles:
                said.append(Part(f", {roles[0]},"))
            about = h.refs(rec, "about")
            if about:
                said.append(Part(" about "))
                said += _and([[Part(e.name, root + e.path)] for e in about])
            return said + [Part(".")]
        parts: list[Part] = []
        for role in ("laureate", "finalist", "nominee"):
            mine = [a for a in reversed(awards) if a.role == role]
            if mine:
                parts.append(
                    Part(f"{role.capitalize()} of the " if not parts else f"; {role} of the ")
                )
                parts += _and(
                    [[Part(f"{a.award.name} {a.year}", root + a.conferral.path)] for a in mine]
                )
        countries = h.countries_of(rec) if rec.type in ("Person", "Organization") else ()
        if countries:
            parts.append(Part(". From " if parts else "From "))
            parts += _and([[Part(c.name, root + c.path)] for c in countries])
        if rec.type == "Place":
            country = h.country(rec.id)
            people = country.laureates if country is not None else ()
            if people:
                parts.append(
                    Part(f"Country of {len(people)} laureate{'' if len(people) == 1 else 's'}")
                )
        return parts + [Part(".")] if parts else []

    @cached_property
    def facts_per_source(self) -> dict[str, int]:
        """Return how many facts each source's named graph states, by graph IRI."""
        return {g[1:-1]: len(lines) for g, lines in self.ctx.graph_lines() if g}

    def source_summary(self, rec: Record, root: str) -> list[Part]:
        """Return a source document's opening sentence: who published it and when, whether a
        copy is archived, and how many facts are read from it."""
        h = self.histories
        said = [Part("A document")]
        publisher = h.ref(rec.first("publisher"))
        if publisher is not None:
            said += [Part(" published by "), Part(publisher.name, root + publisher.path)]
        published = rec.first("date_published")
        if published is not None:
            said.append(Part(f" on {published}"))
        if rec.first("sha256") is not None:
            said.append(Part("; an archived copy is kept, and every build checks its checksum"))
        else:
            retrieved = rec.first("retrieved")
            said.append(
                Part("; cited, not archived" + (f" (read on {retrieved})" if retrieved else ""))
            )
        n = self.facts_per_source.get(V.graph_iri(self.meta.base_iri, rec.id), 0)
        said.append(Part(f". The dataset states {n} fact{'' if n == 1 else 's'} read from it."))
        return said

    def entity_page(self, rec: Record) -> None:
        """Write ``id/{kind}/{slug}.html``."""
        root = "../../"
        iri = self.index.iri(rec)
        notes = Notes()
        awards = self.award_lines(rec) if rec.type in ("Person", "Organization") else []
        descriptions: list[Shown] = []
        rows: dict[str, list[Shown]] = {}
        for f in self.index.outgoing(iri):
            p = f.triple.predicate.value
            if p in _HEADER_PREDICATES and p != V.schema("description"):
                continue
            if p == V.schema("award") and awards:
                continue  # the awards are listed, linked, in their own section
            shown = self.value(_term(f.triple.object), root, notes.cite(f.graphs, self, root))
            if p == V.schema("description"):
                descriptions.append(shown)
            else:
                rows.setdefault(self.predicate_label(p), []).append(shown)
        facts = [
            Row(label, tuple(sorted(vals, key=lambda v: (v.text, v.href or ""))))
            for label, vals in sorted(rows.items())
        ]
        incoming_rows: dict[str, list[Shown]] = {}
        derivations = []
        # what the awards section or the award's history already lists, linked
        listed = _ROLE_PREDICATES if awards else _AWARD_PREDICATE if rec.type == "Award" else ()
        for f in self.index.incoming(iri):
            s = _term(f.triple.subject).value
            if s.startswith(iri + "#"):
                derivations.extend(self._derivation(s))
                continue
            if f.triple.predicate.value in listed:
                continue
            label = self.predicate_label(f.triple.predicate.value)
            incoming_rows.setdefault(label, []).append(
                Shown(
                    self.name_of(s),
                    self.entity_href(s, root),
                    None,
                    notes.cite(f.graphs, self, root),
                )
            )
        incoming = [
            Row(label, tuple(sorted(vals, key=lambda v: (v.text, v.href or ""))))
            for label, vals in sorted(incoming_rows.items())
        ]
        stem = rec.id
        alternates = [
            {"href": f"{stem}.ttl", "media_type": "text/turtle", "label": "Turtle"},
            {"href": f"{stem}.jsonld", "media_type": "application/ld+json", "label": "JSON-LD"},
        ]
        downloads = alternates + [
            {
                "href": f"{stem}.schema.jsonld",
                "media_type": "application/ld+json",
                "label": "schema.org JSON-LD (for embedding in another site)",
            },
        ]
        values = dict(
            **self.common(root, self.mapper.name(rec)),
            iri=iri,
            type_label=_plural(rec.type),
            summary=self.summary(rec, root, awards),
            descriptions=descriptions,
            awards=awards,
            history=self.histories.by_award.get(rec.id) if rec.type == "Award" else None,
            facts=facts,
            incoming=incoming,
            derivations=derivations,
            notes=notes.listed(),
            alternates=alternates,
            downloads=downloads,
        )
        values["canonical"] = iri
        doc = self.mapper.document(rec)

        def page() -> bytes:
            return (
                self.env.get_template("entity.html")
                .render(**values, embedded=Markup(embed_json(doc)))
                .encode("utf-8")
            )

        # Everything the template reads is in ``values`` and ``doc``: the page is linked from
        # the previous edition when they did not change.
        self.ctx.reuse.write(
            self.out,
            f"{entity_path(rec)}.html",
            # the stylesheet is in the fingerprint through its hash in the CSP
            fingerprint(
                "entity.html",
                repr(sorted(kv for kv in values.items() if kv[0] != "css")),
                repr(doc),
            ),
            page,
        )

    def _derivation(self, node: str) -> list[dict[str, str]]:
        props, methods = [], []
        for f in self.index.outgoing(node):
            p = f.triple.predicate.value
            if p == V.hrd("derivedProperty"):
                props.append(self.predicate_label(_term(f.triple.object).value))
            elif p == V.hrd("derivationMethod"):
                methods.append(_term(f.triple.object).value)
        return [
            {"label": ", ".join(sorted(props)) or "value", "method": m} for m in sorted(methods)
        ]

    # --- lists, index, queries, ontology, sitemap ---------------------------------------------
    def type_pages(self, only: set[str] | None = None) -> list[str]:
        """Write ``id/{kind}/index.html`` for every kind in use (or those of ``only``); return
        their paths."""
        paths = []
        for kind, spec in self.kinds:
            if only is not None and kind not in only:
                continue
            recs = sorted(
                (r for r in self.ctx.records if r.type == spec.name),
                key=lambda r: (self.mapper.name(r).casefold(), r.id),
            )
            entities = [
                {
                    "href": f"{r.id}.html",
                    "name": self.mapper.name(r),
                    "description": " ".join(self.mapper.text(r.values.get("description", ()))[:1]),
                }
                for r in recs
            ]
            path = f"id/{kind}/index.html"
            self.render(
                "list.html",
                path,
                **self.common("../../", _plural(spec.name), path),
                help=spec.help[:1].upper() + spec.help[1:] + ".",
                entities=entities,
            )
            paths.append(path)
        return paths

    @cached_property
    def downloads(self) -> list[FileEntry]:
        """Return the dumps already written (top-level files, ontology/, shapes/), sorted."""
        found = [p for p in self.out.iterdir() if p.is_file()]
        for top in ("ontology", "shapes"):  # the only folders with downloads (not id/)
            if (self.out / top).is_dir():
                found += [p for p in (self.out / top).rglob("*") if p.is_file()]
        out = []
        for p in sorted(found, key=lambda p: p.as_posix()):
            if p.name == MANIFEST and p.parent == self.out or p.suffix in (".html", ".xml", ".txt"):
                continue
            out.append(file_entry(self.out, p, entry_cache(self.ctx)))
        return out

    def counts(self) -> list[dict[str, object]]:
        """Return the number of entities of every kind in use, with the link to its list."""
        return [
            {
                "label": _plural(spec.name),
                "href": f"id/{kind}/index.html",
                "count": sum(1 for r in self.ctx.records if r.type == spec.name),
            }
            for kind, spec in self.kinds
        ]

    def index_page(self) -> None:
        """Write ``index.html``: what the dataset is, the awards' timelines, the latest
        laureates, the countries, where to go next, and the schema.org ``Dataset`` block."""
        m = self.meta
        h = self.histories
        doc = dataset_document(m, self.site_url, h, self.downloads)
        self.render(
            "index.html",
            "index.html",
            **{**self.common("", m.title_text()), "canonical": self.site_url},
            intro=m.description_text(),
            histories=h.histories,
            timeline_years=TIMELINE_YEARS,
            year_names=YEAR_NAMES,
            latest=h.latest(LATEST_COUNT),
            additions=[
                (
                    a,
                    _long_date(a.day),
                    [(_plural(t).lower() if n > 1 else _singular(t), n) for t, n in a.counts],
                )
                for a in latest_additions(self.ctx.records, h.entry)
            ],
            countries=h.countries(),
            country_count=COUNTRY_COUNT,
            counts=self.counts(),
            embedded=Markup(embed_json(doc)),
        )

    def data_page(self) -> None:
        """Write ``data.html``: the downloads with what each is for, size and checksum."""
        m = self.meta
        files = [
            {
                "path": e.path,
                "media_type": e.media_type,
                "size": _size(e.bytes),
                "sha256": e.sha256,
                "what": _what(e.path, m.id),
            }
            for e in self.downloads
        ]
        self.render(
            "data.html",
            "data.html",
            **self.common("", "Download the data", "data.html"),
            description=m.description_text(),
            contact_email=m.contact_email,
            sparql_endpoint=m.sparql_endpoint,
            triples=len(self.ctx.union),
            files=files,
        )

    def queries_page(self) -> None:
        """Write ``queries/index.html`` and a copy of each example query of the project."""
        folder = self.ctx.project.root / QUERY_DIR
        queries = self.example_queries()
        for q in queries:
            write_bytes(self.out / QUERY_DIR / q["href"], (folder / q["href"]).read_bytes())
        self.render(
            "queries.html",
            f"{QUERY_DIR}/index.html",
            **self.common("../", "Example queries", f"{QUERY_DIR}/index.html"),
            queries=queries,
            sparql_endpoint=self.meta.sparql_endpoint,
        )

    def example_queries(self) -> list[dict[str, str]]:
        """Return the project's example queries (``queries/*.rq``): name, title, text."""
        folder = self.ctx.project.root / QUERY_DIR
        out = []
        for path in sorted(folder.glob("*.rq")) if folder.is_dir() else []:
            text = path.read_text("utf-8")
            comments = [
                re.sub(r"^(title|question|description):\s*", "", line.lstrip("#").strip())
                for line in text.splitlines()
                if line.startswith("#")
            ]
            out.append(
                {
                    "name": path.stem,
                    "href": path.name,
                    "text": text.rstrip(),
                    "title": comments[0] if comments else path.stem,
                    "description": " ".join(c for c in comments[1:] if c),
                }
            )
        return out

    def assets(self) -> None:
        """Write the site's scripts (``assets/*.js``, from the package) as they are."""
        folder = resources.files("hrd_lod").joinpath("templates/assets")
        for item in sorted(folder.iterdir(), key=lambda i: i.name):
            if item.name.endswith(".js"):
                write_bytes(self.out / "assets" / item.name, item.read_bytes())

    def sparql_page(self) -> None:
        """Write ``sparql.html``: a query form whose results show as an HTML table (its
        script asks the endpoint for SPARQL JSON), other formats as downloads, and the
        example queries one click away."""
        endpoint = self.meta.sparql_endpoint or "sparql"
        self.render(
            "sparql.html",
            "sparql.html",
            **self.common("", "SPARQL", "sparql.html", scripts=True),
            endpoint=endpoint,
            queries=self.example_queries(),
            example=SPARQL_EXAMPLE,
        )

    def ontology_page(self) -> None:
        """Write ``ontology/index.html`` from the ontology files."""
        doc = ontology_doc(self.ctx.project.ontology_files())
        files = sorted(
            p.relative_to(self.out / "ontology").as_posix()
            for p in (self.out / "ontology").glob("*")
            if p.suffix in (".ttl", ".jsonld")
        )
        self.render(
            "ontology.html",
            "ontology/index.html",
            **self.common("../", str(doc["title"]), "ontology/index.html"),
            files=files,
            **{k: v for k, v in doc.items() if k != "title"},
        )

    def sitemap(self, pages: list[str]) -> None:
        """Write ``sitemap.xml`` (absolute URLs under the homepage) and ``robots.txt``."""
        site = self.meta.homepage or self.meta.base_iri
        site = site if site.endswith("/") else site + "/"
        self.render(
            "sitemap.xml",
            "sitemap.xml",
            urls=[site + p for p in sorted(pages)],
            modified=self.meta.modified.isoformat(),
        )
        write_bytes(
            self.out / "robots.txt",
            f"User-agent: *\nAllow: /\nSitemap: {site}sitemap.xml\n".encode(),
        )

    def page_paths(self) -> list[str]:
        """Return the paths (from dist/) of the site's pages, for the sitemap."""
        pages = ["index.html", "data.html", "search.html", "sparql.html"]
        pages += [f"{QUERY_DIR}/index.html", "ontology/index.html"]
        pages += [f"{entity_path(rec)}.html" for rec in self.ctx.records]
        return pages + [f"id/{kind}/index.html" for kind, _spec in self.kinds]

    def write(self) -> None:
        """Write every page of the site."""
        for rec in self.ctx.records:
            self.entity_page(rec)
        self.type_pages()
        self.queries_page()
        self.sparql_page()
        self.assets()
        self.ontology_page()
        self.sitemap(self.page_paths())


#: The query the SPARQL page starts with.
SPARQL_EXAMPLE = f"""PREFIX schema: <{V.SCHEMA}>
PREFIX hrd: <{V.HRD}>

SELECT ?year ?award ?laureate WHERE {{
  ?conferral a hrd:AwardConferral ;
    hrd:year ?year ;
    hrd:award/schema:name ?award ;
    hrd:laureate/schema:name ?laureate .
}} ORDER BY DESC(?year) ?award ?laureate
LIMIT 50
"""

#: How many years of each award the home page's timeline shows (the award page shows all).
TIMELINE_YEARS = 12
#: How many laureates of one year the home page names (the award page names them all).
YEAR_NAMES = 8
#: How many of the latest award years the home page lists.
LATEST_COUNT = 6
#: How many countries the home page lists (the rest are on the list of places).
COUNTRY_COUNT = 40

#: What each download is, by path or suffix.
_WHAT = {
    "{id}.ttl": "the whole dataset as Turtle",
    "{id}.nt": "the whole dataset as N-Triples, one fact per line",
    "{id}.jsonld": "the whole dataset as JSON-LD",
    "{id}.trig": "the dataset with one named graph per source document (TriG)",
    "{id}.nq": "the dataset with one named graph per source document (N-Quads)",
    "{id}.nq.gz": "the N-Quads, gzip'd for a triple store's bulk loader",
    "context.jsonld": "the JSON-LD context of the dumps",
    "void.ttl": "the dataset description (VoID and DCAT)",
    "ttl": "as Turtle",
    "jsonld": "as JSON-LD",
}


def _what(path: str, dataset_id: str) -> str:
    """Return what a download is, in a few words."""
    key = "{id}" + path[len(dataset_id) :] if path.startswith(dataset_id + ".") else path
    return _WHAT.get(key) or _WHAT.get(path.rsplit(".", 1)[-1], "a file")


def _size(n: int) -> str:
    """Return "1.2 MB" for a number of bytes."""
    for unit, step in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= step:
            return f"{n / step:.1f} {unit}"
    return f"{n} bytes"


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def _long_date(day: dt.date) -> str:
    """Return "4 December 2026" (the site's language is English, whatever the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _singular(type_name: str) -> str:
    return humanise(type_name)


def _plural(type_name: str) -> str:
    if type_name == "Person":
        return "People"
    words = humanise(type_name).capitalize()
    if words.endswith("y") and not words.endswith(("ey", "ay")):
        return words[:-1] + "ies"
    return words + "s"


def _ontology_labels(files: list[Path]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for path in files:
        for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (
                q.predicate.value == V.RDFS_LABEL
                and isinstance(q.subject, ox.NamedNode)
                and isinstance(q.object, ox.Literal)
                and q.object.language in (None, "en")
            ):
                labels.setdefault(q.subject.value, q.object.value)
    return labels


_ALIGNMENTS = [
    (V.RDFS + "subClassOf", "subclass of"),
    (V.RDFS + "subPropertyOf", "subproperty of"),
    (V.OWL + "equivalentClass", "equivalent class"),
    (V.OWL + "equivalentProperty", "equivalent property"),
    (V.SKOS + "exactMatch", "exact match"),
    (V.SKOS + "closeMatch", "close match"),
    (V.SKOS + "broadMatch", "broad match"),
    (V.SKOS + "narrowMatch", "narrow match"),
    (V.SKOS + "relatedMatch", "related match"),
]
_KINDS = [
    ("Classes", (V.OWL + "Class", V.RDFS + "Class")),
    ("Object properties", (V.OWL + "ObjectProperty",)),
    ("Datatype properties", (V.OWL + "DatatypeProperty",)),
    ("Annotation properties", (V.OWL + "AnnotationProperty",)),
]


def _node_key(node: object) -> tuple[str, str]:
    """Sort rdflib nodes as rdflib does (by kind, then text) without comparing across kinds."""
    return (type(node).__name__, str(node))


def ontology_doc(files: list[Path]) -> dict[str, object]:
    """Return the template variables documenting the ontology (terms in the hrd namespace)."""
    import rdflib
    from rdflib.collection import Collection

    g = rdflib.Graph()
    for path in files:
        g.parse(path, format="turtle")
    R = rdflib.URIRef

    def text(s: rdflib.term.Node, p: str) -> str:
        vals = sorted(
            str(o)
            for o in g.objects(s, R(p))
            if isinstance(o, rdflib.Literal) and o.language in (None, "en")
        )
        return vals[0] if vals else ""

    def ref(o: rdflib.term.Node) -> list[dict[str, str | None]]:
        if isinstance(o, rdflib.BNode):
            members = list(g.objects(o, R(V.OWL + "unionOf")))
            if members:
                return [v for m in Collection(g, members[0]) for v in ref(m)]
            return [{"text": "(anonymous)", "href": None}]
        iri = str(o)
        if iri.startswith(V.HRD):
            return [{"text": curie(iri), "href": "#" + _local(iri)}]
        href = iri if iri.startswith(("http://", "https://")) else None
        return [{"text": curie(iri), "href": href}]

    onto = next(iter(sorted(g.subjects(R(V.RDF_TYPE), R(V.OWL + "Ontology")), key=str)), None)
    sections = []
    done: set[str] = set()
    for title, classes in _KINDS:
        terms = []
        subjects = {
            s
            for c in classes
            for s in g.subjects(R(V.RDF_TYPE), R(c))
            if isinstance(s, rdflib.URIRef) and str(s).startswith(V.HRD)
        }
        for s in sorted(subjects - {R(x) for x in done}):
            done.add(str(s))
            rows = []
            for p, label in [
                (V.RDFS + "domain", "domain"),
                (V.RDFS + "range", "range"),
                *_ALIGNMENTS,
            ]:
                vals = [v for o in sorted(g.objects(s, R(p)), key=_node_key) for v in ref(o)]
                if vals:
                    rows.append({"label": label, "vals": vals})
            terms.append(
                {
                    "anchor": _local(str(s)),
                    "curie": curie(str(s)),
                    "label": text(s, V.RDFS_LABEL) or _local(str(s)),
                    "comment": text(s, V.RDFS + "comment"),
                    "rows": rows,
                }
            )
        if terms:
            sections.append({"title": title, "terms": terms})
    return {
        "title": text(onto, V.RDFS_LABEL) if onto else "Ontology",
        "comment": text(onto, V.RDFS + "comment") if onto else "",
        "version_info": text(onto, V.OWL + "versionInfo") if onto else "",
        "namespace": V.HRD,
        "sections": sections,
    }


def write_site(ctx: ExportContext, out: Path) -> None:
    """Write the HTML pages (but the home page), sitemap.xml and robots.txt."""
    Site(ctx, out).write()


def write_home_page(ctx: ExportContext, out: Path) -> None:
    """Write ``index.html`` and ``data.html``; they list the dumps, so they run after them."""
    site = Site(ctx, out)
    site.index_page()
    site.data_page()
