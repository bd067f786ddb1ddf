"""A read-only SPARQL 1.1 Protocol endpoint as a WSGI app (Werkzeug).

``GET ?query=``, ``POST`` as a form or as ``application/sparql-query``; results negotiated
from ``Accept`` (or ``format=``): SPARQL JSON, XML, CSV, TSV for SELECT and ASK, Turtle,
N-Triples and JSON-LD for CONSTRUCT and DESCRIBE. CORS is open (``*``): the data is public and
nothing here uses cookies. Updates and SERVICE are refused before a query runs; queries run in
worker processes (:mod:`.pool`) under a time limit and a result-size limit, and request bodies
and query texts have their own limits. A GET without a query shows a small HTML form.

The app answers at whatever path it is mounted on (``hrd-lod serve`` mounts it at /sparql).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from .. import vocab as V
from .errors import QueryRefused, QueryTooLong
from .guard import Limits
from .local import build_disk_store, ensure_disk_store, open_dist
from .pool import Answer, Busy, Job, Overrun, WorkerPool

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: media type -> format name, in order of preference
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
}
_FORMAT_PARAM = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
}
_CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    "Access-Control-Allow-Headers": "Accept, Content-Type",
    "Access-Control-Max-Age": "86400",
}

_FORM = jinja2.Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL endpoint: {{ title }}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
textarea{width:100%;font-family:monospace}</style></head>
<body><h1>SPARQL endpoint</h1>
<p>{{ title }}: read-only SPARQL 1.1 queries (SELECT, ASK, CONSTRUCT, DESCRIBE) over the union
of the dataset's graphs. Queries stop after {{ limits.time_s }} s; results are limited to
{{ limits.result_bytes }} bytes.</p>
<form method="get" action="">
<p><label for="query">Query</label><br>
<textarea id="query" name="query" rows="14" cols="80">{{ example }}</textarea></p>
<p><label for="format">Results as</label>
<select id="format" name="format">{% for f in formats %}<option>{{ f }}</option>{% endfor %}
</select> <button type="submit">Run</button></p>
</form></body></html>
""")


def _example(base: str) -> str:
    return (
        f"PREFIX schema: <{V.SCHEMA}>\nPREFIX hrd: <{V.HRD}>\n\n"
        "SELECT ?conferral ?award ?year WHERE {\n"
        "  ?conferral a hrd:AwardConferral ;\n    hrd:award/schema:name ?award ;\n"
        "    hrd:year ?year .\n} ORDER BY ?year\nLIMIT 100\n"
    )


