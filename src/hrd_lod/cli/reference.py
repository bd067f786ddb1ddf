"""``hrd-lod fields [TYPE]``: the record types and their fields, from the schema."""

from __future__ import annotations

import click

from .common import debug_option, handle_errors


@click.command("fields")
@click.argument("type_name", metavar="[TYPE]", required=False)
@click.option("--all", "show_all", is_flag=True, help="Every type with all its fields.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text for a terminal; markdown for the whole reference (docs/fields.md).",
)
@debug_option
@handle_errors
def fields_cmd(type_name: str | None, show_all: bool, fmt: str, debug: bool) -> None:
    """Show what to write in a record: the types, their fields and examples.

    Without TYPE: every record type with its required fields, and the keys every record may
    have. With TYPE (e.g. AwardConferral, or its IRI word, conferral): each field, whether it
    is required, the value it takes with an example, and which fields are personal data
    withheld unless the record lists them in public_fields.
    """
    from ..workflows.reference import (
        find_type,
        reference,
        render_all_text,
        render_markdown,
        render_summary_text,
        render_type_text,
        type_doc,
    )

    if type_name is not None:
        doc = type_doc(find_type(type_name))
        click.echo(render_markdown((doc,)) if fmt == "markdown" else render_type_text(doc))
    elif fmt == "markdown":
        click.echo(render_markdown(reference()), nl=False)
    elif show_all:
        click.echo(render_all_text(reference()))
    else:
        click.echo(render_summary_text(reference()))
