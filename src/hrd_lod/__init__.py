"""hrd-lod: publish linked open data about human rights defenders and their awards.

The public API::

    import hrd_lod
    built = hrd_lod.build("path/to/project")       # writes path/to/project/dist/
    built.records, built.quads, built.report.conforms
    again = hrd_lod.build("path/to/project", site=False)  # patches the last --no-site edition
    again.patched, again.notes                     # ...when it could; notes say why not
    checked = hrd_lod.check("path/to/project")     # loads, applies the policy, validates
    checked.report.conforms
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from .pipeline import build, check

__all__ = ["__version__", "build", "check"]


def __getattr__(name: str) -> Any:
    # Lazy: `hrd-lod --help` must not import rdflib, pyshacl or pyoxigraph.
    if name in ("build", "check"):
        from . import pipeline as _pipeline

        return getattr(_pipeline, name)
    raise AttributeError(name)
