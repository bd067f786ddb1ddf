"""``build(site=False)`` patching the previous edition (``hrd_lod.incremental``): the result is
byte for byte a full build's, anything it cannot patch (or any failure of the patch path) is
left to the full build, and ``build()`` says which way it went."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.incremental import NotUpdatable
from hrd_lod.incremental import patch as patch_module
from hrd_lod.incremental.patch import patch
from hrd_lod.pipeline import build
from tests.conftest import REPO, tree


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("update-src") / "gen"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            "120",
            str(root),
            "--violations",
            "0",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return root


@pytest.fixture
def project(generated: Path, tmp_path: Path) -> Path:
    """A generated project built with --no-site (so its state is there)."""
    root = tmp_path / "project"
    shutil.copytree(generated, root)
    build(root, site=False, full=True)
    return root


def clean(project: Path, tmp_path: Path) -> dict[str, bytes]:
    copy = tmp_path / "clean"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("dist", ".hrd-cache"))
    return tree(build(copy, site=False, full=True).dist)


def edit_line(path: Path, number: int, change: Callable[[str], str]) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    new = change(lines[number])
    assert new != lines[number]
    lines[number] = new
    path.write_text("\n".join(lines), encoding="utf-8")


def rename_conferral(root: Path) -> None:
    edit_line(
        root / "data" / "conferrals.csv",
        3,
        lambda x: re.sub(r"^([^,]*),([^,]*),", r"\1,\2 renamed,", x),
    )


def change_laureate(root: Path) -> None:
    people = [
        line.split(",")[0] for line in (root / "data" / "people.csv").read_text().splitlines()[1:]
    ]
    laureate = next(p for p in people if p.startswith("person-"))

    def swap(line: str) -> str:
        cells = line.split(",")
        cells[3] = laureate if cells[3] != laureate else people[-1]
        return ",".join(cells)

    edit_line(root / "data" / "conferrals.csv", 5, swap)


def append_conferral(root: Path) -> None:
    path = root / "data" / "conferrals.csv"
    last = path.read_text().splitlines()[-1].split(",")
    last[0], last[1] = "conferral-999999", "An added conferral"
    with path.open("a") as fh:
        fh.write(",".join(last) + "\n")


def rename_person(root: Path) -> None:
    edit_line(
        root / "data" / "people.csv",
        2,
        lambda x: re.sub(r"^([^,]*),([^,]*),", r"\1,\2 Renamed,", x),
    )


def edit_quotation(root: Path) -> None:
    path = next((root / "data").glob("quotations*.yaml"))
    text = path.read_text()
    path.write_text(text.replace("text: ", "text: Edited. ", 1))


@pytest.mark.parametrize(
    "edit", [rename_conferral, change_laureate, append_conferral, rename_person, edit_quotation]
)
def test_a_patched_edition_is_a_full_builds(
    project: Path, tmp_path: Path, edit: Callable[[Path], None]
) -> None:
    edit(project)
    done = patch(project)
    assert done.changed_records >= 1 and done.changed_subjects >= 1
    assert tree(project / "dist") == clean(project, tmp_path)
    edit(project) if edit is not append_conferral else rename_conferral(project)
    again = patch(project)  # a patched edition can be patched again
    assert again.changed_records >= 1
    assert tree(project / "dist") == clean(project, tmp_path)


def test_nothing_changed_leaves_the_edition(project: Path) -> None:
    before = tree(project / "dist")
    (project / "data" / "conferrals.csv").touch()
    done = patch(project)
    assert (done.changed_records, done.changed_subjects) == (0, 0)
    assert tree(project / "dist") == before
    assert done.quads > 1000 and done.records > 100


def test_a_violation_is_left_to_the_full_build(project: Path) -> None:
    before = tree(project / "dist")
    edit_line(
        project / "data" / "conferrals.csv",
        4,
        lambda x: re.sub(r",(\d{4}),\d{4}-", r",\1,1900-", x),
    )
    with pytest.raises(NotUpdatable, match="validation"):
        patch(project)
    res = CliRunner().invoke(main, ["build", "--no-site", "--project", str(project)])
    assert res.exit_code == 1
    assert "not in the conferral's year" in res.output
    assert "building everything" in res.output
    assert tree(project / "dist") == before


@pytest.mark.parametrize(
    "change, reason",
    [
        (lambda root: edit_line(root / "data" / "conferrals.csv", 7, lambda x: ""), "removed"),
        (lambda root: (root / "dist" / "bench.nt").write_bytes(b""), "not the edition"),
        (
            lambda root: (root / "data" / "dataset.yaml").write_text(
                (root / "data" / "dataset.yaml").read_text() + "\n# edited\n"
            ),
            "dataset.yaml",
        ),
        (lambda root: build(root), "built with the site"),
        (lambda root: shutil.rmtree(root / ".hrd-cache"), "no state"),
    ],
)
def test_what_cannot_be_patched_says_why(
    project: Path, change: Callable[[Path], None], reason: str
) -> None:
    change(project)
    with pytest.raises(NotUpdatable, match=reason):
        patch(project)


def test_build_command_patches_then_builds_in_full_when_asked(project: Path) -> None:
    rename_conferral(project)
    runner = CliRunner()
    res = runner.invoke(main, ["build", "--no-site", "--project", str(project)])
    assert res.exit_code == 0, res.output
    assert "patched the previous edition: 1 record(s) changed" in res.output
    assert re.search(r"built .* \d+ records, \d+ quads", res.output)
    res = runner.invoke(main, ["build", "--no-site", "--full", "--project", str(project)])
    assert res.exit_code == 0 and "patched" not in res.output and "... encode" in res.output


def test_build_patches_the_previous_edition_after_one_change(project: Path, tmp_path: Path) -> None:
    rename_conferral(project)
    built = build(project, site=False)
    assert built.patched is not None and built.patched.records == 1
    assert built.notes == ()
    assert built.records > 100 and built.quads > 1000 and built.files == 13
    assert tree(built.dist) == clean(project, tmp_path)
    with pytest.raises(AttributeError, match="patched build"):
        _ = built.checked


def test_build_says_why_it_did_not_patch(project: Path, tmp_path: Path) -> None:
    edit_line(project / "data" / "conferrals.csv", 7, lambda x: "")
    built = build(project, site=False)
    assert built.patched is None and built.full is not None
    assert built.notes == ("building everything: conferrals.csv: records were removed or renamed",)
    assert tree(built.dist) == clean(project, tmp_path)


def test_any_failure_of_the_patch_path_builds_everything(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the patch path")

    monkeypatch.setattr(patch_module, "_write_edition", broken)
    rename_conferral(project)
    built = build(project, site=False)
    assert built.patched is None
    assert built.notes == (
        "building everything: patching the previous edition failed "
        "(RuntimeError: a bug in the patch path)",
    )
    assert tree(built.dist) == clean(project, tmp_path)
    assert not list(project.glob(".dist*"))  # the half-patched edition was removed


def test_a_site_patch_is_not_a_no_site_one(project: Path) -> None:
    """A build with the site does not patch a ``--no-site`` edition: it builds everything."""
    rename_conferral(project)
    built = build(project)
    assert built.patched is None
    assert built.notes == ("building everything: the previous edition was built without the site",)
    assert (built.dist / "index.html").is_file()


def test_any_failure_of_the_site_patch_builds_everything(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hrd_lod.incremental import site as site_module

    build(project, full=True)  # with the site

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the site patch")

    monkeypatch.setattr(patch_module, "write_site", broken)
    assert site_module.write_site is not broken
    rename_conferral(project)
    built = build(project)
    assert built.patched is None and built.full is not None
    assert built.notes == (
        "building everything: patching the previous edition failed "
        "(RuntimeError: a bug in the site patch)",
    )
    assert not list(project.glob(".dist*"))  # the half-patched edition was removed
    monkeypatch.undo()
    copy = tmp_path / "clean"
    shutil.copytree(project, copy, ignore=shutil.ignore_patterns("dist", ".hrd-cache"))
    assert tree(built.dist) == tree(build(copy, full=True, parallel=False).dist)


def test_state_of_other_code_is_not_used(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_lod.incremental import state

    monkeypatch.setattr(state, "fingerprint", lambda tool_version="": "other code")
    rename_conferral(project)
    with pytest.raises(NotUpdatable, match="other code"):
        patch(project)


SITECUSTOMIZE = """
import os

