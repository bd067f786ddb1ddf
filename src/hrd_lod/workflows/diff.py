"""What changed between two builds: added and removed triples per graph, and per entity.

An edition is any folder with a ``manifest.json`` and an N-Quads dump (``dist/``, or a
release under ``releases/VERSION/``). Quads are read with pyoxigraph and compared as
N-Triples lines per graph, so the result does not depend on how the dumps were formatted.
Entities are the subjects whose IRI has the form ``.../id/{kind}/{slug}``; a change to one of
their derivation nodes (``...#derived-...``) counts as a change to the entity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .. import vocab as V
from ..errors import UsageError
from ..records.schema import type_for_kind

#: How the summary names each kind of entity: (singular, plural).
NOUNS = {
    "organization": ("organisation", "organisations"),
    "person": ("person", "people"),
    "place": ("place", "places"),
    "award": ("award", "awards"),
    "jury": ("jury", "juries"),
    "conferral": ("conferral", "conferrals"),
    "quotation": ("quotation", "quotations"),
    "source": ("source", "sources"),
    "risk": ("risk type", "risk types"),
    "scheme": ("concept scheme", "concept schemes"),
}
MAX_LISTED = 12
_NAME = V.schema("name")


@dataclass
class Edition:
    """One build, read back: its version and date, its triples per graph, entity names."""

    version: str | None
    modified: str | None
    graphs: dict[str, set[str]] = field(default_factory=dict)  # "" is the default graph
    names: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EntityChange:
    """One entity added, removed or changed."""

    iri: str
    kind: str
    label: str
    added: int
    removed: int


@dataclass(frozen=True)
class Diff:
    """The changes from edition ``a`` to edition ``b``."""

    a: Edition
    b: Edition
    added: dict[str, list[str]]  # graph -> sorted triple lines
    removed: dict[str, list[str]]
    entities: dict[str, list[EntityChange]]  # "added" / "changed" / "removed"

    @property
    def empty(self) -> bool:
        """Return True when the two editions hold the same quads."""
        return not any(self.added.values()) and not any(self.removed.values())


def empty_edition() -> Edition:
    """Return the edition before the first release: nothing at all."""
    return Edition(None, None)


def read_edition(folder: Path) -> Edition:
    """Return the edition in ``folder`` (a dist/ or a release folder)."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise UsageError(
            f"{folder} is not a build: it has no manifest.json",
            hint="give a dist/ folder or a release folder (releases/VERSION)",
        )
    manifest = json.loads(manifest_path.read_text("utf-8"))
    dumps = [
        e["path"]
        for e in manifest.get("files", [])
        if e.get("media_type") == "application/n-quads" and "/" not in e["path"]
    ]
    if not dumps:
        dumps = sorted(p.name for p in folder.glob("*.nq"))
    if not dumps:
        raise UsageError(f"{folder} has no N-Quads dump to compare")
    ed = Edition(manifest.get("dataset_version"), manifest.get("modified"))
    for quad in ox.parse(path=str(folder / dumps[0]), format=ox.RdfFormat.N_QUADS):
        g = "" if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
        ed.graphs.setdefault(g, set()).add(f"{quad.subject} {quad.predicate} {quad.object} .")
        if quad.predicate.value == _NAME and isinstance(quad.object, ox.Literal):
            s = quad.subject.value
            if s not in ed.names or quad.object.value < ed.names[s]:
                ed.names[s] = quad.object.value
    return ed


def entity_of(iri: str) -> tuple[str, str] | None:
    """Return (kind, entity IRI) when ``iri`` is an entity's IRI or one of its fragments."""
    base = iri.split("#", 1)[0]
    parts = base.rsplit("/", 3)
    if len(parts) == 4 and parts[1] == "id" and type_for_kind(parts[2]) is not None:
        return parts[2], base
    return None


