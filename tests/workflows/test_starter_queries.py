"""hrd-lod init ships starter queries that answer on the example records, by name."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.pipeline import build

STARTERS = ("laureates-by-year", "entity-facts", "facts-without-source", "without-wikidata")


def query(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["query", *args, "-p", str(project), "--no-cache"])
    return res.exit_code, res.output


@pytest.fixture
def built(new_project: Path) -> Path:
    build(new_project)
    return new_project


def test_init_writes_the_starter_queries(new_project: Path) -> None:
    names = sorted(p.stem for p in (new_project / "queries").glob("*.rq"))
    assert names == sorted(STARTERS)
    for name in STARTERS:
        head = (new_project / "queries" / f"{name}.rq").read_text("utf-8").splitlines()
        assert head[0].startswith("# title: ") and head[1].startswith("# question: ")


def test_laureates_by_year_on_the_examples(built: Path) -> None:
    code, out = query(built, "laureates-by-year", "--format", "csv")
    assert code == 0, out
    assert out.splitlines() == [
        "awardName,year,laureate,laureateName,kind",
        "Example Prize for Human Rights Defenders,2024,"
        "https://example.org/ds/id/organization/example-defenders-network,"
        "Example Defenders Network,organisation",
    ]


def test_entity_facts_name_their_source(built: Path) -> None:
    code, out = query(built, "entity-facts", "--format", "csv")
    assert code == 0, out
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert len(rows) >= 5
    assert {r[-2] for r in rows} == {"https://example.org/ds/id/source/example-source"}
    assert ["http://schema.org/name", "Example Defenders Network"] in [r[:2] for r in rows]


def test_without_wikidata_lists_the_unlinked_examples(built: Path) -> None:
    code, out = query(built, "without-wikidata", "--format", "csv")
    assert code == 0, out
    ids = {line.split(",")[0].rsplit("/", 1)[1] for line in out.splitlines()[1:]}
    assert "alex-example" in ids and "example-prize" in ids
    # a linked entity drops out of the list
    examples = built / "data" / "examples.yaml"
    text = examples.read_text("utf-8")
    examples.write_text(
        text.replace("  name: Alex Example\n", "  name: Alex Example\n  same_as: Q42\n"), "utf-8"
    )
    build(built)
    code, out = query(built, "without-wikidata", "--format", "csv")
    ids = {line.split(",")[0].rsplit("/", 1)[1] for line in out.splitlines()[1:]}
    assert "alex-example" not in ids and "example-prize" in ids


def test_facts_without_source_is_empty_on_a_valid_build_and_finds_unsourced_facts(
    built: Path,
) -> None:
    code, out = query(built, "facts-without-source", "--format", "csv")
    assert code == 0, out
    assert out.splitlines() == ["entity,name,property,value"]
    # the same query over a store that also holds a fact no source states lists that fact
    store = ox.Store()
    store.bulk_load(path=str(built / "dist" / "ds.nq"), format=ox.RdfFormat.N_QUADS)
    stray = ox.NamedNode("https://example.org/ds/id/place/nowhere")
    store.add(ox.Quad(stray, ox.NamedNode("http://schema.org/name"), ox.Literal("Nowhere")))
    text = (built / "queries" / "facts-without-source.rq").read_text("utf-8")
    rows = list(store.query(text, use_default_graph_as_union=True))
    assert [(r["entity"], r["value"]) for r in rows] == [(stray, ox.Literal("Nowhere"))]


def test_every_starter_answers_by_name(built: Path) -> None:
    for name in STARTERS:
        code, out = query(built, name)
        assert code == 0, f"{name}: {out}"
        assert out.rstrip().endswith(("row)", "rows)")), out


def test_a_missing_query_says_where_queries_live(tmp_path: Path, built: Path) -> None:
    code, out = query(built, "quotations")
    assert code == 2
    assert out.splitlines()[0] == f"Error: no query named 'quotations' in {built / 'queries'}"
    assert out.splitlines()[1] == "  hint: queries: " + ", ".join(sorted(STARTERS))


def test_the_sites_queries_page_shows_the_starters(built: Path) -> None:
    page = (built / "dist" / "queries" / "index.html").read_text("utf-8")
    assert "ships no example queries" not in page
    for name in STARTERS:
        assert f'href="{name}.rq"' in page
        assert (built / "dist" / "queries" / f"{name}.rq").is_file()


def test_a_misspelt_query_name_is_suggested(built: Path) -> None:
    code, out = query(built, "laureate-by-year")
    assert code == 2
    assert out.splitlines()[1] == (
        "  hint: did you mean 'laureates-by-year'? queries: " + ", ".join(sorted(STARTERS))
    )


def test_init_says_what_to_do_next(tmp_path: Path) -> None:
    res = CliRunner().invoke(main, ["init", str(tmp_path / "ds"), "--date", "2025-03-04"])
    assert res.exit_code == 0, res.output
    root = tmp_path / "ds"
    assert res.output.splitlines()[-3:] == [
        f"next: fill in {root}/data/dataset.yaml, then run 'hrd-lod build --project {root}'",
        f"then: 'hrd-lod query laureates-by-year --project {root}' runs a starter query from "
        "queries/;",
        "      'hrd-lod fields' lists the record types and what each takes",
    ]
    assert "  queries/laureates-by-year.rq" in res.output.splitlines()
