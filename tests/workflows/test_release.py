"""hrd-lod release and hrd-lod diff: immutable editions with a changelog."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_lod.cli.archive import diff_cmd
from hrd_lod.cli.release import release_cmd
from hrd_lod.pipeline import build
from hrd_lod.project import load_metadata, open_project
from hrd_lod.workflows import release as release_mod
from hrd_lod.workflows.release import release, stamp_metadata

from .wf_helpers import snapshot

NEW_CONFERRAL = """
- id: example-prize-2025
  type: AwardConferral
  name: Example Prize for Human Rights Defenders 2025
  award: example-prize
  laureate: [alex-example]
  year: 2025
  sources: [example-source]
"""


def rel(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(release_cmd, [*args, "--project", str(project)])
    return res.exit_code, res.output


def change_data(project: Path) -> None:
    ex = project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace("name: Example Foundation", "name: The Example Foundation")
        + NEW_CONFERRAL
    )


def test_stamp_keeps_comments_and_layout() -> None:
    text = (
        "# head\nid: x\nversion: 0.1.0   # stamped by release\n# about modified\n"
        "modified: 2024-01-01\nissued: 2024-01-01\n"
    )
    out = stamp_metadata(text, "1.10", dt.date(2025, 2, 3))
    assert out == (
        "# head\nid: x\nversion: '1.10'   # stamped by release\n# about modified\n"
        "modified: 2025-02-03\nissued: 2024-01-01\n"
    )
    # a missing key is added; a duplicated or multi-line one is refused
    assert stamp_metadata("id: x\n", "2", dt.date(2025, 1, 1)).endswith(
        "version: '2'\nmodified: 2025-01-01\n"
    )
    with pytest.raises(Exception, match="twice"):
        stamp_metadata("version: 1\nversion: 2\n", "3", dt.date(2025, 1, 1))
    with pytest.raises(Exception, match="not on one line"):
        stamp_metadata("version: >-\n  1\n", "3", dt.date(2025, 1, 1))


def test_first_and_second_release(new_project: Path) -> None:
    before = (new_project / "data/dataset.yaml").read_text()
    code, out = rel(new_project, "0.1.0", "--date", "2025-03-05")
    assert code == 0, out
    assert "released 0.1.0 (2025-03-05) in releases/0.1.0 and dist/releases/0.1.0" in out
    assert "entities added" in out
    after = (new_project / "data/dataset.yaml").read_text()
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    assert changed == [("modified: 2025-03-04", "modified: 2025-03-05")]
    r1 = new_project / "releases" / "0.1.0"
    manifest = json.loads((r1 / "manifest.json").read_text())
    listed = {e["path"] for e in manifest["files"]}
    on_disk = {p.relative_to(r1).as_posix() for p in r1.rglob("*") if p.is_file()}
    assert listed == on_disk - {"manifest.json"}
    assert {"ds.nq", "ds.ttl", "changes.json", "CHANGES.md"} <= listed
    assert manifest["dataset_version"] == "0.1.0" and manifest["modified"] == "2025-03-05"
    assert (new_project / "dist/releases/0.1.0/CHANGES.md").read_bytes() == (
        r1 / "CHANGES.md"
    ).read_bytes()
    first = json.loads((r1 / "changes.json").read_text())
    assert first["previous"] is None and first["triples_removed"] == 0
    assert len(first["entities"]["added"]) == 12  # the examples of every type

    change_data(new_project)
    code, out = rel(new_project, "0.2.0", "--date", "2025-04-01")
    assert code == 0, out
    md = (new_project / "releases/0.2.0/CHANGES.md").read_text()
    assert md.splitlines()[:3] == ["# 0.2.0 (2025-04-01)", "", "Compared with release 0.1.0."]
    assert "- 1 conferral added: Example Prize for Human Rights Defenders 2025" in md
    # the new conferral also gives its laureate the plain schema:award text
    assert (
        "- 2 entities changed: 1 organisation (The Example Foundation (+1 -1)); "
        "1 person (Alex Example (+1 -0))"
    ) in md
    doc = json.loads((new_project / "releases/0.2.0/changes.json").read_text())
    assert doc["previous"] == "0.1.0" and doc["from"]["version"] == "0.1.0"
    graphs = {g["graph"]: g for g in doc["graphs"]}
    removed = graphs["https://example.org/ds/graph/example-source"]["removed"]
    assert (
        "<https://example.org/ds/id/organization/example-foundation> "
        '<http://schema.org/name> "Example Foundation"@en .'
    ) in removed
    for g in doc["graphs"]:
        assert g["added"] == sorted(g["added"]) and g["removed"] == sorted(g["removed"])
    # both releases are in dist/, and the first one is untouched
    assert (new_project / "dist/releases/0.1.0/changes.json").read_text() == json.dumps(
        first, indent=1, sort_keys=True, ensure_ascii=False
    ) + "\n"
    assert load_metadata(open_project(new_project)).version == "0.2.0"


def test_duplicate_release_is_refused(new_project: Path) -> None:
    assert rel(new_project, "1.0", "--date", "2025-03-05")[0] == 0
    before = snapshot(new_project)
    code, out = rel(new_project, "1.0", "--date", "2025-03-06")
    assert code == 2 and "version 1.0 is already released (releases/1.0)" in out
    assert snapshot(new_project) == before
    code, out = rel(new_project, "1.1", "--date", "2025-03-01")
    assert code == 2 and "before that of the previous release 1.0" in out
    code, out = rel(new_project, "not a version")
    assert code == 2 and "not a version" in out
    assert snapshot(new_project) == before


def test_failed_validation_releases_nothing(new_project: Path) -> None:
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(ex.read_text().replace("  year: 2024\n", "  year: 2024\n  date: 2023-01-01\n"))
    before = snapshot(new_project)
    code, out = rel(new_project, "0.1.0", "--date", "2025-03-05")
    assert code == 1 and "nothing was released" in out
    assert snapshot(new_project) == before


@pytest.mark.parametrize("where", ["_write_release", "make_bag", "swap_in"])
def test_interrupted_release_leaves_the_tree_unchanged(
    new_project: Path, where: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(new_project)  # an existing dist/ must survive too
    before = snapshot(new_project)
    real = getattr(release_mod, where)

    def crash(*args: object, **kwargs: object) -> None:
        if where in ("_write_release", "make_bag"):
            real(*args, **kwargs)  # everything written, then the disk fills up
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(release_mod, where, crash)
    with pytest.raises(OSError):
        release(new_project, "0.1.0", date=dt.date(2025, 3, 5))
    assert snapshot(new_project) == before
    assert not (new_project / "releases" / "0.1.0").exists()
    assert not (new_project / "bags" / "0.1.0").exists()


def test_release_survives_a_later_build(new_project: Path) -> None:
    release(new_project, "0.1.0", date=dt.date(2025, 3, 5))
    kept = snapshot(new_project / "releases")
    build(new_project)
    assert snapshot(new_project / "releases") == kept


def test_release_is_deterministic_across_hash_seeds(new_project: Path, tmp_path: Path) -> None:
    outs = []
    for seed in ("1", "4242"):
        copy = tmp_path / f"seed{seed}" / "ds"
        shutil.copytree(new_project, copy)
        change_data(copy)
        env = {**os.environ, "PYTHONHASHSEED": seed}
        code = (
            "import datetime as d; from hrd_lod.workflows.release import release; "
            f"release({str(copy)!r}, '0.1.0', date=d.date(2025, 3, 5))"
        )
        subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=120)
        outs.append((snapshot(copy / "releases"), snapshot(copy / "bags")))
    assert outs[0] == outs[1]
    assert {"0.1.0/bag-info.txt", "0.1.0/data/ro-crate-metadata.json"} <= set(outs[0][1])


def test_diff_command(new_project: Path, tmp_path: Path) -> None:
    release(new_project, "0.1.0", date=dt.date(2025, 3, 5))
    change_data(new_project)
    build(new_project)
    runner = CliRunner()
    res = runner.invoke(diff_cmd, ["0.1.0", str(new_project / "dist"), "-p", str(new_project)])
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "Changes from 0.1.0 (2025-03-05) to 0.1.0 (2025-03-05)"
    assert "1 conferral added: Example Prize for Human Rights Defenders 2025" in lines
    assert (
        "2 entities changed: 1 organisation (The Example Foundation (+1 -1)); "
        "1 person (Alex Example (+1 -0))"
    ) in lines
    res = runner.invoke(
        diff_cmd, ["0.1.0", str(new_project / "dist"), "-p", str(new_project), "--format", "json"]
    )
    doc = json.loads(res.output)
    assert [e["label"] for e in doc["entities"]["added"]] == [
        "Example Prize for Human Rights Defenders 2025"
    ]
    res = runner.invoke(
        diff_cmd, [str(new_project / "releases/0.1.0"), str(new_project / "releases/0.1.0")]
    )
    assert res.exit_code == 0 and "no changes" in res.output
    res = runner.invoke(diff_cmd, [str(tmp_path), str(new_project / "dist")])
    assert res.exit_code == 2 and "no manifest.json" in res.output
