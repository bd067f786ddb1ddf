"""A visitor in a real headless Chromium: searches from the home page and reaches an award page,
pages through an award's history, runs a query from the SPARQL page into an HTML table; axe-core
finds no serious or critical accessibility violation; the pages fit a 375 px wide screen.

The site is served as ``hrd-lod serve`` serves it (the linked-data pages and the SPARQL endpoint
on one port, 127.0.0.1, a free port). axe-core comes from the npm registry, pinned in
``package.json`` (``npm ci`` puts it in ``node_modules/``; ``.ci/run`` does that).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from hrd_lod.export.awards import Histories
from hrd_lod.export.schemaorg import SchemaOrgMapper
from hrd_lod.pipeline import Built, build
from hrd_lod.serve import make_app
from hrd_lod.sparql.local import load_store, run_query
from tests.conftest import require_file

from .conftest import ARTEFACTS, REPO, Server

pytestmark = pytest.mark.integration

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WAIT_S = 20


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's dataset with its example queries, built into a temporary project."""
    root = tmp_path_factory.mktemp("visitor")
    shutil.copytree(REPO / "data", root / "data")
    shutil.copytree(REPO / "queries", root / "queries")
    return build(root, dist=root / "dist")


@pytest.fixture(scope="module")
def served(site: Built) -> Iterator[Server]:
    """``hrd-lod serve``'s app (pages and the SPARQL endpoint) over the build, on a socket."""
    app, close = make_app(site.dist)
    try:
        with Server(app) as srv:
            yield srv
    finally:
        close()