def diff_editions(a: Edition, b: Edition) -> Diff:
    """Return what changed from ``a`` to ``b``."""
    added: dict[str, list[str]] = {}
    removed: dict[str, list[str]] = {}
    per_entity: dict[str, list[int]] = {}
    kinds: dict[str, str] = {}
    for g in sorted(set(a.graphs) | set(b.graphs)):
        old, new = a.graphs.get(g, set()), b.graphs.get(g, set())
        added[g] = sorted(new - old)
        removed[g] = sorted(old - new)
        for lines, slot in ((added[g], 0), (removed[g], 1)):
            for line in lines:
                ent = entity_of(line[1 : line.index(">")]) if line.startswith("<") else None
                if ent:
                    kinds[ent[1]] = ent[0]
                    per_entity.setdefault(ent[1], [0, 0])[slot] += 1
    subjects_a = _entities(a)
    subjects_b = _entities(b)
    entities: dict[str, list[EntityChange]] = {"added": [], "changed": [], "removed": []}
    for iri in sorted(per_entity):
        plus, minus = per_entity[iri]
        state = (
            "added" if iri not in subjects_a else "removed" if iri not in subjects_b else "changed"
        )
        label = b.names.get(iri) or a.names.get(iri) or iri.rsplit("/", 1)[-1]
        entities[state].append(EntityChange(iri, kinds[iri], label, plus, minus))
    return Diff(
        a,
        b,
        {g: v for g, v in added.items() if v},
        {g: v for g, v in removed.items() if v},
        entities,
    )


def _entities(ed: Edition) -> set[str]:
    out = set()
    for lines in ed.graphs.values():
        for line in lines:
            if line.startswith("<"):
                ent = entity_of(line[1 : line.index(">")])
                if ent and ent[1] == line[1 : line.index(">")]:
                    out.add(ent[1])
    return out


def to_json(diff: Diff) -> dict[str, object]:
    """Return the machine-readable patch: added and removed triples per graph, entities."""
    graphs = sorted(set(diff.added) | set(diff.removed))
    return {
        "from": {"version": diff.a.version, "modified": diff.a.modified},
        "to": {"version": diff.b.version, "modified": diff.b.modified},
        "triples_added": sum(len(v) for v in diff.added.values()),
        "triples_removed": sum(len(v) for v in diff.removed.values()),
        "graphs": [
            {"graph": g or None, "added": diff.added.get(g, []), "removed": diff.removed.get(g, [])}
            for g in graphs
        ],
        "entities": {
            state: [
                {
                    "iri": e.iri,
                    "kind": e.kind,
                    "label": e.label,
                    "triples_added": e.added,
                    "triples_removed": e.removed,
                }
                for e in items
            ]
            for state, items in diff.entities.items()
        },
    }


def _noun(kind: str, n: int) -> str:
    one, many = NOUNS.get(kind, (kind, kind + "s"))
    return one if n == 1 else many


def _names(items: list[EntityChange], counts: bool) -> str:
    shown = [
        e.label + (f" (+{e.added} -{e.removed})" if counts else "") for e in items[:MAX_LISTED]
    ]
    if len(items) > MAX_LISTED:
        shown.append(f"and {len(items) - MAX_LISTED} more")
    return ", ".join(shown)


def summary_lines(diff: Diff) -> list[str]:
    """Return the human summary: one line per kind of change, then triples per graph."""

    def ed(e: Edition) -> str:
        if e.version is None and e.modified is None:
            return "nothing (first release)"
        return f"{e.version or '?'} ({e.modified or 'undated'})"

    out = [f"Changes from {ed(diff.a)} to {ed(diff.b)}"]
    if diff.empty:
        return out + ["no changes: the two builds hold the same triples"]
    for state in ("added", "changed", "removed"):
        items = diff.entities[state]
        if not items:
            continue
        by_kind: dict[str, list[EntityChange]] = {}
        for e in items:
            by_kind.setdefault(e.kind, []).append(e)
        counts = state == "changed"
        if len(by_kind) == 1:
            kind, group = next(iter(by_kind.items()))
            out.append(f"{len(group)} {_noun(kind, len(group))} {state}: {_names(group, counts)}")
        else:
            parts = [
                f"{len(g)} {_noun(k, len(g))} ({_names(g, counts)})"
                for k, g in sorted(by_kind.items())
            ]
            noun = "entity" if len(items) == 1 else "entities"
            out.append(f"{len(items)} {noun} {state}: " + "; ".join(parts))
    plus = sum(len(v) for v in diff.added.values())
    minus = sum(len(v) for v in diff.removed.values())
    graphs = sorted(set(diff.added) | set(diff.removed))
    out.append(
        f"{plus} triples added, {minus} removed, in {len(graphs)} "
        f"graph{'s' if len(graphs) != 1 else ''}:"
    )
    for g in graphs:
        out.append(
            f"  {g or '(default graph)'}: +{len(diff.added.get(g, []))} "
            f"-{len(diff.removed.get(g, []))}"
        )
    return out


def diff_builds(a: Path | str, b: Path | str) -> Diff:
    """Return the changes from the build in folder ``a`` to the build in folder ``b``."""
    return diff_editions(read_edition(Path(a)), read_edition(Path(b)))
