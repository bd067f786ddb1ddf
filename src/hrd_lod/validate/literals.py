"""Literals as written: which typed literals the pyoxigraph store keeps in another form.

pyoxigraph's Store keeps typed literals of the datatypes it understands in a canonical form:
``"01"^^xsd:int`` comes back as ``"1"^^xsd:integer`` (every derived integer type becomes
``xsd:integer``), ``"1"^^xsd:boolean`` as ``"true"``, ``"1.0"^^xsd:decimal`` as ``"1"``. A check
of ``sh:datatype xsd:int`` on the store would then fail on matching data. The encoder's
N-Triples lines hold every literal as written; this module compares the two, so that the fast
validator (which queries the store) can refuse exactly when a literal it checks was rewritten.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox

from ..store import object_of, split_line

_TYPED = b'"^^<'
_SUBJECT = "urn:x-hrd-lod:literal:"
_PREDICATE = ox.NamedNode("urn:x-hrd-lod:literal")


@dataclass(frozen=True)
class Rewrite:
    """One triple whose literal the store does not keep as written."""

    subject: str
    predicate: str
    written: str
    stored: str
    #: another literal of the same subject and predicate has the same stored form: the store
    #: holds one value where two were written
    merged: bool = False

    @property
    def datatype_changed(self) -> bool:
        """Return True when the store keeps another datatype ("01"^^xsd:int as xsd:integer)."""
        return self.written.rsplit("^^", 1)[-1] != self.stored.rsplit("^^", 1)[-1]


def typed_objects(lines: list[bytes]) -> set[bytes]:
    """Return the distinct typed literals (N-Triples) that are objects of ``lines``."""
    out: set[bytes] = set()
    for line in lines:
        if _TYPED in line:
            obj = object_of(line)
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
    """Return every triple of ``lines`` (sorted N-Triples) whose literal the store keeps in
    another form, sorted."""
    changed = store_forms(typed_objects(lines))
    if not changed:
        return []
    found: list[tuple[bytes, bytes, bytes, str]] = []
    for line in lines:
        if _TYPED in line:
            s, p, obj = split_line(line)
            stored = changed.get(obj)
            if stored is not None:
                found.append((s, p, obj, stored))
    seen = Counter((s, p, stored) for s, p, _w, stored in found)
    out = []
    for s, p, w, stored in sorted(set(found)):
        as_line = b" ".join((s, p, stored.encode("utf-8"))) + b" ."
        at = bisect_left(lines, as_line)
        merged = seen[(s, p, stored)] > 1 or (at < len(lines) and lines[at] == as_line)
        subject = s.decode()
        subject = subject[1:-1] if subject.startswith("<") else subject
        out.append(Rewrite(subject, p.decode()[1:-1], w.decode(), stored, merged))
    return out
