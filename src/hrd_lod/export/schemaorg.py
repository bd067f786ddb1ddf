"""Embeddable schema.org JSON-LD for an entity (``"@context": "https://schema.org"``).

Search engines and web sites understand schema.org only, so the award ontology's facts are
mapped onto schema.org types and properties (and nothing else is written):

- conferral -> ``Event``: ``name``, ``startDate`` (the day, else the year), ``location``,
  ``organizer`` (who confers the award), ``sponsor`` (who supports it), ``contributor`` (who
  presented it, and the jury as an ``Organization`` with its ``member``s), ``about`` (the award
  and the laureates, each laureate carrying its schema.org ``award`` text);
- award -> ``Thing``: schema.org has no award class (``award`` is a text property), and the
  ontology declares ``hrd:Award rdfs:subClassOf schema:Thing``; its conferrals are listed as
  ``subjectOf`` events, which is the inverse of the events' ``about``;
- jury -> ``Organization`` with ``member``; laureates get ``award`` texts ("Martin Ennals Award
  for Human Rights Defenders 2013") and ``subjectOf`` the events and quotations about them;
- quotation -> ``Quotation`` with ``text``, ``creator`` (a ``Role`` whose ``roleName`` is the
  role the source states, so that it stays on the quotation), ``about``, ``recordedAt`` (the
  conferral it was said at) and ``citation`` (the sources that report it);
- an award's history: a conferral's category (a ``DefinedTerm``) and distinction ("global
  laureate", "regional winner") are its ``keywords``; the person who accepted for a collective
  is an ``attendee``; a laureate's country is ``areaServed`` (an organisation) or
  ``workLocation`` (a person). Where sources disagree, every value is written (the linked data
  says which source states which). schema.org has no terms for finalists, nominees, absent
  laureates, an award's founding year or its prize (``Thing`` takes none of them), so those
  stay in the linked-data documents;
- source -> ``CreativeWork`` with ``publisher``, ``datePublished``, ``encodingFormat`` and the
  page's ``url``;
- risk type -> ``DefinedTerm`` in a ``DefinedTermSet`` (the SKOS concept scheme).

Facts without a schema.org equivalent (a group's focus and methods, archived copies and
checksums, risk regions) stay in the linked-data documents. Every text keeps its language tag
(``{"@value": ..., "@language": ...}``): the name in the dataset's language is ``name``, names
in other languages are ``alternateName``s. The JSON is escaped for an HTML
``<script>`` block: ``<``, ``>`` and ``&`` (and U+2028/2029) are written as ``\\uXXXX``, so no
text in the data can close the block or open a comment.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from .. import vocab as V
from ..project import DatasetMeta
from ..records.model import Enum, LangString, Record, Records, Ref, Url, Value, Year
from ..records.schema import TYPES

SCHEMA_CONTEXT = "https://schema.org"

_ORG_TYPES = {
    "NGO": "NGO",
    "GovernmentOrganization": "GovernmentOrganization",
    "NewsMediaOrganization": "NewsMediaOrganization",
}
_PLACE_TYPES = {
    "Country": "Country",
    "AdministrativeArea": "AdministrativeArea",
    "Region": "AdministrativeArea",
    "City": "City",
}
_FIXED_TYPES = {
    "Person": "Person",
    "Award": "Thing",
    "Jury": "Organization",
    "AwardConferral": "Event",
    "Quotation": "Quotation",
    "Source": "CreativeWork",
    "RiskType": "DefinedTerm",
    "AwardCategory": "DefinedTerm",
    "ConceptScheme": "DefinedTermSet",
}
# Record field -> schema.org property, where the meaning is the same.
_DIRECT = {
    "Organization": {
        "founder": "founder",
        "founding_date": "foundingDate",
        "member": "member",
        "parent_organization": "parentOrganization",
        "location": "location",
        "area_served": "areaServed",
        "knows_about": "knowsAbout",
        "country": "areaServed",
    },
    "Person": {
        "job_title": "jobTitle",
        "works_for": "worksFor",
        "affiliation": "affiliation",
        "nationality": "nationality",
        "death_date": "deathDate",
        "knows_about": "knowsAbout",
        "country": "workLocation",
    },
    "Place": {"contained_in": "containedInPlace"},
    "Jury": {"member": "member"},
    "AwardConferral": {"location": "location", "represented_by": "attendee"},
    "Quotation": {"text": "text", "about": "about", "spoken_at": "recordedAt"},
    "Source": {
        "publisher": "publisher",
        "date_published": "datePublished",
        "media_type": "encodingFormat",
    },
    "RiskType": {"in_scheme": "inDefinedTermSet"},
}


_DISTINCTIONS = {"RegionalWinner": "regional winner", "GlobalLaureate": "global laureate"}


def schema_type(rec: Record) -> str:
    """Return the schema.org type of a record."""
    if rec.type == "Organization":
        kind = rec.first("organization_type")
        return (
            _ORG_TYPES.get(kind.value, "Organization")
            if isinstance(kind, Enum)
            else ("Organization")
        )
    if rec.type == "Place":
        kind = rec.first("place_type")
        return _PLACE_TYPES.get(kind.value, "Place") if isinstance(kind, Enum) else "Place"
    return _FIXED_TYPES[rec.type]


def _one_or_many(values: list[object]) -> object:
    return values[0] if len(values) == 1 else values


class SchemaOrgMapper:
    """Maps public records to schema.org JSON-LD; build once, call :meth:`document` per entity."""

    def __init__(self, records: Records, meta: DatasetMeta) -> None:
        self.records = records
        self.base = meta.base_iri
        self.language = meta.language
        # record id -> [(field, record that refers to it)], one pass over every reference.
        self.incoming: dict[str, list[tuple[str, Record]]] = defaultdict(list)
        for rec in records:
            for fname, ref in rec.refs():
                self.incoming[ref.id].append((fname, rec))

    def iri(self, rec: Record) -> str:
        """Return the entity IRI of a record."""
        return V.entity_iri(self.base, TYPES[rec.type].kind, rec.id)

    def text(self, values: tuple[Value, ...]) -> list[str]:
        """Return plain strings, preferring the dataset language where a value has several."""
        by_lang: list[Value] = [
            v for v in values if isinstance(v, LangString) and v.lang == self.language
        ]
        chosen = by_lang or list(values)
        return [v.value if isinstance(v, LangString) else str(v) for v in chosen]

    def name(self, rec: Record) -> str:
        """Return the name of a record in the dataset language."""
        names = self.text(rec.values.get("name", ()))
        return names[0] if names else rec.id

    def tagged(self, values: tuple[Value, ...]) -> list[object]:
        """Return the values in the dataset language (else all) as JSON-LD value objects that
        keep their language tag (other values as they are)."""
        by_lang: list[Value] = [
            v for v in values if isinstance(v, LangString) and v.lang == self.language
        ]
        return [_literal(v) for v in (by_lang or list(values))]

    def tagged_name(self, rec: Record) -> object:
        """Return the name of a record in the dataset language, with its language tag."""
        names = self.tagged(rec.values.get("name", ()))
        return names[0] if names else rec.id

    def other_names(self, rec: Record) -> list[object]:
        """Return the record's names in other languages than the dataset's, tagged."""
        return [
            _literal(v)
            for v in rec.values.get("name", ())
            if isinstance(v, LangString) and v.lang != self.language
        ]

    def ref(self, rec: Record, **extra: object) -> dict[str, object]:
        """Return a small node for a linked record: type, id, name (and ``extra``)."""
        node: dict[str, object] = {
            "@type": schema_type(rec),
            "@id": self.iri(rec),
            "name": self.tagged_name(rec),
        }
        node.update(extra)
        return node

    def _refs(self, values: tuple[Value, ...]) -> list[object]:
        out: list[object] = []
        for v in values:
            target = self.records.get(v.id) if isinstance(v, Ref) else None
            if target is not None:  # a reference to a withheld record is simply not shown
                out.append(self.ref(target))
        return out

    def award_texts(self, conferral: Record) -> list[object]:
        """Return the schema.org ``award`` texts of a conferral ("<award name> <year>"), in
        the language of the award's name."""
        award_ref, year = conferral.first("award"), conferral.first("year")
        award = self.records.get(award_ref.id) if isinstance(award_ref, Ref) else None
        if award is None or not isinstance(year, Year):
            return []
        names = [v for v in award.values.get("name", ()) if isinstance(v, LangString)]
        chosen = [v for v in names if v.lang == self.language] or names
        return [_literal(LangString(f"{n.value} {year}", n.lang)) for n in chosen]

    def _value(self, v: Value) -> object:
        if isinstance(v, Ref):
            target = self.records.get(v.id)
            return self.ref(target) if target is not None else None
        if isinstance(v, LangString):
            return v.value
        if isinstance(v, Url):
            return v.value
        if isinstance(v, Year):
            return str(v)
        if isinstance(v, dt.date):
            return v.isoformat()
        return str(v)

    def document(self, rec: Record) -> dict[str, object]:
        """Return the schema.org JSON-LD object of one record."""
        doc: dict[str, object] = {
            "@context": SCHEMA_CONTEXT,
            "@type": schema_type(rec),
            "@id": self.iri(rec),
            "name": self.tagged_name(rec),
        }
        props: dict[str, list[object]] = defaultdict(list)
        props["alternateName"].extend(self.other_names(rec))
        for fname, prop in (("alternate_name", "alternateName"), ("description", "description")):
            props[prop].extend(self.tagged(rec.values.get(fname, ())))
        props["sameAs"].extend(v.value for v in rec.values.get("same_as", ()) if isinstance(v, Url))
        props["url"].extend(v.value for v in rec.values.get("url", ()) if isinstance(v, Url))
        for fname, prop in _DIRECT.get(rec.type, {}).items():
            vals = rec.values.get(fname, ())
            if vals and isinstance(vals[0], LangString):
                props[prop].extend(self.tagged(vals))
            else:
                props[prop].extend(x for x in map(self._value, vals) if x is not None)
        getattr(self, "_" + rec.type, lambda r, p: None)(rec, props)
        for prop in sorted(props):
            # a record may link twice (a quotation about and spoken at the same conferral)
            seen: set[str] = set()
            values: list[object] = []
            for v in props[prop]:
                key = json.dumps(v, sort_keys=True)
                if key not in seen:
                    seen.add(key)
                    values.append(v)
            if values:
                doc[prop] = _one_or_many(values)
        return doc

    # Type-specific mappings: each adds to ``props`` what the direct table cannot say.
    def _laureate(self, rec: Record, props: dict[str, list[object]]) -> None:
        for fname, other in self.incoming.get(rec.id, ()):
            if other.type == "AwardConferral" and fname == "laureate":
                props["award"].extend(self.award_texts(other))
                props["subjectOf"].append(self.ref(other))
            elif other.type == "Quotation" and fname == "about":
                props["subjectOf"].append(self.ref(other))

    def _Organization(self, rec: Record, props: dict[str, list[object]]) -> None:
        self._laureate(rec, props)

    def _Person(self, rec: Record, props: dict[str, list[object]]) -> None:
        if not rec.values.get("death_date") and rec.values.get("death_year"):
            props["deathDate"].append(str(rec.first("death_year")))
        self._laureate(rec, props)

    def _Award(self, rec: Record, props: dict[str, list[object]]) -> None:
        for fname, other in self.incoming.get(rec.id, ()):
            if other.type == "AwardConferral" and fname == "award":
                props["subjectOf"].append(self.ref(other))

    def _AwardConferral(self, rec: Record, props: dict[str, list[object]]) -> None:
        date, year = rec.first("date"), rec.first("year")
        when = date if date is not None else year
        if when is not None:
            props["startDate"].append(self._value(when))
        if not props["description"]:
            props["description"].extend(self.tagged(rec.values.get("rationale", ())))
        award_ref = rec.first("award")
        award = self.records.get(award_ref.id) if isinstance(award_ref, Ref) else None
        if award is not None:
            props["about"].append(self.ref(award))
            props["organizer"].extend(self._refs(award.values.get("conferred_by", ())))
            props["sponsor"].extend(self._refs(award.values.get("supported_by", ())))
        texts = self.award_texts(rec)
        for v in rec.values.get("laureate", ()):
            target = self.records.get(v.id) if isinstance(v, Ref) else None
            if target is not None:
                props["about"].append(
                    self.ref(target, award=_one_or_many(list(texts))) if texts else self.ref(target)
                )
        props["contributor"].extend(self._refs(rec.values.get("presented_by", ())))
        jury_ref = rec.first("selected_by")
        jury = self.records.get(jury_ref.id) if isinstance(jury_ref, Ref) else None
        if jury is not None:
            members = self._refs(jury.values.get("member", ()))
            props["contributor"].append(
                self.ref(jury, member=members) if members else self.ref(jury)
            )
        for _fname, other in self.incoming.get(rec.id, ()):
            if other.type == "Quotation":
                props["subjectOf"].append(self.ref(other))
        props["keywords"].extend(self._refs(rec.values.get("category", ())))
        distinction = rec.first("distinction")
        if isinstance(distinction, Enum):
            props["keywords"].append(_DISTINCTIONS[distinction.value])

    def _Quotation(self, rec: Record, props: dict[str, list[object]]) -> None:
        creator_ref = rec.first("creator")
        creator = self.records.get(creator_ref.id) if isinstance(creator_ref, Ref) else None
        if creator is not None:
            role = self.tagged(rec.values.get("speaker_role", ()))
            # The role is the speaker's when they said it, as the source states it: it stays
            # on the quotation (schema.org's Role pattern), never on the person's jobTitle.
            props["creator"].append(
                {"@type": "Role", "roleName": role[0], "creator": self.ref(creator)}
                if role
                else self.ref(creator)
            )
        props["citation"].extend(self._refs(tuple(Ref(s) for s in rec.all_sources())))

    def _ConceptScheme(self, rec: Record, props: dict[str, list[object]]) -> None:
        for fname, other in self.incoming.get(rec.id, ()):
            if fname == "in_scheme":
                props["hasDefinedTerm"].append(self.ref(other))


