"""The competency questions give the same answers locally, through the endpoint, and through
Oxigraph after ``publish``; and the answers are the facts the sources state."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.sparql.local import load_store, run_query

from .conftest import QUERIES, Oxigraph, Served

pytestmark = pytest.mark.integration

Rows = list[tuple[str, ...]]
NAMES = sorted(p.stem for p in QUERIES.glob("*.rq"))
ID = "https://w3id.org/hrd/id/"


def rows(result: ox.QuerySolutions) -> Rows:
    names = [v.value for v in result.variables]
    return [tuple(str(s[n]) if s[n] is not None else "" for n in names) for s in result]


def over_http(url: str, query: str) -> Rows:
    r = requests.post(
        url,
        data={"query": query},
        timeout=30,
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.status_code == 200, r.text
    return rows(
        ox.parse_query_results(
            r.content,  # type: ignore[arg-type]
            format=ox.QueryResultsFormat.JSON,
        )
    )


@pytest.fixture(scope="module")
def local_answers(dist: Path) -> dict[str, Rows]:
    _, store = load_store(dist)
    return {
        name: rows(run_query(store, (QUERIES / f"{name}.rq").read_text()))  # type: ignore[arg-type]
        for name in NAMES
    }


def test_the_answers_are_the_facts_of_the_sources(local_answers: dict[str, Rows]) -> None:
    awards = local_answers["jmg-awards"]
    assert [(a, y) for a, _, y in awards] == [
        (
            f"<{ID}award/front-line-defenders-award>",
            '"2011"^^<http://www.w3.org/2001/XMLSchema#gYear>',
        ),
        (f"<{ID}award/martin-ennals-award>", '"2013"^^<http://www.w3.org/2001/XMLSchema#gYear>'),
    ]
    (presenter,) = local_answers["presenter-2011"]
    assert presenter == (
        f"<{ID}person/mary-robinson>",
        '"Mary Robinson"@en',
        '"2011-05-05"^^<http://www.w3.org/2001/XMLSchema#date>',
    )
    jury = {m for m, _ in local_answers["jury-2013"]}
    assert len(jury) == 10
    assert {
        f"<{ID}organization/{s}>"
        for s in ("amnesty-international", "human-rights-watch", "huridocs", "front-line-defenders")
    } <= jury
    sources = local_answers["sources"]
    assert (
        f"<{ID}conferral/jmg-front-line-defenders-award-2011>",
        f"<{ID}source/fld-profile-jmg>",
    ) in sources
    assert {s for c, s in sources if c.endswith("jmg-martin-ennals-award-2013>")} == {
        f"<{ID}source/fld-profile-jmg>",
        f"<{ID}source/hrf-mea-2013>",
    }


@pytest.mark.parametrize("name", NAMES)
def test_endpoint_answers_the_same(
    name: str, local_answers: dict[str, Rows], endpoint: Served
) -> None:
    assert over_http(endpoint.url, (QUERIES / f"{name}.rq").read_text()) == (local_answers[name])


def test_cli_answers_the_same(project: Path, local_answers: dict[str, Rows]) -> None:
    for name in NAMES:
        out = CliRunner().invoke(
            main,
            [
                "query",
                "--project",
                str(project),
                "--file",
                str(QUERIES / f"{name}.rq"),
                "--format",
                "json",
            ],
        )
        assert out.exit_code == 0, out.output
        parsed = ox.parse_query_results(out.stdout_bytes, format=ox.QueryResultsFormat.JSON)
        assert rows(parsed) == local_answers[name]  # type: ignore[arg-type]


def test_oxigraph_after_publish_answers_the_same(
    dist: Path, oxigraph: Oxigraph, local_answers: dict[str, Rows]
) -> None:
    result = CliRunner().invoke(main, ["publish", "--dist", str(dist), oxigraph.store_url])
    assert result.exit_code == 0, result.output
    for name in NAMES:
        query = (QUERIES / f"{name}.rq").read_text()
        assert over_http(oxigraph.query_url, query) == local_answers[name], name
        # and hrd-lod query --endpoint prints what the local query prints
        remote = CliRunner().invoke(
            main,
            [
                "query",
                "--dist",
                str(dist),
                "--endpoint",
                oxigraph.query_url,
                "--file",
                str(QUERIES / f"{name}.rq"),
            ],
        )
        local = CliRunner().invoke(
            main, ["query", "--dist", str(dist), "--file", str(QUERIES / f"{name}.rq")]
        )
        assert remote.exit_code == 0, remote.output
        assert remote.output == local.output