def _wait(driver, condition: str):  # type: ignore[no-untyped-def]
    """Wait until the JavaScript expression ``condition`` is truthy; return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script("return " + condition))


def _histories(site: Built) -> Histories:
    public = site.checked.public
    return Histories(public, SchemaOrgMapper(public, site.checked.meta))


def test_search_from_the_home_page_reaches_an_award_page(
    driver, served: Server, site: Built
) -> None:  # type: ignore[no-untyped-def]
    driver.get(served.url + "/")
    box = driver.find_element("id", "q")
    box.send_keys("martin ennals award")
    box.submit()
    _wait(driver, "document.querySelectorAll('#results li').length > 0")
    assert "/search.html?q=martin+ennals+award" in driver.current_url
    first = driver.find_element("css selector", "#results li a")
    assert first.text == "Martin Ennals Award for Human Rights Defenders"
    first.click()
    _wait(driver, "document.readyState === 'complete' && !!document.querySelector('h1')")
    assert driver.current_url.endswith("/id/award/martin-ennals-award.html")
    award = site.checked.public.get("martin-ennals-award")
    assert award is not None
    name = SchemaOrgMapper(site.checked.public, site.checked.meta).name(award)
    assert driver.find_element("tag name", "h1").text == name


def test_search_finds_a_laureate_by_part_of_the_name_and_facets_narrow(
    driver, served: Server, site: Built
) -> None:  # type: ignore[no-untyped-def]
    # accents and case are ignored; a word's start is enough
    driver.get(served.url + "/search.html?q=GEGE%20kat")
    _wait(driver, "document.querySelectorAll('#results li').length > 0")
    names = [a.text for a in driver.find_elements("css selector", "#results li > a")]
    assert names[0] == "Gégé Katana"
    # the year facet alone lists that year's conferrals and laureates
    driver.get(served.url + "/search.html?year=2013&type=Award+conferral")
    _wait(driver, "/result/.test(document.getElementById('status').textContent)")
    listed = {a.text for a in driver.find_elements("css selector", "#results li > a")}
    expected = {
        c.entry.name
        for h in _histories(site).histories
        for y in h.years
        if y.year == 2013
        for c in y.conferrals
    }
    assert listed == expected and expected
    # a word nobody has
    driver.get(served.url + "/search.html?q=zzqxv")
    _wait(driver, "document.getElementById('status').textContent === 'Nothing found.'")


def test_page_through_an_award_history(driver, served: Server, site: Built) -> None:  # type: ignore[no-untyped-def]
    history = _histories(site).by_award["front-line-defenders-award"]
    driver.get(served.url + "/id/award/front-line-defenders-award")
    seen = []
    link = driver.find_element("css selector", ".years a")  # the newest year
    while True:
        link.click()
        year = int(driver.execute_script("return location.hash.slice(2)"))
        section = driver.find_element("id", f"y{year}")
        seen.append(year)
        laureates = {
            a.text for a in section.find_elements("css selector", "dd > a:not(.meta-line)")
        }
        expected = {e.name for y in history.years if y.year == year for e in y.laureates}
        assert expected <= laureates, year
        earlier = section.find_elements("css selector", 'a[rel="prev"]')
        if not earlier:
            break
        link = earlier[0]
    assert seen == [y.year for y in history.years]


def test_run_a_query_from_the_sparql_page_into_a_table(driver, served: Server, site: Built) -> None:  # type: ignore[no-untyped-def]
    driver.get(served.url + "/sparql.html")
    driver.find_element("css selector", 'a[data-example="laureates-by-year"]').click()
    _wait(driver, "document.querySelectorAll('#results table tbody tr').length > 0")
    rows = driver.find_elements("css selector", "#results table tbody tr")
    heads = [th.text for th in driver.find_elements("css selector", "#results thead th")]
    query = (site.checked.project.root / "queries" / "laureates-by-year.rq").read_text()
    _dataset, store = load_store(site.dist)
    solutions = run_query(store, query)
    assert heads == [v.value for v in solutions.variables]  # type: ignore[union-attr]
    assert len(rows) == len(list(solutions)) > 0
    # the other formats are downloads of the same query
    links = {
        a.text: a.get_attribute("href")
        for a in driver.find_elements("css selector", "#results a[download]")
    }
    assert set(links) == {"CSV", "TSV", "JSON", "XML"}
    assert all("format=" in href and "query=" in href for href in links.values())
    # a query typed into the box
    box = driver.find_element("id", "query")
    box.clear()
    box.send_keys("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    driver.find_element("css selector", "#sparql-form button").click()
    _wait(
        driver,
        "(document.querySelector('#results thead th') || {}).textContent === 'n'",
    )
    count = int(driver.find_element("css selector", "#results tbody td").text)
    assert count == len(list(run_query(store, "SELECT * WHERE { ?s ?p ?o }")))
    # an error is shown, not swallowed
    box.clear()
    box.send_keys("SELECT nonsense")
    driver.find_element("css selector", "#sparql-form button").click()
    _wait(driver, "!!document.querySelector('#results .error')")


PAGES = {
    "home": "/",
    "award": "/id/award/martin-ennals-award",
    "entity": "/id/organization/joint-mobile-group",
    "search": "/search.html?q=joint",
    "sparql": "/sparql.html?example=laureates-by-year",
}
READY = {
    "search": "document.querySelectorAll('#results li').length > 0",
    "sparql": "document.querySelectorAll('#results table tbody tr').length > 0",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_axe_core_finds_no_serious_violation(driver, served: Server, name: str) -> None:  # type: ignore[no-untyped-def]
    axe = require_file(AXE, "axe-core (run `npm ci` in the repository)").read_text("utf-8")
    driver.set_window_size(1200, 1400)
    driver.get(served.url + PAGES[name])
    _wait(driver, READY.get(name, "document.readyState === 'complete'"))
    driver.execute_script(axe)  # injected by the driver: the pages' CSP does not apply to it
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => [v.id, v.impact, v.nodes.length, v.help])))"
        ".catch(e => done([['axe-error', 'critical', 0, String(e)]]));"
    )
    serious = [v for v in result if v[1] in ("serious", "critical")]
    assert serious == [], serious
    ARTEFACTS.mkdir(exist_ok=True)
    assert driver.save_screenshot(str(ARTEFACTS / f"site-{name}.png"))


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_fit_a_small_phone(driver, served: Server, name: str) -> None:  # type: ignore[no-untyped-def]
    # a phone's screen, as Chromium's device emulation gives it (a window cannot be that narrow)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": 375, "height": 812, "deviceScaleFactor": 1, "mobile": True},
    )
    try:
        driver.get(served.url + PAGES[name])
        _wait(driver, READY.get(name, "document.readyState === 'complete'"))
        # the page is laid out in 375 px (content wider than the screen would widen the layout
        # viewport) and nothing sticks out sideways (wide tables scroll inside their own box)
        inner = driver.execute_script("return window.innerWidth")
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert (inner, wide) == (375, 375), name
        ARTEFACTS.mkdir(exist_ok=True)
        assert driver.save_screenshot(str(ARTEFACTS / f"site-{name}-375.png"))
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_screenshots_in_docs_are_of_these_pages() -> None:
    docs = REPO / "docs" / "screenshots"
    readme = (REPO / "README.md").read_text("utf-8")
    for name in PAGES:
        shot = docs / f"{name}.png"
        assert shot.is_file() and shot.stat().st_size > 10_000, shot
        assert f"docs/screenshots/{name}.png" in readme, name


def test_footer_lines_up_with_the_main_column(driver, served: Server) -> None:  # type: ignore[no-untyped-def]
    driver.set_window_size(1200, 1400)
    for path in ("/", "/id/organization/joint-mobile-group"):
        driver.get(served.url + path)
        lefts = driver.execute_script(
            "return ['main', 'footer.site'].map(s => "
            "Math.round(document.querySelector(s).getBoundingClientRect().left))"
        )
        widths = driver.execute_script(
            "return ['main', 'footer.site'].map(s => "
            "Math.round(document.querySelector(s).getBoundingClientRect().width))"
        )
        assert lefts[0] == lefts[1] and widths[0] == widths[1], (path, lefts, widths)
