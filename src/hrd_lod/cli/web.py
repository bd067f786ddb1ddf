"""``hrd-lod embed``: print an entity's schema.org JSON-LD block for a web page."""

from __future__ import annotations

from pathlib import Path

import click

from .common import CliError, debug_option, handle_errors, project_option


@click.command("embed")
@click.argument("entity_id", metavar="ID")
@project_option
@click.option(
    "--script/--no-script",
    default=False,
    show_default=True,
    help='Wrap the JSON in <script type="application/ld+json"> tags.',
)
@debug_option
@handle_errors
def embed_cmd(entity_id: str, project: Path, script: bool, debug: bool) -> None:
    """Print the schema.org JSON-LD of entity ID, ready to paste into a web page.

    ID is a record id (joint-mobile-group), kind/id (organization/joint-mobile-group) or the
    entity's IRI. The JSON escapes <, > and & so it is safe inside a <script> block.
    Exit codes: 0 printed, 1 the data does not validate, 2 unknown id or bad input.
    """
    from ..export.schemaorg import SchemaOrgMapper, embed_json, find_record
    from ..pipeline import check

    checked = check(project)
    if not checked.report.conforms:
        raise CliError("the data does not validate (run 'hrd-lod validate'): nothing embedded", 1)
    rec = find_record(checked.public, entity_id, checked.meta.base_iri)
    text = embed_json(SchemaOrgMapper(checked.public, checked.meta).document(rec))
    if script:
        text = f'<script type="application/ld+json">\n{text}\n</script>'
    click.echo(text)
