"""The SPARQL 1.1 Protocol for queries, apart from any HTTP server: a request in, a plan out.

:func:`plan` turns one HTTP request (method, query string, content type, Accept, body) into
either a :class:`~.pool.Job` to evaluate or a finished :class:`Reply` (a refusal, the HTML
form, the service description). Both servers use it: the WSGI app (:mod:`.endpoint`) and the
lean server of ``hrd-lod serve`` (:mod:`hrd_lod.httpserver`), so they answer alike.

What the protocol asks, and where it is done here:

- ``GET ?query=``, ``POST`` of a form or of ``application/sparql-query``; any other POST type
  is 415, two queries are 400, updates are refused (the endpoint is read-only).
- Bodies must be UTF-8: a ``charset`` other than UTF-8, or bytes that are not UTF-8, are 400.
- Results are negotiated from ``Accept``; ``format=`` (a common extension) wins when it names a
  format this endpoint has, and is ignored otherwise.
- ``default-graph-uri`` and ``named-graph-uri`` give the dataset: when either is present the
  dataset is exactly what they name (the default graph is empty without ``default-graph-uri``,
  and no named graph is visible without ``named-graph-uri``).
- Relative IRIs in a query resolve against the request URL.
- A GET without a query answers the service description (RDF) or, to browsers, a form.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qsl

import jinja2
import pyoxigraph as ox

from .. import vocab as V
from .errors import QueryRefused, QueryTooLong
from .guard import Limits
from .pool import Job

#: media type -> results format name (SELECT, ASK), in the server's order of preference
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: media type -> graph format name (CONSTRUCT, DESCRIBE), in the server's order of preference
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
    "text/n3": "turtle",  # Turtle is N3 without N3's extensions
    "text/rdf+n3": "turtle",
    "application/n3": "turtle",
}
#: ``format=`` values -> (results format, graph format); either may be None
FORMAT_PARAM: dict[str, tuple[str | None, str | None]] = {
    "json": ("json", "jsonld"),
    "srj": ("json", None),
    "xml": ("xml", "rdfxml"),
    "srx": ("xml", None),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
    "rdf": (None, "rdfxml"),
    "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
}
FORM_FORMATS = ("json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld", "rdfxml")
_HTML = "text/html"
_SD_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
CORS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Content-Type"),
    ("Access-Control-Max-Age", "86400"),
    ("X-Content-Type-Options", "nosniff"),
)

_FORM = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL endpoint: {{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
textarea{width:100%;font-family:monospace}</style></head>
<body><h1>SPARQL endpoint</h1>
<p>{{ title }}: read-only SPARQL 1.1 queries (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union
of the dataset's graphs. Queries stop after {{ limits.time_s }} s; results are limited to
{{ limits.result_bytes }} bytes.{% if description %} The dataset description (VoID, DCAT) is
in the named graph <code>{{ description }}</code>.{% endif %}</p>
<form method="get" action="">
<p><label for="query">Query</label><br>
<textarea id="query" name="query" rows="14" cols="80">{{ example }}</textarea></p>
<p><label for="format">Results as</label>
<select id="format" name="format">{% for f in formats %}<option>{{ f }}</option>{% endfor %}
</select> <button type="submit">Run</button></p>
</form></body></html>
""")


@dataclass(frozen=True)
class ProtocolRequest:
    """One HTTP request to the endpoint, as the protocol sees it."""

    method: str
    query_string: str = ""
    content_type: str = ""
    accept: str = ""
    body: bytes = b""
    #: the request's URL without its query string: the base of relative IRIs
    url: str = "http://localhost/sparql"


