"""Ids that 'hrd-lod source add' makes from long titles: whole words, never a word cut."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrd_lod.records.fields import check_slug
from hrd_lod.workflows.capture import MAX_ID, slug_for

URL = "https://example.org/news/2023/lighthouse"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Short title", "short-title"),
        (
            "Lighthouse Prize 2023 awarded to the Harbour Rights Collective for its work on the "
            "waterfront",
            "lighthouse-prize-2023-awarded-harbour-rights-collective-work",
        ),
        (
            "Lighthouse Prize 2023 awarded to the Harbour Rights Collective, Port City, "
            "Northern Coast region",
            "lighthouse-prize-2023-awarded-harbour-rights-collective",
        ),
        (
            "Lighthouse Prize 2023: awarded to the Harbour Rights Collective of the Northern "
            "Coast | Lighthouse Foundation",
            "lighthouse-prize-2023-awarded-harbour-rights-collective",
        ),
        (None, "example-org-news-2023-lighthouse"),
    ],
)
def test_ids_from_titles(title: str | None, expected: str) -> None:
    assert slug_for(title, URL) == expected


def test_long_titles_lose_whole_words_only() -> None:
    title = (
        "The annual report of the Harbour Rights Collective on threats against defenders "
        "along the Northern Coast between 2019 and 2023"
    )
    got = slug_for(title, URL)
    assert len(got) <= MAX_ID and check_slug(got) == got
    words = set(title.lower().replace(",", "").split())
    assert all(w in words for w in got.split("-")), got
    # a single word longer than an id is the one case that must be cut
    assert slug_for("X" * 200, URL) == "x" * MAX_ID


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_title_gives_a_valid_short_id(title: str) -> None:
    got = slug_for(title or None, URL)
    assert len(got) <= MAX_ID and check_slug(got) == got
