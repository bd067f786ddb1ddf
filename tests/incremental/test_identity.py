"""Every way ``build()`` takes gives the bytes of the plain path.

The plain path builds everything in one process from a copy without a previous edition or
anything kept (``full=True, parallel=False``, no ``.hrd-cache``). The ways a user's build
takes instead: the second core where it pays, the previous ``--no-site`` edition patched, the
unchanged per-entity files linked from the previous edition. Each must write the same bytes,
on the seed dataset (this repository's ``data/``) and on generated projects of 1,000 and
10,000 conferrals (``bench/generate.py``), with and without the site, before and after a
record changes. (The committed ``dist/`` pins the seed's bytes themselves:
``tests/test_pipeline.py::test_committed_dist_is_up_to_date``.)
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from hrd_lod.pipeline import Built, build
from tests.conftest import REPO

Edit = Callable[[Path], None]

#: Four builds per test (two of them in one process, with nothing kept): more than the suite's
#: default limit per test on a shared machine.
pytestmark = pytest.mark.timeout(900)


def digests(root: Path) -> dict[str, str]:
    """Return every file under ``root``: relative path -> SHA-256 of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def assert_same(got: Path, want: Path) -> None:
    """Fail naming the files that differ between two editions (not their bytes)."""
    a, b = digests(got), digests(want)
    only_got, only_want = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    assert not (only_got or only_want or differ), (
        f"only in the build: {only_got[:5]}, only in the plain build: {only_want[:5]}, "
        f"different bytes: {differ[:5]} ({len(differ)} file(s))"
    )
    assert len(a) > 10


def plain(project: Path, tmp_path: Path, site: bool) -> Path:
    """Build a copy of ``project``'s sources the plain way; return its dist/."""
    copy = tmp_path / "plain"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("dist", ".hrd-cache"))
    return build(copy, site=site, full=True, parallel=False).dist


def replace_once(path: Path, pattern: str, repl: str) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, repl, text, count=1, flags=re.MULTILINE)
    assert n == 1 and new != text, (path, pattern)
    path.write_text(new, encoding="utf-8")


def add_generated_conferral(root: Path) -> None:
    """Add a conferral of an existing award to an existing laureate (a new last row)."""
    path = root / "data" / "conferrals.csv"
    text = path.read_text(encoding="utf-8")
    cells = text.split("\n")[2].split(",")
    cells[0], cells[1], cells[4], cells[5] = "conferral-new", "A new conferral", "2031", ""
    path.write_text(text.rstrip("\n") + "\n" + ",".join(cells) + "\n", encoding="utf-8")


def rename_generated_conferral(root: Path) -> None:
    """Rename the 4th conferral of a generated project (its name is the second cell)."""
    path = root / "data" / "conferrals.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[4].split(",")
    cells[1] += " (renamed)"
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def describe_seed_person(root: Path) -> None:
    """Edit the description of a person of the seed dataset."""
    replace_once(
        root / "data" / "people.yaml",
        r"^  description: Presented the 2011 Front Line Defenders Award",
        "  description: Presented (edited) the 2011 Front Line Defenders Award",
    )


def check_every_way(
    project: Path, tmp_path: Path, site: bool, edit: Edit, changed_records: int
) -> None:
    """Build ``project`` clean the user's way, edit one record, build again: both editions
    are the plain path's bytes, and the second build went the incremental way."""
    first = build(project, site=site)
    assert first.patched is None
    assert_same(first.dist, plain(project, tmp_path, site))
    edit(project)
    again: Built = build(project, site=site)
    assert again.notes == (), again.notes
    assert again.patched is not None and again.patched.records == changed_records
    if site:  # the pages that read the changed record rendered, the others linked
        assert again.entity_files.linked > again.entity_files.rendered > 0
    assert_same(again.dist, plain(project, tmp_path, site))


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed dataset's sources (data/, ontology/, shapes/), without its dist/."""
    root = tmp_path_factory.mktemp("seed") / "project"
    for name in ("data", "ontology", "shapes"):
        shutil.copytree(REPO / name, root / name)
    return root


