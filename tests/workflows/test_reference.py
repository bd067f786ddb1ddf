"""hrd-lod fields: the reference of every record type, made from the schema, kept in step."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hrd_lod.cli import main
from hrd_lod.errors import LoadError
from hrd_lod.records.load import load_records
from hrd_lod.records.schema import META_KEYS, TYPES
from hrd_lod.workflows.reference import reference, render_markdown, type_doc

from .wf_helpers import REPO

DOCS = REPO / "docs" / "fields.md"


def run(*args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, list(args))
    return res.exit_code, res.output


def test_docs_page_is_current() -> None:
    code, out = run("fields", "--format", "markdown")
    assert code == 0
    assert out == render_markdown(reference())
    assert DOCS.read_text("utf-8") == out, (
        "docs/fields.md is out of date: run 'hrd-lod fields --format markdown > docs/fields.md'"
    )


@pytest.mark.parametrize("name", list(TYPES))
def test_every_field_of_a_type_is_shown(name: str) -> None:
    code, out = run("fields", name)
    assert code == 0
    assert out.startswith(f"{name}: ")
    assert " ".join(out.split("\n\n")[0].split()).startswith(f"{name}: {TYPES[name].help}")
    assert all(len(line) <= 100 for line in out.splitlines()), "lines fit 100 columns"
    for spec in TYPES[name].fields:
        head = next(line for line in out.splitlines() if line.startswith(f"  {spec.name}"))
        assert ("(required" in head) == spec.required, head
        assert ("personal data: withheld" in head) == spec.private, head
        assert f"      e.g. {spec.name}: " in out
        for ref in spec.ref_types:
            assert ref in head
        for choice in spec.choices:
            assert choice in head


def test_personal_data_marked_in_the_page() -> None:
    page = render_markdown(reference())
    org = page.split("## Organization")[1].split("## Person")[0]
    for row in org.splitlines():
        if row.startswith(("| `telephone`", "| `email`", "| `address`")):
            assert "personal data, withheld unless in `public_fields`" in row
        elif row.startswith("| `name`"):
            assert "| yes |" in row and "withheld" not in row


def test_summary_lists_every_type_and_every_record_key() -> None:
    code, out = run("fields")
    assert code == 0
    for name in TYPES:
        assert f"  {name}" in out
    for key in META_KEYS:
        assert f"  {key}: " in out
    assert "required: name, award, laureate, year" in out


def test_type_names_in_any_case_or_as_the_iri_word() -> None:
    assert run("fields", "awardconferral")[1] == run("fields", "AwardConferral")[1]
    assert run("fields", "conferral")[1] == run("fields", "AwardConferral")[1]


def test_unknown_type_is_an_error_with_a_suggestion() -> None:
    code, out = run("fields", "organisation")
    assert code == 2
    assert out.splitlines()[0] == (
        "Error: there is no record type 'organisation'; the types are: " + ", ".join(TYPES)
    )
    assert out.splitlines()[1] == "  hint: did you mean 'Organization'?"


def test_every_example_is_accepted_by_the_loader(new_project: Path) -> None:
    """A record of each type with every field set to the reference's example loads."""
    records = []
    for doc in reference():
        rec: dict[str, object] = {"id": f"all-{doc.name.lower()}", "type": doc.name}
        for f in doc.fields:
            rec.update(yaml.safe_load(f"{f.name}: {f.example}"))
        if doc.needs_sources:
            rec["sources"] = ["example-source"]
        if doc.name == "Source":
            rec.pop("archived_copy")
            rec.pop("sha256")  # a cited page: no copy, no digest
        records.append(rec)
    (new_project / "data" / "all.yaml").write_text(yaml.safe_dump(records), encoding="utf-8")
    loaded = load_records(new_project, new_project / "data")
    for doc in reference():
        rec = loaded.get(f"all-{doc.name.lower()}")
        assert rec is not None
        expected = {f.name for f in doc.fields}
        if doc.name == "Source":
            expected -= {"archived_copy", "sha256"}
        assert set(rec.values) == expected, doc.name


def test_examples_of_references_are_init_records() -> None:
    doc = type_doc(TYPES["AwardConferral"])
    by = {f.name: f.example for f in doc.fields}
    assert by["award"] == "example-prize"
    assert by["laureate"] == "[example-defenders-network]"
    assert by["selected_by"] == "example-prize-jury"


def test_readme_adding_a_record_points_at_fields() -> None:
    readme = (REPO / "README.md").read_text("utf-8")
    section = readme.split("## Adding a record")[1].split("\n## ")[0]
    assert "`hrd-lod fields`" in section and "docs/fields.md" in section


def test_all_shows_every_type_in_full() -> None:
    code, out = run("fields", "--all")
    assert code == 0
    flat = " ".join(out.split())
    for name, spec in TYPES.items():
        assert f"\n{name}: " in f"\n{out}" and f"{name}: {spec.help}" in flat
        for f in spec.fields:
            assert f"\n  {f.name}" in out
    assert "\non every record:\n" in out


def test_the_source_rule_is_shown_and_is_the_loaders(new_project: Path) -> None:
    code, out = run("fields", "Source")
    assert (
        "  needs: either an archived copy (archived_copy with its sha256) or the page's url" in out
    )
    base = "id: cited\ntype: Source\nname: A page\npublisher: example-foundation\n"
    (new_project / "data" / "cited.yaml").write_text(base, encoding="utf-8")
    with pytest.raises(LoadError) as exc:
        load_records(new_project, new_project / "data")
    assert "an archived copy or the address of the page" in str(exc.value)
    (new_project / "data" / "cited.yaml").write_text(
        base + "url: https://example.org/page\nretrieved: 2025-01-02\n", encoding="utf-8"
    )
    assert load_records(new_project, new_project / "data").get("cited") is not None
