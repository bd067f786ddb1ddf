"""A real headless Chromium reads the served pages as a crawler does."""

from __future__ import annotations

import json

import pytest

from hrd_lod.pipeline import Built

from .conftest import ARTEFACTS, HOSTILE, Server

pytestmark = pytest.mark.integration


READ_BLOCKS = """
return Array.from(document.querySelectorAll('script[type="application/ld+json"]'))
            .map(s => s.textContent);
"""


def test_chromium_reads_the_embedded_json_ld(driver, server: Server, hostile: Built) -> None:  # type: ignore[no-untyped-def]
    cases = {
        "/id/organization/joint-mobile-group": ("NGO", "Joint Mobile Group"),
        "/id/conferral/jmg-martin-ennals-award-2013": (
            "Event",
            "2013 Martin Ennals Award to the Joint Mobile Group",
        ),
        "/id/award/martin-ennals-award": (
            "Thing",
            "Martin Ennals Award for Human Rights Defenders",
        ),
        "/id/quotation/mary-robinson-2011-jmg": (
            "Quotation",
            "Mary Robinson on the Joint Mobile Group (2011)",
        ),
        "/id/organization/hostile-org": ("NGO", HOSTILE),
    }
    for path, (typ, name) in cases.items():
        driver.get(server.url + path)
        blocks = driver.execute_script(READ_BLOCKS)
        assert len(blocks) == 1, path
        data = json.loads(blocks[0])
        assert (data["@type"], data["name"]["@value"]) == (typ, name)
        assert data["@context"] == "https://schema.org"
        assert driver.find_element("tag name", "h1").text == name.strip()
        # nothing in the data ran: no script element but the data block, no alert opened
        count = driver.execute_script("return document.scripts.length")
        assert count == 1
        assert driver.execute_script("return document.querySelectorAll('img,iframe').length") == 0


def test_chromium_screenshot_of_the_index(driver, server: Server) -> None:  # type: ignore[no-untyped-def]
    driver.get(server.url + "/")
    assert "The awards, year by year" in driver.find_element("tag name", "main").text
    # the inline stylesheet is allowed by its hash: the header bar is coloured
    bg = driver.execute_script(
        "return getComputedStyle(document.querySelector('header.site')).backgroundColor"
    )
    assert bg == "rgb(31, 58, 95)"
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "index.png"
    assert driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_chromium_opens_pages_from_file_urls(driver, built: Built) -> None:  # type: ignore[no-untyped-def]
    driver.get((built.dist / "id/place/geneva.html").as_uri())
    assert driver.find_element("tag name", "h1").text == "Geneva"
    bg = driver.execute_script(
        "return getComputedStyle(document.querySelector('header.site')).backgroundColor"
    )
    assert bg == "rgb(31, 58, 95)"
    driver.find_element("link text", "Places").click()
    assert driver.current_url.endswith("/id/place/index.html")
