"""Preservation packages: every release is a BagIt bag with an RO-Crate, DataCite metadata and
a CITATION.cff inside, checked with the real validators (bagit, rocrate, roc-validator, the
DataCite JSON schema)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
from pathlib import Path

import bagit
import jsonschema
import pytest
import yaml
from click.testing import CliRunner
from rocrate.rocrate import ROCrate

from hrd_lod.cli import main
from hrd_lod.preserve import package_release, verify_release
from hrd_lod.preserve.datacite import schema_errors
from hrd_lod.project import load_metadata, open_project

from ..conftest import missing
from ..workflows.wf_helpers import snapshot
from .conftest import RELEASE_DATE


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def cli(project: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(main, ["release", *args, "--project", str(project)])
    return res.exit_code, res.output


def test_release_writes_a_bag_that_bagit_validates(released_once: Path) -> None:
    bag_dir = released_once / "bags" / "1.0.0"
    bag = bagit.Bag(str(bag_dir))
    bag.validate(processes=1)  # raises on any problem
    assert set(bag.algorithms) == {"sha256", "sha512"}
    assert (bag_dir / "manifest-sha512.txt").is_file()
    assert (bag_dir / "tagmanifest-sha256.txt").is_file()
    # the payload is the kept release, byte for byte
    release = released_once / "releases" / "1.0.0"
    assert snapshot(bag_dir / "data") == snapshot(release)
    assert {"ro-crate-metadata.json", "datacite.json", "CITATION.cff", "ds.nt"} <= files_under(
        bag_dir / "data"
    )
    info = bag.info
    assert info["Bagging-Date"] == RELEASE_DATE.isoformat()  # the release date, not the clock
    assert info["Source-Organization"] == "Example Organisation"
    assert info["External-Identifier"] == "https://example.org/ds/dataset 1.0.0"
    assert info["Internal-Sender-Identifier"] == "releases/1.0.0"
    assert info["Payload-Oxum"].endswith(f".{len(files_under(release))}")


def test_archived_source_copies_are_in_the_release(released_once: Path) -> None:
    release = released_once / "releases" / "1.0.0"
    copies = sorted((release / "archive").rglob("*.*"))
    assert copies, "the example source's archived copy is part of the release"
    for copy in copies:
        original = released_once / "data" / copy.relative_to(release / "archive")
        assert copy.read_bytes() == original.read_bytes()


def test_the_crate_names_every_file_and_the_dataset(released_once: Path) -> None:
    folder = released_once / "releases" / "1.0.0"
    crate = ROCrate(str(folder))
    root = crate.root_dataset
    meta = load_metadata(open_project(released_once))
    assert root["name"] == meta.title_text() and root["description"] == meta.description_text()
    assert root["version"] == "1.0.0"
    assert root["datePublished"] == RELEASE_DATE.isoformat()
    assert root["license"].id == "https://creativecommons.org/licenses/by/4.0/"
    assert root["publisher"]["name"] == "Example Organisation"
    described = {e.id for e in crate.data_entities}
    assert described == files_under(folder) - {"ro-crate-metadata.json"}
    by_id = {e.id: e for e in crate.data_entities}
    assert by_id["ds.ttl"]["encodingFormat"] == "text/turtle"
    assert by_id["ds.ttl"]["description"] == "the whole dataset as Turtle"
    assert by_id["ds.ttl"]["contentSize"] == str((folder / "ds.ttl").stat().st_size)
    assert by_id["shapes/hrd-shapes.ttl"]["description"].startswith("the SHACL shapes")
    # sources, their archived copies, and the tool that made the release from them
    sources = [e for e in crate.get_by_type("CreativeWork") if "/id/source/" in e.id]
    assert sources and all(s["name"] for s in sources)
    copy = next(e for e in crate.data_entities if e.id.startswith("archive/"))
    assert copy["about"].id in {s.id for s in sources}
    [action] = crate.get_by_type("CreateAction")
    assert action["instrument"]["@type"] == "SoftwareApplication"
    assert action["result"] is root
    assert {o.id for o in action["object"]} == {s.id for s in sources}


def validate_crate(folder: Path) -> list[str]:
    from rocrate_validator import models, services

    settings = services.ValidationSettings(
        rocrate_uri=str(folder),
        profile_identifier="ro-crate-1.1",
        requirement_severity=models.Severity.REQUIRED,
    )
    result = services.validate(settings)
    return [f"{i.severity}: {i.message}" for i in result.get_issues()]


def test_the_crate_passes_the_ro_crate_validator(
    released: Path, offline_crate_context: list[str]
) -> None:
    folder = released / "releases" / "1.0.0"
    assert validate_crate(folder) == []
    assert offline_crate_context  # the validator did read the context
    # the same validator finds a crate whose root lost its licence and date
    path = folder / "ro-crate-metadata.json"
    doc = json.loads(path.read_text())
    root = next(e for e in doc["@graph"] if e["@id"] == "./")
    del root["license"], root["datePublished"]
    path.write_text(json.dumps(doc))
    assert validate_crate(folder) != []


def test_the_datacite_record_is_valid(released_once: Path) -> None:
    record = json.loads((released_once / "releases/1.0.0/datacite.json").read_text())
    assert schema_errors(record) == []
    assert record["version"] == "1.0.0" and record["publicationYear"] == "2025"
    assert record["types"]["resourceTypeGeneral"] == "Dataset"
    assert record["rightsList"][0]["rightsIdentifier"] == "CC-BY-4.0"
    broken = {k: v for k, v in record.items() if k != "titles"}
    broken["publicationYear"] = "two thousand"
    errors = schema_errors(broken)
    assert any("titles" in e for e in errors) and any("publicationYear" in e for e in errors)


def cff_schema() -> dict[str, object]:
    """Return the Citation File Format 1.2.0 JSON schema that the cffconvert package ships.

    Only the schema file is used (found without importing cffconvert, whose code pins an old
    jsonschema); .ci/run installs the package without its dependencies for it.
    """
    spec = importlib.util.find_spec("cffconvert")
    if spec is None or not spec.submodule_search_locations:
        missing("the Python package 'cffconvert' (for the CITATION.cff schema)")
    folder = Path(list(spec.submodule_search_locations)[0])
    return json.loads((folder / "schemas/1.2.0/schema.json").read_text())  # type: ignore[no-any-return]


def test_citation_cff(released_once: Path) -> None:
    doc = yaml.safe_load((released_once / "releases/1.0.0/CITATION.cff").read_text())
    schema = cff_schema()
    validator = jsonschema.validators.validator_for(schema)(
        schema, format_checker=jsonschema.FormatChecker()
    )
    assert [e.message for e in validator.iter_errors(doc)] == []
    assert list(validator.iter_errors({**doc, "authors": []}))  # the schema does check
    assert doc["cff-version"] == "1.2.0" and doc["type"] == "dataset"
    assert doc["version"] == "1.0.0" and doc["date-released"] == RELEASE_DATE.isoformat()
    assert doc["authors"] == [{"name": "Example Organisation"}]
    assert doc["license"] == "CC-BY-4.0"


def test_verify_an_intact_release(released_once: Path) -> None:
    code, out = cli(released_once, "verify", "1.0.0")
    assert code == 0, out
    n = len(files_under(released_once / "releases/1.0.0"))
    assert out == f"release 1.0.0: intact ({n} files match the bag's manifests)\n"
    code, out = cli(released_once, "verify", "--all")
    assert code == 0 and "release 1.0.0: intact" in out
    # options may come before the subcommand, as before any other command
    res = CliRunner().invoke(main, ["release", "-p", str(released_once), "verify", "1.0.0"])
    assert res.exit_code == 0 and "release 1.0.0: intact" in res.output
    res = CliRunner().invoke(
        main, ["release", "--date", "2025-03-06", "-p", str(released_once), "1.0.0"]
    )
    assert res.exit_code == 2 and "version 1.0.0 is already released" in res.output


def test_a_changed_payload_byte_fails_validation(released: Path) -> None:
    target = released / "bags/1.0.0/data/ds.nt"
    data = bytearray(target.read_bytes())
    data[10] ^= 1
    target.write_bytes(bytes(data))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(released / "bags/1.0.0")).validate(processes=1)
    code, out = cli(released, "verify", "1.0.0")
    assert code == 1
    assert out.splitlines()[0].startswith("bags/1.0.0/data/ds.nt: changed (sha256 ")
    assert out.splitlines()[-1] == "release 1.0.0: NOT intact: 1 file(s) differ"


def test_verify_names_changed_missing_and_new_files_of_the_release(released: Path) -> None:
    folder = released / "releases/1.0.0"
    with (folder / "ds.ttl").open("ab") as fh:
        fh.write(b"# edited\n")
    (folder / "CHANGES.md").unlink()
    (folder / "extra.txt").write_text("not released")
    result = verify_release(released, "1.0.0")
    assert [(p.path, p.status) for p in result.problems] == [
        ("releases/1.0.0/CHANGES.md", "missing"),
        ("releases/1.0.0/ds.ttl", "changed"),
        ("releases/1.0.0/extra.txt", "unexpected"),
    ]
    # a tag file changed is named too
    info = released / "bags/1.0.0/bag-info.txt"
    info.write_text(info.read_text().replace("1.0.0", "9.9.9"))
    problems = verify_release(released, "1.0.0").problems
    assert ("bags/1.0.0/bag-info.txt", "changed") in [(p.path, p.status) for p in problems]


def test_verify_bad_input(released: Path) -> None:
    code, out = cli(released, "verify", "2.0")
    assert code == 2 and "there is no release '2.0' in releases/ (releases: 1.0.0)" in out
    code, out = cli(released, "verify")
    assert code == 2 and "give a VERSION or --all" in out
    shutil.rmtree(released / "bags")
    code, out = cli(released, "verify", "1.0.0")
    assert code == 2 and "bags/1.0.0 is not a bag (no bagit.txt)" in out
    code, out = cli(released, "verify", "--all")
    assert code == 1 and "release 1.0.0: NOT verified: " in out and "no bagit.txt" in out


def test_package_is_repeatable_and_follows_a_rewritten_release(released: Path) -> None:
    before = snapshot(released / "bags")
    code, out = cli(released, "package", "1.0.0")
    assert code == 0, out
    assert out.startswith("packaged release 1.0.0: ") and out.rstrip().endswith("bag: bags/1.0.0")
    assert snapshot(released / "bags") == before  # the same bytes again
    # a release rewritten in place (as a withdrawal does) is described and bagged again
    folder = released / "releases/1.0.0"
    nt = folder / "ds.nt"
    kept = [line for line in nt.read_text().splitlines(keepends=True) if "alex-example" not in line]
    nt.write_text("".join(kept))
    assert not verify_release(released, "1.0.0").ok
    code, out = cli(released, "package", "1.0.0")
    assert code == 2 and "release 1.0.0 does not match its bag: releases/1.0.0/ds.nt changed" in out
    package_release(released, "1.0.0")  # what a withdrawal calls after rewriting the release
    assert verify_release(released, "1.0.0").ok
    manifest = json.loads((folder / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["path"] == "ds.nt")
    assert entry["sha256"] == hashlib.sha256(nt.read_bytes()).hexdigest()


def test_package_a_release_made_before_bags(released: Path) -> None:
    folder = released / "releases/1.0.0"
    shutil.rmtree(released / "bags")
    for name in ("ro-crate-metadata.json", "datacite.json", "CITATION.cff"):
        (folder / name).unlink()
    shutil.rmtree(folder / "archive")
    package_release(released, "1.0.0")
    assert (folder / "ro-crate-metadata.json").is_file() and (folder / "archive").is_dir()
    assert verify_release(released, "1.0.0").ok


def test_a_source_that_left_the_release_leaves_its_archive_and_crate(released: Path) -> None:
    # as a withdrawal does: the release's dump no longer describes the example source
    folder = released / "releases/1.0.0"
    nt = folder / "ds.nt"
    nt.write_text(
        "".join(
            line
            for line in nt.read_text().splitlines(keepends=True)
            if not line.startswith("<https://example.org/ds/id/source/example-source>")
        )
    )
    assert (folder / "archive/sources/example-source.txt").is_file()
    package_release(released, "1.0.0")
    assert not (folder / "archive").exists()
    crate = (folder / "ro-crate-metadata.json").read_text()
    assert "https://example.org/ds/id/source/example-source" not in crate
    assert verify_release(released, "1.0.0").ok


def test_an_archived_copy_path_outside_data_is_refused(released: Path) -> None:
    nt = released / "releases/1.0.0/ds.nt"
    nt.write_text(nt.read_text().replace('"sources/example-source.txt"', '"../../outside.txt"'))
    code, out = cli(released, "package", "1.0.0", "--force")
    assert code == 2 and "'../../outside.txt': not a path inside data/" in out
    assert not (released / "outside.txt").exists()
