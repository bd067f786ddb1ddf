"""The HTML site: strictly valid pages, links that resolve, escaping of hostile text, the index,
type lists, queries, ontology documentation, sitemap and robots.txt."""

from __future__ import annotations

import hashlib
import json
import posixpath
import shutil
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import html5lib
import lxml.html
import pytest
import rdflib

from hrd_lod import vocab as V
from hrd_lod.pipeline import Built

from .conftest import HOSTILE, html_pages


def _doc(path: Path) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(path.read_bytes())


@pytest.mark.parametrize("which", ["built", "hostile"])
def test_every_page_parses_strictly(which: str, request: pytest.FixtureRequest) -> None:
    b: Built = request.getfixturevalue(which)
    pages = html_pages(b.dist)
    assert len(pages) > 50
    parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
    for page in pages:
        parser.parse(page.read_bytes())  # raises html5lib ParseError on any error
        assert not parser.errors, (page, parser.errors[:3])


@pytest.mark.parametrize("which", ["built", "hostile"])
def test_every_internal_link_resolves(which: str, request: pytest.FixtureRequest) -> None:
    b: Built = request.getfixturevalue(which)
    checked = 0
    for page in html_pages(b.dist):
        rel_page = page.relative_to(b.dist).as_posix()
        doc = _doc(page)
        for _el, _attr, link, _pos in doc.iterlinks():
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                assert parts.scheme in ("http", "https", "mailto"), link
                continue
            target = (
                posixpath.normpath(posixpath.join(posixpath.dirname(rel_page), parts.path))
                if parts.path
                else rel_page
            )
            assert not target.startswith(".."), (rel_page, link)
            path = b.dist / target
            assert path.is_file(), f"{rel_page}: broken link {link}"
            if parts.fragment and path.suffix == ".html":
                assert _doc(path).get_element_by_id(parts.fragment) is not None, link
            checked += 1
    assert checked > 500


#: The only pages that run a script: the site's own, from its assets/ folder.
SCRIPTED = {"search.html": "assets/search.js", "sparql.html": "assets/sparql.js"}


def test_pages_forbid_scripts_and_hostile_text_stays_text(hostile: Built) -> None:
    for page in html_pages(hostile.dist):
        rel = page.relative_to(hostile.dist).as_posix()
        raw = page.read_bytes()
        assert b"<script>alert" not in raw.lower() and b"<!--" not in raw, page
        doc = _doc(page)
        csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert csp and "default-src 'none'" in csp[0], page
        scripts = doc.xpath("//script")
        if rel in SCRIPTED:
            assert "script-src 'self';" in csp[0] and "unsafe" not in csp[0]
            assert [s.get("src") for s in scripts] == [SCRIPTED[rel]]
            assert (hostile.dist / SCRIPTED[rel]).is_file()
        else:
            assert "script-src" not in csp[0], page
            assert all(s.get("type") == "application/ld+json" for s in scripts), page
        assert not doc.xpath("//img | //iframe | //body//style | //b | //object"), page
        assert len(doc.xpath("//title")) == 1
    # the SPARQL page asks the configured endpoint, and its CSP allows exactly that origin
    sparql = _doc(hostile.dist / "sparql.html")
    assert sparql.get_element_by_id("sparql-form").get("data-endpoint") == (
        "https://example.org/sparql"
    )
    csp = sparql.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "connect-src 'self' https://example.org;" in csp
    page = hostile.dist / "id/organization/hostile-org.html"
    doc = _doc(page)
    assert doc.xpath("//h1")[0].text_content() == HOSTILE
    (block,) = doc.xpath('//script[@type="application/ld+json"]')
    embedded = json.loads(block.text)
    assert embedded["name"] == {"@value": HOSTILE, "@language": "en"}
    assert embedded == json.loads(page.with_name("hostile-org.schema.jsonld").read_text("utf-8"))
    # the hostile title of the dataset is text in every page's <title>
    assert "</title><script>alert(7)</script>" in doc.xpath("//title")[0].text_content()


def _facts(doc: lxml.html.HtmlElement) -> dict[str, list[tuple[str, list[str]]]]:
    """Return the first facts table as label -> [(value, its source notes' titles)]."""
    notes = {li.get("id"): li.text_content().strip() for li in doc.xpath('//ol[@class="notes"]/li')}
    rows: dict[str, list[tuple[str, list[str]]]] = {}
    for tr in doc.xpath('(//table[@class="facts"])[1]/tbody/tr'):
        label = tr.xpath("./th")[0].text_content().strip()
        cell = tr.xpath("./td")[0]
        items = cell.xpath("./ul/li") or [cell]
        for item in items:
            refs = [a.get("href")[1:] for a in item.xpath('.//sup[@class="note"]/a')]
            value = "".join(t for t in item.xpath(".//text()[not(ancestor::sup)]")).strip()
            rows.setdefault(label, []).append((value, [notes[r] for r in refs]))
    return rows