@pytest.mark.parametrize("site", [False, True], ids=["no-site", "site"])
def test_seed_dataset(seed: Path, tmp_path: Path, site: bool) -> None:
    project = tmp_path / "project"
    shutil.copytree(seed, project)
    check_every_way(project, tmp_path, site, describe_seed_person, 1)


def generate(root: Path, conferrals: int) -> Path:
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            str(conferrals),
            str(root),
            "--violations",
            "0",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


@pytest.fixture(scope="module")
def generated_1k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen-1k") / "project", 1000)


@pytest.fixture(scope="module")
def generated_10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate(tmp_path_factory.mktemp("gen-10k") / "project", 10000)


@pytest.mark.parametrize("site", [False, True], ids=["no-site", "site"])
def test_generated_1k(generated_1k: Path, tmp_path: Path, site: bool) -> None:
    project = tmp_path / "project"
    shutil.copytree(generated_1k, project)
    check_every_way(project, tmp_path, site, rename_generated_conferral, 1)


@pytest.mark.slow
@pytest.mark.timeout(1800)  # about 2 minutes on two idle cores with the site, 10 when loaded
@pytest.mark.parametrize("site", [False, True], ids=["no-site", "site"])
def test_generated_10k(generated_10k: Path, tmp_path: Path, site: bool) -> None:
    project = tmp_path / "project"
    shutil.copytree(generated_10k, project)
    check_every_way(project, tmp_path, site, rename_generated_conferral, 1)


def _seed_edit(path: str, pattern: str, repl: str) -> Edit:
    return lambda root: replace_once(root / "data" / path, pattern, repl)


#: Changes to the seed dataset whose effects reach other pages than the changed record's,
#: each with whether the site is patched (True) or built in full (the reason is a note).
SEED_CHANGES: dict[str, tuple[Edit, bool]] = {
    # a laureate's name: its conferrals, the award's history, the home page, the search index
    "laureate name": (
        _seed_edit(
            "front-line/laureates.csv",
            r"^mudawi-ibrahim-adam,Person,Mudawi Ibrahim Adam,",
            "mudawi-ibrahim-adam,Person,Mudawi I. Adam,",
        ),
        True,
    ),
    # a laureate's country: both countries' pages count their laureates
    "laureate country": (
        _seed_edit(
            "front-line/laureates.csv",
            r"^(mudawi-ibrahim-adam,Person,Mudawi Ibrahim Adam,),sudan,",
            r"\1,pakistan,",
        ),
        True,
    ),
    # a country's name: its laureates' summaries, the home page's countries, the facets
    "country name": (
        _seed_edit("countries.csv", r"^pakistan,Place,Pakistan,", "pakistan,Place,Pakistan (PK),"),
        True,
    ),
    # an organisation that confers an award: every conferral of that award names it
    "organiser name": (
        _seed_edit(
            "organizations.yaml",
            r"^  name: Front Line Defenders$",
            "  name: Front Line Defenders (FLD)",
        ),
        True,
    ),
    # a jury member: the conferrals the jury selected name its members
    "jury member name": (
        _seed_edit(
            "jury-members.yaml",
            r"^  name: World Organisation Against Torture$",
            "  name: World Organisation Against Torture (OMCT)",
        ),
        True,
    ),
    # a source's title: the numbered notes of every page that cites it
    "source title": (
        _seed_edit(
            "sources/sources.yaml",
            r"^  name: Joint Mobile Group Selected as the 2013 Laureate ",
            "  name: Joint Mobile Group Selected as 2013 Laureate of the ",
        ),
        True,
    ),
    "withheld field": (
        _seed_edit(
            "jury-members.yaml",
            r"^(- \{id: human-rights-watch, .*)\}$",
            r"\1, telephone: '+1 212 555 0199'}",
        ),
        True,
    ),
    # a reference changed: the presenter's page loses the conferral, the other one gains it
    "conferral presenter": (
        _seed_edit(
            "front-line/conferrals.yaml",
            r"^  presented_by: \[mary-mcaleese\]$",
            "  presented_by: [mary-robinson]",
        ),
        True,
    ),
    # a quotation's subject: both entities' schema.org documents list it (or no longer)
    "quotation about": (
        _seed_edit(
            "quotations.yaml", r"^  about: \[joint-mobile-group\]$", "  about: [igor-kalyapin]"
        ),
        True,
    ),
    "record deleted": (_seed_edit("martin-ennals/laureates.csv", r"^dick-oosting,.*\n", ""), False),
    "record renamed": (
        _seed_edit("martin-ennals/laureates.csv", r"^dick-oosting,", "dick-oosting-2,"),
        False,
    ),
}


