"""Rebuild a ``--no-site`` edition by patching the previous one, when only records changed.

A full build leaves a state beside its edition (``.hrd-cache/update/``): what went in (the
code, the metadata, shapes, ontology and every data file), what the records' ids and types
were, what the policy hid and withheld, the lines made twice, the VoID figures and the gzip
members. The next build compares the data files with it. When only rows of record files
changed, it:

1. reads the changed rows alone (a CSV file is compared line by line with its previous copy; a
   YAML file is parsed again and compared with its parsed records from the parse cache), and
   checks the changed records as the loader and the policy would;
2. encodes the old and new versions of the changed records and takes the difference, per
   graph; every subject whose triples changed is then described again from the previous
   dumps (N-Quads block) plus the difference;
3. validates those subjects on a small store holding their triples and the types of what they
   point to (the shapes are checked to need no more: property shapes on their own triples,
   ``sh:class`` on their values, SPARQL constraints that only look at ``$this``'s triples and
   its values' types);
4. writes the new edition beside the old one: unchanged files are hard-linked, each dump is
   patched block by block (``export.blocks``) and each touched gzip member recompressed; the
   VoID figures are updated from the difference, ``void.ttl`` and the manifest written anew;
   the edition is swapped in as a full build's would be.

The result is byte for byte what a full build writes (the tests compare them). Anything this
does not handle (a record added to or removed from the middle of a file, a type changed, a
restricted record, a file that is not a record file, a violation to report, ...) returns the
reason, and the caller runs the full build: never a guess.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import pickle
import zlib
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox

from . import vocab as V
from .encode import IriMaker, lines_of
from .errors import ProblemList
from .export import blocks as B
from .export.describe import DESCRIPTION_FILE
from .export.dumps import GZIP_CUT_MASK, dump_prefixes, gzip_member
from .export.manifest import MANIFEST, EntryCache, FileEntry, file_entry, read_manifest
from .fsutil import write_atomic
from .policy import Withheld, WithheldItem, withhold
from .project import DatasetMeta, Project, load_metadata, open_project
from .records.cache import ParseCache
from .records.checks import HIERARCHY_FIELDS, check_fixity, check_refs
from .records.csvfile import keep_rows, read_csv
from .records.load import data_files, read_raw
from .records.model import Notice, Record, Records
from .records.parse import parse_record
from .validate.report import Report

_STATE_VERSION = 1
_TYPE = f"<{V.RDF_TYPE}>".encode()


class NotUpdatable(Exception):  # noqa: N818 - a reason, not a failure
    """Why the previous edition cannot be patched (the full build runs instead)."""


@dataclass
class State:
    """What a ``--no-site`` build leaves for the next one to patch its edition."""

    salt: str
    data_files: dict[str, tuple[int, int, str]]  # rel -> (size, mtime_ns, sha256)
    parse_keys: dict[str, str]  # YAML record files -> their parse-cache key
    types: dict[str, str]  # every record id -> its type
    hidden: frozenset[str]  # ids the policy kept out
    awards: tuple[Record, ...]  # public Award records (their names go on laureates)
    notices: tuple[Notice, ...]
    withheld: Withheld
    report: Report
    records: int  # public records
    quads: int
    dups: frozenset[tuple[str, bytes]]
    stats: dict[str, object]
    members: list[tuple[int, int]]
    dist_files: dict[str, tuple[int, int, int]]  # rel -> (inode, size, mtime_ns)
    entries: dict[str, FileEntry] = field(default_factory=dict)
    #: why the shapes may look beyond a focus node's neighbourhood ("" if they don't; None:
    #: not known yet)
    shapes_nonlocal: str | None = None


@dataclass
class Updated:
    """What an update did."""

    dist: Path
    records: int
    quads: int
    files: int
    withheld: Withheld
    report: Report
    notices: tuple[Notice, ...]
    changed_records: int
    changed_subjects: int
    timings: dict[str, float] = field(default_factory=dict)


# --- the state -------------------------------------------------------------------------------


def _state_dir(project: Project) -> Path | None:
    return project.cache_dir / "update" if project.cache_dir is not None else None


def _state_path(project: Project, dist: Path) -> Path | None:
    folder = _state_dir(project)
    if folder is None:
        return None
    return folder / (hashlib.sha256(str(dist.resolve()).encode()).hexdigest()[:16] + ".pickle")


def salt(project: Project, meta: DatasetMeta, dist: Path, engine: str, tool_version: str) -> str:
    """Return a digest of everything but the data files that a build's output depends on."""
    from .export.reuse import code_fingerprint

    h = hashlib.sha256()
    for part in (
        str(_STATE_VERSION),
        code_fingerprint(),
        tool_version,
        repr(meta),
        engine,
        str(dist.resolve()),
    ):
        h.update(part.encode() + b"\0")
    for path in [*project.shapes_files(), *project.ontology_files()]:
        h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    releases = project.root / "releases"
    if releases.is_dir():
        for p in sorted(releases.rglob("*")):
            st = p.stat()
            h.update(f"{p}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()


def _files(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Return every file under ``folder``: relative path -> (inode, size, mtime_ns)."""
    out = {}
    for p in folder.rglob("*"):
        if p.is_file():
            st = p.stat()
            out[p.relative_to(folder).as_posix()] = (st.st_ino, st.st_size, st.st_mtime_ns)
    return out


def _copy_path(project: Project, sha: str) -> Path:
    folder = _state_dir(project)
    assert folder is not None
    return folder / "files" / sha


def save_state(
    project: Project,
    dist: Path,
    state_salt: str,
    *,
    records: Records,
    public: Records,
    withheld: Withheld,
    report: Report,
    quads: int,
    dups: frozenset[tuple[str, bytes]],
    stats: dict[str, object],
    members: list[tuple[int, int]],
    default_lang: str,
) -> None:
    """Keep what the next build needs to patch the edition just swapped into ``dist``
    (atomically; a failure only means the next build is a full one)."""
    path = _state_path(project, dist)
    if path is None:
        return
    try:
        files: dict[str, tuple[int, int, str]] = {}
        parse_keys: dict[str, str] = {}
        record_files = {
            p.relative_to(project.data_dir).as_posix() for p in data_files(project.data_dir)
        }
        keep: set[str] = set()
        for rel, (_ino, size, mtime) in _files(project.data_dir).items():
            data = (project.data_dir / rel).read_bytes()
            sha = hashlib.sha256(data).hexdigest()
            files[rel] = (size, mtime, sha)
            if rel in record_files and rel.lower().endswith(".csv"):
                copy = _copy_path(project, sha)
                keep.add(sha)
                if not copy.exists():
                    write_atomic(copy, data, durable=False)
            elif rel in record_files:
                rel_root = (project.data_dir / rel).relative_to(project.root).as_posix()
                parse_keys[rel] = ParseCache(project.cache_dir).key(rel_root, data, default_lang)
        copies = _copy_path(project, "x").parent
        if copies.is_dir():
            for old in copies.iterdir():
                if old.name not in keep:
                    old.unlink(missing_ok=True)
        entries = _entries(dist)
        public_ids = {r.id for r in public}
        state = State(
            salt=state_salt,
            data_files=files,
            parse_keys=parse_keys,
            types={r.id: r.type for r in records},
            hidden=frozenset(r.id for r in records if r.id not in public_ids),
            awards=tuple(public.of_type("Award")),
            notices=records.notices,
            withheld=withheld,
            report=report,
            records=len(public),
            quads=quads,
            dups=dups,
            stats=stats,
            members=members,
            dist_files=_files(dist),
            entries=entries,
        )
        write_atomic(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except OSError:
        if path.exists():
            path.unlink(missing_ok=True)


def _entries(dist: Path) -> dict[str, FileEntry]:
    files = read_manifest(dist)["files"]
    assert isinstance(files, list)
    return {e["path"]: FileEntry(**e) for e in files}


def forget_state(project: Project, dist: Path) -> None:
    """Drop the state of ``dist`` (a build that does not leave one, such as one with the site)."""
    path = _state_path(project, dist)
    if path is not None:
        path.unlink(missing_ok=True)


def _load_state(project: Project, dist: Path) -> State:
    path = _state_path(project, dist)
    if path is None or not path.is_file():
        raise NotUpdatable("no state of a previous --no-site build")
    try:
        with path.open("rb") as fh:
            state = pickle.load(fh)
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        AttributeError,
        ImportError,
        ValueError,
        TypeError,
    ) as exc:
        raise NotUpdatable(f"the previous build's state cannot be read ({exc})") from None
    if not isinstance(state, State):
        raise NotUpdatable("the previous build's state is of another version")
    return state


# --- what changed in the records --------------------------------------------------------------


def _content(rec: Record) -> Record:
    """Return the record without where it was read (what the triples depend on)."""
    return replace(rec, location=replace(rec.location, line=0), field_lines={})


def _changed_lines(old: str, new: str, rel: str) -> list[int]:
    """Return the 0-based numbers of the lines of ``new`` that differ from ``old`` (edited in
    place or added at the end); raise NotUpdatable for anything else."""
    a, b = old.split("\n"), new.split("\n")
    if a[-1] == "" and b[-1] == "":
        a, b = a[:-1], b[:-1]
    if len(b) < len(a):
        raise NotUpdatable(f"{rel}: lines were removed")
    changed = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
    changed += range(len(a), len(b))
    if 0 in changed:
        raise NotUpdatable(f"{rel}: the header row changed")
    return changed


def _one_row_per_line(text: str) -> bool:
    if '"' not in text:  # no quoted cell, so no cell spans lines
        return True
    rows = sum(1 for row in csv.reader(io.StringIO(text)) if row)
    return rows == sum(1 for line in text.split("\n") if line)


def _parse(path: Path, rel: str, text: str | None, lang: str) -> tuple[list[Record], list[Notice]]:
    problems = ProblemList()
    notices: list[Notice] = []
    if text is not None:
        raws = read_csv(path, rel, problems, lang, text=text)
    else:
        raws = read_raw(path, rel, problems, lang)
    records = [r for r in (parse_record(raw, lang, problems, notices) for raw in raws) if r]
    if problems:
        raise NotUpdatable(f"{rel} has problems to report")
    return records, notices


def _file_changes(
    project: Project, state: State, rel: str, data: bytes, lang: str, new_keys: dict[str, str]
) -> tuple[list[Record], list[Record]]:
    """Return the old and new versions of the records of one changed file that changed."""
    path = project.data_dir / rel
    rel_root = path.relative_to(project.root).as_posix()
    if rel.lower().endswith(".csv"):
        copy = _copy_path(project, state.data_files[rel][2])
        try:
            old_text = copy.read_text(encoding="utf-8")
            new_text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            raise NotUpdatable(f"{rel}: no copy of its previous version") from None
        lines = set(_changed_lines(old_text, new_text, rel))
        if not (_one_row_per_line(old_text) and _one_row_per_line(new_text)):
            raise NotUpdatable(f"{rel}: a row spans several lines")
        old, old_notices = _parse(path, rel_root, keep_rows(old_text, lines), lang)
        new, new_notices = _parse(path, rel_root, keep_rows(new_text, lines), lang)
    else:
        key = state.parse_keys.get(rel)
        hit = ParseCache(project.cache_dir).get(key) if key else None
        if hit is None:
            raise NotUpdatable(f"{rel}: its previous records are not in the parse cache")
        old, old_notices = list(hit[0]), list(hit[1])
        new, new_notices = _parse(path, rel_root, None, lang)
        if not new_notices:  # the next update compares with this version
            cache = ParseCache(project.cache_dir)
            new_keys[rel] = cache.key(rel_root, data, lang)
            cache.put(new_keys[rel], new, [])
        old_at = {r.id: r.location for r in old}
        if any(old_at.get(r.id, r.location) != r.location for r in new):
            raise NotUpdatable(f"{rel}: records moved within the file")
    if old_notices or new_notices:
        raise NotUpdatable(f"{rel}: the loader has notes about it")
    old_by_id = {r.id: r for r in old}
    new_by_id = {r.id: r for r in new}
    if set(old_by_id) - set(new_by_id):
        raise NotUpdatable(f"{rel}: records were removed or renamed")
    olds, news = [], []
    for rid, rec in new_by_id.items():
        before = old_by_id.get(rid)
        if before is None:
            if rid in state.types:
                raise NotUpdatable(f"{rel}: the id '{rid}' is used elsewhere")
        elif _content(before) == _content(rec):
            continue
        else:
            olds.append(before)
        news.append(rec)
    return olds, news


def _check(project: Project, state: State, olds: list[Record], news: list[Record]) -> None:
    """Check the changed records as the loader and the policy would; raise NotUpdatable when
    only a full build can tell (or report) the outcome."""
    old_by_id = {r.id: r for r in olds}
    by_id = {r.id: r for r in news}
    for rec in news:
        before = old_by_id.get(rec.id)
        if before is not None and before.type != rec.type:
            raise NotUpdatable(f"the type of '{rec.id}' changed")
        if rec.type == "Award":
            raise NotUpdatable("an award changed (its name is on every laureate)")
        for version in (before, rec):
            if version is None:
                continue
            if version.visibility != "public":
                raise NotUpdatable(f"'{rec.id}' is restricted")
            refs = {ref.id for _f, ref in version.refs()} | set(version.all_sources())
            if refs & state.hidden:
                raise NotUpdatable(f"'{rec.id}' refers to a restricted record")
        # a conferral's category must belong to its award, a check across records at load
        if rec.type == "AwardCategory" or (
            rec.type == "AwardConferral"
            and (rec.values.get("category") or (before and before.values.get("category")))
            and (
                before is None
                or before.values.get("category") != rec.values.get("category")
                or before.values.get("award") != rec.values.get("award")
            )
        ):
            raise NotUpdatable(f"'{rec.id}' changed an award category or a conferral's category")
        for fname in HIERARCHY_FIELDS:
            if (
                before is None
                and rec.values.get(fname)
                or (before is not None and before.values.get(fname) != rec.values.get(fname))
            ):
                raise NotUpdatable(f"'{rec.id}' changed a hierarchy ({fname})")
    problems = ProblemList()
    check_refs(by_id, problems, {**state.types, **{r.id: r.type for r in news}})
    check_fixity({r.id: r for r in news if r.type == "Source"}, project.data_dir, problems)
    if problems:
        raise NotUpdatable("the changed records have problems to report")


# --- the difference in triples ----------------------------------------------------------------


@dataclass
class Subject:
    """One subject whose triples changed: (graph, line) before and after."""

    key: bytes
    old: set[tuple[str, bytes]]
    new: set[tuple[str, bytes]]

    @staticmethod
    def union(quads: Iterable[tuple[str, bytes]]) -> list[bytes]:
        return sorted({line for _g, line in quads})

    def graph(self, quads: set[tuple[str, bytes]], g: str) -> list[bytes]:
        return sorted(line for graph, line in quads if graph == g)


def _encoded(records: list[Record], iris: IriMaker, awards: Records) -> Counter[tuple[str, bytes]]:
    out: Counter[tuple[str, bytes]] = Counter()
    for rec in records:
        out.update((g, line.encode("utf-8")) for g, line in lines_of(rec, iris, awards))
    return out


def _old_quads(nq: B.Region, key: bytes) -> set[tuple[str, bytes]]:
    start, end = nq.locate(key)
    out = set()
    for q in ox.parse(bytes(nq.data[start:end]), format=ox.RdfFormat.N_QUADS):
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        out.add((g, str(ox.Triple(q.subject, q.predicate, q.object)).encode() + b" ."))
    return out


def _subjects(
    state: State, olds: list[Record], news: list[Record], iris: IriMaker, nq: B.Region
) -> tuple[list[Subject], set[tuple[str, bytes]]]:
    """Return the subjects whose triples change, sorted, and the lines now made twice."""
    awards = Records(state.awards)
    before = _encoded(olds, iris, awards)
    after = _encoded(news, iris, awards)
    removed = set(before) - set(after)
    added = set(after) - set(before)
    if removed & state.dups:
        raise NotUpdatable("a removed triple was also made by another record")
    by_key: dict[bytes, tuple[set[tuple[str, bytes]], set[tuple[str, bytes]]]] = {}
    for which, lines in ((0, removed), (1, added)):
        for g, line in lines:
            key = line[: line.index(b" ")]
            if not key.startswith(b"<"):
                raise NotUpdatable("a blank node changed")
            by_key.setdefault(key, (set(), set()))[which].add((g, line))
    dups = {q for q, n in after.items() if n > 1}
    out = []
    for key in sorted(by_key):
        gone, new = by_key[key]
        old = _old_quads(nq, key)
        if not gone <= old:
            raise NotUpdatable("the previous edition does not hold what the state says")
        dups |= new & old
        now = (old - gone) | new
        if (
            old
            and now
            and {x for x in Subject.union(old) if x.split(b" ", 2)[1] == _TYPE}
            != {x for x in Subject.union(now) if x.split(b" ", 2)[1] == _TYPE}
        ):
            raise NotUpdatable("the types of an existing entity changed")
        out.append(Subject(key, old, now))
    return out, dups


# --- validation of the changed subjects -------------------------------------------------------


def _local_query(text: str, prefixes: dict[str, str]) -> bool:
    """Return True when a SPARQL constraint only reads ``$this``'s triples and the types of
    their objects."""
    from rdflib import RDF, URIRef, Variable
    from rdflib.plugins.sparql import prepareQuery

    try:
        algebra = prepareQuery(text.replace("$this", "?this"), initNs=prefixes).algebra
    except Exception:  # noqa: BLE001 - any parse problem: not provably local
        return False
    triples: list[tuple[object, object, object]] = []
    stack: list[object] = [algebra]
    while stack:
        node = stack.pop()
        name = getattr(node, "name", "")
        if name in ("Graph", "ServiceGraphPattern", "Group", "AggregateJoin", "SubSelect") or (
            isinstance(name, str) and name.startswith("Aggregate_")
        ):
            return False
        if isinstance(node, dict):
            if name == "BGP":
                triples.extend(node.get("triples", ()))
            stack.extend(v for k, v in node.items() if k != "triples")
        elif isinstance(node, list | tuple):
            stack.extend(node)
    this = Variable("this")
    values = {o for s, _p, o in triples if s == this and isinstance(o, Variable)}
    for s, p, _o in triples:
        if not isinstance(p, URIRef):
            return False
        if s != this and not (s in values and p == RDF.type):
            return False
    return True


def _shapes_local(shapes_files: list[Path], base_iri: str) -> str | None:
    """Return why the shapes may look beyond a focus node's own triples (None if they don't)."""
    from rdflib.namespace import SH

    from .validate.shapes import shapes_graph

    graph = shapes_graph(shapes_files, base_iri)
    if any(graph.triples((None, SH.targetObjectsOf, None))):
        return "a shape targets the objects of a property"
    for pred in (
        SH.node,
        SH.qualifiedValueShape,
        SH["not"],
        SH["and"],
        SH.xone,
        SH.equals,
        SH.disjoint,
        SH.lessThan,
        SH.lessThanOrEquals,
        SH.closed,
    ):
        if any(graph.triples((None, pred, None))):
            return f"a shape uses {pred.n3(graph.namespace_manager)}"
    for _s, _p, path in graph.triples((None, SH.path, None)):
        if not isinstance(path, type(SH.path)):
            return "a shape has a path that is not a single property"
    prefixes = {
        str(p): str(n)
        for _d, p, n in graph.query(
            "SELECT ?d ?p ?n WHERE { ?d <http://www.w3.org/ns/shacl#prefix> ?p ; "
            "<http://www.w3.org/ns/shacl#namespace> ?n }"
        )
    }  # type: ignore[misc]
    for _s, _p, text in graph.triples((None, SH.select, None)):
        if not _local_query(str(text), prefixes):
            return "a SPARQL constraint looks beyond $this and the types of its values"
    return None


def _validate(
    project: Project,
    meta: DatasetMeta,
    engine: str,
    subjects: list[Subject],
    nt: B.Region,
    state: State,
) -> None:
    from .validate import validate_store

    if state.shapes_nonlocal is None:  # the shapes are in the salt: once per state
        state.shapes_nonlocal = _shapes_local(project.shapes_files(), meta.base_iri) or ""
    reason = state.shapes_nonlocal
    if reason:
        raise NotUpdatable(reason)
    changed = {s.key: s for s in subjects}
    lines: set[bytes] = set()
    for s in subjects:
        lines.update(Subject.union(s.new))
    objects = {line.split(b" ", 2)[2][:-2] for line in lines}
    for obj in sorted(o for o in objects if o.startswith(b"<") and o not in changed):
        start, end = nt.locate(obj)
        lines.update(
            x for x in bytes(nt.data[start:end]).split(b"\n") if x and x.split(b" ", 2)[1] == _TYPE
        )
    store = ox.Store()
    if lines:
        store.load(b"\n".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES)
    report = validate_store(
        store,
        Records(()),
        shapes_files=project.shapes_files(),
        ontology_files=project.ontology_files(),
        base_iri=meta.base_iri,
        engine=engine,
    )
    focus = {k[1:-1].decode() for k in changed}
    if any(r.focus in focus for r in report.results):
        raise NotUpdatable("the changed records have validation results to report")


# --- the new edition --------------------------------------------------------------------------


def _update_stats(
    stats: dict[str, object], subjects: list[Subject], base: str
) -> dict[str, object]:
    space_b = b"<" + V.entity_iri(base, "", "")[:-1].encode()
    objects: Counter[bytes] = Counter(stats["object_counts"])  # type: ignore[arg-type]
    classes: Counter[str] = Counter(stats["classes"])  # type: ignore[arg-type]
    properties: Counter[str] = Counter(stats["properties"])  # type: ignore[arg-type]
    examples = dict(stats["examples"])  # type: ignore[call-overload]
    triples, n_subjects, entities = (
        int(stats["triples"]),
        int(stats["subjects"]),  # type: ignore[call-overload]
        int(stats["entities"]),
    )  # type: ignore[call-overload]
    for s in subjects:
        old, new = set(Subject.union(s.old)), set(Subject.union(s.new))
        is_entity = s.key.startswith(space_b) and b"#" not in s.key
        if bool(old) != bool(new):
            step = 1 if new else -1
            n_subjects += step
            entities += step if is_entity else 0
        for lines, step in ((old - new, -1), (new - old, 1)):
            for line in lines:
                _s, p, rest = line.split(b" ", 2)
                o = rest[:-2]
                triples += step
                objects[o] += step
                if not objects[o]:
                    del objects[o]
                prop = p[1:-1].decode()
                properties[prop] += step
                if not properties[prop]:
                    del properties[prop]
                if p == _TYPE and o.startswith(b"<"):
                    cls = o[1:-1].decode()
                    classes[cls] += step
                    if not classes[cls]:
                        del classes[cls]
                    if is_entity:
                        subject = s.key[1:-1].decode()
                        if step < 0 and examples.get(cls) == subject:
                            raise NotUpdatable("the example of a class was removed")
                        if step > 0 and (
                            cls not in examples or subject.encode() < examples[cls].encode()
                        ):
                            examples[cls] = subject
    return {
        **stats,
        "triples": triples,
        "subjects": n_subjects,
        "entities": entities,
        "objects": len(objects),
        "object_counts": objects,
        "classes": dict(sorted(classes.items())),
        "properties": dict(sorted(properties.items())),
        "examples": {k: examples[k] for k in sorted(examples) if k in classes},
    }


def _patch_gzip(
    old_gz: Path,
    new_gz: Path,
    nq_pieces: list[B.Piece],
    new_nq: bytes,
    members: list[tuple[int, int]],
    old_plain_size: int,
) -> list[tuple[int, int]]:
    """Write the new gzip from the old one's members that are unchanged and new members for
    the rest; return the new member index."""
    old_packed_size = old_gz.stat().st_size
    bounds = [*members, (old_plain_size, old_packed_size)]
    # Where each old byte range went in the new plain file.
    placed: list[tuple[int, int, int]] = []  # (old start, old end, new start)
    at = 0
    for piece in nq_pieces:
        if isinstance(piece, bytes):
            at += len(piece)
        else:
            placed.append((piece[0], piece[1], at))
            at += piece[1] - piece[0]
    kept: dict[int, int] = {}  # new plain start of a reusable member -> its index
    for i in range(len(members)):
        start, end = bounds[i][0], bounds[i + 1][0]
        for a, b, new_at in placed:
            if a <= start and end <= b:
                kept[start - a + new_at] = i
                break
    out: list[tuple[int, int]] = []
    packed_at = 0
    with old_gz.open("rb") as src, new_gz.open("wb") as dst:

        def copy_member(i: int) -> None:
            nonlocal packed_at
            src.seek(bounds[i][1])
            data = src.read(bounds[i + 1][1] - bounds[i][1])
            dst.write(data)
            packed_at += len(data)

        pos = 0
        total = len(new_nq)
        while pos < total:
            i = kept.get(pos)
            end = pos + (bounds[i + 1][0] - bounds[i][0]) if i is not None else None
            last_old = i is not None and i == len(members) - 1
            if i is not None and (not last_old or end == total):
                out.append((pos, packed_at))
                copy_member(i)
                pos = end  # type: ignore[assignment]
                continue
            # A new member: up to the next cut line.
            cut = pos
            while True:
                nl = new_nq.find(b"\n", cut) + 1
                line = new_nq[cut : nl - 1]
                cut = nl
                if not zlib.crc32(line) & GZIP_CUT_MASK or cut >= total:
                    break
            member = gzip_member(new_nq[pos:cut])
            out.append((pos, packed_at))
            dst.write(member)
            packed_at += len(member)
            pos = cut
    return out


def _write_edition(
    meta: DatasetMeta,
    state: State,
    old: Path,
    new: Path,
    subjects: list[Subject],
    nt: B.Region,
    nq: B.Region,
    cache: EntryCache,
) -> tuple[dict[str, object], list[tuple[int, int]]]:
    """Write the patched edition into ``new``; return the new VoID figures and gzip members
    (the rewritten dumps' manifest entries go into ``cache``)."""
    name = meta.id
    prefixes = dump_prefixes(meta.base_iri)
    from .export import jsonld

    context = jsonld.dataset_context(meta.base_iri)
    dumps = {f"{name}{s}" for s in (".nt", ".ttl", ".nq", ".nq.gz", ".trig", ".jsonld")}
    rewritten = dumps | {DESCRIPTION_FILE, MANIFEST}
    for rel in state.dist_files:
        if rel in rewritten:
            continue
        target = new / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old / rel, target)
        except OSError:
            import shutil

            shutil.copy2(old / rel, target)

    writes: list[tuple[str, list[B.Piece]]] = []
    writes.append(
        (f"{name}.nt", nt.splice([(s.key, B.lines_bytes(Subject.union(s.new))) for s in subjects]))
    )
    nq_pieces = nq.splice([(s.key, B.lines_bytes(sorted(_quad_lines(s.new)))) for s in subjects])
    writes.append((f"{name}.nq", nq_pieces))
    ttl = B.turtle_region(_map(old / f"{name}.ttl"), prefixes)
    writes.append(
        (
            f"{name}.ttl",
            [
                (0, ttl.start),
                *ttl.splice(
                    [(s.key, B.turtle_blocks(Subject.union(s.new), prefixes)) for s in subjects]
                ),
            ],
        )
    )
    doc = B.jsonld_region(_map(old / f"{name}.jsonld"), context)
    writes.append(
        (
            f"{name}.jsonld",
            [
                (0, doc.start),
                *B.finish_jsonld(
                    doc,
                    doc.splice(
                        [(s.key, B.jsonld_blocks(Subject.union(s.new), context)) for s in subjects]
                    ),
                ),
            ],
        )
    )
    trig_data = _map(old / f"{name}.trig")
    graphs = sorted({g for s in subjects for g, _line in s.old | s.new})
    pieces: list[B.Piece] = []
    cursor = 0
    for g in graphs if "" in graphs else ["", *graphs]:
        region = B.trig_region_of(trig_data, prefixes, g)
        if region is None:
            raise NotUpdatable("a named graph appeared")
        changes = [
            (s.key, B.trig_blocks(g, s.graph(s.new, g), prefixes))
            for s in subjects
            if any(x == g for x, _ in s.old | s.new)
        ]
        spliced = region.splice(changes)
        if g and not any(p if isinstance(p, bytes) else p[1] > p[0] for p in spliced):
            raise NotUpdatable("a named graph became empty")
        pieces.append((cursor, region.start))
        pieces.extend(spliced)
        cursor = region.end
    pieces.append((cursor, len(trig_data)))
    writes.append((f"{name}.trig", [p for p in pieces if isinstance(p, bytes) or p[1] > p[0]]))

    # The kernel copies the unchanged ranges and the hashes release the interpreter: two
    # threads keep both cores busy.
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda job: B.write_pieces(old / job[0], new / job[0], job[1]), writes))
        members = _patch_gzip(
            old / f"{name}.nq.gz",
            new / f"{name}.nq.gz",
            nq_pieces,
            _map(new / f"{name}.nq"),
            state.members,
            (old / f"{name}.nq").stat().st_size,
        )
        rels = [rel for rel, _pieces in writes] + [f"{name}.nq.gz"]
        list(pool.map(lambda rel: file_entry(new, new / rel, cache), rels))
    return _update_stats(state.stats, subjects, meta.base_iri), members


