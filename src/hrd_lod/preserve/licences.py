"""Licence URLs as the metadata formats name them (SPDX ids for CITATION.cff and DataCite)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Licence:
    """A licence: its URL, SPDX identifier and name."""

    url: str
    spdx: str | None
    name: str


_KNOWN = {
    "creativecommons.org/licenses/by/4.0": ("CC-BY-4.0", "Creative Commons Attribution 4.0"),
    "creativecommons.org/licenses/by-sa/4.0": (
        "CC-BY-SA-4.0",
        "Creative Commons Attribution Share Alike 4.0",
    ),
    "creativecommons.org/licenses/by-nc/4.0": (
        "CC-BY-NC-4.0",
        "Creative Commons Attribution Non Commercial 4.0",
    ),
    "creativecommons.org/publicdomain/zero/1.0": ("CC0-1.0", "Creative Commons Zero v1.0"),
    "opendatacommons.org/licenses/odbl/1-0": ("ODbL-1.0", "Open Data Commons ODbL v1.0"),
    "opendatacommons.org/licenses/by/1-0": (
        "ODC-By-1.0",
        "Open Data Commons Attribution License v1.0",
    ),
}


def licence(url: str) -> Licence:
    """Return the licence at ``url`` with its SPDX id when it is a well-known one."""
    key = url.split("://", 1)[-1].rstrip("/")
    if key.endswith("/legalcode"):
        key = key[: -len("/legalcode")]
    spdx, name = _KNOWN.get(key, (None, url))
    return Licence(url, spdx, name)
