"""What a person sees from validation: clean errors, both meanings of "conforms", results at the
field's line, and literals as the archivist wrote them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.errors import ShapesError
from hrd_lod.pipeline import check
from hrd_lod.validate.report import Report, Result

from ..conftest import write

BAD_CONFERRAL = (
    "id: bad\ntype: AwardConferral\nname: Bad\naward: example-award\n"
    "laureate: [example-group]\nyear: 2019\ndate: 2020-01-01\nsources: [doc]\n"
)

SHAPES_HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
@prefix ex: <https://example.org/shapes#> .
"""

UNRUNNABLE = (
    SHAPES_HEAD
    + """
ex:Minus a sh:NodeShape ; sh:targetClass schema:Place ;
    sh:sparql [ sh:message "m" ;
        sh:select "SELECT $this WHERE { $this ?p ?o MINUS { $this a schema:Thing } }" ] .
"""
)

NO_MESSAGE = """
ex:Quiet a sh:NodeShape ; sh:targetClass schema:Place ;
    sh:property [ sh:path schema:name ; sh:minCount 1 ] .
"""

UNDECLARED_PREFIX = (
    SHAPES_HEAD
    + """
ex:Prefix a sh:NodeShape ; sh:targetClass schema:Place ;
    sh:sparql [ sh:message "m" ; sh:select "SELECT $this WHERE { $this nope:name ?o }" ] .
"""
)


def run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("shapes", [UNRUNNABLE, UNDECLARED_PREFIX], ids=["minus", "prefix"])
@pytest.mark.parametrize("engine", ["auto", "reference"])
def test_shapes_no_engine_can_run_exit_2_naming_file_and_shape(
    project: Path, shapes: str, engine: str
) -> None:
    write(project / "shapes" / "extra.ttl", shapes)
    for command in ("validate", "build"):
        res = run(command, "-p", str(project), "--engine", engine)
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output
        assert "shapes/extra.ttl (https://example.org/shapes#" in res.output
        assert "pyshacl cannot run the shapes" in res.output
        assert "hrd-shapes.ttl" not in res.output  # only the file that holds the shape
    assert not (project / "dist").exists()
    with pytest.raises(ShapesError):
        check(project, engine=engine)


def test_only_the_shape_no_engine_can_run_is_named(project: Path) -> None:
    write(project / "shapes" / "extra.ttl", UNRUNNABLE + NO_MESSAGE)
    res = run("validate", "-p", str(project))
    assert res.exit_code == 2
    assert "shapes/extra.ttl (https://example.org/shapes#Minus)" in res.output
    blamed = res.output.split(": no engine can run")[0]
    assert "#Minus" in blamed and "#Quiet" not in blamed  # Quiet only lacks a message


def test_fast_engine_refuses_a_shape_it_cannot_parse(project: Path) -> None:
    write(project / "shapes" / "extra.ttl", UNDECLARED_PREFIX)
    res = run("validate", "-p", str(project), "--engine", "fast")
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "https://example.org/shapes#Prefix" in res.output
    assert "cannot parse" in res.output


def test_json_carries_the_builds_decision_and_shacls(project: Path) -> None:
    res = run("validate", "-p", str(project), "--format", "json")
    doc = json.loads(res.output)
    assert doc["conforms"] is (doc["violations"] == 0)
    assert doc["shacl_conforms"] is (not doc["results"])
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    doc = json.loads(run("validate", "-p", str(project), "--format", "json").output)
    assert doc["conforms"] is False and doc["shacl_conforms"] is False


def _result(severity: str) -> Result:
    return Result(severity, "https://x/a", None, "C", "https://x/S", None, "m")


def test_warnings_do_not_count_for_the_build_but_do_for_shacl() -> None:
    from hrd_lod.validate.render import render_text

    only_warning = Report((_result("Warning"),))
    assert only_warning.conforms and not only_warning.shacl_conforms
    assert only_warning.to_dict()["shacl_conforms"] is False
    text = render_text(only_warning)
    assert "valid: 0 errors, 1 warning" in text and "sh:conforms" in text
    assert Report(()).conforms and Report(()).shacl_conforms
    assert "sh:conforms" not in render_text(Report(()))
    violation = Report((_result("Violation"),))
    assert not violation.conforms and not violation.shacl_conforms


def test_a_sparql_result_points_at_the_fields_line(project: Path) -> None:
    write(project / "data" / "bad.yaml", BAD_CONFERRAL)
    [res] = [r for r in check(project).report.results if r.record_id == "bad"]
    assert res.path is None  # a SPARQL constraint: the field comes from the value's triple
    assert res.field_name == "date"
    assert res.location is not None and res.location.line == 7
    assert res.to_dict()["line"] == 7