def _quad_lines(quads: set[tuple[str, bytes]]) -> list[bytes]:
    return [line[:-1] + g.encode() + b" ." if g else line for g, line in quads]


def _map(path: Path) -> bytes:
    import mmap

    with path.open("rb") as fh:
        if path.stat().st_size == 0:
            return b""
        return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)  # type: ignore[return-value]


def update(
    project_dir: Path | str = ".",
    *,
    dist: Path | str | None = None,
    engine: str = "auto",
    tool_version: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Updated:
    """Patch the ``--no-site`` edition in ``dist`` for the records that changed since it was
    built; raise NotUpdatable with the reason when a full build is needed instead."""
    import time

    from . import __version__
    from .export.context import ExportContext
    from .export.describe import write_description
    from .export.manifest import entry_cache, entry_key, write_manifest
    from .fsutil import staging

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    tool_version = tool_version or __version__
    project = open_project(project_dir)
    meta = load_metadata(project)
    target = Path(dist) if dist is not None else project.dist_dir
    state = _load_state(project, target)
    if state.salt != salt(project, meta, target, engine, tool_version):
        raise NotUpdatable("the code, metadata, shapes, ontology or options changed")
    if _files(target) != state.dist_files:
        raise NotUpdatable(f"{target} is not the edition the last build wrote")
    listing = {rel: st[1:] for rel, st in _files(project.data_dir).items()}
    if set(listing) != set(state.data_files):
        raise NotUpdatable("data files were added or removed")
    record_files = {
        p.relative_to(project.data_dir).as_posix() for p in data_files(project.data_dir)
    }
    if progress:
        progress("compare with the previous build")
    olds: list[Record] = []
    news: list[Record] = []
    touched: dict[str, tuple[int, int, str]] = {}
    new_keys: dict[str, str] = {}
    for rel, (size, mtime) in sorted(listing.items()):
        before = state.data_files[rel]
        if (size, mtime) == before[:2]:
            continue
        data = (project.data_dir / rel).read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        touched[rel] = (size, mtime, sha)
        if sha == before[2]:
            continue
        if rel not in record_files:
            raise NotUpdatable(f"data/{rel} changed and is not a record file")
        o, n = _file_changes(project, state, rel, data, meta.language, new_keys)
        olds += o
        news += n
    timings["compare"] = time.perf_counter() - t0
    if news:
        _check(project, state, olds, news)
    types = {**state.types, **{r.id: r.type for r in news}}
    items = [i for i in state.withheld.items if i.record_id not in {r.id for r in news}]
    public_olds = [withhold(r, state.hidden)[0] for r in olds]
    public_news = []
    for rec in news:
        kept, withheld = withhold(rec, state.hidden)
        public_news.append(kept)
        items.extend(withheld)
    withheld_now = Withheld(tuple(sorted(items)))
    name = meta.id
    nt = B.lines_region(_map(target / f"{name}.nt"))
    nq = B.lines_region(_map(target / f"{name}.nq"))
    iris = IriMaker(meta.base_iri, types=types)
    subjects, dups = _subjects(state, public_olds, public_news, iris, nq)
    timings["encode"] = time.perf_counter() - t0 - sum(timings.values())
    if subjects:
        if progress:
            progress(f"validate {len(subjects)} changed subject(s)")
        _validate(project, meta, engine, subjects, nt, state)
    timings["validate"] = time.perf_counter() - t0 - sum(timings.values())
    quads = state.quads + sum(len(s.new) - len(s.old) for s in subjects)
    added = len({r.id for r in news} - set(state.types))
    new_state = replace(
        state,
        data_files={**state.data_files, **touched},
        types=types,
        parse_keys={**state.parse_keys, **new_keys},
        withheld=withheld_now,
        records=state.records + added,
        quads=quads,
        dups=state.dups | frozenset(dups),
    )
    if subjects:
        if progress:
            progress(f"patch the dumps ({len(subjects)} subject(s))")
        with staging(target) as tmp:
            ctx = ExportContext(ox.Store(), Records(()), meta, project, tool_version)
            cache = entry_cache(ctx)
            stats, members = _write_edition(meta, state, target, tmp, subjects, nt, nq, cache)
            ctx.extras["void-statistics"] = stats
            for rel, entry in state.entries.items():
                p = tmp / rel
                if p.is_file() and rel not in (DESCRIPTION_FILE,):
                    st = p.stat()
                    if st.st_ino == state.dist_files[rel][0]:
                        cache[entry_key(p, st.st_ino, st.st_size, st.st_mtime_ns)] = entry
            write_description(ctx, tmp)
            write_manifest(ctx, tmp)
        new_state = replace(
            new_state,
            stats=stats,
            members=members,
            dist_files=_files(target),
            entries=_entries(target),
        )
    for rel, (_size, _mtime, sha) in touched.items():
        old_sha = state.data_files[rel][2]
        if rel.lower().endswith(".csv") and rel in record_files and sha != old_sha:
            write_atomic(
                _copy_path(project, sha), (project.data_dir / rel).read_bytes(), durable=False
            )
            _copy_path(project, old_sha).unlink(missing_ok=True)
    timings["write"] = time.perf_counter() - t0 - sum(timings.values())
    path = _state_path(project, target)
    assert path is not None
    write_atomic(path, pickle.dumps(new_state, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    timings["state"] = time.perf_counter() - t0 - sum(timings.values())
    return Updated(
        target,
        new_state.records,
        quads,
        len(new_state.entries) + 1,
        withheld_now,
        state.report,
        state.notices,
        len(news),
        len(subjects),
        timings,
    )


__all__ = [
    "NotUpdatable",
    "State",
    "Updated",
    "WithheldItem",
    "forget_state",
    "save_state",
    "salt",
    "update",
]
