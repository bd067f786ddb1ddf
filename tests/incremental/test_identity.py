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
    if site:
        # the site is never patched; unchanged per-entity files are linked
        assert again.patched is None and again.notes == ()
        assert again.entity_files.linked > again.entity_files.rendered > 0
    else:
        assert again.notes == (), again.notes
        assert again.patched is not None and again.patched.records == changed_records
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
