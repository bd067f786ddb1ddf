"""hrd-lod withdraw: the register, dependents, past releases remade, status, restricted records."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.errors import LoadError, UsageError
from hrd_lod.pipeline import build
from hrd_lod.withdrawals import append_withdrawals, load_register

from .wf_helpers import snapshot

#: Marker strings: in the person's id and name, and in a quotation they said.
MARK = b"zqxmk"

MARKED = """
- id: zqxmk-person
  type: Person
  name: Zqxmk Defender
  works_for: [example-defenders-network]
  sources: [example-source]

- id: example-prize-2023
  type: AwardConferral
  name: Example Prize 2023 to Zqxmk Defender
  award: example-prize
  laureate: [zqxmk-person]
  year: 2023
  sources: [example-source]

- id: zqxmk-quote
  type: Quotation
  name: On courage
  text: Courage zqxmkquote is contagious.
  creator: zqxmk-person
  sources: [example-source]
"""


def cli(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, [*args, "--project", str(project)])
    return res.exit_code, res.output


def add_marked(project: Path) -> None:
    """Add the marked person, a conferral they alone received, a quotation they said, and
    make them the presenter of the example conferral (a reference that can be removed)."""
    ex = project / "data" / "examples.yaml"
    text = ex.read_text().replace(
        "  laureate: [example-defenders-network]\n",
        "  laureate: [example-defenders-network]\n  presented_by: [zqxmk-person]\n",
    )
    ex.write_text(text + MARKED)


def marked_files(*folders: Path) -> list[str]:
    """Return every file under ``folders`` whose bytes hold the marker (any case); the
    folders must exist (a test that looks in a folder never written proves nothing)."""
    assert all(f.is_dir() for f in folders), folders
    return [
        str(p)
        for folder in folders
        for p in sorted(folder.rglob("*"))
        if p.is_file() and MARK in p.read_bytes().lower()
    ]


def released_twice(project: Path) -> None:
    add_marked(project)
    assert cli(project, "release", "1.0.0", "--date", "2025-03-05")[0] == 0
    ex = project / "data" / "examples.yaml"
    ex.write_text(ex.read_text().replace("name: Example Foundation", "name: The Example Fund"))
    assert cli(project, "release", "1.1.0", "--date", "2025-03-06")[0] == 0
    assert marked_files(
        project / "dist", project / "releases", project / "bags"
    )  # the test can fail


def check_manifest(folder: Path) -> None:
    """Every file of an edition is listed in its manifest with its true size and checksum."""
    manifest = json.loads((folder / "manifest.json").read_text())
    listed = {e["path"]: e for e in manifest["files"]}
    on_disk = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != "manifest.json"
        and "releases" not in p.relative_to(folder).parts
    }
    assert on_disk <= set(listed)
    for rel in on_disk:
        data = (folder / rel).read_bytes()
        assert listed[rel]["bytes"] == len(data)
        assert listed[rel]["sha256"] == hashlib.sha256(data).hexdigest()


def test_register_appends_keeping_comments_and_reports_bad_entries(tmp_path: Path) -> None:
    import datetime as dt

    from hrd_lod.withdrawals import Withdrawal

    reg = tmp_path / "withdrawals.yaml"
    reg.write_text(
        "# kept by the archive team\n- id: a-person\n  type: Person\n"
        "  date: 2025-01-02\n  reason: asked\n"
    )
    added = append_withdrawals(
        tmp_path,
        [
            Withdrawal("a-person", "Person", dt.date(2025, 2, 1), "again"),
            Withdrawal("b-org", "Organization", dt.date(2025, 2, 1), "risk: named in a report"),
        ],
    )
    assert [w.id for w in added] == ["b-org"]
    text = reg.read_text()
    assert text.startswith("# kept by the archive team\n- id: a-person\n")
    assert [(w.id, w.date.isoformat()) for w in load_register(tmp_path)] == [
        ("a-person", "2025-01-02"),
        ("b-org", "2025-02-01"),
    ]
    reg.write_text(
        text + "- id: c\n  type: Persn\n  date: 2025-13-01\n  reason: x\n- id: d\n  type: Person\n"
    )
    with pytest.raises(LoadError) as err:
        load_register(tmp_path)
    shown = [str(p) for p in err.value.problems]
    assert any("withdrawals.yaml:11" in s and "'Persn' is not a record type" in s for s in shown)
    assert any("withdrawals.yaml:14" in s and "needs 'date'" in s for s in shown)


def test_dependents_need_a_choice_and_nothing_changes(new_project: Path) -> None:
    add_marked(new_project)
    build(new_project)
    before = snapshot(new_project)
    code, out = cli(new_project, "withdraw", "zqxmk-person", "--reason", "asked")
    assert code == 2, out
    assert "3 record(s) depend on what is withdrawn; nothing was changed" in out
    assert "example-prize-2023 (AwardConferral): cannot stand without it (laureate)" in out
    assert "example-prize-2024 (AwardConferral): refers to it in presented_by" in out
    assert "zqxmk-quote (Quotation): cannot stand without it (creator)" in out
    assert "--with-dependents" in out and "--keep-dependents" in out
    assert snapshot(new_project) == before


def test_unknown_id_and_missing_reason(new_project: Path) -> None:
    code, out = cli(new_project, "withdraw", "alex-exampel", "--reason", "asked")
    assert code == 2 and "no record has the id 'alex-exampel'" in out
    assert "did you mean 'alex-example'?" in out
    code, out = cli(new_project, "withdraw", "alex-example", "--reason", " ")
    assert code == 2 and "a withdrawal needs a reason" in out
    assert not (new_project / "withdrawals.yaml").exists()


def test_withdrawal_reaches_the_edition_and_every_release(new_project: Path) -> None:
    released_twice(new_project)
    code, out = cli(
        new_project,
        "withdraw",
        "zqxmk-person",
        "--reason",
        "asked",
        "--date",
        "2025-04-01",
        "--keep-dependents",
    )
    assert code == 0, out
    assert "2 release(s) made again" in out
    assert "example-prize-2024 (AwardConferral) depended on it: kept, reference removed" in out
    assert marked_files(new_project / "dist", new_project / "releases", new_project / "bags") == []
    # the kept conferral is still published, without its presenter
    assert (new_project / "dist/id/conferral/example-prize-2024.ttl").is_file()
    assert not (new_project / "dist/id/conferral/example-prize-2023.ttl").exists()
    for version, previous in (("1.0.0", None), ("1.1.0", "1.0.0")):
        folder = new_project / "releases" / version
        doc = json.loads((folder / "changes.json").read_text())
        assert doc["amended"] == [{"by": "withdrawal", "date": "2025-04-01"}]
        assert doc["previous"] == previous and doc["version"] == version
        md = (folder / "CHANGES.md").read_text()
        assert "Amended on 2025-04-01: records were withdrawn" in md
        assert "zqxmk" not in md.lower()
        check_manifest(folder)
        assert (new_project / "dist/releases" / version / "CHANGES.md").read_text() == md
        # its bag was made again from it, and is valid
        bag = new_project / "bags" / version
        assert (bag / "data" / "CHANGES.md").read_text() == md
        code, out = cli(new_project, "release", "verify", version)
        assert code == 0, out
    check_manifest(new_project / "dist")
    # the register keeps id, type, date and reason; status shows ids and dates, never names
    assert [(w.id, w.type, str(w.date)) for w in load_register(new_project)] == [
        ("zqxmk-person", "Person", "2025-04-01")
    ]
    code, out = cli(new_project, "status")
    assert "withdrawn: 1" in out and "zqxmk-person (Person), 2025-04-01" in out
    assert "Zqxmk Defender" not in out
    # embedding it elsewhere answers as for an id that never existed
    assert cli(new_project, "embed", "zqxmk-person")[1].replace("zqxmk-person", "X") == (
        cli(new_project, "embed", "never-existed")[1].replace("never-existed", "X")
    )
    # a second withdrawal of the same record is a no-op that completes the job
    code, out = cli(
        new_project, "withdraw", "zqxmk-person", "--reason", "asked", "--keep-dependents"
    )
    assert code == 0 and "0 newly registered" in out and "0 release(s) made again" in out


def test_remakes_link_what_did_not_change(new_project: Path) -> None:
    from hrd_lod.workflows.withdraw import withdraw

    released_twice(new_project)
    done = withdraw(
        new_project,
        ["zqxmk-person"],
        reason="asked",
        date=__import__("datetime").date(2025, 4, 1),
        dependents="keep",
    )
    assert [r.version for r in done.remade] == ["1.0.0", "1.1.0"]
    for r in done.remade:
        # only the pages that showed the record (its employer's, the conferral it presented,
        # lists) are made again; every other per-entity file is the release's own, linked
        assert r.linked > r.rendered > 0, r
    assert done.built is not None and done.built.entity_files.linked > 0


def test_with_dependents_withdraws_them_too(new_project: Path) -> None:
    add_marked(new_project)
    code, out = cli(
        new_project, "withdraw", "zqxmk-person", "--reason", "asked", "--with-dependents"
    )
    assert code == 0, out
    ids = {w.id for w in load_register(new_project)}
    assert ids == {"zqxmk-person", "zqxmk-quote", "example-prize-2023", "example-prize-2024"}
    assert not (new_project / "dist/id/conferral/example-prize-2024.ttl").exists()


def test_restricted_record_leaves_past_releases_at_the_next_build(new_project: Path) -> None:
    released_twice(new_project)
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace(
            "  name: Zqxmk Defender\n", "  name: Zqxmk Defender\n  visibility: restricted\n"
        )
    )
    # the library refuses to publish the releases as they are, without a way forward hidden
    with pytest.raises(UsageError, match="release\\(s\\) 1.0.0, 1.1.0 hold records"):
        build(new_project)
    code, out = cli(new_project, "build")
    assert code == 0, out
    assert "release 1.0.0 made again" in out and "release 1.1.0 made again" in out
    assert "zqxmk" not in out.lower()
    assert marked_files(new_project / "dist", new_project / "releases", new_project / "bags") == []


def test_release_without_inputs_cannot_be_remade(new_project: Path) -> None:
    released_twice(new_project)
    (new_project / "release-inputs" / "1.0.0.tar.gz").unlink()  # as made before inputs were kept
    before = snapshot(new_project)
    code, out = cli(
        new_project, "withdraw", "zqxmk-person", "--reason", "asked", "--keep-dependents"
    )
    assert code == 2, out
    assert "release(s) 1.0.0 hold a record that must be withdrawn but cannot be remade" in out
    assert "nothing was changed" in out and "delete releases/VERSION" in out
    assert snapshot(new_project) == before


def test_build_says_nothing_about_a_withdrawn_record(new_project: Path) -> None:
    # a name not in NFC: the loader notes it, with the record's file and line
    add_marked(new_project)
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(ex.read_text().replace("name: Zqxmk Defender", "name: Zqxmk De\u0301fender"))
    code, out = cli(new_project, "build")
    assert code == 0 and "text normalised to Unicode NFC" in out
    line = next(x for x in out.splitlines() if "NFC" in x)
    code, out = cli(
        new_project, "withdraw", "zqxmk-person", "--reason", "asked", "--keep-dependents"
    )
    assert code == 0, out
    code, out = cli(new_project, "build")
    assert code == 0 and line not in out and "NFC" not in out


def test_withdrawing_a_source_takes_what_rests_on_it_alone(new_project: Path) -> None:
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text()
        + """
