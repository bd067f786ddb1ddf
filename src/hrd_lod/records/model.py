"""The records an archivist writes, once read and checked: frozen values with their locations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from ..errors import Location


@dataclass(frozen=True, order=True)
class LangString:
    """A language-tagged string."""

    value: str
    lang: str


@dataclass(frozen=True, order=True)
class Ref:
    """A reference to another record by its id."""

    id: str


@dataclass(frozen=True, order=True)
class Year:
    """A calendar year (xsd:gYear)."""

    value: int

    def __str__(self) -> str:
        return f"{self.value:04d}"


@dataclass(frozen=True, order=True)
class Url:
    """An http(s) URL, written to RDF as an IRI."""

    value: str


@dataclass(frozen=True, order=True)
class Enum:
    """One word of a fixed vocabulary (maps to a class, not to a literal)."""

    value: str


@dataclass(frozen=True, order=True)
class Money:
    """An amount of money in the currency a source states it in (ISO 4217 code)."""

    amount: str  # a decimal number as written, without grouping: "20000", "15000.50"
    currency: str  # "CHF", "EUR", ...

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"


Value = str | LangString | Ref | Year | Url | Enum | Money | dt.date


@dataclass(frozen=True)
class Claim:
    """One of several values that sources give for the same field, with its own sources.

    When sources disagree (a founding year, a prize's currency, a spelling), every value is
    kept with the sources that state it; at most one per field may be ``preferred``, which
    then holds the reason.
    """

    value: Value
    sources: tuple[str, ...]
    preferred: str | None = None


@dataclass(frozen=True)
class RawRecord:
    """A record as read from a file, before its fields are checked.

    ``data`` maps keys to plain Python values (str, int, list, dict, ...);
    ``lines`` maps each key to the line it is on.
    """

    data: Mapping[str, object]
    location: Location
    lines: Mapping[str, int] = field(default_factory=dict)
    #: CSV: each key's 1-based column
    columns: Mapping[str, int] = field(default_factory=dict)

    def where(self, key: str | None = None) -> Location:
        """Return the location of ``key`` (or of the record itself)."""
        if key is None:
            return self.location
        return Location(self.location.file, self.lines.get(key, self.location.line), key)


@dataclass(frozen=True)
class Record:
    """One checked record."""

    id: str
    type: str
    values: Mapping[str, tuple[Value, ...]]
    sources: tuple[str, ...]
    location: Location
    field_lines: Mapping[str, int] = field(default_factory=dict)
    field_sources: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    visibility: str = "public"
    public_fields: frozenset[str] = frozenset()
    derived: Mapping[str, str] = field(default_factory=dict)
    #: field -> the values sources disagree on, each with its own sources (``claims:``)
    claims: Mapping[str, tuple[Claim, ...]] = field(default_factory=dict)
    #: CSV records: field -> its 1-based column (validation results name it)
    field_columns: Mapping[str, int] = field(default_factory=dict)
    #: the person or group is at risk: left out of exports to Wikidata unless consenting
    at_risk: bool = False
    #: the record says its award facts may go to Wikidata even though it is at risk
    wikidata_consent: bool = False
    #: the day the record was entered in the archive (``added:``), if the archive keeps it;
    #: the site lists the latest additions from it (it is about the record, not a fact of the
    #: world, so it never becomes a triple)
    added: dt.date | None = None

    def where(self, field_name: str | None = None) -> Location:
        """Return the location of a field of this record (or of the record)."""
        if field_name is None:
            return self.location
        return Location(
            self.location.file, self.field_lines.get(field_name, self.location.line), field_name
        )

    def first(self, field_name: str) -> Value | None:
        """Return the first value of a field, or None."""
        vals = self.values.get(field_name, ())
        return vals[0] if vals else None

    def sources_of(self, field_name: str) -> tuple[str, ...]:
        """Return the sources a field was read from (its claims', its own, else the record's)."""
        claims = self.claims.get(field_name)
        if claims:
            return tuple(sorted({s for c in claims for s in c.sources}))
        return self.field_sources.get(field_name, self.sources)

    def all_sources(self) -> tuple[str, ...]:
        """Return every source the record cites, sorted."""
        if not self.field_sources and not self.claims:
            return tuple(sorted(set(self.sources)))  # the common case
        out = set(self.sources)
        for ids in self.field_sources.values():
            out.update(ids)
        for claims in self.claims.values():
            for claim in claims:
                out.update(claim.sources)
        return tuple(sorted(out))

    def refs(self) -> Iterator[tuple[str, Ref]]:
        """Yield (field, ref) for every reference the record makes."""
        for name, vals in self.values.items():
            for v in vals:
                if isinstance(v, Ref):
                    yield name, v


@dataclass(frozen=True)
class Notice:
    """Something the loader changed or wants a person to know, that is not an error."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True)
class Records:
    """Every record of a project, sorted by id, with the loader's notices."""

    items: tuple[Record, ...]
    notices: tuple[Notice, ...] = ()
    _by_id: dict[str, Record] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {r.id: r for r in self.items})

    def __iter__(self) -> Iterator[Record]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, record_id: str) -> Record | None:
        """Return the record with this id, or None."""
        return self._by_id.get(record_id)

    def of_type(self, type_name: str) -> list[Record]:
        """Return the records of one type."""
        return [r for r in self.items if r.type == type_name]
