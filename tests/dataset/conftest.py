"""The repository's own dataset, built once into a temporary dist/ for these tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from hrd_lod.pipeline import Built, build

REPO = Path(__file__).resolve().parents[2]
QUERIES = REPO / "queries"


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The repository's data/ copied to a tmp project and built into its dist/."""
    root = tmp_path_factory.mktemp("dataset")
    shutil.copytree(REPO / "data", root / "data")
    return build(root, dist=root / "dist")


@pytest.fixture(scope="session")
def quads(built: Built) -> ox.Store:
    """A store loaded from the built dist/hrd.nq (named graphs kept)."""
    store = ox.Store()
    store.load(path=str(built.dist / "hrd.nq"), format=ox.RdfFormat.N_QUADS)
    return store


def run(store: ox.Store, name: str, *, union: bool = True) -> list[dict[str, str | None]]:
    """Return the rows of queries/NAME.rq as {variable: value} dicts (values as plain text)."""
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    result = store.query(text, use_default_graph_as_union=union)
    names = [v.value for v in result.variables]
    return [{n: (sol[n].value if sol[n] is not None else None) for n in names} for sol in result]
