"""The embedded schema.org JSON-LD: extracted as structured-data tools do (extruct), expanded
with pyld, every type and property checked against schema.org's vocabulary, and escaping."""

from __future__ import annotations

import json
from functools import lru_cache

import extruct
import lxml.html
import pyoxigraph as ox
import pytest
from pyld import jsonld

from hrd_lod.errors import UsageError
from hrd_lod.export.entities import entity_path
from hrd_lod.export.schemaorg import SchemaOrgMapper, embed_json, find_record
from hrd_lod.pipeline import Built
from tests.conftest import require_shared

#: the schema.org vocabulary, in ``../shared/vocab/`` beside the repository (never copied here)
SCHEMA_TTL = "vocab/schemaorg-current-https-30.0.ttl"
S = "https://schema.org/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@lru_cache(maxsize=1)
def vocabulary() -> tuple[set[str], dict[str, set[str]], dict[str, set[str]]]:
    """Return (classes, property -> domainIncludes, class -> superclasses incl. itself)."""
    path = require_shared(SCHEMA_TTL)  # a clear skip where it is missing, a failure in CI
    classes: set[str] = set()
    domains: dict[str, set[str]] = {}
    parents: dict[str, set[str]] = {}
    for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        s, p, o = q.subject, q.predicate.value, q.object
        if not (isinstance(s, ox.NamedNode) and s.value.startswith(S)):
            continue
        local = s.value[len(S) :]
        if p == RDF_TYPE and o.value.endswith("#Class"):
            classes.add(local)
        elif p == RDF_TYPE and o.value.endswith("#Property"):
            domains.setdefault(local, set())
        elif p == S + "domainIncludes":
            domains.setdefault(local, set()).add(o.value[len(S) :])
        elif p == SUBCLASS and o.value.startswith(S):
            parents.setdefault(local, set()).add(o.value[len(S) :])

    def ancestors(c: str, seen: set[str]) -> set[str]:
        for p in parents.get(c, ()):
            if p not in seen:
                seen.add(p)
                ancestors(p, seen)
        return seen

    return classes, domains, {c: ancestors(c, {c}) for c in classes}


def check_node(node: object, problems: list[str], where: str, via: str | None = None) -> None:
    """Add to ``problems`` every unknown type, unknown property or property off its domain.

    ``via`` is the property the node is the value of: schema.org's Role pattern repeats it
    inside the Role (``creator: {@type: Role, roleName: .., creator: {the person}}``)."""
    classes, domains, supers = vocabulary()
    if isinstance(node, list):
        for x in node:
            check_node(x, problems, where, via)
        return
    if not isinstance(node, dict):
        return
    types = node.get("@type")
    for t in [types] if isinstance(types, str) else (types or []):
        if t not in classes:
            problems.append(f"{where}: unknown type {t}")
    for key, value in node.items():
        if key.startswith("@"):
            continue
        if key not in domains:
            problems.append(f"{where}: unknown property {key}")
        elif isinstance(types, str) and types in supers and not (supers[types] & domains[key]):
            if not ("Role" in supers[types] and key == via):
                problems.append(f"{where}: {key} is not a property of {types}")
        check_node(value, problems, f"{where}/{key}", key)


@pytest.mark.parametrize("which", ["built", "hostile"])
def test_every_type_and_property_is_schema_org(which: str, request: pytest.FixtureRequest) -> None:
    b: Built = request.getfixturevalue(which)
    problems: list[str] = []
    files = sorted((b.dist / "id").rglob("*.schema.jsonld"))
    assert len(files) == len(b.checked.public)
    for path in files:
        doc = json.loads(path.read_text("utf-8"))
        assert doc["@context"] == "https://schema.org"
        check_node(doc, problems, path.name)
    assert problems == []


def test_checker_rejects_what_is_not_schema_org() -> None:
    problems: list[str] = []
    check_node({"@type": "Award", "laureate": "x", "name": "n"}, problems, "t")
    check_node({"@type": "Place", "startDate": "2013"}, problems, "t")
    # a Role may repeat only the property it is the value of
    check_node({"creator": {"@type": "Role", "creator": {}, "author": {}}}, problems, "t")
    assert problems == [
        "t: unknown type Award",
        "t: unknown property laureate",
        "t: startDate is not a property of Place",
        "t/creator: author is not a property of Role",
    ]


def _schema_loader(url: str, options: object = None) -> dict[str, object]:
    # The live https://schema.org context maps every term under @vocab; tests stay offline.
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {
            "contentType": "application/ld+json",
            "contextUrl": None,
            "documentUrl": url,
            "document": {"@context": {"@vocab": "http://schema.org/"}},
        }
    raise AssertionError(f"unexpected fetch of {url}")


