"""hrd-lod import csv: spreadsheet exports into records, all rows or none."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hrd_lod.cli.archive import import_group
from hrd_lod.errors import LoadError, UsageError
from hrd_lod.pipeline import build, check
from hrd_lod.records.model import Ref, Year
from hrd_lod.workflows.importer import import_csv

from .wf_helpers import snapshot

PLACES = """\
- {id: russian-federation, type: Place, name: Russian Federation, place_type: Country,
   sources: [example-source]}
- {id: kenya, type: Place, name: Kenya, place_type: Country, sources: [example-source]}
"""


def run(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(import_group, ["csv", *args, "--project", str(project)])
    return res.exit_code, res.output


@pytest.fixture
def project(new_project: Path) -> Path:
    (new_project / "data" / "places.yaml").write_text(PLACES)
    return new_project


def write(path: Path, text: str, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_round_trip_award_conferrals(project: Path, tmp_path: Path) -> None:
    """A table of conferrals (year, award, laureate, country, source) builds and validates.

    The country belongs to the laureate (its location), not to the conferral: the laureates
    are imported first from the same kind of export, the country mapped to their location.
    """
    laureates = write(
        tmp_path / "laureates.csv",
        "Name;Country;Organization type;Source\n"
        "Joint Mobile Group;Russian Federation;NGO;example-source\n"
        "Kenya Rights Network;kenya;NGO;Example source document\n",
        bom=True,
    )
    code, out = run(project, str(laureates), "--type", "Organization", "--map", "Country=location")
    assert code == 0, out
    table = write(
        tmp_path / "conferrals.csv",
        "year,award,laureate,country,source\n"
        "2013,Example Prize for Human Rights Defenders,Joint Mobile Group,"
        "Russian Federation,example-source\n"
        "2014,example-prize,kenya-rights-network,Kenya,example-source\n",
    )
    code, out = run(project, str(table), "--type", "AwardConferral", "--ignore", "country")
    assert code == 0, out
    assert "imported 2 AwardConferral record(s) into data/conferrals.yaml" in out
    built = build(project)
    assert built.checked.report.conforms
    records = built.checked.records
    conf = records.get("2013-example-prize-for-human-rights-defenders-to-joint-mobile-group")
    assert conf is not None
    assert conf.values["laureate"] == (Ref("joint-mobile-group"),)
    assert conf.values["award"] == (Ref("example-prize"),)
    assert conf.values["year"] == (Year(2013),)
    assert conf.sources == ("example-source",)
    jmg = records.get("joint-mobile-group")
    assert jmg is not None and jmg.values["location"] == (Ref("russian-federation"),)
    kenya_org = records.get("kenya-rights-network")
    assert kenya_org is not None and kenya_org.values["location"] == (Ref("kenya"),)
    assert conf.location.file == "data/conferrals.yaml"


def test_unmapped_country_column_is_explained(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "c.csv",
        "year,award,laureate,country,source\n"
        "2013,example-prize,example-defenders-network,Kenya,example-source\n",
    )
    code, out = run(project, str(table), "--type", "AwardConferral")
    assert code == 2
    assert (
        "c.csv:1: row 1, column D 'country': 'country' is not a field of an AwardConferral" in out
    )
    assert "--map 'country=FIELD' or --ignore 'country'" in out


def test_dry_run_writes_nothing(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "People.csv",
        "name,job title,works for,sources\n"
        "Ana Pérez,lawyer,Example Defenders Network,example-source\n"
        "Ana Pérez,researcher,,example-source\n",
    )
    before = snapshot(project)
    # two rows with the same name are two records only when the archivist says so
    code, out = run(project, str(table), "--type", "person", "--dry-run")
    assert code == 2 and "row 3: row 2 already has a Person named 'Ana Pérez'" in out
    code, out = run(project, str(table), "--type", "person", "--dry-run", "--allow-duplicate-name")
    assert code == 0, out
    assert snapshot(project) == before
    assert "dry run: would add 2, update 0 and leave 0 Person record(s) as they are" in out
    assert "would write 2 Person record(s) to data/people.yaml" in out
    body = out.split("\n\n", 1)[1]
    recs = yaml.safe_load(body)
    assert [r["id"] for r in recs] == ["ana-perez", "ana-perez-2"]  # made unique
    assert recs[0]["works_for"] == ["example-defenders-network"]


def test_bad_rows_are_reported_by_row_and_column(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "bad.csv",
        "year,award,laureate,name,sources\n"
        "abc,example-prize,example-defenders-network,A,example-source\n"
        "2013,example-prize,exampleland,B,example-source\n"
        "2013,no-such-award,example-defenders-network,C,example-source\n"
        "2013,example-prize\n"
        "2013,example-prize,example-defenders-network,D,example-source\n",
    )
    before = snapshot(project)
    with pytest.raises(LoadError) as exc:
        import_csv(project, table, "AwardConferral")
    assert snapshot(project) == before  # not even the good row was written
    text = str(exc.value)
    assert "bad.csv:2: row 2, column A 'year': expected a year such as 2013, got 'abc'" in text
    assert (
        "bad.csv:3: row 3, column C 'laureate': 'exampleland' is a Place, not a Person or "
        "Organization"
    ) in text
    assert "bad.csv:4: row 4, column B 'award': no Award has the id or name 'no-such-award'" in text
    assert "bad.csv:5: row 5: 2 cells, the header has 5" in text
    assert "row 6" not in text
    assert len(exc.value.problems) == 4


def test_bad_input_files(project: Path, tmp_path: Path) -> None:
    code, out = run(
        project, str(write(tmp_path / "q.csv", 'name,sources\n"open,x\n')), "--type", "Place"
    )
    assert code == 2 and "not valid CSV" in out
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,sources\nS\xe3o Paulo,example-source\n".encode("latin-1"))
    code, out = run(project, str(latin), "--type", "Place")
    assert code == 2 and "not UTF-8" in out
    code, out = run(project, str(write(tmp_path / "e.csv", "")), "--type", "Place")
    assert code == 2 and "empty" in out
    code, out = run(project, str(write(tmp_path / "h.csv", "name,sources\n")), "--type", "Place")
    assert code == 2 and "no rows" in out
    code, out = run(project, str(tmp_path / "missing.csv"), "--type", "Place")
    assert code == 2


def test_wrong_type(project: Path, tmp_path: Path) -> None:
    table = write(tmp_path / "t.csv", "name,sources\nX,example-source\n")
    code, out = run(project, str(table), "--type", "Persn")
    assert code == 2 and "unknown record type 'Persn'" in out and "Person" in out
    table = write(tmp_path / "t2.csv", "type,name,sources\nPlace,X,example-source\n")
    code, out = run(project, str(table), "--type", "Person")
    assert code == 2 and "'Place' in a table imported as Person" in out


def test_ids_and_outputs(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "places.csv",
        "id,name,contained in,sources\nnairobi,Nairobi,Kenya,example-source\n",
    )
    # the default output exists already: refused, never overwritten
    code, out = run(project, str(table), "--type", "Place")
    assert code == 2 and "never overwrites" in out
    code, out = run(project, str(table), "--type", "Place", "--out", "../outside.yaml")
    assert code == 2 and "not inside" in out
    code, out = run(project, str(table), "--type", "Place", "--out", "data/x.txt")
    assert code == 2 and ".yaml" in out
    # the id of a record of another type is refused; the id of a Place updates it
    dup = write(tmp_path / "dup.csv", "id,name,sources\nexample-foundation,X,example-source\n")
    code, out = run(project, str(dup), "--type", "Place", "--out", "data/dup.yaml")
    assert code == 2 and "'example-foundation' is already used (data/examples.yaml:" in out
    code, out = run(project, str(table), "--type", "Place", "--out", "data/cities.yaml")
    assert code == 0, out
    assert check(project).records.get("nairobi").values["contained_in"] == (Ref("kenya"),)


def test_languages_and_rows_referring_to_each_other(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "regions.csv",
        "name@en;name@fr;contained_in;place_type;sources\n"
        "East Africa;Afrique de l'Est;;Region;example-source\n"
        "Rift Valley;Vallée du Rift;East Africa;Region;example-source\n",
    )
    code, out = run(project, str(table), "--type", "Place")
    assert code == 0, out
    rec = check(project).records.get("rift-valley")
    assert rec is not None and rec.values["contained_in"] == (Ref("east-africa"),)
    assert {v.lang for v in rec.values["name"]} == {"en", "fr"}


def test_interrupted_import_leaves_no_file(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = write(tmp_path / "p.csv", "name,sources\nSomewhere,example-source\n")
    import hrd_lod.fsutil as fsutil

    def disk_full(fd: int) -> None:  # the data is half on disk when the writer fails
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "fsync", disk_full)
    before = snapshot(project)
    with pytest.raises(OSError):
        import_csv(project, table, "Place")
    assert snapshot(project) == before  # no records file, no temporary file


def test_usage_errors_without_project(tmp_path: Path) -> None:
    with pytest.raises(Exception, match="no data/ folder"):
        import_csv(tmp_path, tmp_path / "x.csv", "Place")
    with pytest.raises(UsageError):
        import_csv(Path(__file__).resolve().parents[2], tmp_path / "x.csv", "Nope")


def test_every_problem_of_every_row_at_once(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "c.csv",
        "year,award,laureate,sources\n"
        "20x3,Example Prize for Human Rigths Defenders,example-defenders-network,example-source\n"
        "2014,example-prize,example-defenders-network,\n",
    )
    with pytest.raises(LoadError) as exc:
        import_csv(project, table, "AwardConferral")
    text = str(exc.value)
    # a bad award name does not hide the bad year of the same row
    assert "c.csv:2: row 2, column B 'award': no Award has the id or name" in text
    assert "c.csv:2: row 2, column A 'year': expected a year such as 2013, got '20x3'" in text
    # the build's rule: every record cites a source
    assert "c.csv:3: row 3, column D 'sources': the record cites no source document" in text
    assert len(exc.value.problems) == 3


PEOPLE = (
    "name,job title,works for,sources\n"
    "Ana Pérez,lawyer,Example Defenders Network,example-source\n"
    "Alex Example,coordinator,Example Defenders Network,example-source\n"
)


def test_reimport_updates_instead_of_duplicating(project: Path, tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", PEOPLE)
    code, out = run(project, str(table), "--type", "Person", "--out", "data/people.yaml")
    assert code == 0, out
    # Ana is new; Alex Example (data/examples.yaml) already has these values: left alone
    assert "imported 1 Person record(s) into data/people.yaml" in out
    assert "left 1 matching Person record(s) as they were" in out
    people = (project / "data/people.yaml").read_bytes()
    examples = (project / "data/examples.yaml").read_text()

    # the same sheet again: nothing new, nothing written
    before = snapshot(project)
    code, out = run(project, str(table), "--type", "Person", "--out", "data/people2.yaml")
    assert code == 0, out
    assert "left 2 matching Person record(s) as they were" in out and "-2" not in out
    assert snapshot(project) == before

    # a changed cell updates the record where it is, comments and layout kept
    changed = write(
        tmp_path / "people.csv",
        PEOPLE.replace("Alex Example,coordinator", "Alex Example,director").replace(
            "lawyer", "human rights lawyer"
        ),
    )
    code, out = run(project, str(changed), "--type", "Person", "--dry-run")
    assert code == 0, out
    assert "dry run: would add 0, update 2 and leave 0 Person record(s) as they are" in out
    line = examples.splitlines().index("- id: alex-example") + 1
    assert f"update alex-example (data/examples.yaml:{line}) from row 3: job_title" in out
    assert snapshot(project) == before
    code, out = run(project, str(changed), "--type", "Person")
    assert code == 0, out
    new_examples = (project / "data/examples.yaml").read_text()
    diff = [
        (a, b)
        for a, b in zip(examples.splitlines(), new_examples.splitlines(), strict=True)
        if a != b
    ]
    assert diff == [("  job_title: [coordinator]", "  job_title: [director]")]
    assert (project / "data/people.yaml").read_bytes() != people
    assert (project / "data/people.yaml").read_text().startswith("# Person records imported")
    rec = check(project).records.get("alex-example")
    assert rec is not None and [v.value for v in rec.values["job_title"]] == ["director"]
    assert check(project).records.get("ana-perez-2") is None


def test_second_record_with_a_name_needs_the_flag(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "p.csv", "name,job title,sources\nAlex Example,painter,example-source\n"
    )
    code, out = run(
        project, str(table), "--type", "Person", "--out", "data/p.yaml", "--allow-duplicate-name"
    )
    assert code == 0, out
    assert "a Person named 'Alex Example' already exists (alex-example)" in out
    assert check(project).records.get("alex-example-2") is not None
    # now two people have that name: a row naming it must say which one (an id column)
    code, out = run(project, str(table), "--type", "Person", "--out", "data/q.yaml")
    assert code == 2 and "several Person records are named 'Alex Example'" in out


def test_records_of_csv_tables_are_not_updated(project: Path, tmp_path: Path) -> None:
    (project / "data/towns.csv").write_text(
        "id,type,name,sources\nmombasa,Place,Mombasa,example-source\n"
    )
    table = write(tmp_path / "t.csv", "id,name,sources\nmombasa,Mombasa Town,example-source\n")
    before = snapshot(project)
    code, out = run(project, str(table), "--type", "Place", "--out", "data/t.yaml")
    assert code == 2 and "matches 'mombasa', a record of the table data/towns.csv" in out
    assert snapshot(project) == before


def test_interrupted_update_puts_every_file_back(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    table = write(
        tmp_path / "p.csv",
        "name,job title,sources\n"
        "Alex Example,director,example-source\nNew Person,x,example-source\n",
    )
    import hrd_lod.workflows.files as files

    real = files.write_atomic
    calls: list[Path] = []

    def second_write_fails(path: Path, data: bytes, durable: bool = True) -> None:
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real(path, data, durable)

    monkeypatch.setattr(files, "write_atomic", second_write_fails)
    before = snapshot(project)
    with pytest.raises(OSError):
        import_csv(project, table, "Person", out="data/p.yaml")
    assert snapshot(project) == before


def test_new_records_say_the_day_they_were_added(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "cities.csv",
        "id,name,sources,added\n"
        "nairobi,Nairobi,example-source,\n"
        "mombasa,Mombasa,example-source,2020-01-02\n",
    )
    import_csv(project, table, "Place", out="data/cities.yaml", today=dt.date(2026, 12, 7))
    rows = yaml.safe_load((project / "data" / "cities.yaml").read_text("utf-8"))
    assert {r["id"]: r["added"] for r in rows} == {
        "nairobi": dt.date(2026, 12, 7),  # the import's day
        "mombasa": dt.date(2020, 1, 2),  # as the table says
    }
    records = check(project).records
    assert records.get("nairobi").added == dt.date(2026, 12, 7)  # type: ignore[union-attr]
    # an update of an existing record leaves its 'added' as it was
    again = write(tmp_path / "again.csv", "id,name,sources\nnairobi,Nairobi City,example-source\n")
    import_csv(project, again, "Place", today=dt.date(2027, 1, 1))
    assert check(project).records.get("nairobi").added == dt.date(2026, 12, 7)  # type: ignore[union-attr]