def test_entity_page_shows_facts_with_numbered_source_notes(built: Built) -> None:
    doc = _doc(built.dist / "id/conferral/jmg-martin-ennals-award-2013.html")
    rows = _facts(doc)
    hrf = (
        "Joint Mobile Group Selected as the 2013 Laureate Martin Ennals Award for Human "
        "Rights Defenders"
    )
    fld = "Profile: the Joint Mobile Group: winners of the Front Line Award 2011"
    # the date is stated by one source only (field_sources), the award by both
    assert rows["start date"] == [("2013-10-08", [hrf])]
    assert sorted(rows["award"][0][1]) == sorted([fld, hrf])
    assert rows["award"][0][0] == "Martin Ennals Award for Human Rights Defenders"
    assert rows["location"] == [("Geneva", [hrf])]
    # each source is listed once, as a numbered note, whatever number of facts cite it
    notes = [li.text_content().strip() for li in doc.xpath('//ol[@class="notes"]/li')]
    assert sorted(notes) == sorted([fld, hrf])
    assert len(doc.xpath('//a[@class="source"]')) == 0
    links = {a.get("href") for a in doc.xpath("//a")}
    assert {
        "../../id/place/geneva.html",
        "jmg-martin-ennals-award-2013.ttl",
        "jmg-martin-ennals-award-2013.jsonld",
    } <= links
    assert doc.xpath('//a[@rel="license"]/@href')[0] == built.checked.meta.license
    # plain words: a summary sentence, a type label without CURIEs, no language chips
    summary = doc.xpath('//p[@class="summary"]')[0].text_content()
    assert summary == (
        "The Martin Ennals Award for Human Rights Defenders of 2013, conferred on "
        "Joint Mobile Group."
    )
    text = doc.xpath("//main")[0].text_content()
    assert "schema:" not in text.split("Identifier")[0]
    assert not doc.xpath('//span[@class="lang"]')


def test_laureate_page_opens_with_its_awards_linked(built: Built) -> None:
    doc = _doc(built.dist / "id/organization/joint-mobile-group.html")
    summary = doc.xpath('//p[@class="summary"]')[0]
    assert summary.text_content().startswith(
        "Laureate of the Front Line Defenders Award 2011 and Martin Ennals Award for Human "
        "Rights Defenders 2013"
    )
    assert [a.get("href") for a in summary.xpath(".//a")][:2] == [
        "../../id/conferral/jmg-front-line-defenders-award-2011.html",
        "../../id/conferral/jmg-martin-ennals-award-2013.html",
    ]
    # one canonical link (the entity IRI), one alternate per media type
    assert doc.xpath('//link[@rel="canonical"]/@href') == [
        "https://w3id.org/hrd/id/organization/joint-mobile-group"
    ]
    types = doc.xpath('//link[@rel="alternate"]/@type')
    assert sorted(types) == ["application/ld+json", "text/turtle"]


def test_quotation_page_names_the_speaker_and_the_role_the_source_gives(built: Built) -> None:
    doc = _doc(built.dist / "id/quotation/mary-robinson-2011-jmg.html")
    summary = doc.xpath('//p[@class="summary"]')[0]
    text = summary.text_content()
    assert text.startswith("Said by Mary Robinson, former President of Ireland")
    assert text.endswith("about Joint Mobile Group.")
    assert summary.xpath(".//a/@href")[0] == "../../id/person/mary-robinson.html"


def test_other_languages_are_marked_and_only_they(built: Built) -> None:
    page_lang = built.checked.meta.language
    marked = 0
    for page in html_pages(built.dist):
        doc = _doc(page)
        assert doc.get("lang") == page_lang
        for el in doc.xpath("//main//*[@lang]"):
            assert el.get("lang") != page_lang, page
            marked += 1
    others = [
        v
        for r in built.checked.public
        for vals in r.values.values()
        for v in vals
        if getattr(v, "lang", page_lang) != page_lang
    ]
    assert (marked > 0) == bool(others)


def test_data_page_lists_every_dump_with_size_and_checksum(built: Built) -> None:
    doc = _doc(built.dist / "data.html")
    rows = {}
    for li in doc.xpath('//ul[@class="files"]/li'):
        path = li.xpath("./a")[0].text_content()
        digest = li.xpath('./code[@class="hash"]')[0].text_content().split()[-1]
        rows[path] = digest
    expected = [p for p in built.dist.iterdir() if p.is_file() and p.name.startswith("hrd.")]
    expected += list((built.dist / "ontology").glob("*.ttl"))
    expected += list((built.dist / "shapes").glob("*.ttl"))
    for path in expected:
        rel = path.relative_to(built.dist).as_posix()
        assert rows[rel] == hashlib.sha256(path.read_bytes()).hexdigest(), rel
    assert "context.jsonld" in rows
    assert not any(r.startswith("id/") for r in rows)
    text = doc.text_content()
    meta = built.checked.meta
    assert meta.version in text and meta.title_text() in text
    assert doc.xpath('//a[@rel="license"]/@href')[0] == meta.license


