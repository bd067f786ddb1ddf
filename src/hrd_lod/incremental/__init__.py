"""Incremental builds: what one build keeps for the next, and patching the previous edition.

``hrd_lod.build()`` is the one entry point; this package is one of its strategies:

- :mod:`.state`: the one owner of what is kept between builds (in the project's
  ``.hrd-cache/``), with one format version and one fingerprint of the code;
- :mod:`.edition`: what a ``--no-site`` build leaves beside its edition for the next one;
- :mod:`.diff`: which records changed since, checked as the loader and the policy would, and
  the difference in triples, by subject;
- :mod:`.patch`: the previous edition patched for that difference, byte for byte what a full
  build writes.

Importing this package is cheap (the parse cache reads :mod:`.state` while loading records):
the submodules are imported where they are used.
"""

from __future__ import annotations


class NotUpdatable(Exception):  # noqa: N818 - a reason, not a failure
    """Why the previous edition cannot be patched (the full build runs instead)."""


__all__ = ["NotUpdatable"]
