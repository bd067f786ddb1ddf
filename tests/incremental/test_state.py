"""The one keeper of what builds leave for each other: one version, one fingerprint."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest

from hrd_lod.incremental import state as S
from hrd_lod.incremental.state import StateKeeper, StateUnavailable


def test_an_item_comes_back_for_its_edition_only(tmp_path: Path) -> None:
    keeper = StateKeeper(tmp_path / "cache")
    keeper.save("edition", tmp_path / "dist", {"a": 1})
    assert keeper.load("edition", tmp_path / "dist", dict) == {"a": 1}
    with pytest.raises(StateUnavailable, match="no state kept"):
        keeper.load("edition", tmp_path / "other-dist", dict)
    with pytest.raises(StateUnavailable, match="not a list"):
        keeper.load("edition", tmp_path / "dist", list)
    keeper.forget("edition", tmp_path / "dist")
    assert keeper.load_or("edition", tmp_path / "dist", {}) == {}


def test_other_code_or_format_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dist = tmp_path / "dist"
    StateKeeper(tmp_path / "cache").save("entities", dist, {"x": 1})
    assert StateKeeper(tmp_path / "cache", tool_version="9.9.9").load_or("entities", dist, {}) == {}
    monkeypatch.setattr(S, "FORMAT_VERSION", S.FORMAT_VERSION + 1)
    with pytest.raises(StateUnavailable, match="other code"):
        StateKeeper(tmp_path / "cache").load("entities", dist, dict)


def test_a_broken_item_only_costs_time(tmp_path: Path) -> None:
    keeper = StateKeeper(tmp_path / "cache")
    keeper.save("edition", tmp_path / "dist", {"a": 1})
    path = keeper.path("edition", tmp_path / "dist")
    assert path is not None
    for data in (b"not a pickle", pickle.dumps("no tuple"), b""):
        path.write_bytes(data)
        with pytest.raises(StateUnavailable, match="cannot be read"):
            keeper.load("edition", tmp_path / "dist", dict)


def test_without_a_cache_folder_nothing_is_kept(tmp_path: Path) -> None:
    keeper = StateKeeper(None)
    keeper.save("edition", tmp_path / "dist", {"a": 1})
    assert keeper.copy_path("abc") is None
    with pytest.raises(StateUnavailable):
        keeper.load("edition", tmp_path / "dist", dict)
    assert not list(tmp_path.iterdir())


def test_copies_of_data_files_are_pruned(tmp_path: Path) -> None:
    keeper = StateKeeper(tmp_path / "cache")
    for sha in ("aa", "bb"):
        copy = keeper.copy_path(sha)
        assert copy is not None
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(sha)
    keeper.keep_copies({"bb"})
    assert sorted(p.name for p in (tmp_path / "cache" / "state" / "files").iterdir()) == ["bb"]


def test_the_parse_cache_follows_the_one_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    from hrd_lod.records import cache

    before = cache.ParseCache(None).key("data/x.csv", b"id\n", "en")
    assert cache.ParseCache(None).key("data/x.csv", b"id\n", "en") == before
    assert cache.ParseCache(None).key("data/y.csv", b"id\n", "en") != before
    monkeypatch.setattr(S, "fingerprint", lambda tool_version="": "other code")
    assert cache.ParseCache(None).key("data/x.csv", b"id\n", "en") != before


def test_the_parse_cache_is_kept_by_the_state_keeper(tmp_path: Path) -> None:
    from hrd_lod.records.cache import ParseCache

    parse_cache = ParseCache(tmp_path / "cache")
    key = parse_cache.key("data/x.yaml", b"[]", "en")
    parse_cache.put(key, [], [])
    entries = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert [p.relative_to(tmp_path / "cache").parts[:2] for p in entries] == [("state", "records")]
    assert ParseCache(tmp_path / "cache").get(key) == ([], [])


def test_states_of_earlier_versions_are_removed(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for name in ("update", "entities"):
        (cache / name).mkdir(parents=True)
        (cache / name / "0123.pickle").write_bytes(b"old")
    (cache / "records").mkdir()
    StateKeeper(cache).save("edition", tmp_path / "dist", {"a": 1})
    assert sorted(p.name for p in cache.iterdir()) == ["state"]  # the old parse cache too
