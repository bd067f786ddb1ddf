"""The record types an archivist writes in ``data/``, their fields, and how each maps to RDF.

This table is the data model: the loader checks records against it, the encoder turns fields into
triples with it, the policy reads which fields are personal contact data, and ``hrd-lod init``
writes example records from it. Add a field here and every stage knows about it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from .. import vocab as V


class Kind(StrEnum):
    """The kinds of value a field holds."""

    TEXT = "text"  # a plain string (xsd:string)
    LANGTEXT = "langtext"  # a language-tagged string: "text" (default language) or {lang: text}
    REF = "ref"  # the id of another record
    DATE = "date"  # YYYY-MM-DD (xsd:date)
    YEAR = "year"  # YYYY (xsd:gYear)
    URL = "url"  # an http(s) URL, written as an IRI
    ENUM = "enum"  # one of a fixed set of words
    SHA256 = "sha256"  # 64 hex digits
    PATH = "path"  # a file inside the project, relative to data/
    MONEY = "money"  # an amount and its ISO 4217 currency: "20000 CHF" (schema:MonetaryAmount)


@dataclass(frozen=True)
class FieldSpec:
    """One field of a record type."""

    name: str
    kind: Kind
    predicates: tuple[str, ...] = ()
    many: bool = False
    required: bool = False
    ref_types: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    private: bool = False  # personal contact data: withheld unless the record marks it public
    help: str = ""


@dataclass(frozen=True)
class TypeSpec:
    """One record type: its IRI path segment, RDF classes and fields."""

    name: str
    kind: str  # the IRI path segment: id/{kind}/{slug}
    classes: tuple[str, ...]
    fields: tuple[FieldSpec, ...]
    help: str = ""
    needs_sources: bool = True
    name_predicates: tuple[str, ...] = (V.schema("name"),)
    by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {f.name: f for f in self.fields})


S, H = V.schema, V.hrd
AGENTS = ("Person", "Organization", "Jury")
LAUREATES = ("Person", "Organization")

#: Where a laureate is from, as the award lists give it (Person and Organization).
COUNTRY = FieldSpec(
    "country",
    Kind.REF,
    (H("country"),),
    many=True,
    ref_types=("Place",),
    help="the country the sources give with the name (e.g. in a list of laureates)",
)

# Fields every entity has. ``name`` is required on every type.
COMMON: tuple[FieldSpec, ...] = (
    FieldSpec("name", Kind.LANGTEXT, required=True, help="the name as the source gives it"),
    FieldSpec(
        "alternate_name",
        Kind.LANGTEXT,
        (S("alternateName"),),
        many=True,
        help="other names or spellings found in sources",
    ),
    FieldSpec(
        "description",
        Kind.LANGTEXT,
        (S("description"),),
        help="a short description in the source's words",
    ),
    FieldSpec(
        "same_as",
        Kind.URL,
        (V.OWL + "sameAs", S("sameAs")),
        many=True,
        help="the Wikidata item (or other authority) for exactly this entity",
    ),
    FieldSpec("url", Kind.URL, (S("url"),), help="the entity's own web site"),
)

CONTACT: tuple[FieldSpec, ...] = (
    FieldSpec(
        "telephone",
        Kind.TEXT,
        (S("telephone"),),
        many=True,
        private=True,
        help="personal contact data: never published unless listed in public_fields",
    ),
    FieldSpec(
        "email",
        Kind.TEXT,
        (S("email"),),
        many=True,
        private=True,
        help="personal contact data: never published unless listed in public_fields",
    ),
    FieldSpec(
        "address",
        Kind.TEXT,
        (S("address"),),
        many=True,
        private=True,
        help="personal contact data: never published unless listed in public_fields",
    ),
)

TYPES: dict[str, TypeSpec] = {}


def _add(spec: TypeSpec) -> None:
    TYPES[spec.name] = spec


_add(
    TypeSpec(
        "Organization",
        "organization",
        (S("Organization"),),
        COMMON
        + CONTACT
        + (
            FieldSpec(
                "founder",
                Kind.REF,
                (S("founder"),),
                many=True,
                ref_types=AGENTS[:2],
                help="who founded it, as the source names them",
            ),
            FieldSpec(
                "founding_date",
                Kind.DATE,
                (S("foundingDate"),),
                help="the day it was founded, when the source gives the day",
            ),
            FieldSpec(
                "founding_reason",
                Kind.LANGTEXT,
                (H("foundingReason"),),
                help="why it was founded, in the source's words",
            ),
            FieldSpec(
                "member",
                Kind.REF,
                (S("member"),),
                many=True,
                ref_types=AGENTS[:2],
                help="people or organisations the source names as its members",
            ),
            FieldSpec(
                "parent_organization",
                Kind.REF,
                (S("parentOrganization"),),
                ref_types=("Organization",),
                help="the larger organisation this one is part of",
            ),
            FieldSpec(
                "location",
                Kind.REF,
                (S("location"),),
                many=True,
                ref_types=("Place",),
                help="where the organisation is based",
            ),
            FieldSpec(
                "area_served",
                Kind.REF,
                (S("areaServed"),),
                many=True,
                ref_types=("Place",),
                help="where it works",
            ),
            COUNTRY,
            FieldSpec(
                "knows_about",
                Kind.LANGTEXT,
                (S("knowsAbout"),),
                many=True,
                help="expertise of the organisation or its members",
            ),
            FieldSpec(
                "focus",
                Kind.LANGTEXT,
                (H("focus"),),
                many=True,
                help="what it investigates or works on",
            ),
            FieldSpec("method", Kind.LANGTEXT, (H("method"),), many=True, help="how it works"),
            FieldSpec(
                "organization_type",
                Kind.ENUM,
                (),
                choices=(
                    "NGO",
                    "GovernmentOrganization",
                    "Foundation",
                    "NewsMediaOrganization",
                    "Other",
                ),
                help="adds the matching schema.org class",
            ),
        ),
        help="an organisation: a human rights group, an NGO, a publisher, a city government",
    )
)

_add(
    TypeSpec(
        "Person",
        "person",
        (S("Person"),),
        COMMON
        + CONTACT
        + (
            FieldSpec(
                "job_title",
                Kind.LANGTEXT,
                (S("jobTitle"),),
                many=True,
                help="a role as the source states it",
            ),
            FieldSpec(
                "works_for",
                Kind.REF,
                (S("worksFor"),),
                many=True,
                ref_types=("Organization",),
                help="the organisation the person works for, as the source states it",
            ),
            FieldSpec(
                "affiliation",
                Kind.REF,
                (S("affiliation"),),
                many=True,
                ref_types=("Organization",),
                help="an organisation the person is affiliated with (not employed by)",
            ),
            FieldSpec(
                "nationality",
                Kind.REF,
                (S("nationality"),),
                many=True,
                ref_types=("Place",),
                help="the country of nationality (a Place record of place_type Country)",
            ),
            FieldSpec(
                "death_date",
                Kind.DATE,
                (S("deathDate"),),
                help="the day of death, when the source gives the day (else death_year)",
            ),
            FieldSpec(
                "death_year",
                Kind.YEAR,
                (H("deathYear"),),
                help="the year of death when only the year is known",
            ),
            FieldSpec(
                "knows_about",
                Kind.LANGTEXT,
                (S("knowsAbout"),),
                many=True,
                help="the person's expertise, in the source's words",
            ),
            COUNTRY,
        ),
        help="a person named in a source",
    )
)

_add(
    TypeSpec(
        "Place",
        "place",
        (S("Place"),),
        COMMON
        + (
            FieldSpec(
                "place_type",
                Kind.ENUM,
                (),
                choices=("Country", "AdministrativeArea", "City", "Region", "Place"),
                help="adds the matching schema.org class",
            ),
            FieldSpec(
                "contained_in",
                Kind.REF,
                (S("containedInPlace"),),
                many=True,
                ref_types=("Place",),
                help="the place that contains this one",
            ),
        ),
        help="a country, region or city",
    )
)

_add(
    TypeSpec(
        "Award",
        "award",
        (H("Award"),),
        COMMON
        + (
            FieldSpec(
                "conferred_by",
                Kind.REF,
                (H("conferredBy"),),
                many=True,
                required=True,
                ref_types=("Organization",),
                help="the organisation that gives the award",
            ),
            FieldSpec(
                "supported_by",
                Kind.REF,
                (H("supportedBy"),),
                many=True,
                ref_types=("Organization",),
                help="organisations that support the award",
            ),
            FieldSpec(
                "jury",
                Kind.REF,
                (H("jury"),),
                many=True,
                ref_types=("Jury",),
                help="the award's jury (one Jury record per membership a source states)",
            ),
            FieldSpec(
                "purpose",
                Kind.LANGTEXT,
                (H("purpose"),),
                many=True,
                help="what the award is for, in the source's words",
            ),
            FieldSpec(
                "established",
                Kind.YEAR,
                (H("established"),),
                help="the year the award was created (Wikidata: inception)",
            ),
            FieldSpec(
                "prize",
                Kind.MONEY,
                (H("prize"),),
                many=True,
                help="the prize money as a source states it: amount and currency, e.g. 20000 CHF",
            ),
        ),
        help="a prize or award as such (not one year's conferral)",
    )
)

_add(
    TypeSpec(
        "Jury",
        "jury",
        (H("Jury"), S("Organization")),
        COMMON
        + (
            FieldSpec(
                "member",
                Kind.REF,
                (S("member"),),
                many=True,
                required=True,
                ref_types=AGENTS[:2],
                help="the jury's members as the source lists them",
            ),
            FieldSpec(
                "year",
                Kind.YEAR,
                (H("juryYear"),),
                many=True,
                help="the years for which a source gives this membership",
            ),
        ),
        help="the jury that selects laureates (one record per membership a source states)",
    )
)

_add(
    TypeSpec(
        "AwardConferral",
        "conferral",
        (H("AwardConferral"), S("Event")),
        COMMON
        + (
            FieldSpec(
                "award",
                Kind.REF,
                (H("award"),),
                required=True,
                ref_types=("Award",),
                help="the award conferred",
            ),
            FieldSpec(
                "laureate",
                Kind.REF,
                (H("laureate"),),
                many=True,
                required=True,
                ref_types=LAUREATES,
                help="who received it (several for laureates sharing the year)",
            ),
            FieldSpec(
                "year",
                Kind.YEAR,
                (H("year"),),
                required=True,
                help="the award's year, as the award names it",
            ),
            FieldSpec("date", Kind.DATE, (S("startDate"),), help="the day it was presented"),
            FieldSpec(
                "location",
                Kind.REF,
                (S("location"),),
                ref_types=("Place",),
                help="where it was presented (the city, or the country)",
            ),
            FieldSpec(
                "presented_by",
                Kind.REF,
                (H("presentedBy"),),
                many=True,
                ref_types=("Person",),
                help="who handed it over at the ceremony",
            ),
            FieldSpec(
                "selected_by",
                Kind.REF,
                (H("selectedBy"),),
                ref_types=("Jury",),
                help="the jury that chose the laureate that year",
            ),
            FieldSpec(
                "rationale",
                Kind.LANGTEXT,
                (H("rationale"),),
                many=True,
                help="why it was given, in the source's words",
            ),
            FieldSpec(
                "finalist",
                Kind.REF,
                (H("finalist"),),
                many=True,
                ref_types=LAUREATES,
                help="shortlisted that year but not a laureate of this conferral",
            ),
            FieldSpec(
                "nominee",
                Kind.REF,
                (H("nominee"),),
                many=True,
                ref_types=LAUREATES,
                help="nominated that year (a source's word for the shortlist before finalists)",
            ),
            FieldSpec(
                "category",
                Kind.REF,
                (H("category"),),
                ref_types=("AwardCategory",),
                help="the award's category (e.g. a region) this conferral is in",
            ),
            FieldSpec(
                "distinction",
                Kind.ENUM,
                (),
                choices=("RegionalWinner", "GlobalLaureate"),
                help="a regional winner, or the regional winner also named global laureate",
            ),
            FieldSpec(
                "represented_by",
                Kind.REF,
                (H("representedBy"),),
                many=True,
                ref_types=("Person",),
                help="the person who accepted it for a collective laureate",
            ),
            FieldSpec(
                "absent_laureate",
                Kind.REF,
                (H("absentLaureate"),),
                many=True,
                ref_types=LAUREATES,
                help="a laureate who could not attend the ceremony",
            ),
            FieldSpec(
                "absence_reason",
                Kind.LANGTEXT,
                (H("absenceReason"),),
                help="why the laureate could not attend (e.g. a travel ban)",
            ),
        ),
        help="one conferring of an award on a laureate (or on laureates sharing a year)",
    )
)

_add(
    TypeSpec(
        "Quotation",
        "quotation",
        (S("Quotation"),),
        COMMON
        + (
            FieldSpec(
                "text",
                Kind.LANGTEXT,
                (S("text"),),
                required=True,
                help="the words quoted, exactly as the source gives them",
            ),
            FieldSpec(
                "creator",
                Kind.REF,
                (S("creator"),),
                required=True,
                ref_types=AGENTS[:2],
                help="who said it",
            ),
            FieldSpec(
                "speaker_role",
                Kind.LANGTEXT,
                (H("speakerRole"),),
                help="the speaker's role as the source states it",
            ),
            FieldSpec(
                "about",
                Kind.REF,
                (S("about"),),
                many=True,
                ref_types=("Organization", "Person", "Award", "AwardConferral", "Place"),
                help="what or whom the quotation is about",
            ),
            FieldSpec(
                "spoken_at",
                Kind.REF,
                (H("spokenAt"),),
                ref_types=("AwardConferral",),
                help="the ceremony (conferral) at which it was said",
            ),
        ),
        help="something a person said, as a source reports it",
    )
)

_add(
    TypeSpec(
        "Source",
        "source",
        (S("CreativeWork"),),
        COMMON
        + (
            FieldSpec(
                "publisher",
                Kind.REF,
                (S("publisher"),),
                required=True,
                ref_types=("Organization",),
                help="the id of the publisher's Organization record",
            ),
            FieldSpec(
                "date_published",
                Kind.DATE,
                (S("datePublished"),),
                help="the day the document was published, if it says so",
            ),
            FieldSpec(
                "archived_copy",
                Kind.PATH,
                (H("archivedCopy"),),
                help="the archived file, relative to data/ (a page cited by its url has none)",
            ),
            FieldSpec(
                "sha256",
                Kind.SHA256,
                (H("sha256"),),
                help="SHA-256 of the archived file (checked at every build)",
            ),
            FieldSpec(
                "media_type",
                Kind.TEXT,
                (S("encodingFormat"),),
                help="the archived file's media type (source add fills it in)",
            ),
            FieldSpec(
                "retrieved",
                Kind.DATE,
                (H("retrieved"),),
                help="the day the archived copy was captured, or the cited page was read",
            ),
        ),
        help="a source document facts are read from: an archived copy with its SHA-256, or a "
        "page cited by its url (cited, not archived)",
        needs_sources=False,
    )
)

_add(
    TypeSpec(
        "RiskType",
        "risk",
        (V.SKOS + "Concept", H("RiskType")),
        COMMON
        + (
            FieldSpec(
                "in_scheme",
                Kind.REF,
                (V.SKOS + "inScheme",),
                required=True,
                ref_types=("ConceptScheme",),
                help="the concept scheme (list of risk types) it belongs to",
            ),
            FieldSpec(
                "broader",
                Kind.REF,
                (V.SKOS + "broader",),
                many=True,
                ref_types=("RiskType",),
                help="the wider risk type this one is a kind of",
            ),
            FieldSpec(
                "region",
                Kind.REF,
                (H("riskRegion"),),
                many=True,
                ref_types=("Place",),
                help="where defenders face this risk",
            ),
            FieldSpec(
                "particularly_at_risk",
                Kind.REF,
                (H("particularRiskRegion"),),
                many=True,
                ref_types=("Place",),
                help="regions the source singles out",
            ),
        ),
        help="a kind of risk human rights defenders face (a SKOS concept)",
        name_predicates=(S("name"), V.SKOS + "prefLabel"),
    )
)

_add(
    TypeSpec(
        "AwardCategory",
        "category",
        (H("AwardCategory"), V.SKOS + "Concept"),
        COMMON
        + (
            FieldSpec(
                "award",
                Kind.REF,
                (H("categoryOf"),),
                required=True,
                ref_types=("Award",),
                help="the award this is a category of",
            ),
        ),
        help="a category of an award, e.g. one of its regions",
        name_predicates=(S("name"), V.SKOS + "prefLabel"),
    )
)

_add(
    TypeSpec(
        "ConceptScheme",
        "scheme",
        (V.SKOS + "ConceptScheme",),
        COMMON,
        help="a SKOS concept scheme, e.g. the risk types",
        name_predicates=(S("name"), V.SKOS + "prefLabel"),
    )
)

# Keys that are part of every record but are not fields with predicates.
META_KEYS = (
    "id",
    "type",
    "sources",
    "field_sources",
    "visibility",
    "public_fields",
    "derived",
    "claims",
    "note",
    "added",
    "at_risk",
    "wikidata_consent",
)
#: Record keys that hold yes/no: ``at_risk`` (the person or group is at risk: their facts are
#: kept out of exports to third-party platforms such as Wikidata) and ``wikidata_consent``
#: (their award facts may go to Wikidata all the same).
FLAG_KEYS = ("at_risk", "wikidata_consent")
VISIBILITIES = ("public", "restricted")

ORG_TYPE_CLASSES = {
    "NGO": S("NGO"),
    "GovernmentOrganization": S("GovernmentOrganization"),
    "Foundation": S("Organization"),
    "NewsMediaOrganization": S("NewsMediaOrganization"),
    "Other": S("Organization"),
}
DISTINCTION_CLASSES = {
    "RegionalWinner": H("RegionalWinnerConferral"),
    "GlobalLaureate": H("GlobalLaureateConferral"),
}
PLACE_TYPE_CLASSES = {
    "Country": S("Country"),
    "AdministrativeArea": S("AdministrativeArea"),
    "City": S("City"),
    "Region": S("AdministrativeArea"),
    "Place": S("Place"),
}


def type_for_kind(kind: str) -> TypeSpec | None:
    """Return the record type whose IRI path segment is ``kind``, if any."""
    for spec in TYPES.values():
        if spec.kind == kind:
            return spec
    return None
