"""``manifest.json`` and its typed reading: every file listed with its size and checksum."""

from __future__ import annotations

import hashlib
import json
import pickle
from pathlib import Path

from hrd_lod.export.manifest import (
    MANIFEST,
    FileEntry,
    load_manifest,
    manifest_text,
    read_manifest,
)
from hrd_lod.export.reuse import Kept
from hrd_lod.pipeline import build


def test_the_typed_manifest_is_the_file(project: Path) -> None:
    built = build(project, site=False, full=True)
    doc = read_manifest(built.dist)
    typed = load_manifest(built.dist)
    assert typed == built.manifest
    assert typed.tool_version == doc["tool_version"] and typed.dataset == doc["dataset"]
    assert [f.__dict__ for f in typed.files] == doc["files"]
    on_disk = sorted(
        p.relative_to(built.dist).as_posix()
        for p in built.dist.rglob("*")
        if p.is_file() and p.name != MANIFEST
    )
    assert [f.path for f in typed.files] == on_disk
    assert built.files == len(on_disk) + 1
    for entry in typed.files:
        data = (built.dist / entry.path).read_bytes()
        assert (entry.bytes, entry.sha256) == (len(data), hashlib.sha256(data).hexdigest())


def test_the_manifest_text_is_what_json_writes() -> None:
    """The entries are written from a template: the text is json.dumps's, to the byte."""
    doc = {"tool": "hrd-lod", "base_iri": 'https://example.org/"files": []/', "modified": "x"}
    entries = [
        FileEntry('id/person/zoë "q" \\ é.html', 12, "ab" * 32, "text/html"),
        FileEntry("a\u2028b.ttl", 0, "00" * 32, "text/turtle"),
    ]
    want = json.dumps({**doc, "files": [e.__dict__ for e in entries]}, indent=2, sort_keys=True)
    assert manifest_text(doc, entries) == want + "\n"
    assert (
        manifest_text(doc, []) == json.dumps({**doc, "files": []}, indent=2, sort_keys=True) + "\n"
    )


def test_entries_pickle_as_their_values() -> None:
    entry = FileEntry("a.ttl", 3, "cd" * 32, "text/turtle")
    kept = Kept("fp", entry, 7, 9)
    assert pickle.loads(pickle.dumps(kept)) == kept
    assert len(pickle.dumps(entry)) < len(pickle.dumps(entry.__dict__)) + 40
