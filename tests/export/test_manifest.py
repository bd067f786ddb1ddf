"""``manifest.json`` and its typed reading: every file listed with its size and checksum."""

from __future__ import annotations

import hashlib
from pathlib import Path

from hrd_lod.export.manifest import MANIFEST, load_manifest, read_manifest
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
