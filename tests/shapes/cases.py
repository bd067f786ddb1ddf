"""A passing and a failing example for every shape in shapes/hrd-shapes.ttl.

Each case is Turtle that adds one node (``$F``, replaced by a slug unique to the case and
example) to a small valid world (``WORLD``). The failing example must produce a result of
``expect`` on that node and nothing else on it; the passing example must validate cleanly.

A node shape that only gathers property shapes never reports under its own IRI (pyshacl names
the property shape as the source shape), so its case proves the *targeting*: the same defect
on a node of the target class fails, on an untyped node it passes. ``expect`` then names the
property shape that reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIXES = """\
@prefix hrd: <https://w3id.org/hrd/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix award: <https://w3id.org/hrd/id/award/> .
@prefix category: <https://w3id.org/hrd/id/category/> .
@prefix conferral: <https://w3id.org/hrd/id/conferral/> .
@prefix jury: <https://w3id.org/hrd/id/jury/> .
@prefix organization: <https://w3id.org/hrd/id/organization/> .
@prefix person: <https://w3id.org/hrd/id/person/> .
@prefix place: <https://w3id.org/hrd/id/place/> .
@prefix quotation: <https://w3id.org/hrd/id/quotation/> .
@prefix risk: <https://w3id.org/hrd/id/risk/> .
@prefix scheme: <https://w3id.org/hrd/id/scheme/> .
@prefix source: <https://w3id.org/hrd/id/source/> .
"""

# Every node a case refers to, each valid on its own.
WORLD = """
source:w-src a schema:CreativeWork ; schema:name "Source"@en ;
    schema:publisher organization:w-org ; schema:datePublished "2013-10-08"^^xsd:date ;
    hrd:sha256 "e1b7e6e829b4c2b5ea6d7053687b9c7288287e4a88ace4bbec13528e1b62ce27" ;
    hrd:archivedCopy "sources/page.txt" .
organization:w-org a schema:Organization ; schema:name "Org"@en ; prov:wasDerivedFrom source:w-src .
person:w-person a schema:Person ; schema:name "Person"@en ; prov:wasDerivedFrom source:w-src .
place:w-place a schema:Place ; schema:name "Place"@en ; prov:wasDerivedFrom source:w-src .
award:w-award a hrd:Award ; schema:name "Award"@en ; hrd:conferredBy organization:w-org ;
    prov:wasDerivedFrom source:w-src .
jury:w-jury a hrd:Jury , schema:Organization ; schema:name "Jury"@en ;
    schema:member organization:w-org ; prov:wasDerivedFrom source:w-src .
conferral:w-conferral a hrd:AwardConferral , schema:Event ; schema:name "Conferral"@en ;
    hrd:award award:w-award ; hrd:laureate organization:w-org ; hrd:year "2013"^^xsd:gYear ;
    prov:wasDerivedFrom source:w-src .
scheme:w-scheme a skos:ConceptScheme ; schema:name "Scheme"@en ; prov:wasDerivedFrom source:w-src .
category:w-category a hrd:AwardCategory , skos:Concept ; schema:name "Africa"@en ;
    skos:prefLabel "Africa"@en ; hrd:categoryOf award:w-award ; prov:wasDerivedFrom source:w-src .
award:w-other a hrd:Award ; schema:name "Other award"@en ; hrd:conferredBy organization:w-org ;
    prov:wasDerivedFrom source:w-src .
category:w-other-category a hrd:AwardCategory , skos:Concept ; schema:name "Asia"@en ;
    skos:prefLabel "Asia"@en ; hrd:categoryOf award:w-other ; prov:wasDerivedFrom source:w-src .
<https://w3id.org/hrd/id/award/w-award#amount-20000-chf> a schema:MonetaryAmount ;
    schema:value "20000"^^xsd:decimal ; schema:currency "CHF" .
risk:w-risk a skos:Concept , hrd:RiskType ; schema:name "Risk"@en ; skos:prefLabel "Risk"@en ;
    skos:inScheme scheme:w-scheme ; prov:wasDerivedFrom source:w-src .
