"""The messages a newcomer meets say what to do next: exact lines, as sqlite-utils tests them."""

from __future__ import annotations

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
    assert out[2] == "    hint: did you mean 'example-person'?"


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