@dataclass(frozen=True)
class Reply:
    """A finished answer: status, media type (with parameters), body, extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Service:
    """What the endpoint says about itself (form, service description) and its limits."""

    limits: Limits
    title: str = "hrd-lod dataset"
    example: str = ""
    #: the named graph holding the dataset description (VoID), if the store has one
    description_graph: str | None = None
    #: the prefixes a Turtle answer declares
    prefixes: tuple[tuple[str, str], ...] = ()


def example_query() -> str:
    """Return the example query the HTML form starts with."""
    return (
        f"PREFIX schema: <{V.SCHEMA}>\nPREFIX hrd: <{V.HRD}>\n\n"
        "SELECT ?conferral ?award ?year WHERE {\n"
        "  ?conferral a hrd:AwardConferral ;\n    hrd:award/schema:name ?award ;\n"
        "    hrd:year ?year .\n} ORDER BY ?year\nLIMIT 100\n"
    )


def text(status: int, message: str, *headers: tuple[str, str]) -> Reply:
    """Return a plain-text reply."""
    return Reply(
        status, "text/plain; charset=utf-8", (message.rstrip() + "\n").encode("utf-8"), headers
    )


def plan(req: ProtocolRequest, service: Service) -> Job | Reply:
    """Return the job that answers ``req``, or the reply when no query is to run."""
    limits = service.limits
    if req.method == "OPTIONS":
        return Reply(204, "text/plain", b"")
    if req.method not in ("GET", "HEAD", "POST"):
        return text(
            405,
            f"method {req.method} is not allowed; use GET or POST",
            ("Allow", "GET, HEAD, POST, OPTIONS"),
        )
    if len(req.body) > limits.body_bytes:
        return text(
            413,
            f"the request body is {len(req.body)} bytes; the limit is {limits.body_bytes} bytes",
        )
    try:
        params = parse_qsl(req.query_string, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return text(400, "the query string is not UTF-8")
    if req.method == "POST":
        mime, charset = _media_type(req.content_type)
        if charset not in (None, "utf-8", "utf8"):
            return text(400, f"the request body must be UTF-8, not {charset}")
        try:
            body = req.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            return text(400, f"the request body is not UTF-8 (byte {exc.start})")
        if mime == "application/x-www-form-urlencoded":
            try:
                params += parse_qsl(body, keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                return text(400, "the form is not UTF-8")
        elif mime == "application/sparql-query":
            params.append(("query", body))
        elif mime == "application/sparql-update":
            return text(400, "updates are not allowed: this endpoint is read-only")
        else:
            return text(
                415,
                f"unsupported request type {mime or '(none)'!r}: send "
                "application/x-www-form-urlencoded or application/sparql-query",
            )
    names = [k for k, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        return text(400, "updates are not allowed: this endpoint is read-only")
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        return text(400, "give exactly one query parameter")
    if not queries:
        if req.method == "POST":
            return text(400, "missing the query parameter")
        return describe(req, service)
    query = queries[0]
    try:
        form = limits.check_query(query)
    except QueryRefused as exc:
        message = exc.message + (f"\nhint: {exc.hint}" if exc.hint else "")
        return text(413 if isinstance(exc, QueryTooLong) else 400, message)
    fmt = next((v for k, v in params if k in ("format", "output")), None)
    chosen = negotiate(req.accept, fmt, form)
    if isinstance(chosen, Reply):
        return chosen
    defaults = tuple(v for k, v in params if k == "default-graph-uri")
    named = tuple(v for k, v in params if k == "named-graph-uri")
    return Job(
        query,
        defaults,
        named,
        chosen[0],
        chosen[1],
        limits.result_bytes,
        service.prefixes,
        dataset_given=bool(defaults or named),
        base_iri=req.url,
    )


_plans = functools.lru_cache(maxsize=1024)(lambda req, service: plan(req, service))


def plan_cached(req: ProtocolRequest, service: Service) -> Job | Reply:
    """Return :func:`plan` of ``req``, remembered for short bodiless requests (clients repeat
    their queries; the plan is a pure function of the request, and the query still runs)."""
    if req.body or len(req.query_string) > 4096:
        return plan(req, service)
    result: Job | Reply = _plans(req, service)
    return result


def negotiate(accept: str, fmt: str | None, form: str) -> tuple[str, str] | Reply:
    """Return (results format, graph format) for a query form, or a 406 reply."""
    results, graphs = "json", "turtle"
    if fmt:
        named = FORMAT_PARAM.get(fmt.strip().lower())
        if named is not None:
            r, g = named
            if form in ("SELECT", "ASK") and r:
                return r, graphs
            if form in ("CONSTRUCT", "DESCRIBE") and g:
                return results, g
        # an unknown (or, for this query form, unusable) format= falls back to Accept
    if not accept.strip():
        return results, graphs
    best_r = best_match(accept, tuple(RESULT_TYPES))
    best_g = best_match(accept, tuple(GRAPH_TYPES))
    if form in ("SELECT", "ASK"):
        wanted = best_r
    elif form in ("CONSTRUCT", "DESCRIBE"):
        wanted = best_g
    else:
        wanted = best_r or best_g
    if wanted is None:
        types = GRAPH_TYPES if form in ("CONSTRUCT", "DESCRIBE") else RESULT_TYPES
        return text(
            406,
            "none of the accepted media types can be produced; this query can be answered as "
            + ", ".join(types),
        )
    return (
        RESULT_TYPES[best_r] if best_r else results,
        GRAPH_TYPES[best_g] if best_g else graphs,
    )


@functools.lru_cache(maxsize=256)
def _accept(header: str) -> tuple[tuple[str, float, int], ...]:
    """Return the ranges of an Accept header: (range, q, specificity)."""
    out = []
    for part in header.split(","):
        fields = part.split(";")
        media = fields[0].strip().lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            k, _, v = f.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = min(max(float(v), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        spec = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        out.append((media, q, spec))
    return tuple(out)


@functools.lru_cache(maxsize=512)
def best_match(accept: str, offered: tuple[str, ...]) -> str | None:
    """Return the offered media type the Accept header likes best (ties: the server's order)."""
    ranges = _accept(accept)
    best, best_q = None, 0.0
    for media in offered:
        major = media.split("/")[0] + "/*"
        q, spec = 0.0, -1
        for rng, rq, rspec in ranges:
            if rspec > spec and rng in (media, major, "*/*"):
                q, spec = rq, rspec
        if q > best_q:
            best, best_q = media, q
    return best


def _media_type(header: str) -> tuple[str, str | None]:
    """Return the media type of a Content-Type header and its charset, lower-cased."""
    fields = header.split(";")
    charset = None
    for f in fields[1:]:
        k, _, v = f.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"').lower()
    return fields[0].strip().lower(), charset


def wants_page(method: str, query_string: str, accept: str) -> bool:
    """Return True for a GET without a query string from a client that prefers HTML (a
    browser), which ``hrd-lod serve`` sends to the site's SPARQL page."""
    from werkzeug.datastructures import MIMEAccept
    from werkzeug.http import parse_accept_header

    if method not in ("GET", "HEAD") or query_string:
        return False
    parsed = parse_accept_header(accept, MIMEAccept)
    # a browser names text/html; "*/*" alone (curl, SPARQL clients) is not a preference
    return parsed["text/html"] > parsed["application/sparql-results+json"]


def describe(req: ProtocolRequest, service: Service) -> Reply:
    """Return the HTML form or the service description, as the Accept header prefers."""
    offered = (_HTML, *_SD_TYPES)
    best = best_match(req.accept, offered) if req.accept.strip() else _HTML
    if best is None:
        return text(406, "this resource is available as " + ", ".join(offered))
    if best == _HTML:
        html = _FORM.render(
            title=service.title,
            limits=service.limits,
            example=service.example or example_query(),
            description=service.description_graph,
            formats=FORM_FORMATS,
        )
        return Reply(200, "text/html; charset=utf-8", html.encode("utf-8"), (("Vary", "Accept"),))
    fmt = _SD_TYPES[best]
    body = ox.serialize(
        service_description(req.url, service),
        format=fmt,
        prefixes={"sd": V.SD, "formats": V.FORMATS, "void": V.VOID}
        if fmt == ox.RdfFormat.TURTLE
        else None,
    )
    return Reply(200, _with_charset(fmt.media_type), body or b"", (("Vary", "Accept"),))


def service_description(url: str, service: Service) -> list[ox.Triple]:
    """Return the SPARQL 1.1 service description of the endpoint at ``url``."""
    sd = V.SD
    me = ox.NamedNode(url)
    a = ox.NamedNode(V.RDF_TYPE)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    out = [
        ox.Triple(me, a, ox.NamedNode(sd + "Service")),
        ox.Triple(me, ox.NamedNode(sd + "endpoint"), me),
        ox.Triple(me, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")),
        ox.Triple(me, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")),
        ox.Triple(me, ox.NamedNode(sd + "defaultDataset"), dataset),
        ox.Triple(dataset, a, ox.NamedNode(sd + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(sd + "defaultGraph"), default),
        ox.Triple(default, a, ox.NamedNode(sd + "Graph")),
    ]
    for name in (
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
        "N-Triples",
        "JSON-LD",
        "RDF_XML",
    ):
        out.append(ox.Triple(me, ox.NamedNode(sd + "resultFormat"), ox.NamedNode(V.FORMATS + name)))
    if service.description_graph:
        graph = ox.BlankNode("description")
        out += [
            ox.Triple(dataset, ox.NamedNode(sd + "namedGraph"), graph),
            ox.Triple(graph, a, ox.NamedNode(sd + "NamedGraph")),
            ox.Triple(graph, ox.NamedNode(sd + "name"), ox.NamedNode(service.description_graph)),
        ]
    return out


def _with_charset(media: str) -> str:
    if "charset" in media or media == "application/ld+json":
        return media
    return f"{media}; charset=utf-8"


def answer_reply(status: int, media_type: str, body: bytes) -> Reply:
    """Return the reply for an evaluated query's answer."""
    if status != 200:
        return Reply(status, _with_charset(media_type), body)
    return Reply(
        200, _with_charset(media_type), body, (("Vary", "Accept"), ("Cache-Control", "no-cache"))
    )