"""

SRC = 'schema:name "N"@en ; prov:wasDerivedFrom source:w-src'
CONF = (
    f"a hrd:AwardConferral , schema:Event ; {SRC} ; hrd:award award:w-award ; "
    'hrd:laureate organization:w-org ; hrd:year "2013"^^xsd:gYear'
)
SOURCE = (
    'a schema:CreativeWork ; schema:name "S"@en ; '
    'schema:datePublished "2013-10-08"^^xsd:date ; '
    'hrd:sha256 "e1b7e6e829b4c2b5ea6d7053687b9c7288287e4a88ace4bbec13528e1b62ce27" ; '
    'hrd:archivedCopy "sources/page.txt"'
)
RISK = f'a skos:Concept , hrd:RiskType ; {SRC} ; skos:prefLabel "R"@en'
DERIV = "<https://w3id.org/hrd/id/person/w-person#derived-$F>"
CLAIM = (
    "a hrd:Claim , rdf:Statement ; rdf:subject person:w-person ; rdf:predicate schema:name ; "
    'rdf:object "Person"@en ; prov:wasDerivedFrom source:w-src'
)
AMOUNT = "<https://w3id.org/hrd/id/award/w-award#amount-$F>"
CATEGORY = 'a hrd:AwardCategory , skos:Concept ; schema:name "C"@en ; skos:prefLabel "C"@en'
CITED = (
    'a schema:CreativeWork ; schema:name "S"@en ; schema:publisher organization:w-org ; '
    'schema:datePublished "2013-10-08"^^xsd:date'
)


@dataclass(frozen=True)
class Case:
    """The examples for one shape: Turtle for the node $F, and the shape that must report."""

    passing: str
    failing: str
    expect: str | None = None  # local name of the reporting shape; default: the shape itself


CASES: dict[str, Case] = {
    # --- every entity ---
    "EntityShape": Case(
        'place:$F schema:description "no language" .',
        f'place:$F a schema:Place ; {SRC} ; schema:description "no language" .',
        expect="Entity-description",
    ),
    "EntityIriShape": Case(
        f"place:$F a schema:Place ; {SRC} .",
        f"<https://example.org/place/$F> a schema:Place ; {SRC} .",
    ),
    "Entity-name": Case(
        'place:$F a schema:Place ; schema:name "N"@en ; prov:wasDerivedFrom source:w-src .',
        'place:$F a schema:Place ; schema:name "N" ; prov:wasDerivedFrom source:w-src .',
    ),
    "Entity-description": Case(
        f'place:$F a schema:Place ; {SRC} ; schema:description "one"@en , "eine"@de .',
        f'place:$F a schema:Place ; {SRC} ; schema:description "one"@en , "two"@en .',
    ),
    "Entity-alternateName": Case(
        f'place:$F a schema:Place ; {SRC} ; schema:alternateName "Other"@en .',
        f'place:$F a schema:Place ; {SRC} ; schema:alternateName "Other" .',
    ),
    "Entity-sameAs": Case(
        f"place:$F a schema:Place ; {SRC} ; schema:sameAs <http://www.wikidata.org/entity/Q1> .",
        f'place:$F a schema:Place ; {SRC} ; schema:sameAs "Q1" .',
    ),
    "Entity-url": Case(
        f"place:$F a schema:Place ; {SRC} ; schema:url <https://example.org/> .",
        f'place:$F a schema:Place ; {SRC} ; schema:url "https://example.org/" .',
    ),
    # --- facts come from sources ---
    "SourcedShape": Case(
        'place:$F schema:name "N"@en .',
        'place:$F a schema:Place ; schema:name "N"@en .',
        expect="Sourced-source",
    ),
    "Sourced-source": Case(
        f"place:$F a schema:Place ; {SRC} .",
        'place:$F a schema:Place ; schema:name "N"@en ; prov:wasDerivedFrom place:w-place .',
    ),
    # --- organisations and people ---
    "OrganizationShape": Case(
        "organization:$F schema:areaServed person:w-person .",
        f"organization:$F a schema:Organization ; {SRC} ; schema:areaServed person:w-person .",
        expect="Organization-areaServed",
    ),
    "Organization-founder": Case(
        f"organization:$F a schema:Organization ; {SRC} ; schema:founder person:w-person .",
        f"organization:$F a schema:Organization ; {SRC} ; schema:founder place:w-place .",
    ),
    "Organization-member": Case(
        f"organization:$F a schema:Organization ; {SRC} ; schema:member organization:w-org .",
        f"organization:$F a schema:Organization ; {SRC} ; schema:member place:w-place .",
    ),
    "Organization-areaServed": Case(
        f"organization:$F a schema:Organization ; {SRC} ; schema:areaServed place:w-place .",
        f"organization:$F a schema:Organization ; {SRC} ; schema:areaServed person:w-person .",
    ),
    "Organization-location": Case(
        f"organization:$F a schema:Organization ; {SRC} ; schema:location place:w-place .",
        f"organization:$F a schema:Organization ; {SRC} ; schema:location person:w-person .",
    ),
    "Organization-parentOrganization": Case(
        f"organization:$F a schema:Organization ; {SRC} ; "
        "schema:parentOrganization organization:w-org .",
        f"organization:$F a schema:Organization ; {SRC} ; "
        "schema:parentOrganization place:w-place .",
    ),
    "Organization-foundingDate": Case(
        f"organization:$F a schema:Organization ; {SRC} ; "
        'schema:foundingDate "2001-01-01"^^xsd:date .',
        f'organization:$F a schema:Organization ; {SRC} ; schema:foundingDate "2001" .',
    ),
    "Organization-foundingReason": Case(
        f"organization:$F a schema:Organization ; {SRC} ; "
        'hrd:foundingReason "Founded after the murders of activists."@en .',
        f'organization:$F a schema:Organization ; {SRC} ; hrd:foundingReason "no language" .',
    ),
    "PersonShape": Case(
        'person:$F schema:jobTitle "no language" .',
        f'person:$F a schema:Person ; {SRC} ; schema:jobTitle "no language" .',
        expect="Person-jobTitle",
    ),
    "Person-jobTitle": Case(
        f'person:$F a schema:Person ; {SRC} ; schema:jobTitle "Chair"@en .',
        f'person:$F a schema:Person ; {SRC} ; schema:jobTitle "Chair" .',
    ),
    "Person-worksFor": Case(
        f"person:$F a schema:Person ; {SRC} ; schema:worksFor organization:w-org .",
        f"person:$F a schema:Person ; {SRC} ; schema:worksFor place:w-place .",
    ),
    "Person-deathDate": Case(
        f'person:$F a schema:Person ; {SRC} ; schema:deathDate "2006-10-07"^^xsd:date .',
        f'person:$F a schema:Person ; {SRC} ; schema:deathDate "2006"^^xsd:gYear .',
    ),
    "Person-deathYear": Case(
        f'person:$F a schema:Person ; {SRC} ; hrd:deathYear "2006"^^xsd:gYear .',
        f'person:$F a schema:Person ; {SRC} ; hrd:deathYear "2006-10-07"^^xsd:date .',
    ),
    # --- places ---
    "PlaceShape": Case(
        "place:$F schema:containedInPlace person:w-person .",
        f"place:$F a schema:Place ; {SRC} ; schema:containedInPlace person:w-person .",
        expect="Place-containedInPlace",
    ),
    "Place-containedInPlace": Case(
        f"place:$F a schema:Place ; {SRC} ; schema:containedInPlace place:w-place .",
        f"place:$F a schema:Place ; {SRC} ; schema:containedInPlace person:w-person .",
    ),
    # --- awards, juries, conferrals ---
    "AwardShape": Case(
        'award:$F schema:name "N"@en .',
        f"award:$F a hrd:Award ; {SRC} .",
        expect="Award-conferredBy",
    ),
    "Award-conferredBy": Case(
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org .",
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy place:w-place .",
    ),
    "Award-supportedBy": Case(
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        "hrd:supportedBy organization:w-org .",
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        "hrd:supportedBy place:w-place .",
    ),
    "Award-jury": Case(
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        "hrd:jury jury:w-jury .",
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        "hrd:jury organization:w-org .",
    ),
    "Award-purpose": Case(
        f'award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; hrd:purpose "P"@en .',
        f'award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; hrd:purpose "P" .',
    ),
    "JuryShape": Case(
        'jury:$F schema:name "N"@en .',
        f"jury:$F a hrd:Jury , schema:Organization ; {SRC} .",
        expect="Jury-member",
    ),
    "Jury-member": Case(
        f"jury:$F a hrd:Jury , schema:Organization ; {SRC} ; schema:member organization:w-org .",
        f"jury:$F a hrd:Jury , schema:Organization ; {SRC} .",
    ),
    "AwardConferralShape": Case(
        'conferral:$F hrd:year "2013"^^xsd:gYear .',
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:laureate organization:w-org ; "
        'hrd:year "2013"^^xsd:gYear .',
        expect="Conferral-award",
    ),
    "Conferral-award": Case(
        f"conferral:$F {CONF} .",
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:award organization:w-org ; "
        'hrd:laureate organization:w-org ; hrd:year "2013"^^xsd:gYear .',
    ),
    "Conferral-laureate": Case(
        f"conferral:$F {CONF} .",
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:award award:w-award ; "
        'hrd:year "2013"^^xsd:gYear .',
    ),
    "Conferral-year": Case(
        f"conferral:$F {CONF} .",
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:award award:w-award ; "
        'hrd:laureate organization:w-org ; hrd:year "2013" .',
    ),
    "Conferral-startDate": Case(
        f'conferral:$F {CONF} ; schema:startDate "2013-10-08"^^xsd:date .',
        f'conferral:$F {CONF} ; schema:startDate "2013-10-08" .',
    ),
    "Conferral-presentedBy": Case(
        f"conferral:$F {CONF} ; hrd:presentedBy person:w-person .",
        f"conferral:$F {CONF} ; hrd:presentedBy organization:w-org .",
    ),
    "Conferral-selectedBy": Case(
        f"conferral:$F {CONF} ; hrd:selectedBy jury:w-jury .",
        f"conferral:$F {CONF} ; hrd:selectedBy organization:w-org .",
    ),
    "Conferral-location": Case(
        f"conferral:$F {CONF} ; schema:location place:w-place .",
        f"conferral:$F {CONF} ; schema:location person:w-person .",
    ),
    "Conferral-rationale": Case(
        f'conferral:$F {CONF} ; hrd:rationale "for their work"@en .',
        f'conferral:$F {CONF} ; hrd:rationale "for their work" .',
    ),
    "Conferral-oneDate": Case(
        f'conferral:$F {CONF} ; schema:startDate "2013-10-08"^^xsd:date , '
        '"2013-10-09"^^xsd:date ; hrd:disputedProperty schema:startDate .',
        f'conferral:$F {CONF} ; schema:startDate "2013-10-08"^^xsd:date , "2013-10-09"^^xsd:date .',
    ),
    "Conferral-nomineeNotLaureate": Case(
        f"conferral:$F {CONF} ; hrd:nominee person:w-person .",
        f"conferral:$F {CONF} ; hrd:nominee organization:w-org .",
    ),
    "Entity-disputedProperty": Case(
        f"place:$F a schema:Place ; {SRC} ; hrd:disputedProperty schema:name .",
        f'place:$F a schema:Place ; {SRC} ; hrd:disputedProperty "name" .',
    ),
    "Conferral-dateInYear": Case(
        f'conferral:$F {CONF} ; schema:startDate "2013-10-08"^^xsd:date .',
        f'conferral:$F {CONF} ; schema:startDate "2012-10-08"^^xsd:date .',
    ),
    "Conferral-laureateKind": Case(
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:award award:w-award ; "
        'hrd:laureate person:w-person ; hrd:year "2013"^^xsd:gYear .',
        f"conferral:$F a hrd:AwardConferral ; {SRC} ; hrd:award award:w-award ; "
        'hrd:laureate place:w-place ; hrd:year "2013"^^xsd:gYear .',
    ),
    "Conferral-finalist": Case(
        f"conferral:$F {CONF} ; hrd:finalist person:w-person .",
        f"conferral:$F {CONF} ; hrd:finalist place:w-place .",
    ),
    "Conferral-nominee": Case(
        f"conferral:$F {CONF} ; hrd:nominee person:w-person .",
        f"conferral:$F {CONF} ; hrd:nominee award:w-award .",
    ),
    "Conferral-category": Case(
        f"conferral:$F {CONF} ; hrd:category category:w-category .",
        f"conferral:$F {CONF} ; hrd:category place:w-place .",
    ),
    "Conferral-representedBy": Case(
        f"conferral:$F {CONF} ; hrd:representedBy person:w-person .",
        f"conferral:$F {CONF} ; hrd:representedBy organization:w-org .",
    ),
    "Conferral-absenceReason": Case(
        f"conferral:$F {CONF} ; hrd:absentLaureate organization:w-org ; "
        'hrd:absenceReason "a travel ban"@en .',
        f"conferral:$F {CONF} ; hrd:absentLaureate organization:w-org ; "
        'hrd:absenceReason "a travel ban" .',
    ),
    "Conferral-finalistNotLaureate": Case(
        f"conferral:$F {CONF} ; hrd:finalist person:w-person .",
        f"conferral:$F {CONF} ; hrd:finalist organization:w-org .",
    ),
    "Conferral-absentIsLaureate": Case(
        f"conferral:$F {CONF} ; hrd:absentLaureate organization:w-org .",
        f"conferral:$F {CONF} ; hrd:absentLaureate person:w-person .",
    ),
    "RegionalWinnerShape": Case(
        f"conferral:$F {CONF} .",
        f"conferral:$F {CONF} . conferral:$F a hrd:GlobalLaureateConferral .",
        expect="RegionalWinner-category",
    ),
    "RegionalWinner-category": Case(
        f"conferral:$F {CONF} ; hrd:category category:w-category . "
        "conferral:$F a hrd:RegionalWinnerConferral .",
        f"conferral:$F {CONF} . conferral:$F a hrd:RegionalWinnerConferral .",
    ),
    # --- award facts, juries, countries ---
    "Award-established": Case(
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        'hrd:established "1993"^^xsd:gYear .',
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        'hrd:established "1993" .',
    ),
    "Award-prize": Case(
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        "hrd:prize <https://w3id.org/hrd/id/award/w-award#amount-20000-chf> .",
        f"award:$F a hrd:Award ; {SRC} ; hrd:conferredBy organization:w-org ; "
        'hrd:prize "20000 CHF" .',
    ),
    "Jury-year": Case(
        f"jury:$F a hrd:Jury ; {SRC} ; schema:member organization:w-org ; "
        'hrd:juryYear "2006"^^xsd:gYear .',
        f'jury:$F a hrd:Jury ; {SRC} ; schema:member organization:w-org ; hrd:juryYear "2006" .',
    ),
    "Agent-country": Case(
        f"person:$F a schema:Person ; {SRC} ; hrd:country place:w-place .",
        f"person:$F a schema:Person ; {SRC} ; hrd:country organization:w-org .",
    ),
    # --- award categories and prize money ---
    "AwardCategoryShape": Case(
        f"category:$F {SRC} ; hrd:categoryOf place:w-place .",
        f"category:$F {CATEGORY} ; prov:wasDerivedFrom source:w-src ; "
        "hrd:categoryOf place:w-place .",
        expect="AwardCategory-categoryOf",
    ),
    "AwardCategory-categoryOf": Case(
        f"category:$F {CATEGORY} ; prov:wasDerivedFrom source:w-src ; "
        "hrd:categoryOf award:w-award .",
        f"category:$F {CATEGORY} ; prov:wasDerivedFrom source:w-src .",
    ),
    "MonetaryAmountShape": Case(
        f'{AMOUNT} schema:value "twenty" ; schema:currency "CHF" .',
        f'{AMOUNT} a schema:MonetaryAmount ; schema:value "twenty" ; schema:currency "CHF" .',
        expect="MonetaryAmount-value",
    ),
    "MonetaryAmount-value": Case(
        f'{AMOUNT} a schema:MonetaryAmount ; schema:value "15000"^^xsd:decimal ; '
        'schema:currency "EUR" .',
        f'{AMOUNT} a schema:MonetaryAmount ; schema:currency "EUR" .',
    ),
    "MonetaryAmount-currency": Case(
        f'{AMOUNT} a schema:MonetaryAmount ; schema:value "15000"^^xsd:decimal ; '
        'schema:currency "EUR" .',
        f'{AMOUNT} a schema:MonetaryAmount ; schema:value "15000"^^xsd:decimal ; '
        'schema:currency "euros" .',
    ),
    # --- values sources disagree on ---
    "ClaimShape": Case(
        "<https://w3id.org/hrd/id/person/w-person#claim-$F> "
        f"{CLAIM.replace('a hrd:Claim , ', 'a ')} ; "
        'hrd:preferenceReason "one" , "two" .',
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} ; "
        'hrd:preferenceReason "one" , "two" .',
        expect="Claim-preferenceReason",
    ),
    "Claim-subject": Case(
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} .",
        "<https://w3id.org/hrd/id/person/w-person#claim-$F> a hrd:Claim ; "
        'rdf:predicate schema:name ; rdf:object "Person"@en ; prov:wasDerivedFrom source:w-src .',
    ),
    "Claim-predicate": Case(
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} .",
        "<https://w3id.org/hrd/id/person/w-person#claim-$F> a hrd:Claim ; "
        'rdf:subject person:w-person ; rdf:object "Person"@en ; prov:wasDerivedFrom source:w-src .',
    ),
    "Claim-object": Case(
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} .",
        "<https://w3id.org/hrd/id/person/w-person#claim-$F> a hrd:Claim ; "
        "rdf:subject person:w-person ; rdf:predicate schema:name ; "
        "prov:wasDerivedFrom source:w-src .",
    ),
    "Claim-source": Case(
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} .",
        "<https://w3id.org/hrd/id/person/w-person#claim-$F> a hrd:Claim ; "
        'rdf:subject person:w-person ; rdf:predicate schema:name ; rdf:object "Person"@en .',
    ),
    "Claim-preferenceReason": Case(
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} ; hrd:preferred true ; "
        'hrd:preferenceReason "the award\'s own site" .',
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} ; "
        'hrd:preferenceReason "one" , "two" .',
    ),
    "Claim-preferredHasReason": Case(
        "<https://w3id.org/hrd/id/risk/w-risk#claim-$F> a hrd:Claim ; "
        'rdf:subject risk:w-risk ; rdf:predicate schema:name ; rdf:object "Risk"@en ; '
        "prov:wasDerivedFrom source:w-src ; hrd:preferred true ; "
        'hrd:preferenceReason "the award\'s own site" .',
        f"<https://w3id.org/hrd/id/person/w-person#claim-$F> {CLAIM} ; hrd:preferred true .",
    ),
    # --- quotations ---
    "QuotationShape": Case(
        "quotation:$F schema:creator person:w-person .",
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person .",
        expect="Quotation-text",
    ),
    "Quotation-text": Case(
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en .',
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words" .',
    ),
    "Quotation-creator": Case(
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en .',
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator place:w-place ; "
        'schema:text "Words"@en .',
    ),
    "Quotation-speakerRole": Case(
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en ; hrd:speakerRole "Chair"@en .',
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en ; hrd:speakerRole "Chair" .',
    ),
    "Quotation-spokenAt": Case(
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en ; hrd:spokenAt conferral:w-conferral .',
        f"quotation:$F a schema:Quotation ; {SRC} ; schema:creator person:w-person ; "
        'schema:text "Words"@en ; hrd:spokenAt organization:w-org .',
    ),
    # --- source documents ---
    "SourceShape": Case(
        'source:$F schema:name "S"@en .', f"source:$F {SOURCE} .", expect="Source-publisher"
    ),
    "Source-publisher": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        f"source:$F {SOURCE} ; schema:publisher place:w-place .",
    ),
    "Source-datePublished": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        f"source:$F {SOURCE} ; schema:publisher organization:w-org ; "
        'schema:datePublished "2013-10-09"^^xsd:date .',
    ),
    "Source-datePublishedKnown": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        'source:$F a schema:CreativeWork ; schema:name "S"@en ; '
        "schema:publisher organization:w-org ; "
        'hrd:sha256 "e1b7e6e829b4c2b5ea6d7053687b9c7288287e4a88ace4bbec13528e1b62ce27" ; '
        'hrd:archivedCopy "sources/page.txt" .',
    ),
    "Source-sha256": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        'source:$F a schema:CreativeWork ; schema:name "S"@en ; '
        'schema:publisher organization:w-org ; schema:datePublished "2013-10-08"^^xsd:date ; '
        'hrd:sha256 "E1B7" ; hrd:archivedCopy "sources/page.txt" .',
    ),
    "Source-archivedCopy": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        f'source:$F {SOURCE} ; schema:publisher organization:w-org ; hrd:archivedCopy "b.txt" .',
    ),
    "Source-archivedOrCited": Case(
        f"source:$F {CITED} ; schema:url <https://example.org/page> ; "
        'hrd:retrieved "2026-12-04"^^xsd:date .',
        f'source:$F {CITED} ; hrd:retrieved "2026-12-04"^^xsd:date .',
    ),
    "Source-copyHasDigest": Case(
        f"source:$F {SOURCE} ; schema:publisher organization:w-org .",
        f'source:$F {CITED} ; hrd:archivedCopy "sources/page.txt" .',
    ),
    # --- risks (SKOS) ---
    "RiskTypeShape": Case(
        "risk:$F skos:broader place:w-place .",
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme ; skos:broader place:w-place .",
        expect="RiskType-broader",
    ),
    "RiskType-prefLabel": Case(
        f'risk:$F a skos:Concept , hrd:RiskType ; {SRC} ; skos:prefLabel "R"@en , "R"@de ; '
        "skos:inScheme scheme:w-scheme .",
        f'risk:$F a skos:Concept , hrd:RiskType ; {SRC} ; skos:prefLabel "R"@en , "Q"@en ; '
        "skos:inScheme scheme:w-scheme .",
    ),
    "RiskType-inScheme": Case(
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme .",
        f"risk:$F {RISK} ; skos:inScheme place:w-place .",
    ),
    "RiskType-region": Case(
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme ; hrd:riskRegion place:w-place .",
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme ; hrd:riskRegion person:w-person .",
    ),
    "RiskType-broader": Case(
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme ; skos:broader risk:w-risk .",
        f"risk:$F {RISK} ; skos:inScheme scheme:w-scheme ; skos:broader scheme:w-scheme .",
    ),
    # --- derived values ---
    "DerivationShape": Case(
        f"{DERIV} hrd:derivedFor person:w-person ; prov:wasDerivedFrom source:w-src .",
        f"{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; "
        "prov:wasDerivedFrom source:w-src .",
        expect="Derivation-method",
    ),
    "Derivation-method": Case(
        f"{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; "
        'hrd:derivationMethod "2013 - 7" ; '
        "prov:wasDerivedFrom source:w-src .",
        f"{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; "
        "prov:wasDerivedFrom source:w-src .",
    ),
    "Derivation-for": Case(
        f'{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; hrd:derivationMethod "m" ; '
        "prov:wasDerivedFrom source:w-src .",
        f'{DERIV} a hrd:Derivation ; hrd:derivedFor "w-person" ; hrd:derivationMethod "m" ; '
        "prov:wasDerivedFrom source:w-src .",
    ),
    "Derivation-source": Case(
        f'{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; hrd:derivationMethod "m" ; '
        "prov:wasDerivedFrom source:w-src .",
        f'{DERIV} a hrd:Derivation ; hrd:derivedFor person:w-person ; hrd:derivationMethod "m" .',
    ),
}


def slug(shape: str, kind: str) -> str:
    """Return the node slug of one example: lowercase, hyphens, unique per shape and kind."""
    import re

    return "t-" + re.sub(r"[^a-z0-9]+", "-", shape.lower()).strip("-") + "-" + kind


def example(shape: str, kind: str) -> str:
    """Return the Turtle statements of one example (``kind`` is 'pass' or 'fail')."""
    case = CASES[shape]
    text = case.passing if kind == "pass" else case.failing
    return text.replace("$F", slug(shape, kind))
