"""``hrd-lod withdraw``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .common import CliError, debug_option, echo_err, handle_errors, project_option


@click.command("withdraw")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.option("--reason", required=True, help="Why (kept in withdrawals.yaml, never published).")
@click.option(
    "--with-dependents",
    "choice",
    flag_value="withdraw",
    default=None,
    help="Withdraw the records that need or refer to it too.",
)
@click.option(
    "--keep-dependents",
    "choice",
    flag_value="keep",
    help="Keep records that only refer to it, with the reference removed.",
)
@click.option(
    "--date",
    "date",
    metavar="YYYY-MM-DD",
    default=None,
    help="The date to record (default: today).",
)
@project_option
@debug_option
@handle_errors
def withdraw_cmd(
    ids: tuple[str, ...],
    reason: str,
    choice: str | None,
    date: str | None,
    project: Path,
    debug: bool,
) -> None:
    """Withdraw records (ID...) from the edition, every past release and what follows them.

    Records the withdrawal in withdrawals.yaml (id, type, date, reason; never published),
    makes every release in releases/ that holds it again without it, and rebuilds dist/. The
    next 'hrd-lod publish' removes it from the store; a running 'hrd-lod serve' drops it.
    When other records need or refer to it, nothing is done until --with-dependents or
    --keep-dependents says what to do with them. Exit codes: 0 done, 1 validation failed,
    2 bad input (unknown id, a choice to make, a release that cannot be remade).
    """
    from ..errors import ValidationFailed
    from ..validate.render import render_text
    from ..workflows.withdraw import withdraw

    try:
        day = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise CliError(f"--date {date!r} is not a date YYYY-MM-DD", 2) from None
    try:
        done = withdraw(
            project,
            list(ids),
            reason=reason,
            date=day,
            dependents=choice,  # type: ignore[arg-type]
            progress=lambda label, n, total: echo_err(f"... {label}"),
        )
    except ValidationFailed as exc:
        click.echo(render_text(exc.report), err=True)
        for note in getattr(exc, "__notes__", ()):
            echo_err(f"note: {note}")
        raise CliError("validation failed: dist/ was not changed", 1) from None
    for dep in done.dependents:
        kept = "withdrawn too" if choice == "withdraw" or dep.needs else "kept, reference removed"
        echo_err(f"note: {dep.id} ({dep.type}) depended on it: {kept}")
    for remade in done.remade:
        echo_err(f"note: release {remade.version} made again without the withdrawn record(s)")
    assert done.built is not None
    click.echo(
        f"withdrew {len(done.ids)} record(s) ({len(done.added)} newly registered); "
        f"{len(done.remade)} release(s) made again; {done.built.dist} rebuilt: "
        f"{done.built.records} records, {done.built.quads} quads"
    )
    echo_err(
        "note: run 'hrd-lod publish' to remove it from triple stores; copies others already "
        "downloaded cannot be recalled"
    )
