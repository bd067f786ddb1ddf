"""The wheel carries the ontology, shapes, templates and skeleton, and works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from hrd_lod.project import Project
from tests.conftest import FIXTURES, REPO, write


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    res = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(REPO)],
        capture_output=True,
        text=True,
    )
    if res.returncode != 0:
        pytest.fail(res.stderr[-2000:])
    [found] = out.glob("hrd_lod-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "hrd_lod/_data/ontology/hrd.ttl",
        "hrd_lod/_data/shapes/hrd-shapes.ttl",
        "hrd_lod/templates/entity.html",
        "hrd_lod/skeleton/data/dataset.yaml",
        "hrd_lod/skeleton/queries/laureates-by-year.rq",  # init's starter queries
        "hrd_lod/py.typed",  # PEP 561: users' type checkers read the package's hints
    ):
        assert required in names, required
    packaged = zipfile.ZipFile(wheel).read("hrd_lod/_data/ontology/hrd.ttl")
    assert packaged == (REPO / "ontology" / "hrd.ttl").read_bytes()


def test_installed_wheel_builds_a_project_outside_the_repo(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    project = tmp_path / "project"
    import shutil

    shutil.copytree(FIXTURES / "valid", project)
    env = {**os.environ, "PYTHONPATH": str(site)}
    res = subprocess.run(
        [
            sys.executable,
            "-c",
            "import hrd_lod, hrd_lod.resources as r; print(hrd_lod.__file__);"
            "print(r.packaged_dir('shapes'))",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=True,
    )
    assert str(site) in res.stdout.splitlines()[0]
    assert res.stdout.splitlines()[1].startswith(str(site))
    res = subprocess.run(
        [sys.executable, "-m", "hrd_lod", "build", "-q", "-p", str(project)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    assert (project / "dist" / "shapes" / "hrd-shapes.ttl").is_file()


def test_project_vocabularies_extend_but_do_not_repeat(project: Path) -> None:
    (project / "ontology").mkdir()
    (project / "ontology" / "hrd.ttl").write_bytes((REPO / "ontology" / "hrd.ttl").read_bytes())
    write(
        project / "ontology" / "extra.ttl",
        "@prefix ex: <https://example.org/> .\n"
        "ex:Thing a <http://www.w3.org/2002/07/owl#Class> .\n",
    )
    names = [p.name for p in Project(project).ontology_files()]
    assert names == ["hrd.ttl", "extra.ttl"]
