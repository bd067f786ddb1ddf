"""hrd-lod status: a summary at a glance, and the progress display."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from hrd_lod import vocab as V
from hrd_lod.cli.archive import Progress, status_cmd
from hrd_lod.export.releases import copy_releases
from hrd_lod.pipeline import check
from hrd_lod.workflows.status import project_status

from .wf_helpers import snapshot


def run(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(status_cmd, ["--project", str(project), *args])
    return res.exit_code, res.output


def test_status_of_the_repository_dataset(repo_project: Path) -> None:
    st = project_status(repo_project)
    checked = check(repo_project)
    assert sum(st.counts.values()) == len(checked.records)
    assert st.counts["Source"] == 60
    assert [s.id for s in st.sources if s.archived] == ["fld-profile-jmg", "hrf-mea-2013"]
    assert all(s.url and s.url.startswith("http") for s in st.sources if not s.archived)
    years = {a.id: a for a in st.award_years}
    mea = years["martin-ennals-award"]
    assert (mea.first, mea.last, mea.without) == (1994, 2024, (2018,))
    assert len(mea.with_conferral) == 30
    fld = years["front-line-defenders-award"]
    assert (fld.first, fld.last, fld.without) == (2005, 2025, (2009, 2013, 2014, 2019))
    # facts per source are the triples of its named graph
    for s in st.sources:
        graph = ox.NamedNode(V.graph_iri(checked.meta.base_iri, s.id))
        assert s.facts == len(list(checked.store.quads_for_pattern(None, None, None, graph)))
        assert s.facts > 0 and s.records > 0
    assert st.withheld == {
        "personal contact data": 1,
        "restricted record": 1,
        "its 'laureate' is a restricted record": 1,
    }
    # warnings: the publication date of each source that does not state it
    assert st.unsourced == [] and st.conforms and st.warnings == 51
    assert st.todo == []  # neither example records nor an example.org base
    code, out = run(repo_project)
    assert code == 0, out
    assert "withheld: 3 (" in out and "restricted record: 1" in out
    assert "validation: valid: 0 violation(s), 51 warning(s)" in out
    assert "sources: 60 (2 archived, 58 cited, not archived)" in out
    assert "  martin-ennals-award: 1994-2024, 30 year(s) with a conferral, 1 without: 2018" in out
    assert "4 without: 2009, 2013-2014, 2019" in out  # the Front Line award's gaps, as ranges
    code, out = run(repo_project, "--format", "json")
    doc = json.loads(out)
    assert doc["validation"]["conforms"] is True and doc["withheld"] == st.withheld
    gaps = {a["award"]: a["years_without_conferral"] for a in doc["award_years"]}
    assert gaps["martin-ennals-award"] == [2018]


def test_withheld_values_are_never_shown(new_project: Path) -> None:
    ex = new_project / "data" / "examples.yaml"
    ex.write_text(
        ex.read_text().replace(
            "  job_title: [coordinator]\n",
            "  job_title: [coordinator]\n  telephone: ['+00 MARKER-5551234']\n"
            "  email: [marker-secret@example.org]\n",
        )
    )
    code, out = run(new_project)
    assert "MARKER" not in out and "marker-secret" not in out
    assert "withheld: 2 (personal contact data: 2)" in out
    code, out = run(new_project, "--format", "json")
    assert "MARKER" not in out and "marker-secret" not in out


def test_gaps_and_reminders(new_project: Path) -> None:
    (new_project / "data" / "extra.yaml").write_text(
        "id: lonely\ntype: Person\nname: Lonely Person\n"
        "same_as: [http://www.wikidata.org/entity/Q1]\n"
    )
    st = project_status(new_project)
    assert [(i, t) for i, t, _ in st.unsourced] == [("lonely", "Person")]
    assert st.unsourced[0][2].file == "data/extra.yaml"
    assert "lonely" not in [i for i, _ in st.no_wikidata]
    assert "example-foundation" in [i for i, _ in st.no_wikidata]
    assert not st.conforms and st.violations >= 1  # a record without a source violates
    assert len(st.todo) == 2 and "example record" in st.todo[0] and "base IRI" in st.todo[1]
    code, out = run(new_project)
    assert code == 1
    assert "records citing no source: 1\n  lonely (Person, data/extra.yaml:1)" in out
    assert "validation: NOT valid" in out


def test_status_of_a_project_that_does_not_load(new_project: Path) -> None:
    (new_project / "data" / "sources" / "new.yaml").write_text(
        "id: new-source\ntype: Source\nname: x\narchived_copy: sources/example-source.txt\n"
        "sha256: " + "0" * 64 + "\n"
    )
    before = snapshot(new_project)
    code, out = run(new_project)
    assert code == 2
    assert "records: 13 (" in out and "Source 2" in out
    assert "the data does not load" in out and "needs 'publisher'" in out
    assert snapshot(new_project) == before


def test_progress_bar_and_plain_lines(capsys) -> None:  # type: ignore[no-untyped-def]
    bar = Progress(tty=True)
    for i in range(5):
        bar("verify", i, 4)
    bar.close()
    err = capsys.readouterr().err
    assert "\r[" + "#" * 12 + "." * 12 + "] 2/4 verify" in err
    assert "] 4/4 verify" in err and err.endswith("\n")
    plain = Progress(tty=False)
    for i in range(101):
        plain("rows", i, 100)
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == "... rows (0/100)" and lines[-1] == "... rows (100/100)"
    assert len(lines) == 11  # one line per tenth, not one per row
    Progress(quiet=True)("x", 1, 2)
    assert capsys.readouterr().err == ""


def test_copy_releases_for_the_build(tmp_path: Path) -> None:
    (tmp_path / "releases" / "1.0").mkdir(parents=True)
    (tmp_path / "releases" / "1.0" / "CHANGES.md").write_text("# 1.0\n")
    (tmp_path / "releases" / ".tmp-x").mkdir()
    out = tmp_path / "out"
    copy_releases(tmp_path, out)
    assert snapshot(out) == {
        "releases/" + k: v
        for k, v in snapshot(tmp_path / "releases").items()
        if not k.startswith(".")
    }
    assert sorted(snapshot(out)) == ["releases/1.0/CHANGES.md"]
