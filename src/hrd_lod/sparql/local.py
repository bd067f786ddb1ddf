"""The built dataset as a SPARQL engine: ``dist/{id}.nq`` bulk-loaded into a pyoxigraph store.

Oxigraph's "default graph as union" answers a triple once per graph that holds it, so a fact
stated by two sources would come back twice. The store therefore holds the named graphs as
published plus, in its default graph, the union as a set (``dist/{id}.nt``, which the build
writes as exactly that); queries run over the default graph.

The store can be persisted on disk under a cache folder keyed by the SHA-256 of the N-Quads
dump (from ``dist/manifest.json``), so repeated queries open it in milliseconds instead of
re-loading; a different build has a different checksum and therefore its own store. The
on-disk store is built in a temporary folder and renamed into place, so a crash never leaves a
half-built store under the final name; readers open it read-only, which many processes can do
at once (the endpoint's workers do).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..errors import LoadError, Location, Problem, UsageError
from .errors import QuerySyntaxError
from .syntax import explain
from .written import Written, description_lines, written_forms
from .written import load as load_written

NQ = ox.RdfFormat.N_QUADS
DESCRIPTION_FILE = "void.ttl"
QueryResult = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples
_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_MAX_DETAIL = 200


@dataclass(frozen=True)
class BuiltDataset:
    """A built ``dist/`` folder: its manifest, its N-Quads dump and its base IRI."""

    dist: Path
    id: str
    nquads: Path
    sha256: str
    base_iri: str
    union: Path | None = None
    #: the dataset description (``void.ttl``), queryable in its own named graph
    description: Path | None = None

    @property
    def description_graph(self) -> str | None:
        """Return the IRI of the named graph of the dataset description, if there is one."""
        return V.description_graph_iri(self.base_iri) if self.description else None

    def graph_iri(self, graph: str) -> str:
        """Return the IRI of a named graph given as an IRI or as a source id."""
        if ":" in graph:
            return graph
        return V.graph_iri(self.base_iri, graph)


def open_dist(dist: Path) -> BuiltDataset:
    """Return the built dataset in ``dist``; raise LoadError if it is not a complete build."""
    manifest_path = dist / "manifest.json"
    if not manifest_path.is_file():
        raise LoadError(
            [
                Problem(
                    Location(str(manifest_path)),
                    "no built dataset here",
                    "run 'hrd-lod build' first, or pass --dist DIR",
                    "dist",
                )
            ]
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        dataset_id = str(manifest["dataset"])
        base = str(manifest["base_iri"])
        files = {f["path"]: f for f in manifest["files"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise LoadError(
            [
                Problem(
                    Location(str(manifest_path)),
                    f"unreadable manifest: {exc}",
                    "rebuild with 'hrd-lod build'",
                    "dist",
                )
            ]
        ) from exc
    name = f"{dataset_id}.nq"
    entry = files.get(name)
    nquads = dist / name
    if entry is None or not nquads.is_file():
        raise LoadError(
            [
                Problem(
                    Location(str(nquads)),
                    "the N-Quads dump is missing",
                    "rebuild with 'hrd-lod build'",
                    "dist",
                )
            ]
        )
    key = str(entry["sha256"])
    union_entry = files.get(f"{dataset_id}.nt")
    union = dist / f"{dataset_id}.nt"
    if union_entry is not None and union.is_file():
        key = hashlib.sha256(f"{key} {union_entry['sha256']}".encode()).hexdigest()
    void_entry = files.get(DESCRIPTION_FILE)
    void = dist / DESCRIPTION_FILE
    has_void = void_entry is not None and void.is_file()
    if void_entry is not None and has_void:
        key = hashlib.sha256(f"{key} void {void_entry['sha256']}".encode()).hexdigest()
    return BuiltDataset(
        dist,
        dataset_id,
        nquads,
        key,
        base,
        union if union_entry is not None and union.is_file() else None,
        void if has_void else None,
    )


def store_dir(cache_dir: Path, dataset: BuiltDataset) -> Path:
    """Return where the on-disk store of ``dataset`` lives under ``cache_dir``."""
    # "-w": the store's folder also keeps the literals as written (written.json)
    return cache_dir / "sparql" / f"{dataset.id}-{dataset.sha256[:16]}-w"


def ensure_disk_store(dataset: BuiltDataset, cache_dir: Path, keep: int = 2) -> Path:
    """Return the folder of an on-disk store of ``dataset``, building it once if needed.

    Stores of other builds are removed, except the ``keep`` most recent ones (a server may
    still be reading one of them).
    """
    final = store_dir(cache_dir, dataset)
    if not (final / "READY").is_file():
        build_disk_store(
            dataset.nquads,
            final,
            dataset.sha256,
            dataset.union,
            _described(dataset),
        )
    others = sorted(
        (p for p in final.parent.glob(f"{dataset.id}-*") if p != final and (p / "READY").is_file()),
        key=lambda p: (p / "READY").stat().st_mtime,
        reverse=True,
    )
    for old in others[keep:]:
        shutil.rmtree(old, ignore_errors=True)
    return final


def _described(dataset: BuiltDataset) -> tuple[Path, str] | None:
    graph = dataset.description_graph
    return (dataset.description, graph) if dataset.description and graph else None


def build_disk_store(
    nquads: Path,
    final: Path,
    tag: str = "",
    union: Path | None = None,
    description: tuple[Path, str] | None = None,
) -> Path:
    """Bulk-load an N-Quads file into a new on-disk store at ``final`` (built aside, renamed)."""
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=final.parent))
    try:
        store = ox.Store(str(tmp / "db"))
        written = fill(store, nquads, union, tmp, description)
        store.flush()
        del store  # closes the database so that readers may open it
        written.save(tmp)
        (tmp / "READY").write_text(tag + "\n", encoding="utf-8")
        if final.exists() and not (final / "READY").is_file():
            shutil.rmtree(final)  # the leftover of a build that crashed
        try:
            tmp.rename(final)
        except OSError:
            if not (final / "READY").is_file():  # not a concurrent build that won: a real error
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


def open_disk_store(folder: Path) -> ox.Store:
    """Return a read-only store opened from a folder made by :func:`ensure_disk_store`."""
    return ox.Store.read_only(str(folder / "db"))


def open_written(folder: Path) -> Written:
    """Return the literals as written of the store in ``folder`` (made by
    :func:`build_disk_store`): which store forms stand for other written forms."""
    written = load_written(folder)
    if written is None:
        raise LoadError(
            [
                Problem(
                    Location(str(folder)),
                    "the store keeps no record of its literals as written",
                    "remove the folder; the next query or 'hrd-lod serve' builds it again",
                    "store",
                )
            ]
        )
    return written


def load_store(dist: Path, cache_dir: Path | None = None) -> tuple[BuiltDataset, ox.Store]:
    """Return the dataset in ``dist`` and a store of it (on disk under ``cache_dir`` if given)."""
    dataset, store, _ = load(dist, cache_dir)
    return dataset, store


def load(dist: Path, cache_dir: Path | None = None) -> tuple[BuiltDataset, ox.Store, Written]:
    """Return the dataset in ``dist``, a store of it (on disk under ``cache_dir`` if given)
    and the literals the store keeps in another form than the dumps wrote."""
    dataset = open_dist(dist)
    if cache_dir is not None:
        folder = ensure_disk_store(dataset, cache_dir)
        return dataset, open_disk_store(folder), open_written(folder)
    store = ox.Store()
    with tempfile.TemporaryDirectory(prefix="hrd-lod-union-") as tmp:
        written = fill(store, dataset.nquads, dataset.union, Path(tmp), _described(dataset))
    return dataset, store, written


def fill(
    store: ox.Store,
    nquads: Path,
    union: Path | None,
    scratch: Path,
    description: tuple[Path, str] | None = None,
) -> Written:
    """Bulk-load the quads of ``nquads`` and their union (as a set) into the default graph;
    return the literals of the union and the description that the store keeps in another
    form than written (:mod:`hrd_lod.sparql.written`).

    ``union`` is an N-Triples file of the union if the build wrote one; otherwise it is made
    from the quads in ``scratch``. ``description`` (a Turtle file and a graph IRI) goes into
    that named graph only: it describes the dataset and is not part of its union.
    """
    typed: list[bytes] = []
    if description is not None:
        path, graph = description
        try:
            store.bulk_load(
                path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph)
            )
            typed = description_lines(path)
        except SyntaxError as exc:
            raise LoadError(
                [
                    Problem(
                        Location(str(path)),
                        f"unreadable Turtle: {exc}",
                        "rebuild with 'hrd-lod build'",
                        "dist",
                    )
                ]
            ) from None
    try:
        store.bulk_load(path=str(nquads), format=NQ)
        if union is None:
            union = scratch / "union.nt"
            quads = ox.parse(path=str(nquads), format=NQ)
            ox.serialize((q.triple for q in quads), str(union), format=ox.RdfFormat.N_TRIPLES)
        store.bulk_load(path=str(union), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        with union.open("rb") as fh:  # the union holds every triple of the named graphs
            typed += [line.rstrip(b"\n") for line in fh if b'"^^<' in line]
    except SyntaxError as exc:
        raise LoadError(
            [
                Problem(
                    Location(str(nquads)),
                    f"unreadable RDF: {exc}",
                    "rebuild with 'hrd-lod build'",
                    "dist",
                )
            ]
        ) from None
    return written_forms(typed)


def graph_names(store: ox.Store) -> list[str]:
    """Return the IRIs of the named graphs of ``store``, sorted."""
    return sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))


def run_query(
    store: ox.Store,
    text: str,
    graph: str | None = None,
    default_graphs: list[str] | None = None,
    named_graphs: list[str] | None = None,
    source: str = "query",
    *,
    dataset_given: bool = False,
    base_iri: str | None = None,
) -> QueryResult:
    """Return the result of a SPARQL query over the store's default graph (or the given graphs).

    The default graph of a store made here is the union of the named graphs (see :func:`fill`).
    ``graph`` restricts the default graph to one named graph (and fails if the store lacks
    it); ``default_graphs``/``named_graphs`` are the SPARQL Protocol's dataset parameters:
    with ``dataset_given`` the dataset is exactly those graphs (either list may be empty).
    ``base_iri`` resolves relative IRIs in the query.
    """
    kwargs: dict[str, object] = {}
    if graph is not None:
        known = graph_names(store)
        if graph not in known:
            raise UsageError(
                f"no graph {graph} in the dataset",
                hint="graphs: " + ", ".join(known) if known else None,
            )
        kwargs["default_graph"] = [ox.NamedNode(graph)]
    elif default_graphs or dataset_given:
        kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs or ()]
    if named_graphs or dataset_given:
        kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs or ()]
    if base_iri:
        kwargs["base_iri"] = base_iri
    try:
        return store.query(text, **kwargs)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise syntax_error(text, str(exc), source) from None
    except ValueError as exc:  # a bad graph IRI
        raise UsageError(str(exc)) from None


def syntax_error(text: str, message: str, source: str = "query") -> QuerySyntaxError:
    """Return a QuerySyntaxError for pyoxigraph's message, with the line and a caret."""
    m = _ERROR_AT.match(message)
    if not m:
        return QuerySyntaxError(_short(message), line=None, column=None, source=source)
    line_no, byte_col, detail = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = text.splitlines() or [""]
    line_no = min(max(line_no, 1), len(lines))
    line = lines[line_no - 1]
    # pyoxigraph counts columns in bytes (1-based); people count characters
    col = len(line.encode("utf-8")[: max(byte_col - 1, 0)].decode("utf-8", "ignore")) + 1
    excerpt = f"  {line_no:>3} | {line}\n      | {' ' * (col - 1)}^"
    plain = explain(text, line_no, col, detail)
    if plain is not None:  # plain words first, the parser's own after them
        said = "Prefix not found" if "Prefix not found" in detail else _short(detail)
        return QuerySyntaxError(
            f"{plain}\n  (the parser: {said})",
            line=line_no,
            column=col,
            excerpt=excerpt,
            source=source,
        )
    return QuerySyntaxError(
        _short(detail), line=line_no, column=col, excerpt=excerpt, source=source
    )


def _short(detail: str) -> str:
    detail = " ".join(detail.split())
    if "Prefix not found" in detail:  # pyoxigraph lists every character it would accept
        return f"undeclared prefix (declare it with a line such as PREFIX schema: <{V.SCHEMA}>)"
    return detail if len(detail) <= _MAX_DETAIL else detail[:_MAX_DETAIL] + " ..."
