"""``hrd-lod build`` and ``hrd-lod validate``."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from .common import (
    CliError,
    debug_option,
    echo_err,
    handle_errors,
    keep_until_exit,
    project_option,
)

if TYPE_CHECKING:
    from ..pipeline import Checked

F = TypeVar("F", bound=Callable[..., Any])


def engine_option(f: F) -> F:
    """Add ``--engine auto|fast|reference``."""
    return click.option(
        "--engine",
        type=click.Choice(["auto", "fast", "reference"]),
        default="auto",
        show_default=True,
        help="SHACL engine: fast (shapes compiled to SPARQL), reference (pyshacl), or auto "
        "(fast, falling back to the reference for what it cannot check).",
    )(f)


def _progress(quiet: bool) -> Callable[[str], None] | None:
    if quiet:
        return None
    return lambda stage: echo_err(f"... {stage}")


def _print_notices(checked: Checked, quiet: bool) -> None:
    if quiet:
        return
    for notice in checked.records.notices:
        echo_err(f"note: {notice}")


@click.command("build")
@project_option
@click.option(
    "--dist",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write (default: PROJECT/dist).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and the summary.")
@click.option(
    "--no-site",
    is_flag=True,
    help="Write the dumps and the dataset description only: no per-entity files "
    "or pages (for large datasets loaded into a triple store).",
)
@click.option(
    "--full",
    is_flag=True,
    help="Build everything again, even when the previous edition could be patched for "
    "the records that changed.",
)
@engine_option
@debug_option
@handle_errors
def build_cmd(
    project: Path,
    dist: Path | None,
    quiet: bool,
    no_site: bool,
    full: bool,
    engine: str,
    debug: bool,
) -> None:
    """Build the published edition (dist/) from data/.

    Loads the records, applies the publication policy, encodes RDF, validates it with the
    SHACL shapes and writes every export into a new folder that replaces dist/ only when all
    of it was written. Exit codes: 0 built, 1 validation failed, 2 bad input.

    When only records changed since the last build into the same folder (with or without
    the site, as this one), the previous edition is patched instead: the dumps block by
    block, and only the pages that show a changed record (the same bytes, in a fraction of
    the time); anything else, or --full, builds everything.
    """
    from ..errors import ValidationFailed
    from ..pipeline import Built, StaleReleases, build
    from ..validate.render import render_text

    start = time.perf_counter()

    def run() -> Built:
        return build(
            project,
            dist=dist,
            progress=_progress(quiet),
            engine=engine,
            site=not no_site,
            full=full,
        )

    try:
        try:
            built = run()
        except StaleReleases:
            if dist is not None:
                raise
            import datetime as dt

            from ..workflows.amend import sync_releases

            # past releases follow the policy: one holding a record now withheld is made again
            for remade in sync_releases(project, date=dt.date.today(), progress=_progress(quiet)):
                echo_err(
                    f"note: release {remade.version} made again without {remade.records} "
                    "record(s) now withdrawn or restricted"
                )
            built = run()
    except ValidationFailed as exc:
        if not quiet:
            for note in getattr(exc, "__notes__", ()):
                echo_err(f"note: {note}")
        click.echo(render_text(exc.report), err=True)
        raise CliError("validation failed: dist/ was not changed", 1) from None
    keep_until_exit(built)
    if not quiet:
        for note in built.notes:
            echo_err(f"note: {note}")
        for notice in built.notices:
            echo_err(f"note: {notice}")
        if built.report.fallback_reason:
            echo_err(f"note: validated with pyshacl: {built.report.fallback_reason}")
        if built.report.warnings:
            click.echo(render_text(built.report), err=True)
    click.echo(
        f"built {built.dist} in {time.perf_counter() - start:.2f} s: "
        f"{built.records} records, {built.quads} quads, {built.files} files; "
        f"withheld {built.withheld.fields} field(s) and {built.withheld.records} record(s); "
        f"{len(built.report.warnings)} warning(s)"
    )
    if quiet:
        return
    if built.patched is not None:
        echo_err(
            f"note: patched the previous edition: {built.patched.records} "
            f"record(s) changed, {built.patched.subjects} subject(s) rewritten"
        )
    if built.entity_files.linked:
        echo_err(
            f"note: {built.entity_files.linked} per-entity file(s) unchanged since the last "
            f"build were reused, {built.entity_files.rendered} written"
        )


@click.command("validate")
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@engine_option
@debug_option
@handle_errors
def validate_cmd(project: Path, fmt: str, engine: str, debug: bool) -> None:
    """Check data/ against the shapes without writing anything.

    Exit codes: 0 valid (warnings allowed), 1 violations, 2 unreadable or wrong input.
    """
    from ..errors import LoadError
    from ..pipeline import check
    from ..validate.render import render_text

    if fmt == "json":
        try:
            checked = check(project, engine=engine)
        except LoadError as exc:
            click.echo(
                json.dumps(
                    {"conforms": False, "load_errors": [p.to_dict() for p in exc.problems]},
                    indent=2,
                )
            )
            raise SystemExit(2) from None
        click.echo(json.dumps(checked.report.to_dict(), indent=2, sort_keys=True))
        raise SystemExit(0 if checked.report.conforms else 1)
    checked = check(project, engine=engine)
    _print_notices(checked, False)
    if checked.report.fallback_reason:
        echo_err(f"note: validated with pyshacl: {checked.report.fallback_reason}")
    click.echo(render_text(checked.report))
    if not checked.report.conforms:
        raise SystemExit(1)
