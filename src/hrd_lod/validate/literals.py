"""Literals as written: which typed literals the pyoxigraph store keeps in another form.

pyoxigraph's Store keeps typed literals of the datatypes it understands in a canonical form:
``"01"^^xsd:int`` comes back as ``"1"^^xsd:integer`` (every derived integer type becomes
``xsd:integer``), ``"1"^^xsd:boolean`` as ``"true"``, ``"1.0"^^xsd:decimal`` as ``"1"``. A check
of ``sh:datatype xsd:int`` on the store would then fail on matching data. The encoder's
N-Triples lines hold every literal as written; this module compares the two, so that the fast
validator (which queries the store) can refuse exactly when a literal it checks was rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

_TYPED = b'"^^<'
_SUBJECT = "urn:x-hrd-lod:literal:"
_PREDICATE = ox.NamedNode("urn:x-hrd-lod:literal")


@dataclass(frozen=True)
class Rewrite:
    """One literal the store does not keep as written: where, as written, and as kept."""

    predicate: str
    written: str
    stored: str


def typed_objects(lines: list[bytes]) -> set[bytes]:
    """Return the distinct typed literals (N-Triples) that are objects of ``lines``."""
    out: set[bytes] = set()
    for line in lines:
        if _TYPED in line:
            obj = line.split(b" ", 2)[2][:-2]
            if obj.startswith(b'"') and obj.endswith(b">"):
                out.add(obj)
    return out


def store_forms(literals: set[bytes]) -> dict[bytes, str]:
    """Return each N-Triples literal that the store keeps in another form -> that form."""
    if not literals:
        return {}
    ordered = sorted(literals)
    doc = b"".join(
        b"<"
        + f"{_SUBJECT}{i}".encode()
        + b"> <"
        + _PREDICATE.value.encode()
        + b"> "
        + lit
        + b" .\n"
        for i, lit in enumerate(ordered)
    )
    written = {q.subject: q.object for q in ox.parse(doc, format=ox.RdfFormat.N_TRIPLES)}
    store = ox.Store()
    store.extend(ox.Quad(s, _PREDICATE, o) for s, o in written.items())
    out: dict[bytes, str] = {}
    for quad in store:
        as_written = written[quad.subject]  # type: ignore[index]
        if str(quad.object) != str(as_written):
            out[ordered[int(quad.subject.value[len(_SUBJECT) :])]] = str(quad.object)  # type: ignore[union-attr]
    return out


def rewrites(lines: list[bytes]) -> list[Rewrite]:
    """Return every (predicate, literal) of ``lines`` that the store keeps in another form."""
    changed = store_forms(typed_objects(lines))
    if not changed:
        return []
    found: set[tuple[str, str, str]] = set()
    for line in lines:
        if _TYPED in line:
            _s, p, rest = line.split(b" ", 2)
            stored = changed.get(rest[:-2])
            if stored is not None:
                found.add((p.decode()[1:-1], rest[:-2].decode(), stored))
    return [Rewrite(p, w, s) for p, w, s in sorted(found)]