@pytest.mark.parametrize("change", sorted(SEED_CHANGES))
def test_seed_site_after_a_change(seed: Path, tmp_path: Path, change: str) -> None:
    """The pages that read a changed record are made again: any that is missed differs from
    the plain build (or the change goes to the full build, saying why)."""
    edit, patched = SEED_CHANGES[change]
    project = tmp_path / "project"
    shutil.copytree(seed, project)
    build(project)
    edit(project)
    again = build(project)
    if patched:
        assert again.notes == () and again.patched is not None, again.notes
        assert again.entity_files.rendered < again.entity_files.linked
        # nothing public changed with a withheld field: every entity's files are linked
        assert (again.entity_files.rendered == 0) is (change == "withheld field")
    else:
        assert again.patched is None and again.notes, again
    assert_same(again.dist, plain(project, tmp_path, True))
    if change == "withheld field":
        assert not any(b"555 0199" in p.read_bytes() for p in again.dist.rglob("*") if p.is_file())


def test_seed_site_after_a_withdrawal(seed: Path, tmp_path: Path) -> None:
    """A withdrawal changes what is published: the site is built in full, saying why."""
    project = tmp_path / "project"
    shutil.copytree(seed, project)
    build(project)
    (project / "withdrawals.yaml").write_text(
        "- id: dick-oosting\n  type: Person\n  date: 2026-12-07\n"
        "  reason: asked to be taken down\n",
        encoding="utf-8",
    )
    again = build(project)
    assert again.patched is None and any("withdrawals" in n for n in again.notes), again.notes
    assert not list(again.dist.glob("id/*/dick-oosting.*"))
    assert_same(again.dist, plain(project, tmp_path, True))


@pytest.mark.parametrize("site", [False, True], ids=["no-site", "site"])
def test_generated_1k_new_conferral(generated_1k: Path, tmp_path: Path, site: bool) -> None:
    """A conferral added to an award: the award's history, the laureate's page, the home
    page and the search index show it."""
    project = tmp_path / "project"
    shutil.copytree(generated_1k, project)
    check_every_way(project, tmp_path, site, add_generated_conferral, 1)


def test_a_missed_reader_fails_the_comparison(
    seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison catches a page left stale: with only the changed record's own files
    made again, the pages that show the laureate's name differ from the plain build."""
    from hrd_lod.incremental import site as site_patch

    monkeypatch.setattr(site_patch, "readers", lambda changed, records, previous: set(changed))
    project = tmp_path / "project"
    shutil.copytree(seed, project)
    build(project)
    SEED_CHANGES["laureate name"][0](project)
    again = build(project)
    assert again.patched is not None
    with pytest.raises(AssertionError, match="different bytes"):
        assert_same(again.dist, plain(project, tmp_path, True))


def test_seed_site_patched_twice(seed: Path, tmp_path: Path) -> None:
    """A patched site is patched again (what the first patch kept is the edition it wrote)."""
    project = tmp_path / "project"
    shutil.copytree(seed, project)
    build(project)
    for change in ("laureate name", "jury member name"):
        SEED_CHANGES[change][0](project)
        again = build(project)
        assert again.patched is not None and again.notes == (), again.notes
    assert_same(again.dist, plain(project, tmp_path, True))
