"""The ``hrd-lod`` command line: a thin layer over the library.

Commands live in modules of this package and are imported only when used, so that
``hrd-lod --help`` starts fast. Only this package imports click, prints, or picks exit codes.
"""

from __future__ import annotations

import importlib

import click

from .._version import __version__

#: command name -> "module:attribute", in the order ``--help`` lists them.
COMMANDS: dict[str, str] = {
    "build": "hrd_lod.cli.build:build_cmd",
    "validate": "hrd_lod.cli.build:validate_cmd",
    "query": "hrd_lod.cli.sparql:query_cmd",
    "publish": "hrd_lod.cli.sparql:publish_cmd",
    "serve": "hrd_lod.cli.serve:serve_cmd",
    "embed": "hrd_lod.cli.web:embed_cmd",
    "init": "hrd_lod.cli.archive:init_cmd",
    "source": "hrd_lod.cli.archive:source_group",
    "import": "hrd_lod.cli.archive:import_group",
    "release": "hrd_lod.cli.release:release_cmd",
    "diff": "hrd_lod.cli.archive:diff_cmd",
    "export": "hrd_lod.cli.wikidata:export_group",
    "links": "hrd_lod.cli.wikidata:links_group",
    "status": "hrd_lod.cli.archive:status_cmd",
    "withdraw": "hrd_lod.cli.withdraw:withdraw_cmd",
    "fields": "hrd_lod.cli.reference:fields_cmd",
}

_HELP = {
    "init": "Create a new dataset project with examples of every record type.",
    "source": "Capture source documents (add URL) and verify archived copies (check).",
    "import": "Import records from a spreadsheet (import csv FILE --type TYPE).",
    "release": "Make a release (VERSION) with its BagIt bag; verify or package kept ones.",
    "diff": "Show what changed between two builds or releases.",
    "export": "Export award facts for Wikidata (QuickStatements with references).",
    "links": "Add reconciled Wikidata items to the records (links import FILE).",
    "status": "Summarise the dataset: counts, sources, gaps, validation state.",
    "withdraw": "Take a record down from the edition, past releases and stores.",
    "build": "Build the published edition (dist/) from data/.",
    "validate": "Check data/ against the shapes without writing anything.",
    "query": "Run a SPARQL query over the built dataset or a remote endpoint.",
    "publish": "Push the built dataset to a SPARQL Graph Store Protocol endpoint.",
    "serve": "Serve dist/ as linked data with a read-only SPARQL endpoint.",
    "embed": "Print an entity's schema.org JSON-LD block for a web page.",
    "fields": "List the record types and their fields, with examples.",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help without importing every command module.
        rows = [(name, _HELP.get(name, "")) for name in COMMANDS]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hrd-lod")
def main() -> None:
    """Publish linked open data about human rights defenders and their awards.

    Records in data/ become RDF (schema.org and the award ontology), are validated with the
    SHACL shapes, and are written to dist/ as Turtle, JSON-LD, N-Triples, TriG and N-Quads.
    """


def entry() -> None:
    """The console entry point: run ``main``; after a big build, end without freeing memory."""
    import os
    import sys

    from . import common

    common.FAST_EXIT = True
    try:
        main()
    except SystemExit as exc:
        if not common.kept_anything():
            raise
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
