"""Archivist workflows: start a dataset, capture sources, import tables, release versions.

Each module is a library function the CLI (``hrd_lod.cli.archive``) calls; none prints or
reads the clock (dates come in as arguments) and every write is atomic:

- :mod:`.init`      ``init_project``: a new dataset folder from the packaged skeleton
- :mod:`.capture`   ``add_source``: download a document, archive it, write its Source record
- :mod:`.fixity`    ``check_sources``: re-verify every archived copy against its SHA-256
- :mod:`.importer`  ``import_csv``: a spreadsheet export -> one YAML file of records
- :mod:`.diff`      ``diff_builds``: what changed between two builds (triples and entities)
- :mod:`.release`   ``release``: stamp, build, and keep an immutable edition with its changelog
- :mod:`.status`    ``project_status``: a summary a person reads at a glance
- :mod:`.reference` ``reference``: every record type and its fields, from the schema
"""

from collections.abc import Callable

#: Progress callback: (label, done, total). The CLI draws it as a bar or as plain lines. A total
#: of 0 marks a stage (a step without a count): the CLI shows its name only.
Progress = Callable[[str, int, int], None]

__all__ = ["Progress"]
