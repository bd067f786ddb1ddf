"""Fixtures of the web tests: two built projects (the repository's data, and the same data with
hostile text in every kind of field), and a real HTTP server running the linked-data app."""

from __future__ import annotations

import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hrd_lod.pipeline import Built, build
from tests.conftest import require_module, require_tool

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTEFACTS = REPO / "test-artefacts"

#: Text that would break out of a <script> block, an HTML comment, an attribute or a template.
HOSTILE = "</script><script>alert(1)</script><!-- & \"q\" 'a' ]]> {{ 7*7 }} </SCRIPT >"

HOSTILE_RECORDS = f"""
- id: hostile-org
  type: Organization
  name: {json.dumps(HOSTILE)}
  alternate_name: ["<img src=x onerror=alert(2)>", "</ScRiPt\\t>\\u2028\\u2029end"]
  description: "<!-- opener </script > & &amp; \\\\u003c -->"
  knows_about: ["<b>bold</b> &lt;"]
  focus: ["\\"@context\\": {{\\"@vocab\\": \\"http://evil.example/\\"}}"]
  method: ["\\"\\"\\" ; <> . @prefix x: <http://evil.example/> ."]
  organization_type: NGO
  sources: [fld-profile-jmg]
- id: hostile-person
  type: Person
  name: "Mallory <script>alert(3)</script>"
  job_title: ["</title><script>alert(4)</script>"]
  works_for: [hostile-org]
  sources: [fld-profile-jmg]
- id: hostile-quote
  type: Quotation
  name: "Quote <!--"
  text: "</script><script>alert(5)</script> and -->"
  creator: hostile-person
  speaker_role: "<style>body{{display:none}}</style>"
  about: [hostile-org]
  sources: [fld-profile-jmg]
- id: hostile-conferral
  type: AwardConferral
  name: "Prize </script><!--"
  award: front-line-defenders-award
  laureate: [hostile-org]
  year: 2012
  rationale: ["<iframe src=javascript:alert(6)>"]
  sources: [fld-profile-jmg]
"""

HOSTILE_QUERY = """# Conferrals </script><script>alert(8)</script>
# Lists every conferral & its <laureate>.
PREFIX hrd: <https://w3id.org/hrd/ontology#>
SELECT ?c ?l WHERE { ?c hrd:laureate ?l } ORDER BY ?c
"""


def _copy_data(root: Path) -> Path:
    shutil.copytree(REPO / "data", root / "data")
    return root


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's dataset built into a temporary project (no queries/ folder)."""
    root = _copy_data(tmp_path_factory.mktemp("plain"))
    return build(root, dist=root / "dist")


@pytest.fixture(scope="session")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The dataset plus hostile text in every text field, a hostile title and a query."""
    root = _copy_data(tmp_path_factory.mktemp("hostile"))
    (root / "data" / "hostile.yaml").write_text(HOSTILE_RECORDS, encoding="utf-8")
    meta = root / "data" / "dataset.yaml"
    lines = []
    for line in meta.read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            line = "title: " + json.dumps("Hostile </title><script>alert(7)</script> & data")
        lines.append(line)
    lines += ["sparql_endpoint: https://example.org/sparql", "contact_email: data@example.org"]
    meta.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "queries").mkdir()
    (root / "queries" / "conferrals.rq").write_text(HOSTILE_QUERY, encoding="utf-8")
    return build(root, dist=root / "dist")


class Server:
    """A WSGI app served by werkzeug on a free 127.0.0.1 port in a thread."""

    def __init__(self, app: object) -> None:
        from werkzeug.serving import make_server

        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)  # type: ignore[arg-type]
        self.port = self.httpd.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(hostile: Built) -> Iterator[Server]:
    """The linked-data app over the hostile build, on a real socket."""
    from hrd_lod.web import LinkedDataApp

    with Server(LinkedDataApp(hostile.dist)) as srv:
        yield srv


def html_pages(dist: Path) -> list[Path]:
    """Return every HTML page of a built site, sorted."""
    return sorted(dist.rglob("*.html"))


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """A real headless Debian Chromium driven by Selenium (one per test module)."""
    require_module("selenium")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    for tool in (CHROMIUM, CHROMEDRIVER):
        if not tool.exists():
            require_tool(tool.name)
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1200,1400",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium')}",
    ):
        opts.add_argument(arg)
    drv = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()