del os.copy_file_range  # as on macOS, where it does not exist
"""

BUILD_TWICE = """
import sys
from pathlib import Path

import hrd_lod

assert not hasattr(__import__("os"), "copy_file_range")
project = Path(sys.argv[1])
path = project / "data" / "conferrals.csv"
lines = path.read_text(encoding="utf-8").split("\\n")
cells = lines[3].split(",")
cells[1] += " renamed"
lines[3] = ",".join(cells)
path.write_text("\\n".join(lines), encoding="utf-8")
built = hrd_lod.build(project, site=False)
print("patched" if built.patched else "not patched", built.notes)
"""


def test_patch_works_without_copy_file_range(project: Path, tmp_path: Path) -> None:
    site = tmp_path / "site-packages"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(site), str(REPO / "src")]),
    }
    res = subprocess.run(
        [sys.executable, "-c", BUILD_TWICE, str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "patched ()"
    assert tree(project / "dist") == clean(project, tmp_path)


def test_the_cli_prints_what_the_library_returned(project: Path) -> None:
    rename_conferral(project)
    res = CliRunner().invoke(main, ["build", "--no-site", "--project", str(project)])
    assert res.exit_code == 0, res.output
    assert "patched the previous edition: 1 record(s) changed, 1 subject(s) rewritten" in (
        res.output
    )
    again = build(project, site=False)  # nothing changed since: the same figures
    assert again.patched is not None and again.patched.records == 0
    summary = (
        f"{again.records} records, {again.quads} quads, {again.files} files; withheld "
        f"{again.withheld.fields} field(s) and {again.withheld.records} record(s); "
        f"{len(again.report.warnings)} warning(s)"
    )
    assert summary in res.output


def test_a_patched_table_is_kept_as_parsing_it_whole_gives(project: Path) -> None:
    """With the site, the parse cache gets the new table from its previous records and the
    changed rows: the same records, in the same order and with the same locations, as a parse
    of it. Without the site nothing needs them, and they are not kept (at 100,000
    conferrals in one table that cost 4 s of a 2 s patch)."""
    from hrd_lod.records.cache import ParseCache
    from hrd_lod.records.load import load_records

    rel = "data/conferrals.csv"
    cache = ParseCache(project / ".hrd-cache")
    rename_conferral(project)
    assert build(project, site=False).patched is not None
    assert cache.get(cache.key(rel, (project / rel).read_bytes(), "en")) is None
    build(project)  # with the site: everything (the edition was made without it)
    change_laureate(project)
    append_conferral(project)
    assert build(project).patched is not None
    hit = cache.get(cache.key(rel, (project / rel).read_bytes(), "en"))
    assert hit is not None and hit[1] == []
    fresh = load_records(project, project / "data", "en", cache_dir=None)
    whole = [r for r in fresh if r.location.file == rel]
    assert len(whole) > 100 and sorted(hit[0], key=lambda r: r.id) == whole
    assert [r.location.line for r in hit[0]] == sorted(r.location.line for r in whole)
