"""Query results for people (aligned tables) and machines (W3C formats, RDF syntaxes).

Local results and results parsed from a remote endpoint are the same pyoxigraph objects, so
one set of renderers serves both and a query prints the same either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import vocab as V
from ..errors import UsageError

if TYPE_CHECKING:
    from .written import Written

QRF = ox.QueryResultsFormat
RF = ox.RdfFormat

#: --format names of SPARQL results (SELECT, ASK) -> pyoxigraph format
RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": QRF.JSON,
    "xml": QRF.XML,
    "csv": QRF.CSV,
    "tsv": QRF.TSV,
}
#: --format names of graphs (CONSTRUCT, DESCRIBE) -> pyoxigraph format
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": RF.TURTLE,
    "ntriples": RF.N_TRIPLES,
    "jsonld": RF.JSON_LD,
}
ALL_FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass(frozen=True)
class Rendered:
    """A rendered result: its bytes, its media type, and how many rows/triples it holds."""

    data: bytes
    media_type: str
    count: int | None = None


def prefixes_for(base_iri: str) -> dict[str, str]:
    """Return the prefixes used to shorten IRIs: the project's, plus the dataset's own."""
    out = dict(V.PREFIXES)
    out["id"] = base_iri + "id/"
    out["graph"] = base_iri + "graph/"
    return out


def compact(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """Return a short text form of a term for tables (prefixed IRI, literal's lexical form)."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        best = ""
        for name, ns in prefixes.items():
            if term.value.startswith(ns) and len(ns) > len(prefixes.get(best, "")):
                local = term.value[len(ns) :]
                if local and all(c.isalnum() or c in "-_./" for c in local):
                    best = name
        return f"{best}:{term.value[len(prefixes[best]) :]}" if best else f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def table(
    result: ox.QuerySolutions,
    prefixes: Mapping[str, str],
    written: Written | None = None,
    query: str = "",
) -> Rendered:
    """Return SELECT results as an aligned text table with a row count (literals as
    ``written`` says the dataset wrote them, except in variables ``query`` binds itself)."""
    from .written import own_variables

    names = [v.value for v in result.variables]
    own = own_variables(query) if written else frozenset()
    mapped = [bool(written) and n not in own for n in names]
    rows = [
        [
            compact(
                written.term(sol[i]) if written and mapped[i] else sol[i],  # type: ignore[arg-type]
                prefixes,
            ).replace("\n", " ")
            for i in range(len(names))
        ]
        for sol in result
    ]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    lines = [
        " | ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
        "-+-".join("-" * w for w in widths),
    ]
    lines += [" | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return Rendered(("\n".join(lines) + "\n").encode("utf-8"), "text/plain", len(rows))


def sorted_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """Return distinct triples sorted by their N-Triples form (deterministic output)."""
    return sorted(set(triples), key=str)


def render(
    result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple],
    fmt: str,
    prefixes: Mapping[str, str],
    written: Written | None = None,
    again: Callable[[], ox.QuerySolutions] | None = None,
    query: str = "",
) -> Rendered:
    """Return ``result`` rendered in ``fmt`` (table, a W3C results format, or an RDF syntax).

    ``written`` (a local store's literals as written) turns the store's forms back into the
    dataset's; ``again`` runs the query once more (CSV keeps no datatypes to look at)."""
    if isinstance(result, ox.QueryBoolean):
        if fmt in GRAPH_FORMATS:
            raise UsageError(
                f"--format {fmt} is for CONSTRUCT and DESCRIBE; an ASK query "
                f"gives table, {', '.join(RESULT_FORMATS)}"
            )
        if fmt == "table":
            return Rendered(b"true\n" if bool(result) else b"false\n", "text/plain", None)
        f = RESULT_FORMATS[fmt]
        return Rendered(_bytes(result.serialize(format=f)), f.media_type, None)
    if isinstance(result, ox.QuerySolutions):
        if fmt in GRAPH_FORMATS:
            raise UsageError(
                f"--format {fmt} is for CONSTRUCT and DESCRIBE; a SELECT query "
                f"gives table, {', '.join(RESULT_FORMATS)}"
            )
        if fmt == "table":
            return table(result, prefixes, written, query)
        f = RESULT_FORMATS[fmt]
        data = _bytes(result.serialize(format=f))
        if written and written.may_hold(data, fmt in ("json", "xml")):
            data = written.solutions(data, fmt, again, query)
        return Rendered(data, f.media_type, None)
    if fmt in RESULT_FORMATS:
        raise UsageError(
            f"--format {fmt} is for SELECT and ASK; a CONSTRUCT or DESCRIBE "
            f"query gives {', '.join(GRAPH_FORMATS)}"
        )
    if written:
        from .written import own_variables

        as_held = bool(own_variables(query))
        result = [written.triple(t, as_held) for t in result]
    triples = sorted_triples(result)
    g = GRAPH_FORMATS["turtle" if fmt == "table" else fmt]
    # only the vocabulary prefixes: entity IRIs hold '/', which Turtle would escape
    used = {
        k: v for k, v in prefixes.items() if k in V.PREFIXES and any(_uses(t, v) for t in triples)
    }
    if g == RF.TURTLE:
        from ..export.dumps import serialize_sorted  # prefixes in a stable order

        data = serialize_sorted(triples, g, used)
    else:
        data = _bytes(ox.serialize(triples, format=g))
    return Rendered(data, g.media_type, len(triples))


def _bytes(data: bytes | None) -> bytes:
    # pyoxigraph returns the bytes when given no output (its stubs say "or None")
    assert data is not None
    return data


def _uses(triple: ox.Triple, ns: str) -> bool:
    return any(
        isinstance(t, ox.NamedNode) and t.value.startswith(ns)
        for t in (triple.subject, triple.predicate, triple.object)
    )


def parse_answer(
    media: str, body: bytes, endpoint: str
) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
    """Return a remote endpoint's answer as the objects a local query gives."""
    from ..errors import RemoteError
    from .remote import redact_url

    try:
        results_format = QRF.from_media_type(media) if media else None
        if results_format is not None:
            return ox.parse_query_results(body, format=results_format)
        graph_format = RF.from_media_type(media) if media else None
        if graph_format is not None:
            return [q.triple for q in ox.parse(body, format=graph_format)]
    except SyntaxError as exc:
        raise RemoteError(
            f"{redact_url(endpoint)} sent an unreadable {media} answer: {exc}"
        ) from None
    raise RemoteError(
        f"{redact_url(endpoint)} answered with {media or 'no media type'}, "
        "which is neither a SPARQL results format nor RDF"
    )
