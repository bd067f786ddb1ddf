"""hrd-lod source check: every archived copy re-verified against its recorded SHA-256."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from hrd_lod.cli.archive import source_group
from hrd_lod.workflows.fixity import check_sources


def run(project: Path) -> tuple[int, str]:
    res = CliRunner().invoke(source_group, ["check", "--project", str(project)])
    return res.exit_code, res.output


def test_intact_repository_sources(repo_project: Path) -> None:
    report = check_sources(repo_project)
    assert sorted(r.status for r in report.results if r.status != "cited") == ["ok", "ok"]
    assert report.problems == () and len(report.cited) == len(report.results) - 2
    assert all(r.message.startswith("cited, not archived: http") for r in report.cited)
    assert report.uncited == ()
    code, out = run(repo_project)
    assert code == 0 and out.strip().endswith(
        f"2 of 2 archived copies intact; {len(report.cited)} source(s) cited, not archived"
    )


def test_altered_and_missing_copies(repo_project: Path) -> None:
    src = repo_project / "data" / "sources"
    (src / "human-rights-first-martin-ennals-award-2013.txt").write_text("edited")
    (src / "frontline-defenders-profile-joint-mobile-group.txt").unlink()
    code, out = run(repo_project)
    assert code == 1
    lines = out.splitlines()
    # each problem names the record's file and line and the field at fault
    text = (src / "sources.yaml").read_text().splitlines()
    sha_line = next(i for i, t in enumerate(text, 1) if t.startswith("  sha256: e1b7"))
    copy_line = next(i for i, t in enumerate(text, 1) if "archived_copy: sources/frontline" in t)
    assert (
        f"data/sources/sources.yaml:{copy_line}: missing: source 'fld-profile-jmg': the "
        "archived copy data/sources/frontline-defenders-profile-joint-mobile-group.txt "
        "is missing" in lines
    )
    assert any(
        line.startswith(f"data/sources/sources.yaml:{sha_line}: altered: source 'hrf-mea-2013'")
        for line in lines
    )
    assert lines[-1].startswith("0 of 2 archived copies intact, 2 with problems; ")


def test_incomplete_record_and_uncited_file(new_project: Path) -> None:
    data = new_project / "data"
    (data / "sources" / "stray.pdf").write_bytes(b"%PDF")
    (data / "sources" / "broken.yaml").write_text(
        "id: broken\ntype: Source\nname: x\narchived_copy: ../../etc/passwd\nsha256: abc\n"
    )
    report = check_sources(new_project)
    [bad] = report.problems
    assert bad.status == "unchecked" and "leaves data/" in bad.message
    assert bad.location.file == "data/sources/broken.yaml" and bad.location.line == 4
    assert report.uncited == ("sources/stray.pdf",)
    code, out = run(new_project)
    assert code == 1 and "note: data/sources/stray.pdf is not the archived copy" in out


def test_check_works_while_the_project_does_not_load(new_project: Path) -> None:
    # a record error elsewhere does not stop the fixity check
    (new_project / "data" / "oops.yaml").write_text("id: x\ntype: Nope\n")
    code, out = run(new_project)
    assert code == 0 and "1 of 1 archived copies intact" in out


def test_progress_lines_when_not_a_terminal(repo_project: Path) -> None:
    res = CliRunner().invoke(source_group, ["check", "-p", str(repo_project)])
    assert res.exit_code == 0
    n = len(check_sources(repo_project).results)  # archived and cited sources alike
    lines = res.stderr.splitlines()  # plain lines, throttled: the first and the last at least
    assert lines[0] == f"... verify (0/{n})" and lines[-1] == f"... verify ({n}/{n})"
    assert all(re.fullmatch(rf"\.\.\. verify \(\d+/{n}\)", line) for line in lines)