class SparqlEndpoint:
    """The SPARQL endpoint over a built ``dist/`` folder or a pyoxigraph store."""

    def __init__(
        self,
        source: Path | str | ox.Store,
        limits: Limits | None = None,
        *,
        cache_dir: Path | None = None,
        title: str = "hrd-lod dataset",
    ) -> None:
        self.limits = limits or Limits()
        self.title = title
        self._tmp: Path | None = None
        base = V.DEFAULT_BASE
        if isinstance(source, ox.Store):
            self._tmp = Path(tempfile.mkdtemp(prefix="hrd-lod-sparql-"))
            nq = self._tmp / "dataset.nq"
            source.dump(str(nq), format=ox.RdfFormat.N_QUADS)
            folder = build_disk_store(nq, self._tmp / "store")
            nq.unlink()
        else:
            dataset = open_dist(Path(source))
            base = dataset.base_iri
            if cache_dir is None:
                cache_dir = self._tmp = Path(tempfile.mkdtemp(prefix="hrd-lod-sparql-"))
            folder = ensure_disk_store(dataset, cache_dir)
            self.title = title if title != "hrd-lod dataset" else f"dataset {dataset.id}"
        self._prefixes = tuple(sorted(V.PREFIXES.items()))
        self._example = _example(base)
        try:
            self.pool = WorkerPool(folder, self.limits.workers)
        except Exception:
            self._cleanup()
            raise

    def close(self) -> None:
        """Stop the workers and remove temporary stores."""
        self.pool.close()
        self._cleanup()

    def _cleanup(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        request.max_content_length = self.limits.body_bytes
        try:
            response = self.handle(request)
        except RequestEntityTooLarge:
            response = _text(
                413, f"the request body is larger than the limit of {self.limits.body_bytes} bytes"
            )
        except HTTPException as exc:
            response = _text(exc.code or 400, exc.description or exc.name)
        response.headers.update(_CORS)
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response(environ, start_response)

    def handle(self, request: Request) -> Response:
        """Return the response to one request."""
        if request.method == "OPTIONS":
            return Response(status=204)
        if request.method not in ("GET", "HEAD", "POST"):
            r = _text(405, f"method {request.method} is not allowed; use GET or POST")
            r.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
            return r
        if request.content_length is not None and (request.content_length > self.limits.body_bytes):
            return _text(
                413,
                f"the request body is {request.content_length} bytes; the "
                f"limit is {self.limits.body_bytes} bytes",
            )
        params = request.args
        query: str | None
        if request.method == "POST":
            ctype = request.mimetype
            if ctype == "application/x-www-form-urlencoded":
                params = request.form.copy()  # type: ignore[assignment]
                params.update(request.args)  # type: ignore[attr-defined]
            elif ctype == "application/sparql-query":
                body = request.get_data(cache=False)
                params = request.args.copy()  # type: ignore[assignment]
                params.setlist(
                    "query",
                    [
                        body.decode(
                            request.mimetype_params.get(  # type: ignore[attr-defined]
                                "charset", "utf-8"
                            ),
                            "replace",
                        )
                    ],
                )
            elif ctype == "application/sparql-update" or "update" in request.args:
                return _text(400, "updates are not allowed: this endpoint is read-only")
            else:
                return _text(
                    415,
                    f"unsupported request type {ctype!r}: send "
                    "application/x-www-form-urlencoded or "
                    "application/sparql-query",
                )
        if "update" in params:
            return _text(400, "updates are not allowed: this endpoint is read-only")
        queries = params.getlist("query")
        if len(queries) > 1:
            return _text(400, "give exactly one query parameter")
        if not queries:
            if request.method == "POST":
                return _text(400, "missing the query parameter")
            return self.form()
        query = queries[0]
        try:
            form = self.limits.check_query(query)
        except QueryRefused as exc:
            text = exc.message + (f"\nhint: {exc.hint}" if exc.hint else "")
            return _text(413 if isinstance(exc, QueryTooLong) else 400, text)
        chosen = _negotiate(request, params.get("format"), form)
        if isinstance(chosen, Response):
            return chosen
        result_format, graph_format = chosen
        job = Job(
            query,
            tuple(params.getlist("default-graph-uri")),
            tuple(params.getlist("named-graph-uri")),
            result_format,
            graph_format,
            self.limits.result_bytes,
            self._prefixes,
        )
        try:
            answer = self.pool.run(job, self.limits.time_s, self.limits.queue_s)
        except Busy as exc:
            r = _text(503, f"the endpoint is busy ({exc}); try again shortly")
            r.headers["Retry-After"] = "5"
            return r
        except Overrun as exc:
            return _text(504, f"{exc}; add a LIMIT or narrow the query")
        return _answer(answer)

    def form(self) -> Response:
        """Return the HTML query form."""
        html = _FORM.render(
            title=self.title,
            limits=self.limits,
            example=self._example,
            formats=["json", "xml", "csv", "tsv", "turtle", "ntriples", "jsonld"],
        )
        return Response(html, mimetype="text/html")


def _negotiate(request: Request, param: str | None, form: str) -> tuple[str, str] | Response:
    """Return (results format, graph format) for the request, or a 406 response."""
    results, graphs = "json", "turtle"
    if param:
        name = _FORMAT_PARAM.get(param.lower())
        if name is None:
            return _text(
                400,
                f"unknown format {param!r}; use one of "
                f"{', '.join(sorted(set(_FORMAT_PARAM.values())))}",
            )
        return (name, graphs) if name in ("json", "xml", "csv", "tsv") else (results, name)
    accept = request.accept_mimetypes
    if not accept:
        return results, graphs
    best_r = accept.best_match(list(RESULT_TYPES))
    best_g = accept.best_match(list(GRAPH_TYPES))
    wanted = {"SELECT": [best_r], "ASK": [best_r], "CONSTRUCT": [best_g], "DESCRIBE": [best_g]}.get(
        form, [best_r, best_g]
    )
    if not any(wanted):
        types = list(GRAPH_TYPES) if form in ("CONSTRUCT", "DESCRIBE") else list(RESULT_TYPES)
        return _text(
            406,
            "none of the accepted media types can be produced; this query "
            "can be answered as " + ", ".join(types),
        )
    return (RESULT_TYPES[best_r] if best_r else results, GRAPH_TYPES[best_g] if best_g else graphs)


def _answer(answer: Answer) -> Response:
    r = Response(answer.body, status=answer.status, content_type=_with_charset(answer.media_type))
    r.headers["Vary"] = "Accept"
    r.headers["Cache-Control"] = "no-cache"
    return r


def _with_charset(media: str) -> str:
    return (
        media
        if "charset" in media or media == "application/ld+json"
        else (f"{media}; charset=utf-8")
    )


def _text(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


def make_endpoint(
    dist_dir: Path, limits: Limits | None = None, cache_dir: Path | None = None
) -> tuple[WSGIApp, Callable[[], None]]:
    """Return the endpoint over ``dist_dir`` as a WSGI app and the function that stops it."""
    endpoint = SparqlEndpoint(dist_dir, limits, cache_dir=cache_dir)
    return endpoint, endpoint.close