def test_extruct_finds_the_block_and_pyld_expands_it(hostile: Built) -> None:
    base = hostile.checked.meta.base_iri
    for rec in hostile.checked.public:
        page = hostile.dist / (entity_path(rec) + ".html")
        data = extruct.extract(
            page.read_text("utf-8"),
            base_url=f"{base}{entity_path(rec)}",
            syntaxes=["json-ld"],
            uniform=False,
        )
        (block,) = data["json-ld"]
        assert block["@id"] == f"{base}{entity_path(rec)}"
        expanded = jsonld.expand(block, {"documentLoader": _schema_loader})
        assert expanded[0]["@id"] == block["@id"]
        assert all(k.startswith(("@", "http://schema.org/")) for k in expanded[0])
        names = expanded[0]["http://schema.org/name"]
        assert names[0]["@value"] == SchemaOrgMapper(
            hostile.checked.public, hostile.checked.meta
        ).name(rec)
        # the name keeps its language tag through expansion
        assert names[0]["@language"] == hostile.checked.meta.language


def _t(value: object) -> object:
    """Return the text of a JSON-LD value object (or the value itself)."""
    return value["@value"] if isinstance(value, dict) and "@value" in value else value


def test_mapping_of_award_ontology_facts(built: Built) -> None:
    m = SchemaOrgMapper(built.checked.public, built.checked.meta)
    jmg = m.document(built.checked.public.get("joint-mobile-group"))
    assert jmg["@type"] == "NGO"
    assert sorted(map(_t, jmg["award"])) == [
        "Front Line Defenders Award 2011",
        "Martin Ennals Award for Human Rights Defenders 2013",
    ]
    event = m.document(built.checked.public.get("jmg-martin-ennals-award-2013"))
    assert event["@type"] == "Event" and event["startDate"] == "2013-10-08"
    assert _t(event["location"]["name"]) == "Geneva"
    about = {a["@type"]: a for a in event["about"]}
    assert _t(about["Thing"]["name"]) == "Martin Ennals Award for Human Rights Defenders"
    assert about["NGO"]["award"] == {
        "@value": "Martin Ennals Award for Human Rights Defenders 2013",
        "@language": "en",
    }
    contributors = event["contributor"]
    contributors = contributors if isinstance(contributors, list) else [contributors]
    jury = [c for c in contributors if _t(c["name"]).startswith("Jury")][0]
    assert jury["@type"] == "Organization" and len(jury["member"]) == 10
    assert _t(event["organizer"]["name"]) == "Martin Ennals Foundation"
    quote = m.document(built.checked.public.get("mary-robinson-2011-jmg"))
    assert quote["@type"] == "Quotation"
    assert _t(quote["text"]).startswith("The work of the Joint")
    # the speaker's role stays on the quotation (a Role), not on the person's job title
    creator = quote["creator"]
    assert creator["@type"] == "Role" and "jobTitle" not in creator["creator"]
    assert _t(creator["creator"]["name"]) == "Mary Robinson"
    assert _t(creator["roleName"]).startswith("former President of Ireland")
    assert creator["roleName"]["@language"] == "en"
    assert quote["recordedAt"]["@type"] == "Event"


NASTY = [
    "</script>",
    "</SCRIPT >",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    "&amp;",
    "\u2028\u2029",
    "\\u003c/script>",
    "]]>",
    "\"'`",
    "<\x00>",
    "</scr\nipt>",
]


@pytest.mark.parametrize("text", NASTY)
def test_embed_json_cannot_break_out(text: str) -> None:
    doc = {
        "@context": "https://schema.org",
        "@type": "Thing",
        "name": text,
        "alternateName": [text * 2],
        "description": {"nested": text},
    }
    out = embed_json(doc)
    assert "<" not in out and ">" not in out and "&" not in out
    assert "\u2028" not in out and "\u2029" not in out
    assert json.loads(out) == doc
    page = (
        f'<html><head><script type="application/ld+json">{out}</script></head>'
        f"<body><p>after</p></body></html>"
    )
    tree = lxml.html.fromstring(page)
    assert len(tree.xpath("//script")) == 1 and tree.xpath("//p")[0].text == "after"
    assert json.loads(tree.xpath("//script")[0].text) == doc


def test_find_record_accepts_id_kind_and_iri(built: Built) -> None:
    recs, base = built.checked.public, built.checked.meta.base_iri
    for ident in ("geneva", "place/geneva", f"{base}id/place/geneva"):
        assert find_record(recs, ident, base).id == "geneva"
    with pytest.raises(UsageError) as err:
        find_record(recs, "genva", base)
    assert err.value.hint == "did you mean 'geneva'?"
    with pytest.raises(UsageError):
        find_record(recs, "organization/geneva", base)
