"""The messages a newcomer meets say what to do next: exact lines, as sqlite-utils tests them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.pipeline import check
from hrd_lod.records.model import Url
from tests.conftest import write

ORG = "id: extra\ntype: Organization\nname: Extra\nsources: [doc]\n"


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def lines(project: Path, *args: str) -> tuple[int, list[str]]:
    res = run(*args, "-p", str(project))
    return res.exit_code, res.output.splitlines()


def test_a_bare_wikidata_id_is_its_entity_url(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "same_as: [Q12345, q7]\n")
    rec = check(project).records.get("extra")
    assert rec is not None
    assert rec.values["same_as"] == (
        Url("http://www.wikidata.org/entity/Q12345"),
        Url("http://www.wikidata.org/entity/Q7"),
    )


def test_a_same_as_that_is_not_a_url_says_what_to_write(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "same_as: Q12345x\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/extra.yaml:5 (field 'same_as'): 'Q12345x' is not a full URL: "
        "it does not start with http:// or https://",
        "    hint: give the Wikidata item's id (Q42) or its full URL "
        "(http://www.wikidata.org/entity/Q42)",
    ]


def test_a_url_without_scheme_is_named_as_such(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "url: example.org\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/extra.yaml:5 (field 'url'): 'example.org' is not a full URL: "
        "it does not start with http:// or https://",
        "    hint: give the full address, starting with https://",
    ]


CONFERRAL = (
    "id: c\ntype: AwardConferral\nname: C\naward: example-award\nlaureate: [example-group]\n"
    "year: 2020\nsources: [doc]\n"
)


def test_suggestions_only_among_records_of_the_type_the_field_takes(project: Path) -> None:
    # 'example-awardd' is one letter from the Award 'example-award', but selected_by takes a Jury
    write(project / "data" / "c.yaml", CONFERRAL + "selected_by: example-awardd\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out == [
        "Error: 1 problem in the data:",
        "data/c.yaml:8 (field 'selected_by'): 'example-awardd' is not the id of any record",
        "    hint: there is no Jury record yet: add a Jury record with id 'example-awardd' "
        "('hrd-lod fields Jury' lists its fields)",
    ]


def test_a_close_id_of_the_right_type_is_suggested(project: Path) -> None:
    write(project / "data" / "c.yaml", CONFERRAL + "presented_by: [example-persn]\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[2] == "    hint: did you mean 'example-person' (Example Person)?"


def test_no_close_id_among_existing_records_of_the_type(project: Path) -> None:
    write(project / "data" / "c.yaml", CONFERRAL + "presented_by: [lighthouse-jury]\n")
    code, out = lines(project, "validate")
    assert out[2] == (
        "    hint: no Person record has a similar id: add a Person record with id "
        "'lighthouse-jury' ('hrd-lod fields Person' lists its fields)"
    )


def test_a_reference_to_the_wrong_type_uses_the_right_article(project: Path) -> None:
    write(project / "data" / "c.yaml", CONFERRAL.replace("award: example-award", "award: c"))
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/c.yaml:4 (field 'award'): 'c' is an AwardConferral, but 'award' takes an Award",
        "    hint: give the id of an Award record here",
    ]


def test_a_query_name_in_a_project_without_queries_says_where_to_save_one(project: Path) -> None:
    assert run("build", "-q", "-p", str(project)).exit_code == 0
    res = run("query", "quotations", "-p", str(project), "--no-cache")
    assert res.exit_code == 2
    folder = project / "queries"
    assert res.output.splitlines() == [
        f"Error: no query named 'quotations' in {folder}",
        f"  hint: save the query as {folder}/quotations.rq (hrd-lod init writes starter "
        "queries there), pass the SPARQL text in quotes, or use --file FILE",
    ]


def test_status_says_what_is_publishable(project: Path) -> None:
    code, out = lines(project, "status")
    assert code == 0
    assert "to publish: 7 records, 35 quads (what 'hrd-lod build' writes)" in "\n".join(out)
    assert not any(line.startswith("published:") for line in out)
    write(
        project / "data" / "c.yaml", CONFERRAL.replace("year: 2020", "year: 2020\ndate: 2019-01-01")
    )
    code, out = lines(project, "status")
    assert code == 1
    publish = next(line for line in out if line.startswith("to publish"))
    assert publish.startswith("to publish once valid: 8 records, ")
    assert publish.endswith("quads (nothing can be published until the 1 violation(s) are fixed)")
    assert out[-2:] == [
        "validation: NOT valid: 1 violation(s), 0 warning(s)",
        "to do: run 'hrd-lod validate' to see each violation, where it is and how to fix it",
    ]


def test_release_dates_are_explained_and_guarded(project: Path) -> None:
    issued = "2020-01-01"
    meta = (project / "data" / "dataset.yaml").read_text("utf-8")
    assert f"issued: {issued}" in meta
    code, out = lines(project, "release", "1.0.0", "--date", "2019-12-31")
    assert code == 2
    assert out == [
        f"Error: the release date 2019-12-31 is before the dataset was first published: "
        f"'issued' is {issued} in data/dataset.yaml",
        f"  hint: date the release {issued} or later (--date {issued}, or leave --date out for "
        "today), or correct 'issued' in data/dataset.yaml if the dataset was published earlier",
    ]
    future = (dt.date.today() + dt.timedelta(days=40)).isoformat()
    code, out = lines(project, "release", "1.0.0", "--date", future)
    assert code == 2
    assert out[0].startswith(f"Error: the release date {future} is in the future (today is ")
    assert out[1].endswith(f"pass --force to date it {future} anyway")
    assert not (project / "releases").exists()
    code, out = lines(project, "release", "1.0.0", "--date", future, "--force")
    assert code == 0, out
    code, out = lines(project, "release", "1.0.1")
    assert code == 2
    assert out[0].startswith("Error: the release date ")
    assert out[0].endswith(f"is before that of the previous release 1.0.0 ({future})")
    assert out[1] == (
        f"  hint: releases are dated in order: give --date {future} or later "
        f"(with --force until {future}: release 1.0.0 is dated in the future)"
    )


def test_modified_before_issued_says_which_is_which(project: Path) -> None:
    meta = project / "data" / "dataset.yaml"
    text = meta.read_text("utf-8")
    meta.write_text(text.replace("modified: 2020-06-01", "modified: 2019-01-01"), "utf-8")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1].endswith(
        "(field 'modified'): 'modified' (2019-01-01) is before 'issued' (2020-01-01)"
    )
    assert out[2] == (
        "    hint: 'issued' is the day the dataset was first published and 'modified' the day of "
        "this version: make 'modified' that day or later, or correct 'issued'"
    )


def test_release_progress_names_the_stages_without_counters(project: Path) -> None:
    res = CliRunner().invoke(main, ["release", "1.0.0", "--date", "2020-06-01", "-p", str(project)])
    assert res.exit_code == 0, res.output
    stages = [line for line in res.output.splitlines() if line.startswith("... ")]
    assert stages[:3] == ["... load", "... policy", "... encode"]
    assert stages[-4:] == [
        "... changelog",
        "... release folder releases/1.0.0",
        "... bag bags/1.0.0",
        "... dist",
    ]
    assert not any("(" in line for line in stages)


def test_import_messages_use_the_right_article(project: Path, tmp_path: Path) -> None:
    table = write(
        tmp_path / "c.csv",
        "year,award,laureate,source\n2021,example-award-2020,example-award,doc\n",
    )
    res = run("import", "csv", str(table), "--type", "AwardConferral", "-p", str(project))
    assert res.exit_code == 2
    assert (
        "'example-award-2020' is an AwardConferral, not an Award" in res.output
        and "'example-award' is an Award, not a Person or Organization" in res.output
    ), res.output


def test_a_sparql_pattern_missing_its_object_in_plain_words(project: Path) -> None:
    assert run("build", "-q", "-p", str(project)).exit_code == 0
    res = run("query", "SELECT * WHERE { ?s ?p }", "-p", str(project), "--no-cache")
    assert res.exit_code == 2
    first, parser = res.output.splitlines()[:2]
    assert first == (
        "Error: SPARQL syntax error at query:1:25: the triple pattern '?s ?p' has no object: "
        "a pattern is a subject, a predicate and an object, e.g. '?s ?p ?value'"
    )
    # the parser's own words follow (their wording is pyoxigraph's, not ours)
    assert parser.startswith("  (the parser: expected ") and parser.endswith(")")


def test_a_year_in_a_date_field_says_what_to_write(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "founding_date: 2001\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/extra.yaml:5 (field 'founding_date'): expected a date YYYY-MM-DD, got only the "
        "year 2001",
        "    hint: write the day the source gives, e.g. 2001-05-12; if it gives only the year, "
        "leave the date out and say so in 'description'",
    ]


def test_a_missing_required_field_says_what_to_add(project: Path) -> None:
    write(project / "data" / "extra.yaml", "id: jane\ntype: Person\nsources: [doc]\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/extra.yaml:1: a Person needs 'name'",
        "    hint: add 'name:' (the name as the source gives it); 'hrd-lod fields Person' "
        "shows what it takes",
    ]


def test_a_missing_source_says_how_to_capture_it(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG.replace("sources: [doc]", "sources: [report]"))
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1:] == [
        "data/extra.yaml:4 (field 'sources'): 'report' is not the id of any record",
        "    hint: no Source record has a similar id: capture the document with 'hrd-lod source "
        "add URL --id report', or add a Source record with id 'report' ('hrd-lod fields "
        "Source' lists its fields)",
    ]


def test_a_wikidata_page_url_is_read_as_its_item_with_a_note(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "same_as: https://www.wikidata.org/wiki/Q7\n")
    res = run("validate", "-p", str(project))
    assert res.exit_code == 0, res.output
    assert (
        "note: data/extra.yaml:5 (field 'same_as'): the Wikidata page "
        "https://www.wikidata.org/wiki/Q7 is read as its item http://www.wikidata.org/entity/Q7; "
        "write that (or just Q7)"
    ) in res.output.splitlines()
    rec = check(project).records.get("extra")
    assert rec is not None and rec.values["same_as"] == (Url("http://www.wikidata.org/entity/Q7"),)


def test_a_folder_without_data_is_one_plain_line(tmp_path: Path) -> None:
    res = run("build", "-p", str(tmp_path))
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"Error: {tmp_path} is not a dataset project: there is no data/ folder here",
        "  hint: run hrd-lod in a dataset folder, pass --project DIR, or create one with "
        "'hrd-lod init DIR'",
    ]


def test_progress_shows_stages_by_name(capsys) -> None:  # type: ignore[no-untyped-def]
    from hrd_lod.cli.archive import Progress

    plain = Progress(tty=False)
    for stage in ("load", "load", "policy", "changelog"):
        plain(stage, 0, 0)
    assert capsys.readouterr().err.splitlines() == ["... load", "... policy", "... changelog"]
    bar = Progress(tty=True)
    bar("encode", 0, 0)
    bar.close()
    err = capsys.readouterr().err
    assert err == "\r... encode".ljust(78) + "\n"


def test_a_query_before_any_build_is_one_plain_line(project: Path) -> None:
    res = run("query", "ASK {}", "-p", str(project), "--no-cache")
    assert res.exit_code == 2
    assert res.output.splitlines() == [
        f"Error: {project / 'dist' / 'manifest.json'}: no built dataset here",
        "  hint: run 'hrd-lod build' first, or pass --dist DIR",
    ]


def test_status_says_how_to_link_to_wikidata(project: Path) -> None:
    code, out = lines(project, "status")
    assert code == 0
    linked = next(line for line in out if line.startswith("without a Wikidata link"))
    assert linked.startswith("without a Wikidata link: 5 (link one with same_as: Q-id): ")
    assert "  example-award: 2020, 1 year(s) with a conferral, 0 without" in out


def test_an_unknown_field_without_a_close_name_points_at_the_reference(project: Path) -> None:
    write(project / "data" / "extra.yaml", ORG + "zzz: 1\n")
    code, out = lines(project, "validate")
    assert code == 2
    assert out[1] == "data/extra.yaml:5 (field 'zzz'): unknown field 'zzz' for an Organization"
    assert out[2].startswith("    hint: the fields of an Organization are: name, alternate_name")
    assert out[2].endswith(" ('hrd-lod fields Organization' explains each)")


def test_a_bare_wikidata_id_in_a_csv_table(project: Path) -> None:
    write(project / "data" / "organizations.csv", "id,name,same_as,sources\nx-org,X,Q5,doc\n")
    rec = check(project).records.get("x-org")
    assert rec is not None
    assert rec.values["same_as"] == (Url("http://www.wikidata.org/entity/Q5"),)


def test_status_of_data_that_does_not_load_shows_the_hints(project: Path) -> None:
    write(project / "data" / "extra.yaml", "id: jane\ntype: Person\nsources: [doc]\n")
    code, out = lines(project, "status")
    assert code == 2
    at = out.index("  data/extra.yaml:1: a Person needs 'name'")
    assert out[at + 1] == (
        "      hint: add 'name:' (the name as the source gives it); 'hrd-lod fields Person' "
        "shows what it takes"
    )