def test_home_page_starts_a_visitor_off(built: Built) -> None:
    doc = _doc(built.dist / "index.html")
    # no table of checksums here any more: they are on the data page
    assert not doc.xpath('//code[@class="hash"]')
    form = doc.xpath('//form[@role="search"]')[0]
    assert form.get("action") == "search.html" and form.xpath('.//input[@name="q"]')
    # each award's timeline, newest year first, laureates linked to their pages
    public = built.checked.public
    for award in public.of_type("Award"):
        heading = doc.xpath(f'//h3[@id="award-{award.id}"]')[0]
        timeline = heading.getparent().xpath('.//ol[@class="timeline"]/li')
        years = [int(li.xpath('./span[@class="year"]')[0].text) for li in timeline]
        assert years == sorted(years, reverse=True) and years
        recorded = sorted(
            {
                int(str(c.first("year")))
                for c in public.of_type("AwardConferral")
                if getattr(c.first("award"), "id", None) == award.id
            },
            reverse=True,
        )
        assert years == recorded[: len(years)]
        for a in timeline[0].xpath(".//a"):
            assert (built.dist / a.get("href")).is_file()
    assert doc.xpath('//h2[text()="Latest laureates"]') and doc.xpath('//h2[text()="Countries"]')
    counts = {
        a.text_content(): int(a.tail.strip(" ()"))
        for a in doc.xpath('//h2[text()="Browse"]/following-sibling::ul[1]/li/a')
    }
    assert counts["Organizations"] == len(public.of_type("Organization"))
    assert sum(counts.values()) == len(public)


def test_award_page_lists_every_year_with_laureates(built: Built) -> None:
    public = built.checked.public
    doc = _doc(built.dist / "id/award/front-line-defenders-award.html")
    sections = doc.xpath('//div[@class="history"]/section')
    mine = [
        c
        for c in public.of_type("AwardConferral")
        if getattr(c.first("award"), "id", None) == "front-line-defenders-award"
    ]
    assert [int(s.get("id")[1:]) for s in sections] == sorted(
        {int(str(c.first("year"))) for c in mine}, reverse=True
    )
    linked = {
        a.get("href").rsplit("/", 1)[-1][: -len(".html")]
        for a in doc.xpath('//div[@class="history"]//a')
    }
    for c in mine:
        assert c.id in linked
        for field in ("laureate", "finalist", "nominee"):
            for ref in c.values.get(field, ()):
                if public.get(ref.id) is not None:
                    assert ref.id in linked, (c.id, field, ref.id)
    # the conferrals are listed once, in the history, not again under "Mentioned in"
    labels = [th.text_content() for th in doc.xpath('//table[@class="facts"]//th[@scope="row"]')]
    assert "award" not in labels
    # regional winners are named with their region
    y2018 = doc.get_element_by_id("y2018").text_content()
    assert "(global laureate)" in y2018 and "Africa" in y2018


def test_type_pages_list_every_entity(built: Built) -> None:
    doc = _doc(built.dist / "id/organization/index.html")
    hrefs = sorted(a.get("href") for a in doc.xpath('//ul[@class="entities"]//a'))
    assert hrefs == sorted(f"{r.id}.html" for r in built.checked.public.of_type("Organization"))


def test_queries_page_absent_and_present(built: Built, hostile: Built) -> None:
    plain = _doc(built.dist / "queries/index.html").text_content()
    assert "ships no example queries" in plain
    doc = _doc(hostile.dist / "queries/index.html")
    (section,) = doc.xpath('//section[@class="query"]')
    assert (
        section.xpath("./h2")[0].text_content() == "Conferrals </script><script>alert(8)</script>"
    )
    assert "hrd:laureate" in section.xpath(".//pre")[0].text_content()
    assert (hostile.dist / "queries/conferrals.rq").read_bytes() == (
        hostile.checked.project.root / "queries/conferrals.rq"
    ).read_bytes()
    assert "https://example.org/sparql" in doc.text_content()


