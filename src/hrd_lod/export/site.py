"""The web site: an HTML page per entity, lists per type, the index, queries, ontology docs.

Pages use relative links only, so ``dist/`` works from ``file://`` and from any server path.
No JavaScript: each page carries a Content-Security-Policy (meta) that forbids scripts; the
schema.org block is a data block (``application/ld+json``), which CSP does not execute. The CSS
is inline and allowed by its hash, so it loads from ``file://`` too. One Jinja2 environment
(autoescaping) renders every page.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from importlib import resources
from pathlib import Path

import jinja2
import pyoxigraph as ox
from markupsafe import Markup

from .. import vocab as V
from ..records.model import Record
from ..records.schema import TYPES
from .context import ExportContext
from .dumps import write_bytes
from .entities import EntityIndex, Fact, entity_index, entity_path
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


def content_security_policy(css: str) -> str:
    """Return the pages' CSP: nothing but the inline stylesheet (by hash) and own images."""
    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self'; "
        "base-uri 'none'; form-action 'none'"
    )


@dataclass(frozen=True)
class Link:
    """A rendered value: text, optional relative link, language tag, and its sources."""

    text: str
    href: str | None = None
    lang: str | None = None
    sources: tuple[dict[str, str], ...] = ()
    label: str = ""
    predicate: str = ""


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

    # --- shared pieces -----------------------------------------------------------------
    def common(self, root: str, title: str) -> dict[str, object]:
        """Return the variables every page needs."""
        m = self.meta
        return {
            "root": root,
            "title": title,
            "site_title": m.title_text(),
            "lang": m.language,
            "css": Markup(self.css),
            "csp": content_security_policy(self.css),
            "nav": [(kind, _plural(spec.name)) for kind, spec in self.kinds],
            "version": m.version,
            "modified": m.modified.isoformat(),
            "issued": m.issued.isoformat(),
            "license": m.license,
            "publisher": m.publisher,
            "publisher_url": m.publisher_url,
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

    def sources(self, fact: Fact, root: str) -> tuple[dict[str, str], ...]:
        """Return the sources (named graphs) that state a fact, as links."""
        out = []
        for g in fact.graphs:
            src = self.graph_source.get(g)
            if src is not None:
                out.append(
                    {"label": self.mapper.name(src), "href": f"{root}{entity_path(src)}.html"}
                )
        return tuple(out)

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal, root: str) -> Link:
        """Return how an object is shown: a link to an entity or the web, or text."""
        if isinstance(term, ox.Literal):
            return Link(term.value, lang=term.language)
        if isinstance(term, ox.NamedNode):
            href = self.entity_href(term.value, root)
            if href is not None:
                return Link(self.name_of(term.value), href)
            if term.value.startswith(V.HRD):
                return Link(curie(term.value), f"{root}ontology/index.html#{_local(term.value)}")
            if term.value.startswith(("http://", "https://")):
                return Link(curie(term.value), term.value)
        return Link(str(term))

    # --- entity pages --------------------------------------------------------------------
    def entity_page(self, rec: Record) -> None:
        """Write ``id/{kind}/{slug}.html``."""
        root = "../../"
        iri = self.index.iri(rec)
        outgoing = self.index.outgoing(iri)
        facts, descriptions, types = [], [], []
        for f in outgoing:
            p = f.triple.predicate.value
            if p == V.RDF_TYPE:
                types.append(curie(_term(f.triple.object).value))
                continue
            shown = self.value(_term(f.triple.object), root)
            src = self.sources(f, root)
            if p == V.schema("description"):
                descriptions.append({"text": shown.text, "sources": src})
            elif p not in _HEADER_PREDICATES:
                facts.append(
                    Link(shown.text, shown.href, shown.lang, src, self.predicate_label(p), curie(p))
                )
        facts.sort(key=lambda x: (x.label, x.text))
        incoming = []
        derivations = []
        for f in self.index.incoming(iri):
            s = _term(f.triple.subject).value
            if s.startswith(iri + "#"):
                derivations.extend(self._derivation(s))
                continue
            incoming.append(
                Link(
                    self.name_of(s),
                    self.entity_href(s, root),
                    None,
                    self.sources(f, root),
                    self.predicate_label(f.triple.predicate.value),
                    curie(f.triple.predicate.value),
                )
            )
        incoming.sort(key=lambda x: (x.label, x.text))
        stem = rec.id
        alternates = [
            {"href": f"{stem}.ttl", "media_type": "text/turtle", "label": "Turtle"},
            {"href": f"{stem}.jsonld", "media_type": "application/ld+json", "label": "JSON-LD"},
            {
                "href": f"{stem}.schema.jsonld",
                "media_type": "application/ld+json",
                "label": "schema.org JSON-LD (for embedding)",
            },
        ]
        values = dict(
            **self.common(root, self.mapper.name(rec)),
            iri=iri,
            type_label=_plural(rec.type),
            types=sorted(types),
            descriptions=descriptions,
            facts=facts,
            incoming=incoming,
            derivations=derivations,
            alternates=alternates,
        )
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
            fingerprint("entity.html", repr(sorted(values.items())), repr(doc)),
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
    def type_pages(self) -> list[str]:
        """Write ``id/{kind}/index.html`` for every kind in use; return their paths."""
        paths = []
        for kind, spec in self.kinds:
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
                **self.common("../../", _plural(spec.name)),
                help=spec.help[:1].upper() + spec.help[1:] + ".",
                entities=entities,
            )
            paths.append(path)
        return paths

    @cached_property
    def downloads(self) -> list[FileEntry]:
        """Return the dumps already written (top-level files, ontology/, shapes/), sorted."""
        out = []
        for p in sorted(self.out.rglob("*"), key=lambda p: p.as_posix()):
            rel = p.relative_to(self.out).as_posix()
            top = rel.split("/", 1)[0]
            if not p.is_file() or rel == MANIFEST or p.suffix in (".html", ".xml", ".txt"):
                continue
            if "/" not in rel or top in ("ontology", "shapes"):
                out.append(file_entry(self.out, p, entry_cache(self.ctx)))
        return out

    def index_page(self) -> None:
        """Write ``index.html``: the dataset, its licence, counts and downloads."""
        counts = [
            {
                "label": _plural(spec.name),
                "href": f"id/{kind}/index.html",
                "count": sum(1 for r in self.ctx.records if r.type == spec.name),
            }
            for kind, spec in self.kinds
        ]
        m = self.meta
        self.render(
            "index.html",
            "index.html",
            **self.common("", m.title_text()),
            description=m.description_text(),
            contact_email=m.contact_email,
            sparql_endpoint=m.sparql_endpoint,
            triples=len(self.ctx.union),
            counts=counts,
            files=[e.__dict__ for e in self.downloads],
        )

    def queries_page(self) -> None:
        """Write ``queries/index.html`` and a copy of each example query of the project."""
        folder = self.ctx.project.root / QUERY_DIR
        queries = []
        files = sorted(folder.glob("*.rq")) if folder.is_dir() else []
        for path in files:
            data = path.read_bytes()
            text = data.decode("utf-8")
            comments = [
                line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")
            ]
            write_bytes(self.out / QUERY_DIR / path.name, data)
            queries.append(
                {
                    "name": path.stem,
                    "href": path.name,
                    "text": text.rstrip(),
                    "title": comments[0] if comments else path.stem,
                    "description": " ".join(c for c in comments[1:] if c),
                }
            )
        self.render(
            "queries.html",
            f"{QUERY_DIR}/index.html",
            **self.common("../", "Example queries"),
            queries=queries,
            sparql_endpoint=self.meta.sparql_endpoint,
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
            **self.common("../", str(doc["title"])),
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

    def write(self) -> None:
        """Write every page of the site."""
        pages = ["index.html", f"{QUERY_DIR}/index.html", "ontology/index.html"]
        for rec in self.ctx.records:
            self.entity_page(rec)
            pages.append(f"{entity_path(rec)}.html")
        pages += self.type_pages()
        self.queries_page()
        self.ontology_page()
        self.sitemap(pages)


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
    """Write ``index.html``; it lists the dumps, so it runs after them."""
    Site(ctx, out).index_page()