def _literal(v: Value) -> object:
    """Return a text as a JSON-LD value object with its language tag (else the plain text)."""
    if isinstance(v, LangString):
        return {"@value": v.value, "@language": v.lang}
    return str(v)


def embed_json(doc: object) -> str:
    """Return JSON safe to place verbatim inside ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` only ever occur inside JSON strings, where ``\\u003c`` etc. mean the
    same character: the data is unchanged for a JSON parser, and the HTML tokenizer never sees
    ``</script>`` or ``<!--``. U+2028/2029 are escaped too, for consumers that treat the
    block as JavaScript.
    """
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=2)
    for char, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, esc)
    return text


def embed_bytes(doc: object) -> bytes:
    """Return :func:`embed_json` as UTF-8 bytes with a final newline (the .schema.jsonld file)."""
    return (embed_json(doc) + "\n").encode("utf-8")


def find_record(records: Records, ident: str, base_iri: str) -> Record:
    """Return the public record named by an id, ``kind/slug``, or entity IRI.

    Raises UsageError (with the nearest id as a hint) when there is none.
    """
    from ..errors import UsageError
    from ..records.parse import nearest

    slug = ident.strip()
    prefix = V.entity_iri(base_iri, "", "")[:-1]  # "{base}id/"
    if slug.startswith(prefix):
        slug = slug[len(prefix) :]
    kind = None
    if "/" in slug:
        kind, _, slug = slug.partition("/")
    rec = records.get(slug)
    if rec is not None and (kind is None or TYPES[rec.type].kind == kind):
        return rec
    guess = nearest(slug, [r.id for r in records])
    raise UsageError(
        f"no public entity with the id '{ident}'",
        hint=f"did you mean '{guess}'?"
        if guess
        else "list the ids with the site's type pages, or look in data/",
    )