def test_a_csv_result_points_at_the_row_and_column(project: Path) -> None:
    write(
        project / "data" / "conferrals.csv",
        "id,name,award,laureate,year,date,sources\n"
        "ok-2020,OK,example-award,example-group,2020,2020-02-01,doc\n"
        "bad-2019,Bad,example-award,example-group,2019,2020-01-01,doc\n",
    )
    [res] = [r for r in check(project).report.results if r.record_id == "bad-2019"]
    assert res.location is not None
    assert (res.location.file, res.location.line, res.location.column, res.field_name) == (
        "data/conferrals.csv",
        3,
        6,
        "date",
    )
    assert res.to_dict()["column"] == 6
    from hrd_lod.validate.render import render_text

    assert "[line 3, column 6, field 'date']" in render_text(check(project).report)


def test_prize_amounts_stay_as_written_in_validation_dumps_and_publish(project: Path) -> None:
    records = project / "data" / "records.yaml"
    text = records.read_text(encoding="utf-8").replace(
        "  name: Example Award\n", '  name: Example Award\n  prize: ["1000.50 CHF"]\n', 1
    )
    records.write_text(text, encoding="utf-8")
    report = check(project).report
    # The store keeps "1000.50"^^xsd:decimal as "1000.5"; the datatype check gives the same
    # verdict on both, so the fast engine still runs.
    assert report.engine == "fast", report.fallback_reason
    assert not report.violations
    res = run("build", "-q", "-p", str(project))
    assert res.exit_code == 0, res.output
    written = '"1000.50"^^<http://www.w3.org/2001/XMLSchema#decimal>'
    for dump in ("test.nt", "test.nq"):
        text = (project / "dist" / dump).read_text(encoding="utf-8")
        assert written in text and '"1000.5"^^' not in text, dump
    # publish sends the graphs as written (not through a Store, which would send "1000.5",
    # and xsd:integer for the description's xsd:nonNegativeInteger byte sizes)
    from hrd_lod.sparql.publish import plan

    with plan(project / "dist") as pushes:
        sent = "".join(p.path.read_text(encoding="utf-8") for p in pushes)
    assert written in sent and '"1000.5"^^' not in sent
    assert "XMLSchema#nonNegativeInteger>" in sent


BAD_REGEX = (
    SHAPES_HEAD
    + """
ex:Regex a sh:NodeShape ; sh:targetClass schema:Place ;
    sh:property [ sh:path schema:name ; sh:pattern "[a-" ; sh:message "m" ] .
"""
)


def test_a_pattern_that_is_not_a_regex_is_refused_never_passed(project: Path) -> None:
    write(project / "shapes" / "extra.ttl", BAD_REGEX)
    for engine in ("fast", "auto", "reference"):
        res = run("validate", "-p", str(project), "--engine", engine)
        assert res.exit_code == 2, (engine, res.output)
        assert "Traceback" not in res.output
        assert "shapes/extra.ttl (https://example.org/shapes#Regex)" in res.output
    res = run("validate", "-p", str(project), "--engine", "fast")
    assert "is not a regular expression" in res.output


def test_store_literals_of_one_form_were_written_so() -> None:
    """The fast engine compares the lines as written only when a checked store literal may
    have been written otherwise; dates YYYY-MM-DD and years YYYY never were (the store keeps
    invalid ones as written, and writes valid ones back the same)."""
    import pyoxigraph as ox

    from hrd_lod.validate.fast import may_be_rewritten
    from hrd_lod.validate.literals import store_forms

    xsd = "http://www.w3.org/2001/XMLSchema#"
    one_form = [
        ("2014-01-01", "date"),
        ("2013-02-30", "date"),
        ("2014-13-01", "date"),
        ("0000-01-01", "date"),
        ("2014", "gYear"),
        ("0000", "gYear"),
        ("x", "http://example.org/custom"),
    ]
    other = [
        ("2014-01-01+00:00", "date"),
        (" 2014", "gYear"),
        ("1", "boolean"),
        ("01", "int"),
        ("1.0", "decimal"),
        ("1", "integer"),
    ]

    def lit(value: str, dt: str) -> ox.Literal:
        return ox.Literal(value, datatype=ox.NamedNode(dt if ":" in dt else xsd + dt))

    assert not store_forms({str(lit(v, d)).encode() for v, d in one_form})
    assert not any(may_be_rewritten(lit(v, d)) for v, d in one_form)
    assert all(may_be_rewritten(lit(v, d)) for v, d in other)
    assert len(store_forms({str(lit(v, d)).encode() for v, d in other})) == 4
