"""``hrd-lod export wikidata`` and ``hrd-lod links import``: award facts for Wikidata, and the
reconciled items back into the records. Each calls one function of :mod:`hrd_lod.workflows`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .common import debug_option, echo_err, handle_errors, project_option


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from ..fsutil import write_atomic

    write_atomic(Path(path), text.encode("utf-8"))


@click.group("export")
def export_group() -> None:
    """Export the dataset's facts for other platforms (export wikidata)."""


@export_group.command("wikidata")
@click.option(
    "--out",
    "-o",
    default="-",
    show_default=True,
    metavar="FILE",
    help="Where to write the QuickStatements batch ('-': standard output).",
)
@click.option(
    "--unlinked",
    default="wikidata-reconcile.csv",
    show_default=True,
    metavar="FILE",
    help="Where to write the entities without a Wikidata item, for OpenRefine.",
)
@project_option
@debug_option
@handle_errors
def export_wikidata_cmd(out: str, unlinked: str, project: Path, debug: bool) -> None:
    """Write the award facts as a QuickStatements (v1) batch for Wikidata.

    P166 (award received) for laureates, with P585 (point in time), P6208 (rationale) and
    P1706 (together with); P1411 (nominated for) for finalists and nominees; one line per
    source that states the fact (S854 reference URL, S813 retrieved, S248 stated in), for
    the entities whose Wikidata item is recorded in same_as. The others are listed in the
    --unlinked CSV for reconciliation ('hrd-lod links import' reads it back). Nothing withheld
    or withdrawn is exported, nor people marked at_risk without wikidata_consent.
    Exit codes: 0 written, 2 the data does not load.
    """
    from ..workflows.wikidata import reconciliation_csv, wikidata_export

    result = wikidata_export(project)
    _write(out, result.quickstatements())
    unlinked_path = unlinked if Path(unlinked).is_absolute() else str(project / unlinked)
    _write(unlinked_path, reconciliation_csv(result.unlinked))
    echo_err(
        f"{len(result.statements)} statement(s) in {result.lines()} line(s) "
        f"(one per reference) to {'standard output' if out == '-' else out}"
    )
    echo_err(
        f"{len(result.unlinked)} entities without a Wikidata item listed in {unlinked_path} "
        f"({result.without_item} fact(s) wait for them)"
    )
    if result.without_url:
        echo_err(
            f"{len(result.without_url)} fact(s) left out: no source with a URL to cite: "
            + ", ".join(result.without_url[:5])
            + (" ..." if len(result.without_url) > 5 else "")
        )
    if result.at_risk:
        echo_err(f"{result.at_risk} fact(s) of people or groups at risk left out")


@click.group("links")
def links_group() -> None:
    """Bring links to other datasets into the records (links import FILE)."""


@links_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@project_option
@debug_option
@handle_errors
def links_import_cmd(file: Path, dry_run: bool, project: Path, debug: bool) -> None:
    """Add the Wikidata items reconciled in FILE to the records' same_as.

    FILE is the CSV 'hrd-lod export wikidata' wrote (--unlinked), with the items' Q-ids in
    its 'wikidata' column. A record that has another item already, or an item another record
    has, is a conflict: reported and left as it is. Exit codes: 0 done, 1 conflicts (the
    other items were added), 2 a row of FILE is wrong (nothing written).
    """
    from ..workflows.links import import_links

    done = import_links(project, file, dry_run=dry_run)
    verb = "would add" if dry_run else "added"
    for a in done.added:
        click.echo(f"{verb} {a.qid} to '{a.id}' ({a.location.file}:{a.location.line})")
    for c in done.conflicts:
        click.echo(f"{c.location}: conflict: '{c.id}' {c.qid}: {c.message}")
    click.echo(
        f"{verb} {len(done.added)} item(s) in {len(done.files)} file(s); "
        f"{len(done.unchanged)} already linked, {len(done.conflicts)} conflict(s), "
        f"{done.blank} row(s) without an item"
    )
    if done.conflicts:
        raise SystemExit(1)