- id: second-source
  type: Source
  name: A second page
  publisher: example-foundation
  url: https://example.org/second
  retrieved: 2025-03-01
  sources: [example-source]

- id: only-from-second
  type: Place
  name: Secondtown
  sources: [second-source]

- id: from-both
  type: Place
  name: Bothtown
  sources: [example-source, second-source]
"""
    )
    code, out = cli(new_project, "withdraw", "second-source", "--reason", "unsafe page")
    assert code == 2, out
    assert "only-from-second (Place): cannot stand without it (sources)" in out
    assert "from-both (Place): refers to it in sources" in out
    code, out = cli(
        new_project, "withdraw", "second-source", "--reason", "unsafe page", "--keep-dependents"
    )
    assert code == 0, out  # never a failed build: the place read only from it goes with it
    dist = new_project / "dist"
    assert not (dist / "id/place/only-from-second.ttl").exists()
    assert (dist / "id/place/from-both.ttl").is_file()
    assert b"second-source" not in (dist / "ds.nq").read_bytes()


def test_a_new_release_first_remakes_releases_holding_a_restricted_record(
    new_project: Path,
) -> None:
    released_twice(new_project)
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace(
            "  name: Zqxmk Defender\n", "  name: Zqxmk Defender\n  visibility: restricted\n"
        )
    )
    code, out = cli(new_project, "release", "1.2.0", "--date", "2025-03-07")
    assert code == 0, out
    assert "release 1.0.0 made again" in out and "release 1.1.0 made again" in out
    assert marked_files(new_project / "dist", new_project / "releases", new_project / "bags") == []
    assert (new_project / "dist/releases/1.2.0/CHANGES.md").is_file()
    code, out = cli(new_project, "status", "--format", "json")
    assert json.loads(out)["withdrawn"] == []  # restricted, not withdrawn


def test_a_record_removed_from_the_data_is_withdrawn_from_the_releases_that_hold_it(
    new_project: Path,
) -> None:
    add_marked(new_project)
    assert cli(new_project, "release", "1.0.0", "--date", "2025-03-05")[0] == 0
    # the archivist deletes the person (and what needed them) from data/ before 1.1.0:
    # 1.1.0's changelog then lists them as removed
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace(MARKED, "").replace("  presented_by: [zqxmk-person]\n", "")
    )
    assert cli(new_project, "release", "1.1.0", "--date", "2025-03-06")[0] == 0
    assert marked_files(new_project / "releases" / "1.1.0")  # its CHANGES name them
    code, out = cli(new_project, "withdraw", "zqxmk-person", "--reason", "asked")
    assert code == 0, out
    assert "2 release(s) made again" in out
    assert marked_files(new_project / "dist", new_project / "releases", new_project / "bags") == []
    assert [(w.id, w.type) for w in load_register(new_project)] == [("zqxmk-person", "Person")]
    code, out = cli(new_project, "withdraw", "nobody-anywhere", "--reason", "asked")
    assert code == 2 and "no record has the id 'nobody-anywhere', in data/ or in a release" in out
