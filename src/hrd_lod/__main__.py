"""``python -m hrd_lod``: the same as the ``hrd-lod`` command."""

from .cli import entry

entry()
