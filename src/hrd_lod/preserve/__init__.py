"""Releases archivists can preserve: BagIt bags with RO-Crate, DataCite and CITATION.cff.

- ``info``: what a kept release states about itself (read from its manifest and dump);
- ``crate``, ``datacite``, ``citation``: the three metadata files;
- ``bag``: writing and checking BagIt bags (PyPI ``bagit``);
- ``package``: ``describe_release`` (write the metadata into a release folder),
  ``package_release`` (and its bag), ``verify_release`` (check a release against its bag).
"""

from __future__ import annotations

from .bag import FileProblem, make_bag
from .package import (
    BAGS,
    Packaged,
    Verified,
    bag_folder,
    describe_release,
    package_release,
    verify_all,
    verify_release,
)

__all__ = [
    "BAGS",
    "FileProblem",
    "Packaged",
    "Verified",
    "bag_folder",
    "describe_release",
    "make_bag",
    "package_release",
    "verify_all",
    "verify_release",
]
