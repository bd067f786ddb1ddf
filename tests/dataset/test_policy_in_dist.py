"""The press contact's telephone number is kept in data/ but never reaches any byte of dist/."""

from __future__ import annotations

import gzip
import re
import shutil
from pathlib import Path

import pytest

from hrd_lod.pipeline import Built, build

from .conftest import REPO

SPELLINGS = ("+41 79 474 8208", "41794748208", "474 8208")
# The subscriber digits 474 8208 with any separators (spaces, dots, dashes, none) between them.
PATTERN = re.compile(b"[^0-9A-Za-z]{0,3}".join(c.encode() for c in "4748208"))


def _texts(dist: Path) -> list[tuple[Path, bytes]]:
    out = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        data = path.read_bytes()
        out.append((path, data))
        if path.suffix == ".gz":
            out.append((path, gzip.decompress(data)))  # what a consumer reads
    return out


def _leaks(dist: Path) -> list[str]:
    found = []
    for path, data in _texts(dist):
        for s in SPELLINGS:
            if s.encode() in data or s.replace(" ", "\u00a0").encode() in data:
                found.append(f"{path.name}: {s!r}")
        if PATTERN.search(data):
            found.append(f"{path.name}: {PATTERN.search(data).group()!r}")
    return found


def test_the_number_is_in_the_archive_record() -> None:
    """The data keeps the number (the archive's record); the test below would be empty else."""
    text = (REPO / "data" / "people.yaml").read_text(encoding="utf-8")
    assert "+41 79 474 8208" in text


def test_the_policy_withholds_it(built: Built) -> None:
    items = [(i.record_id, i.field) for i in built.checked.withheld.items]
    assert ("michael-khambatta", "telephone") in items
    rec = built.checked.public.get("michael-khambatta")
    assert rec is not None and "telephone" not in rec.values


def test_no_byte_of_dist_holds_the_number(built: Built) -> None:
    files = [p for p in built.dist.rglob("*") if p.is_file()]
    assert len(files) >= 8
    assert _leaks(built.dist) == []


def test_the_scan_finds_the_number_when_it_is_published(tmp_path: Path) -> None:
    """Control: marked public, the number does reach dist/, and the scan sees it."""
    root = tmp_path / "public-phone"
    shutil.copytree(REPO / "data", root / "data")
    people = root / "data" / "people.yaml"
    text = people.read_text(encoding="utf-8")
    marked = text.replace(
        '  telephone: ["+41 79 474 8208"]\n',
        '  telephone: ["+41 79 474 8208"]\n  public_fields: [telephone]\n',
    )
    assert marked != text
    people.write_text(marked, encoding="utf-8")
    built = build(root, dist=root / "dist")
    leaks = _leaks(built.dist)
    assert any("hrd.nq" in leak for leak in leaks)
    assert any("hrd.jsonld" in leak for leak in leaks)


@pytest.mark.parametrize("spelling", SPELLINGS + ("474-8208", "+41.79.474.82.08"))
def test_the_scan_sees_each_spelling(spelling: str, tmp_path: Path) -> None:
    """Control: a file holding any spelling of the number (also gzip'd) is reported."""
    (tmp_path / "page.html").write_text(f"<p>call {spelling}</p>", encoding="utf-8")
    assert _leaks(tmp_path)
    (tmp_path / "page.html").unlink()
    (tmp_path / "dump.nq.gz").write_bytes(gzip.compress(f'"{spelling}" .'.encode()))
    assert _leaks(tmp_path)


def test_a_laureate_withheld_for_her_safety_reaches_no_output(built: Built) -> None:
    """The 2022 Front Line winner from Belarus, whom the award did not announce by name, is
    kept in data/ as restricted: neither her name nor her conferral reaches dist/."""
    text = (REPO / "data" / "front-line" / "people.yaml").read_text(encoding="utf-8")
    assert "id: volha-harbunova" in text and "visibility: restricted" in text
    withheld = {(i.record_id, i.reason) for i in built.checked.withheld.items}
    assert ("volha-harbunova", "restricted record") in withheld
    assert ("fld-2022-europe", "its 'laureate' is a restricted record") in withheld
    for path, data in _texts(built.dist):
        for needle in (b"Harbunova", b"volha-harbunova", b"fld-2022-europe"):
            assert needle not in data, f"{needle!r} in {path.name}"
