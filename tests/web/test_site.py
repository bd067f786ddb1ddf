"""The HTML site: strictly valid pages, links that resolve, escaping of hostile text, the index,
type lists, queries, ontology documentation, sitemap and robots.txt."""

from __future__ import annotations

import hashlib
import json
import posixpath
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


def test_pages_forbid_scripts_and_hostile_text_stays_text(hostile: Built) -> None:
    for page in html_pages(hostile.dist):
        raw = page.read_bytes()
        assert b"<script>alert" not in raw.lower() and b"<!--" not in raw, page
        doc = _doc(page)
        csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
        assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]
        scripts = doc.xpath("//script")
        assert all(s.get("type") == "application/ld+json" for s in scripts), page
        assert not doc.xpath("//img | //iframe | //body//style | //b | //object"), page
        assert len(doc.xpath("//title")) == 1
    page = hostile.dist / "id/organization/hostile-org.html"
    doc = _doc(page)
    assert doc.xpath("//h1")[0].text_content() == HOSTILE
    (block,) = doc.xpath('//script[@type="application/ld+json"]')
    embedded = json.loads(block.text)
    assert embedded["name"] == HOSTILE
    assert embedded == json.loads(page.with_name("hostile-org.schema.jsonld").read_text("utf-8"))
    # the hostile title of the dataset is text in every page's <title>
    assert "</title><script>alert(7)</script>" in doc.xpath("//title")[0].text_content()


def test_entity_page_shows_facts_with_their_sources(built: Built) -> None:
    doc = _doc(built.dist / "id/conferral/jmg-martin-ennals-award-2013.html")
    rows = {}
    for tr in doc.xpath('//table[@class="facts"][1]/tbody/tr'):
        label = tr.xpath("./th")[0].text_content().strip()
        value = tr.xpath("./td")[0].text_content().strip()
        sources = [a.text_content() for a in tr.xpath('./td/a[@class="source"]')]
        rows.setdefault(label, []).append((value, sources))
    hrf = (
        "Joint Mobile Group Selected as the 2013 Laureate Martin Ennals Award for Human "
        "Rights Defenders"
    )
    fld = "Profile: the Joint Mobile Group: winners of the Front Line Award 2011"
    # the date is stated by one source only (field_sources), the award by both
    assert rows["start date"] == [("2013-10-08", [hrf])]
    assert rows["award"] == [("Martin Ennals Award for Human Rights Defenders", [fld, hrf])]
    assert rows["location"] == [("Geneva", [hrf])]
    links = {a.get("href") for a in doc.xpath("//a")}
    assert {
        "../../id/place/geneva.html",
        "jmg-martin-ennals-award-2013.ttl",
        "jmg-martin-ennals-award-2013.jsonld",
    } <= links
    assert doc.xpath('//a[@rel="license"]/@href')[0] == built.checked.meta.license


def test_index_page_lists_every_dump_with_size_and_checksum(built: Built) -> None:
    doc = _doc(built.dist / "index.html")
    rows = {}
    for tr in doc.xpath('//table[@class="files"]/tbody/tr'):
        cells = [td.text_content().strip() for td in tr.xpath("./td")]
        rows[cells[0]] = (int(cells[2]), cells[3])
    expected = [p for p in built.dist.iterdir() if p.is_file() and p.name.startswith("hrd.")]
    expected += list((built.dist / "ontology").glob("*.ttl"))
    expected += list((built.dist / "shapes").glob("*.ttl"))
    for path in expected:
        rel = path.relative_to(built.dist).as_posix()
        data = path.read_bytes()
        assert rows[rel] == (len(data), hashlib.sha256(data).hexdigest()), rel
    assert "context.jsonld" in rows
    assert not any(r.startswith("id/") for r in rows)
    text = doc.text_content()
    meta = built.checked.meta
    assert meta.version in text and meta.license in text and meta.title_text() in text
    counts = {
        tr.xpath("./td")[0].text_content(): int(tr.xpath("./td")[1].text_content())
        for tr in doc.xpath('//table[@class="counts"]/tbody/tr')
    }
    assert counts["Organizations"] == len(built.checked.public.of_type("Organization"))
    assert sum(counts.values()) == len(built.checked.public)


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
