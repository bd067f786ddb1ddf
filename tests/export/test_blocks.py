"""The dumps seen as subject blocks (``export.blocks``): every block is found under its subject,
and rendering each subject's lines alone gives back the dump byte for byte; the gzip members
are cut where ``gzip_cuts`` says."""

from __future__ import annotations

import itertools
import subprocess
import sys
import zlib
from pathlib import Path

import pyoxigraph as ox
import pytest

from hrd_lod.export import blocks as B
from hrd_lod.export import jsonld
from hrd_lod.export.dumps import GZIP_CUT_MASK, dump_prefixes
from hrd_lod.pipeline import build
from tests.conftest import REPO


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built generated project: 150 conferrals, thousands of subjects, many graphs."""
    root = tmp_path_factory.mktemp("blocks") / "gen"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench" / "generate.py"),
            "150",
            str(root),
            "--violations",
            "0",
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    build(root, site=False)
    return root


def _walk(region: B.Region) -> list[bytes]:
    keys, pos = [], region.next_head(region.start)
    while pos < region.end:
        keys.append(region.key(region.data, pos))
        pos = region.next_head(pos + 1)
    return keys


def _by_subject(lines: list[bytes]) -> list[tuple[bytes, list[bytes]]]:
    return [(k, list(g)) for k, g in itertools.groupby(lines, key=lambda x: x[: x.index(b" ")])]


def _graph_lines(nq: bytes) -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {}
    for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS):
        g = "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        out.setdefault(g, []).append(
            str(ox.Triple(q.subject, q.predicate, q.object)).encode() + b" ."
        )
    return {g: sorted(lines) for g, lines in out.items()}


def _check_dist(dist: Path, name: str, base: str) -> None:
    prefixes, context = dump_prefixes(base), jsonld.dataset_context(base)
    nt = (dist / f"{name}.nt").read_bytes()
    groups = _by_subject(nt.split(b"\n")[:-1])
    keys = [k for k, _ in groups]
    assert len(keys) > 10

    region = B.lines_region(nt)
    assert [k for k, _ in itertools.groupby(_walk(region))] == keys
    for key, lines in groups[::7]:
        start, end = region.locate(key)
        assert nt[start:end] == B.lines_bytes(lines)

    ttl = (dist / f"{name}.ttl").read_bytes()
    region = B.turtle_region(ttl, prefixes)
    assert _walk(region) == keys
    assert ttl[region.start :] == b"".join(B.turtle_blocks(g, prefixes) for _, g in groups)
    for key, lines in groups[::5]:
        start, end = region.locate(key)
        assert ttl[start:end] == B.turtle_blocks(lines, prefixes)
    start, end = region.locate(b"<https://example.org/not-a-subject>")
    assert start == end

    doc = (dist / f"{name}.jsonld").read_bytes()
    region = B.jsonld_region(doc, context)
    assert _walk(region) == keys
    assert doc[region.start : region.end - 2] + b",\n" == b"".join(
        B.jsonld_blocks(g, context) for _, g in groups
    )

    trig = (dist / f"{name}.trig").read_bytes()
    per_graph = _graph_lines((dist / f"{name}.nq").read_bytes())
    default, named = B.trig_regions(trig, prefixes)
    assert sorted(named) == sorted(g.encode() for g in per_graph if g)
    for graph, region in [("", default), *((g.decode(), r) for g, r in named.items())]:
        graph_groups = _by_subject(per_graph[graph])
        assert _walk(region) == [k for k, _ in graph_groups]
        assert trig[region.start : region.end] == b"".join(
            B.trig_blocks(graph, g, prefixes) for _, g in graph_groups
        )


def test_blocks_of_the_seed_dataset() -> None:
    _check_dist(REPO / "dist", "hrd", "https://w3id.org/hrd/")


def test_blocks_of_a_generated_dataset(generated: Path) -> None:
    _check_dist(generated / "dist", "bench", "https://w3id.org/hrd/")


def test_gzip_members_are_cut_by_content(generated: Path) -> None:
    packed = (generated / "dist" / "bench.nq.gz").read_bytes()
    plain = (generated / "dist" / "bench.nq").read_bytes()
    members = []
    rest = packed
    while rest:
        d = zlib.decompressobj(wbits=31)
        members.append(d.decompress(rest))
        rest = d.unused_data
    assert len(members) > 3
    assert b"".join(members) == plain
    for member in members[:-1]:
        last = member[:-1].rsplit(b"\n", 1)[-1]
        assert not zlib.crc32(last) & GZIP_CUT_MASK  # each member ends after a cut line
        inner = member[:-1].split(b"\n")[:-1]
        assert all(zlib.crc32(x) & GZIP_CUT_MASK for x in inner)


def test_patching_a_dump_by_blocks(tmp_path: Path, generated: Path) -> None:
    nt_path = generated / "dist" / "bench.nt"
    nt = nt_path.read_bytes()
    groups = _by_subject(nt.split(b"\n")[:-1])
    removed, changed = groups[3][0], groups[10]
    new_line = b" ".join(changed[1][0].split(b" ")[:2]) + b' "added" .'
    changes = sorted(
        [
            (removed, b""),
            (changed[0], B.lines_bytes(sorted([*changed[1], new_line]))),
            (
                b"<https://w3id.org/hrd/id/zzz>",
                b'<https://w3id.org/hrd/id/zzz> <http://schema.org/name> "z" .\n',
            ),
        ]
    )
    pieces = B.lines_region(nt).splice(changes)
    out = tmp_path / "patched.nt"
    B.write_pieces(nt_path, out, pieces)
    expected = sorted(
        {
            *nt.split(b"\n")[:-1],
            new_line,
            b'<https://w3id.org/hrd/id/zzz> <http://schema.org/name> "z" .',
        }
        - set(groups[3][1])
    )
    assert out.read_bytes() == B.lines_bytes(expected)


PIECES: list[B.Piece] = [(0, 5), b"-new-", (10, 3_000_000), b"", (3_000_000, 3_000_007)]


def _expected(data: bytes) -> bytes:
    return b"".join(p if isinstance(p, bytes) else data[p[0] : p[1]] for p in PIECES)


@pytest.mark.parametrize("how", ["missing", "refused"])
def test_write_pieces_without_the_kernel_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Where ``os.copy_file_range`` does not exist (macOS) or refuses the files, the ranges
    are read and written: the same bytes."""
    import os
    import random

    data = random.Random(7).randbytes(3_000_007)
    old = tmp_path / "old.bin"
    old.write_bytes(data)
    if how == "missing":
        monkeypatch.delattr(os, "copy_file_range", raising=False)
    else:

        def refuse(*args: object) -> int:
            raise OSError(18, "Invalid cross-device link")

        monkeypatch.setattr(os, "copy_file_range", refuse, raising=False)
    B.write_pieces(old, tmp_path / "new.bin", PIECES)
    assert (tmp_path / "new.bin").read_bytes() == _expected(data)


def test_write_pieces_says_when_the_old_file_is_short(tmp_path: Path) -> None:
    old = tmp_path / "old.bin"
    old.write_bytes(b"0123456789")
    with pytest.raises(OSError):
        B.write_pieces(old, tmp_path / "new.bin", [(0, 20)])
