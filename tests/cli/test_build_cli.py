"""`hrd-lod build` and `hrd-lod validate` through click's CliRunner: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.pipeline import check
from tests.conftest import write

BAD_CONFERRAL = (
    "id: bad\ntype: AwardConferral\nname: Bad\naward: example-award\n"
    "laureate: [example-group]\nyear: 2019\ndate: 2020-01-01\nsources: [doc]\n"
)


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_build_ok(project: Path) -> None:
    res = run("build", "-q", "-p", str(project))
    assert res.exit_code == 0, res.output
    assert "withheld 1 field(s)" in res.output
    assert (project / "dist" / "test.ttl").is_file()


def test_build_validation_failure_exit_1(project: Path) -> None:
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    res = run("build", "-p", str(project))
    assert res.exit_code == 1
    assert "AwardConferral 'bad' (data/bad.yaml)" in res.output
    assert "not in the conferral's year 2019" in res.output
    assert "Error: validation failed: dist/ was not changed" in res.output
    assert not (project / "dist").exists()


def test_build_load_error_exit_2(project: Path) -> None:
    write(project / "data" / "bad.yaml", "id: x\ntype: Organization\nnmae: X\n")
    res = run("build", "-p", str(project))
    assert res.exit_code == 2
    assert "data/bad.yaml:3 (field 'nmae'): unknown field 'nmae' for an Organization" in res.output
    assert "hint: did you mean 'name'?" in res.output
    assert "Traceback" not in res.output


def test_build_without_project_exit_2(tmp_path: Path) -> None:
    res = run("build", "-p", str(tmp_path))
    assert res.exit_code == 2 and "no data/ folder" in res.output


def test_validate_text_and_json(project: Path) -> None:
    res = run("validate", "-p", str(project))
    assert res.exit_code == 0 and "valid: 0 errors" in res.output
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    res = run("validate", "-p", str(project))
    assert res.exit_code == 1 and "[line 7, field 'date']" in res.output
    res = run("validate", "-p", str(project), "--format", "json")
    assert res.exit_code == 1
    got = json.loads(res.output)
    assert got == json.loads(json.dumps(check(project).report.to_dict(), sort_keys=True))
    [result] = got["results"]
    assert result["file"] == "data/bad.yaml" and result["record"] == "bad"


def test_validate_json_load_errors(project: Path) -> None:
    write(project / "data" / "bad.yaml", "id: x\ntype: Organization\nnmae: X\n")
    res = run("validate", "-p", str(project), "--format", "json")
    assert res.exit_code == 2
    errors = json.loads(res.output)["load_errors"]
    assert any(
        {"file": "data/bad.yaml", "line": 3, "field": "nmae"}.items() <= e.items() for e in errors
    )


def test_internal_error_has_no_traceback(project: Path, monkeypatch) -> None:  # type: ignore
    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("kaput")

    monkeypatch.setattr("hrd_lod.pipeline.encode_dataset", boom)
    res = CliRunner().invoke(main, ["build", "-p", str(project)])
    assert res.exit_code == 70
    assert "internal error: RuntimeError: kaput" in res.output and "Traceback" not in res.output


def test_version() -> None:
    res = run("--version")
    assert res.exit_code == 0 and "hrd-lod, version" in res.output


def test_engines_agree_through_the_cli(project: Path) -> None:
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    reports = {}
    for engine in ("auto", "fast", "reference"):
        res = run("validate", "-p", str(project), "--format", "json", "--engine", engine)
        assert res.exit_code == 1
        reports[engine] = json.loads(res.output)
    assert reports["auto"]["engine"] == reports["fast"]["engine"] == "fast"
    assert reports["reference"]["engine"] == "pyshacl"
    for r in reports.values():
        r.pop("engine")
    assert reports["auto"] == reports["fast"] == reports["reference"]


def test_build_no_site(project: Path) -> None:
    res = run("build", "-q", "--no-site", "-p", str(project))
    assert res.exit_code == 0, res.output
    dist = project / "dist"
    assert (dist / "test.nq").is_file() and (dist / "void.ttl").is_file()
    assert not (dist / "id").exists() and not (dist / "index.html").exists()
    manifest = json.loads((dist / "manifest.json").read_text())
    assert all(not f["path"].startswith("id/") for f in manifest["files"])


def test_console_entry_point_ends_fast_but_says_everything(project: Path) -> None:
    """``python -m hrd_lod`` ends a build without freeing memory (os._exit): the summary and
    the notes must still be printed, and the exit codes be the same."""
    import subprocess
    import sys

    def console(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "hrd_lod", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = console("build", "-p", str(project))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built ") and "withheld 1 field(s)" in ok.stdout
    assert "... validate" in ok.stderr
    assert (project / "dist" / "manifest.json").is_file()
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    failed = console("build", "-p", str(project))
    assert failed.returncode == 1
    assert "Error: validation failed: dist/ was not changed" in failed.stderr
