"""The build end to end: files written, round trips, determinism, atomic replacement."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from hrd_lod.errors import BuildError, HrdLodError, ValidationFailed
from hrd_lod.export import EXPORTERS, Exporter
from hrd_lod.pipeline import build, check
from hrd_lod.store import to_rdflib, union_lines
from tests.conftest import REPO, tree, write

DUMPS = [
    "test.ttl",
    "test.nt",
    "test.nq",
    "test.nq.gz",
    "test.trig",
    "test.jsonld",
    "context.jsonld",
    "manifest.json",
    "ontology/hrd.ttl",
    "ontology/hrd.jsonld",
    "shapes/hrd-shapes.ttl",
    "shapes/hrd-shapes.jsonld",
]


def test_build_writes_every_file(project: Path) -> None:
    built = build(project)
    for name in DUMPS:
        assert (project / "dist" / name).is_file(), name
    manifest = json.loads((project / "dist" / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = tree(project / "dist")
    assert set(listed) == set(on_disk) - {"manifest.json"}
    import hashlib

    for path, entry in listed.items():
        assert entry["bytes"] == len(on_disk[path])
        assert entry["sha256"] == hashlib.sha256(on_disk[path]).hexdigest()
    assert manifest["dataset_version"] == "1.0.0" and manifest["modified"] == "2020-06-01"
    assert built.checked.withheld.fields == 1


def _validated_graph(project: Path) -> rdflib.Graph:
    return to_rdflib(union_lines(check(project).store))


@pytest.mark.parametrize(
    "name,fmt",
    [
        ("test.ttl", "turtle"),
        ("test.nt", "nt"),
        ("test.trig", "trig"),
        ("test.nq", "nquads"),
        ("test.jsonld", "json-ld"),
    ],
)
def test_round_trip_rdflib_and_pyoxigraph(project: Path, name: str, fmt: str) -> None:
    build(project)
    expected = _validated_graph(project)
    path = project / "dist" / name
    if fmt in ("trig", "nquads"):
        ds = rdflib.Dataset()
        ds.parse(path, format=fmt)
        got = rdflib.Graph()
        for s, p, o, _g in ds.quads((None, None, None, None)):
            got.add((s, p, o))
    else:
        got = rdflib.Graph().parse(path, format=fmt)
    assert isomorphic(got, expected)
    store = ox.Store()
    store.load(path=str(path), format=ox.RdfFormat.from_extension(path.suffix.lstrip(".")))
    assert isomorphic(to_rdflib(union_lines(store)), expected)


def test_named_graph_per_source(project: Path) -> None:
    build(project)
    ds = rdflib.Dataset()
    ds.parse(project / "dist" / "test.trig", format="trig")
    graphs = {str(g.identifier) for g in ds.graphs()}
    assert "https://w3id.org/hrd/graph/doc" in graphs
    g = ds.graph(rdflib.URIRef("https://w3id.org/hrd/graph/doc"))
    conf = rdflib.URIRef("https://w3id.org/hrd/id/conferral/example-award-2020")
    assert (conf, rdflib.URIRef("https://w3id.org/hrd/ontology#year"), None) in g
    default = ds.default_graph
    prov = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    assert (conf, prov, rdflib.URIRef("https://w3id.org/hrd/id/source/doc")) in default


def test_jsonld_expands_with_pyld_to_the_same_graph(project: Path) -> None:
    from pyld import jsonld

    build(project)
    doc = json.loads((project / "dist" / "test.jsonld").read_text())
    nq = jsonld.to_rdf(doc, {"format": "application/n-quads"})
    got = rdflib.Graph().parse(data=nq, format="nt")
    assert isomorphic(got, _validated_graph(project))
    ctx = json.loads((project / "dist" / "context.jsonld").read_text())
    assert ctx["@context"] == doc["@context"]


def test_award_text_for_schema_org_consumers(project: Path) -> None:
    build(project)
    g = rdflib.Graph().parse(project / "dist" / "test.ttl")
    group = rdflib.URIRef("https://w3id.org/hrd/id/organization/example-group")
    awards = {str(o) for o in g.objects(group, rdflib.URIRef("http://schema.org/award"))}
    assert awards == {"Example Award 2020"}


def test_deterministic_across_hash_seeds(project: Path, tmp_path: Path) -> None:
    outs = []
    for seed in ("0", "1", "4242"):
        dist = tmp_path / f"dist-{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "hrd_lod",
                "build",
                "-q",
                "-p",
                str(project),
                "--dist",
                str(dist),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        outs.append(tree(dist))
    assert outs[0] == outs[1] == outs[2]
    assert len(outs[0]) >= len(DUMPS)


def test_file_order_does_not_matter(project: Path, tmp_path: Path) -> None:
    build(project, dist=tmp_path / "a")
    data = project / "data"
    text = (data / "records.yaml").read_text()
    blocks = text.strip().split("\n\n")
    (data / "records.yaml").unlink()
    for i, block in enumerate(reversed(blocks)):
        write(data / f"z{i}.yaml", block + "\n")
    build(project, dist=tmp_path / "b")
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


@pytest.mark.parametrize("parallel", [False, True])
def test_failed_validation_leaves_previous_dist(project: Path, parallel: bool) -> None:
    """With ``parallel``, validation runs in the second process while the dumps are written
    here: a violation still fails the build and leaves the previous edition."""
    build(project)
    before = tree(project / "dist")
    write(
        project / "data" / "bad.yaml",
        "id: bad\ntype: AwardConferral\nname: Bad\naward: example-award\n"
        "laureate: [example-group]\nyear: 2019\ndate: 2020-01-01\nsources: [doc]\n",
    )
    with pytest.raises(ValidationFailed) as info:
        build(project, parallel=parallel)
    bad = [r for r in info.value.report.violations if r.shape.endswith("Conferral-dateInYear")]
    assert [(r.record_id, r.location.file if r.location else None) for r in bad] == [
        ("bad", "data/bad.yaml")
    ]
    assert tree(project / "dist") == before
    assert not list(project.glob(".dist*"))


def test_failing_exporter_leaves_previous_dist(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(project)
    before = tree(project / "dist")

    def explode(ctx, out):  # type: ignore[no-untyped-def]
        (out / "partial.ttl").write_text("half")
        raise OSError(28, "No space left on device")

    boom = Exporter("boom", explode, frozenset({"files"}))
    monkeypatch.setattr("hrd_lod.export.EXPORTERS", [*EXPORTERS, boom])
    with pytest.raises(BuildError, match="previous edition was kept"):
        build(project, full=True)  # nothing changed: only a full build exports
    assert tree(project / "dist") == before
    assert not list(project.glob(".dist*"))


def test_killed_build_leaves_previous_dist(project: Path, tmp_path: Path) -> None:
    """SIGKILL in the middle of the export: dist/ is the old edition, and the next build works."""
    build(project)
    before = tree(project / "dist")
    script = (
        "import os, signal, sys\n"
        "import hrd_lod.export as ex\n"
        "def die(ctx, out):\n"
        "    (out / 'half.nt').write_bytes(b'<a> <b> ')\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "ex.EXPORTERS.insert(2, ex.Exporter('die', die, frozenset()))\n"
        "from hrd_lod.pipeline import build\n"
        f"build({str(project)!r}, full=True)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -9
    assert tree(project / "dist") == before
    build(project)
    assert tree(project / "dist") == before
    assert not list(project.glob(".dist*"))


def test_interrupted_swap_is_recovered(project: Path) -> None:
    from hrd_lod.fsutil import recover

    build(project)
    before = tree(project / "dist")
    (project / "dist").rename(project / ".dist.old")  # crashed between the two renames
    recover(project / "dist")
    assert tree(project / "dist") == before


def test_other_base_iri(project: Path) -> None:
    meta = project / "data" / "dataset.yaml"
    meta.write_text(meta.read_text() + "base_iri: https://data.example.org/hrd/\n")
    build(project)
    g = rdflib.Graph().parse(project / "dist" / "test.nt", format="nt")
    subjects = {str(s) for s in g.subjects() if "/id/" in str(s)}
    assert subjects and all(s.startswith("https://data.example.org/hrd/id/") for s in subjects)


def test_committed_dist_is_up_to_date(tmp_path: Path) -> None:
    """dist/ in the repository is the published edition: a rebuild must give the same bytes."""
    build(REPO, dist=tmp_path / "dist")
    assert tree(tmp_path / "dist") == tree(REPO / "dist"), (
        "dist/ is stale: run `hrd-lod build` and commit dist/"
    )


def test_parallel_exports_give_the_same_bytes(project: Path, tmp_path: Path) -> None:
    build(project, dist=tmp_path / "serial", parallel=False)
    build(project, dist=tmp_path / "parallel", parallel=True)
    assert tree(tmp_path / "serial") == tree(tmp_path / "parallel")


@pytest.mark.parametrize("label", ["N-Triples", "Turtle"])  # in the second process, and here
def test_failing_parallel_exporter_leaves_previous_dist(
    project: Path, label: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import hrd_lod.export as ex

    build(project)
    before = tree(project / "dist")

    def explode(ctx, out):  # type: ignore[no-untyped-def]
        (out / "half.ttl").write_text("half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(
        ex,
        "EXPORTERS",
        [replace(e, write=explode) if e.label == label else e for e in ex.EXPORTERS],
    )
    with pytest.raises(BuildError, match="No space left on device"):
        build(project, parallel=True, full=True)
    assert tree(project / "dist") == before
    assert not list(project.glob(".dist*"))


def test_parallel_build_reports_shape_file_errors_as_the_serial_one(project: Path) -> None:
    shapes = project / "shapes" / "extra.ttl"
    shapes.parent.mkdir(exist_ok=True)
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<http://x/> sh:path [ .\n")
    errors = []
    for parallel in (False, True):
        with pytest.raises(HrdLodError) as info:
            build(project, parallel=parallel)
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    assert "shapes/extra.ttl:2" in errors[0][1] and "syntax error" in errors[0][1]


def test_a_relative_iri_in_the_shapes_is_an_error_naming_the_file(project: Path) -> None:
    write(
        project / "shapes" / "extra.ttl",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\n<Thing> a sh:NodeShape .\n",
    )
    with pytest.raises(HrdLodError, match=r"extra.ttl:3: .*(scheme|relative)"):
        build(project)


def test_data_page_lists_every_dump_in_a_parallel_build(project: Path) -> None:
    built = build(project, parallel=True)
    home = (built.dist / "data.html").read_text()
    for name in (
        "test.nt",
        "test.ttl",
        "test.jsonld",
        "test.nq",
        "test.nq.gz",
        "test.trig",
        "context.jsonld",
    ):
        assert f'href="{name}"' in home, name
