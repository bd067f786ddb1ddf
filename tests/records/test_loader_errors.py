"""Every kind of loader error names the file, line and field, and says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest

from hrd_lod.errors import LoadError
from hrd_lod.records.load import load_records
from tests.conftest import write

ORG = "id: extra\ntype: Organization\nname: Extra\nsources: [doc]\n"


def problems_of(project: Path) -> list:
    with pytest.raises(LoadError) as info:
        load_records(project, project / "data")
    return list(info.value.problems)


def one(project: Path, code: str):
    found = [p for p in problems_of(project) if p.code == code]
    assert found, f"no problem with code {code}"
    return found[0]


CASES = [
    # (name, file text, code, line, field, words in message or hint)
    ("tab", "id: x\ntype: Organization\n\tname: X\n", "yaml-syntax", 3, None, "tabs"),
    ("bad-indent", "id: x\n  type: Organization\n", "yaml-syntax", 2, None, "YAML"),
    ("dup-key", ORG + "name: Again\n", "duplicate-key", 5, "name", "line 3"),
    (
        "alias",
        "- &a {id: a1, type: Place, name: A, sources: [doc]}\n- *a\n",
        "yaml-alias",
        2,
        None,
        "aliases",
    ),
    (
        "merge",
        "- &a {name: A}\n- {<<: *a, id: a2, type: Place, sources: [doc]}\n",
        "yaml-alias",
        2,
        None,
        "not allowed",
    ),
    ("scalar", "just some text\n", "not-a-record", 1, None, "mapping"),
    (
        "unknown-type",
        "id: x\ntype: Organisation\nname: X\nsources: [doc]\n",
        "unknown-type",
        2,
        "type",
        "Organization",
    ),
    ("unknown-field", ORG + "nmae: typo\n", "unknown-field", 5, "nmae", "'name'"),
    ("no-id", "type: Organization\nname: X\nsources: [doc]\n", "missing-field", 1, None, "id"),
    (
        "no-required",
        "id: a\ntype: Award\nname: A\nsources: [doc]\n",
        "missing-field",
        1,
        None,
        "conferred_by",
    ),
    ("id-slash", ORG.replace("id: extra", "id: a/b"), "bad-id", 1, "id", "slashes"),
    ("id-dots", ORG.replace("id: extra", "id: '..'"), "bad-id", 1, "id", "slashes or dots"),
    ("id-space", ORG.replace("id: extra", "id: joint mobile"), "bad-id", 1, "id", "joint-mobile"),
    ("id-lookalike", ORG.replace("id: extra", "id: jоint"), "bad-id", 1, "id", "look-alikes"),
    ("dangling", ORG + "area_served: [narnia]\n", "dangling-ref", 5, "area_served", "narnia"),
    (
        "dangling-typo",
        ORG + "area_served: [example-lnd]\n",
        "dangling-ref",
        5,
        "area_served",
        "example-land",
    ),
    (
        "wrong-ref-type",
        ORG + "area_served: [example-group]\n",
        "wrong-ref-type",
        5,
        "area_served",
        "Place",
    ),
    (
        "bad-date",
        ORG + "founding_date: 2013-02-30\n",
        "bad-value",
        5,
        "founding_date",
        "real calendar date",
    ),
    (
        "date-format",
        ORG + "founding_date: 13/10/2013\n",
        "bad-value",
        5,
        "founding_date",
        "YYYY-MM-DD",
    ),
    (
        "year-range",
        "id: c\ntype: AwardConferral\nname: C\naward: example-award\n"
        "laureate: [example-group]\nyear: 3013\nsources: [doc]\n",
        "bad-value",
        6,
        "year",
        "out of range",
    ),
    ("javascript-url", ORG + "url: javascript:alert(1)\n", "bad-value", 5, "url", "https"),
    ("file-url", ORG + "same_as: [file:///etc/passwd]\n", "bad-value", 5, "same_as", "https"),
    # accepted by urlsplit, refused by the store's IRI rules (was an internal error at encode)
    ("url-port", ORG + 'url: "https://example.org:abc/"\n', "bad-value", 5, "url", "port"),
    ("url-escape", ORG + 'url: "https://example.org/a%zz"\n', "bad-value", 5, "url", "escape"),
    ("url-host", ORG + 'url: "http://[::1/"\n', "bad-value", 5, "url", "host"),
    (
        "bad-lang",
        ORG.replace("name: Extra", "name: {english: Extra}"),
        "bad-value",
        3,
        "name",
        "BCP 47",
    ),
    (
        "control-char",
        ORG + 'description: "bell\\a here"\n',
        "bad-value",
        5,
        "description",
        "control character",
    ),
    (
        "bidi-mark",
        ORG + 'description: "a\u202eb"\n',
        "bad-value",
        5,
        "description",
        "direction mark",
    ),
    ("number-for-text", ORG + "description: 12\n", "bad-value", 5, "description", "quotes"),
    (
        "list-for-single",
        ORG + "founding_date: [2001-01-01, 2002-01-01]\n",
        "bad-value",
        5,
        "founding_date",
        "one value",
    ),
    ("empty-field", ORG + "description:\n", "empty-field", 5, "description", "empty"),
    ("bad-visibility", ORG + "visibility: secret\n", "bad-value", 5, "visibility", "restricted"),
    (
        "bad-public-fields",
        ORG + "public_fields: [name]\n",
        "bad-value",
        5,
        "public_fields",
        "withheld",
    ),
    (
        "field-sources-unknown",
        ORG + "field_sources: {founder: [doc]}\n",
        "unknown-field",
        5,
        "field_sources",
        "founder",
    ),
    (
        "source-not-source",
        ORG.replace("[doc]", "[example-group]"),
        "wrong-ref-type",
        4,
        "sources",
        "Source",
    ),
    (
        "too-deep",
        ORG + "description: " + "[" * 30 + "x" + "]" * 30 + "\n",
        "too-deep",
        5,
        None,
        "nested",
    ),
    # --- an award's history (issue 19): money, claims, sources cited by their address
    (
        "money-grouped",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "prize: 20,000 CHF\nsources: [doc]\n",
        "bad-value",
        5,
        "prize",
        "without grouping",
    ),
    (
        "money-currency",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "prize: 20000 francs\nsources: [doc]\n",
        "bad-value",
        5,
        "prize",
        "ISO 4217",
    ),
    (
        "claim-no-sources",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "claims:\n  established:\n    - {value: 1993}\nsources: [doc]\n",
        "bad-value",
        5,
        "claims",
        "'value' and 'sources'",
    ),
    (
        "claim-two-preferred",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "claims:\n  established:\n    - {value: 1993, sources: [doc], preferred: a}\n"
        "    - {value: 1983, sources: [doc], preferred: b}\nsources: [doc]\n",
        "bad-value",
        5,
        "claims",
        "at most one",
    ),
    (
        "claim-and-field",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "established: 1993\nclaims:\n  established:\n    - {value: 1983, sources: [doc]}\n"
        "sources: [doc]\n",
        "bad-value",
        5,
        "established",
        "in 'claims'",
    ),
    (
        "claim-unknown-field",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "claims:\n  founded:\n    - {value: 1983, sources: [doc]}\nsources: [doc]\n",
        "unknown-field",
        5,
        "claims",
        "not a field",
    ),
    (
        "claim-bad-value",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "claims:\n  established:\n    - {value: 93 AD, sources: [doc]}\nsources: [doc]\n",
        "bad-value",
        5,
        "claims",
        "a year",
    ),
    (
        "claim-dangling-source",
        "id: a2\ntype: Award\nname: A\nconferred_by: [example-publisher]\n"
        "claims:\n  established:\n    - {value: 1993, sources: [dco]}\nsources: [doc]\n",
        "dangling-ref",
        5,
        "claims",
        "did you mean 'doc'",
    ),
    (
        "source-neither",
        "id: s2\ntype: Source\nname: S\npublisher: example-publisher\n",
        "missing-field",
        1,
        None,
        "'url'",
    ),
    (
        "source-copy-no-sum",
        "id: s2\ntype: Source\nname: S\npublisher: example-publisher\n"
        "archived_copy: sources/x.txt\n",
        "missing-field",
        5,
        "archived_copy",
        "SHA-256",
    ),
    (
        "source-sum-no-copy",
        "id: s2\ntype: Source\nname: S\npublisher: example-publisher\n"
        "url: https://example.org/p\nsha256: " + "a" * 64 + "\n",
        "missing-field",
        6,
        "sha256",
        "archived_copy",
    ),
]


@pytest.mark.parametrize("name,text,code,line,field,words", CASES, ids=[c[0] for c in CASES])
def test_loader_error(
    project: Path, name: str, text: str, code: str, line: int, field: str | None, words: str
) -> None:
    write(project / "data" / "bad.yaml", text)
    p = one(project, code)
    assert p.location.file == "data/bad.yaml"
    assert p.location.line == line
    assert p.location.field == field
    assert words in f"{p.message} {p.hint or ''}"


def test_duplicate_id_across_files_names_both(project: Path) -> None:
    write(project / "data" / "a.yaml", ORG)
    write(project / "data" / "b.yaml", ORG)
    p = one(project, "duplicate-id")
    assert p.location.file == "data/b.yaml"
    assert "data/a.yaml:1" in p.message


def test_reference_cycle(project: Path) -> None:
    write(
        project / "data" / "places.yaml",
        "- {id: p1, type: Place, name: P1, contained_in: [p2], sources: [doc]}\n"
        "- {id: p2, type: Place, name: P2, contained_in: [p1], sources: [doc]}\n",
    )
    p = one(project, "ref-cycle")
    assert "p1 -> p2 -> p1" in p.message or "p2 -> p1 -> p2" in p.message


def test_non_utf8(project: Path) -> None:
    (project / "data" / "bad.yaml").write_bytes(b"id: x\ntype: Place\nname: caf\xe9\n")
    p = one(project, "encoding")
    assert (p.location.file, p.location.line) == ("data/bad.yaml", 3)
    assert "UTF-8" in p.hint


def test_nul_byte(project: Path) -> None:
    (project / "data" / "bad.yaml").write_bytes(b"id: x\ntype: Place\nname: a\x00b\n")
    assert one(project, "control-char").location.line == 3


def test_oversize_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_lod.records import textfile

    monkeypatch.setattr(textfile, "MAX_FILE_BYTES", 100)
    monkeypatch.setattr(textfile.read_text, "__defaults__", (100,))
    write(project / "data" / "big.yaml", ORG + "description: " + "x" * 200 + "\n")
    p = one(project, "too-large")
    assert p.location.file == "data/big.yaml" and "limit" in p.message


def test_fixity_altered_and_missing(project: Path) -> None:
    (project / "data" / "sources" / "doc.txt").write_text("tampered", encoding="utf-8")
    p = one(project, "fixity")
    assert p.location.field == "sha256" and "has changed" in p.message
    (project / "data" / "sources" / "doc.txt").unlink()
    p = one(project, "fixity")
    assert p.location.field == "archived_copy" and "missing" in p.message


def test_archived_copy_outside_data(project: Path) -> None:
    src = project / "data" / "sources" / "doc.yaml"
    src.write_text(src.read_text().replace("sources/doc.txt", "../../etc/passwd"))
    p = one(project, "bad-value")
    assert p.location.field == "archived_copy" and "leaves data/" in p.message


def test_all_problems_reported_together(project: Path) -> None:
    write(project / "data" / "a.yaml", ORG + "nmae: x\n")
    write(project / "data" / "b.yaml", "id: y\ntype: Plce\nname: Y\n")
    codes = {p.code for p in problems_of(project)}
    assert {"unknown-field", "unknown-type"} <= codes


def test_bom_crlf_and_nfc(project: Path) -> None:
    text = "\ufeffid: cafe\r\ntype: Place\r\nname: Cafe\u0301 town\r\nsources: [doc]\r\n"
    (project / "data" / "ok.yaml").write_bytes(text.encode("utf-8"))
    records = load_records(project, project / "data")
    rec = records.get("cafe")
    assert rec is not None
    assert rec.values["name"][0].value == "Caf\u00e9 town"
    assert any("NFC" in n.message and n.location.line == 3 for n in records.notices)


def test_injection_text_is_kept_verbatim(project: Path) -> None:
    nasty = '"""> <x> . @prefix a: <b> . {"@context": 1} </script><!--'
    write(project / "data" / "ok.yaml", ORG + f"description: '{nasty}'\n")
    rec = load_records(project, project / "data").get("extra")
    assert rec is not None and rec.values["description"][0].value == nasty


def test_huge_field_is_refused(project: Path) -> None:
    write(project / "data" / "bad.yaml", ORG + "description: " + "x" * 30_000 + "\n")
    p = one(project, "bad-value")
    assert (p.location.line, p.location.field) == (5, "description")
    assert "at most 20,000" in p.message


def test_billion_laughs_is_refused_quickly(project: Path) -> None:
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    write(project / "data" / "bomb.yaml", "\n".join(bomb) + "\n")
    import time

    t0 = time.monotonic()
    p = one(project, "yaml-alias")
    assert time.monotonic() - t0 < 5
    assert p.location.file == "data/bomb.yaml" and p.location.line == 2