def test_ontology_page_documents_every_term(built: Built) -> None:
    g = rdflib.Graph()
    for f in built.checked.project.ontology_files():
        g.parse(f, format="turtle")
    terms = {
        str(s)
        for s in g.subjects()
        if isinstance(s, rdflib.URIRef) and str(s).startswith(V.HRD) and len(str(s)) > len(V.HRD)
    }
    doc = _doc(built.dist / "ontology/index.html")
    ids = {el.get("id") for el in doc.xpath('//section[@class="term"]')}
    assert ids == {t[len(V.HRD) :] for t in terms}
    award = doc.get_element_by_id("award").text_content()
    assert "hrd:AwardConferral" in award and "hrd:Award" in award  # domain and range
    laureate = doc.get_element_by_id("laureate").text_content()
    assert "schema:Person" in laureate and "schema:Organization" in laureate  # union range
    assert "wd:Q618779" in doc.get_element_by_id("Award").text_content()  # alignment


def test_sitemap_and_robots(built: Built) -> None:
    site = built.checked.meta.homepage
    tree = ElementTree.parse(built.dist / "sitemap.xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in tree.getroot().findall("s:url/s:loc", ns)]
    assert locs == sorted(locs)
    assert all(loc.startswith(site) for loc in locs)
    assert {loc[len(site) :] for loc in locs} == {
        p.relative_to(built.dist).as_posix() for p in html_pages(built.dist)
    }
    robots = (built.dist / "robots.txt").read_text()
    assert f"Sitemap: {site}sitemap.xml" in robots


def test_home_page_names_at_most_a_few_laureates_a_year(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    from hrd_lod.export.site import YEAR_NAMES
    from hrd_lod.pipeline import build

    from .conftest import REPO

    root = tmp_path_factory.mktemp("many")
    shutil.copytree(REPO / "data", root / "data")
    many = YEAR_NAMES + 3
    people = "\n".join(
        f"- id: many-{i:02d}\n  type: Person\n  name: Laureate {i:02d}\n"
        f"  sources: [fld-profile-jmg]"
        for i in range(many)
    )
    conferral = (
        "- id: mea-2030\n  type: AwardConferral\n  name: 2030 Martin Ennals Award\n"
        "  award: martin-ennals-award\n  year: 2030\n"
        f"  laureate: [{', '.join(f'many-{i:02d}' for i in range(many))}]\n"
        "  sources: [fld-profile-jmg]\n"
    )
    (root / "data" / "many.yaml").write_text(people + "\n" + conferral, encoding="utf-8")
    b = build(root, dist=root / "dist")
    doc = _doc(b.dist / "index.html")
    row = doc.xpath('//h3[@id="award-martin-ennals-award"]/..//ol[@class="timeline"]/li')[0]
    assert row.xpath('./span[@class="year"]')[0].text == "2030"
    links = row.xpath(".//a")
    assert [a.text for a in links[:-1]] == [f"Laureate {i:02d}" for i in range(YEAR_NAMES)]
    assert links[-1].text == "and 3 more"
    assert links[-1].get("href") == "id/award/martin-ennals-award.html#y2030"
    # the award page names them all
    award = _doc(b.dist / "id/award/martin-ennals-award.html").get_element_by_id("y2030")
    assert len(award.xpath(".//dd/a[not(@class)]")) == many


def test_source_page_says_what_it_is_and_how_much_is_read_from_it(built: Built) -> None:
    graph = V.graph_iri(built.checked.meta.base_iri, "fld-profile-jmg")
    stated = sum(
        1
        for line in (built.dist / "hrd.nq").read_text("utf-8").splitlines()
        if line.endswith(f"<{graph}> .")
    )
    doc = _doc(built.dist / "id/source/fld-profile-jmg.html")
    assert doc.xpath('//p[@class="summary"]')[0].text_content() == (
        "A document published by Front Line Defenders; an archived copy is kept, and every "
        f"build checks its checksum. The dataset states {stated} facts read from it."
    )
    cited = _doc(built.dist / "id/source/blacklooks-2007.html")
    text = cited.xpath('//p[@class="summary"]')[0].text_content()
    assert "; cited, not archived (read on " in text


def test_home_page_lists_the_latest_additions(built: Built) -> None:
    doc = _doc(built.dist / "index.html")
    public = built.checked.public
    days = sorted({r.added for r in public if r.added is not None}, reverse=True)
    items = doc.xpath('//ul[@class="additions"]/li')
    assert days and len(items) == min(2, len(days))
    newest = [r for r in public if r.added == days[0]]
    text = items[0].text_content()
    assert text.startswith(f"{days[0].day} ") and str(days[0].year) in text
    # every link of the day goes to the page of a public record added that day
    ids = {r.id for r in newest}
    links = items[0].xpath(".//a/@href")
    assert links and all(href.rsplit("/", 1)[-1].removesuffix(".html") in ids for href in links)
    assert f"and {len(newest) - len(links)} more" in text
