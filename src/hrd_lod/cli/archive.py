"""Archivist commands: ``init``, ``source add|check``, ``import csv``, ``diff``, ``status``
(``release`` is in :mod:`hrd_lod.cli.release`). Each parses its options, calls one function
of :mod:`hrd_lod.workflows`, prints, and picks the exit code (0 ok, 1 validation or fixity
failed, 2 bad input, 3 network)."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from .._version import __version__
from .common import CliError, debug_option, echo_err, handle_errors, project_option


class Progress:
    """Progress on standard error: a bar with counts on a terminal, plain lines otherwise.

    A total of 0 marks a stage rather than a count: only its name is shown.
    """

    WIDTH = 24

    def __init__(self, quiet: bool = False, tty: bool | None = None) -> None:
        self.quiet = quiet
        self.tty = sys.stderr.isatty() if tty is None else tty
        self.last: tuple[str, int] | None = None
        self.open = False

    def __call__(self, label: str, done: int, total: int) -> None:
        if self.quiet:
            return
        if total == 0:  # a stage, not a count: its name only, as 'hrd-lod build' prints it
            if self.tty:
                click.echo(f"\r... {label}"[:78].ljust(78), nl=False, err=True)
                self.open = True
            elif self.last is None or self.last[0] != label:
                echo_err(f"... {label}")
            self.last = (label, 0)
            return
        if self.tty:
            filled = self.WIDTH * done // total if total else self.WIDTH
            bar = "#" * filled + "." * (self.WIDTH - filled)
            click.echo(f"\r[{bar}] {done}/{total} {label}"[:78].ljust(78), nl=False, err=True)
            self.open = True
            if total and done >= total:
                self.close()
            return
        tenth = 10 * done // total if total else 10
        if self.last is None or self.last[0] != label or tenth > self.last[1]:
            echo_err(f"... {label} ({done}/{total})")
            self.last = (label, tenth)

    def close(self) -> None:
        """End the bar's line (on a terminal)."""
        if self.open:
            click.echo("", err=True)
            self.open = False


def _date(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(f"--date {value!r} is not a date YYYY-MM-DD", 2) from None


date_option = click.option(
    "--date",
    "date",
    metavar="YYYY-MM-DD",
    default=None,
    help="The date to record (default: today).",
)


@click.command("init")
@click.argument("directory", type=click.Path(path_type=Path))
@date_option
@click.option("--title", default=None, help="The dataset title (default: from the folder name).")
@debug_option
@handle_errors
def init_cmd(directory: Path, date: str | None, title: str | None, debug: bool) -> None:
    """Create a new dataset project in DIRECTORY (which must be new or empty).

    Writes data/dataset.yaml to fill in, one commented example record of each type citing an
    example source with its archived file, starter queries in queries/, and a README.
    'hrd-lod build' works in it at once, then 'hrd-lod query laureates-by-year'.
    """
    from ..workflows.init import init_project

    result = init_project(directory, today=_date(date), title=title)
    click.echo(f"created the dataset project {result.root} ({len(result.files)} files):")
    for rel in result.files:
        click.echo(f"  {rel}")
    click.echo(
        f"next: fill in {result.root}/data/dataset.yaml, then run "
        f"'hrd-lod build --project {result.root}'"
    )
    click.echo(
        f"then: 'hrd-lod query laureates-by-year --project {result.root}' runs a starter "
        "query from queries/;\n      'hrd-lod fields' lists the record types and what each takes"
    )


@click.group("source")
def source_group() -> None:
    """Capture source documents and check their archived copies."""


@source_group.command("add")
@click.argument("url")
@click.option("--id", "source_id", default=None, help="The record id (default: from the title).")
@click.option(
    "--publisher",
    default=None,
    help="The id of the publisher's Organization record, if already known.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=20.0,
    show_default=True,
    help="Seconds to wait for a connection or for data.",
)
@click.option(
    "--max-bytes",
    type=click.IntRange(1),
    default=50 * 1024 * 1024,
    show_default=True,
    help="The largest document accepted.",
)
@project_option
@debug_option
@handle_errors
def source_add_cmd(
    url: str,
    source_id: str | None,
    publisher: str | None,
    timeout: float,
    max_bytes: int,
    project: Path,
    debug: bool,
) -> None:
    """Capture the document at URL into data/sources/ and write its Source record.

    Re-capturing an unchanged document writes nothing; a changed one is kept beside the
    earlier capture, as a new dated record. Exit codes: 0 captured or unchanged, 2 bad
    input, 3 the server failed, timed out or sent too much.
    """
    from ..workflows.capture import add_source

    result = add_source(
        project,
        url,
        retrieved_at=dt.datetime.now(dt.UTC),
        source_id=source_id,
        publisher=publisher,
        timeout=timeout,
        deadline=max(timeout * 6, 60.0),
        max_bytes=max_bytes,
        user_agent=f"hrd-lod/{__version__}",
    )
    f = result.fetched
    for hop, code in f.redirects:
        click.echo(f"redirect {code}: {hop}")
    if result.status == "unchanged":
        click.echo(
            f"unchanged: {f.final_url} is identical to the capture '{result.source_id}' "
            f"({result.record_file}, sha256 {f.sha256[:12]}...); nothing written"
        )
        return
    click.echo(
        f"captured {f.final_url} ({f.media_type}, {len(f.body):,} bytes, sha256 {f.sha256[:12]}...)"
    )
    click.echo(f"  archived copy: data/{result.archived_copy}")
    click.echo(f"  record:        {result.record_file} (id '{result.source_id}')")
    if result.previous:
        click.echo(
            f"  the document changed since the capture(s) {', '.join(result.previous)}, "
            "which are kept"
        )
    if result.title is None:
        click.echo("  no title found: the record's name is the URL; give the document's title")
    if result.record_line is not None:
        click.echo(
            f"to do: fill in 'publisher' at {result.record_file}:{result.record_line} "
            "(the build stops until it is set), and 'date_published' if known"
        )


@source_group.command("check")
@project_option
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
@debug_option
@handle_errors
def source_check_cmd(project: Path, quiet: bool, debug: bool) -> None:
    """Re-verify every archived copy against its recorded SHA-256 (a fixity check).

    Exit codes: 0 every copy intact, 1 a copy is missing or altered, 2 bad input.
    """
    from ..workflows.fixity import check_sources

    bar = Progress(quiet)
    report = check_sources(project, progress=bar)
    bar.close()
    for r in report.problems:
        click.echo(
            f"{r.location.file}:{r.location.line}: {r.status}: source '{r.source_id}': {r.message}"
        )
    for rel in report.uncited:
        click.echo(f"note: data/{rel} is not the archived copy of any Source record")
    archived = len(report.results) - len(report.cited)
    ok = archived - len(report.problems)
    click.echo(
        f"{ok} of {archived} archived copies intact"
        + (f", {len(report.problems)} with problems" if report.problems else "")
        + (f"; {len(report.cited)} source(s) cited, not archived" if report.cited else "")
    )
    if report.problems:
        raise SystemExit(1)


@click.group("import")
def import_group() -> None:
    """Import records from spreadsheets."""


@import_group.command("csv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--type", "type_name", required=True, help="The record type of every row.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The YAML file to write, inside data/ (default: data/<file name>.yaml).",
)
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read a column as a field (repeatable).",
)
@click.option("--ignore", multiple=True, metavar="COLUMN", help="Skip a column (repeatable).")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Check and show what would be added, updated and left alone; write nothing.",
)
@click.option(
    "--allow-duplicate-name",
    is_flag=True,
    help="Make a new record even when one of the same type has the same name.",
)
@project_option
@debug_option
@handle_errors
def import_csv_cmd(
    file: Path,
    type_name: str,
    out: Path | None,
    maps: tuple[str, ...],
    ignore: tuple[str, ...],
    dry_run: bool,
    allow_duplicate_name: bool,
    project: Path,
    debug: bool,
) -> None:
    """Turn the CSV table FILE into records of one type, all rows or none.

    Columns are matched to fields by header name; reference cells hold an id or a name. A
    row with the id, or the type and exact name, of a record of the project updates that
    record in its YAML file (comments kept) instead of making a second one.
    Exit codes: 0 imported (or would be), 2 a row or column is wrong (nothing written).
    """
    from ..workflows.importer import import_csv

    mapping: dict[str, str] = {}
    for item in maps:
        col, sep, fld = item.partition("=")
        if not sep or not col.strip() or not fld.strip():
            raise CliError(f"--map {item!r}: write COLUMN=FIELD", 2)
        mapping[col.strip()] = fld.strip()
    bar = Progress()
    result = import_csv(
        project,
        file,
        type_name,
        out=out,
        dry_run=dry_run,
        mapping=mapping,
        ignore=ignore,
        allow_duplicate_name=allow_duplicate_name,
        progress=bar,
    )
    bar.close()
    for note in result.notices:
        echo_err(f"note: {note}")
    n = len(result.records)
    kind = result.type_name
    if dry_run:
        click.echo(
            f"dry run: would add {n}, update {len(result.updated)} and leave "
            f"{len(result.unchanged)} {kind} record(s) as they are"
        )
        for u in result.updated:
            click.echo(
                f"  update {u.id} ({u.file}:{u.line}) from row {u.row}: {', '.join(u.changed)}"
            )
        for rid in result.unchanged:
            click.echo(f"  unchanged {rid}")
        if n:
            click.echo(f"would write {n} {kind} record(s) to {result.out_rel}:\n")
            click.echo(result.text.decode("utf-8"), nl=False)
        return
    if n:
        click.echo(f"imported {n} {kind} record(s) into {result.out_rel}")
    for u in result.updated:
        click.echo(f"updated {u.id} ({u.file}:{u.line}) from row {u.row}: {', '.join(u.changed)}")
    if result.unchanged:
        click.echo(f"left {len(result.unchanged)} matching {kind} record(s) as they were")


@click.command("diff")
@click.argument("a")
@click.argument("b")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for the full patch.",
)
@project_option
@debug_option
@handle_errors
def diff_cmd(a: str, b: str, fmt: str, project: Path, debug: bool) -> None:
    """Show what changed from build A to build B.

    A and B are build folders (a dist/, a releases/VERSION/) or released version numbers.
    """
    from ..workflows.diff import diff_builds, summary_lines, to_json

    def where(arg: str) -> Path:
        path = Path(arg)
        if not path.exists() and (project / "releases" / arg).is_dir():
            return project / "releases" / arg
        return path

    diff = diff_builds(where(a), where(b))
    if fmt == "json":
        click.echo(json.dumps(to_json(diff), indent=1, sort_keys=True, ensure_ascii=False))
    else:
        for line in summary_lines(diff):
            click.echo(line)


@click.command("status")
@project_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people, json for machines.",
)
@debug_option
@handle_errors
def status_cmd(project: Path, fmt: str, debug: bool) -> None:
    """Summarise the dataset: counts, sources, gaps, withheld fields, validation.

    Exit codes: 0 valid, 1 validation violations, 2 the data does not load.
    """
    from ..workflows.status import project_status

    bar = Progress(quiet=fmt == "json")
    st = project_status(project, progress=bar)
    bar.close()
    if fmt == "json":
        click.echo(json.dumps(st.to_dict(), indent=1, sort_keys=True, ensure_ascii=False))
    else:
        _print_status(st)
    raise SystemExit(0 if st.conforms else 1 if st.loaded else 2)


def _years(years: tuple[int, ...]) -> str:
    """Return years as ranges: 1995, 1997-1999."""
    parts: list[str] = []
    for y in years:
        if parts and parts[-1].split("-")[-1] == str(y - 1):
            parts[-1] = parts[-1].split("-")[0] + f"-{y}"
        else:
            parts.append(str(y))
    return ", ".join(parts)


def _print_status(st) -> None:  # type: ignore[no-untyped-def]
    total = sum(st.counts.values())
    click.echo(f"records: {total} (" + ", ".join(f"{t} {n}" for t, n in st.counts.items()) + ")")
    if not st.loaded:
        click.echo(f"validation: the data does not load ({len(st.load_problems)} problem(s)):")
        for p in st.load_problems[:10]:
            click.echo(f"  {p.location}: {p.message}")
            if p.hint:
                click.echo(f"      hint: {p.hint}")
        if len(st.load_problems) > 10:
            click.echo(f"  ... and {len(st.load_problems) - 10} more: run 'hrd-lod validate'")
        return
    if st.conforms:
        click.echo(
            f"to publish: {st.public} records, {st.quads} quads (what 'hrd-lod build' writes)"
        )
    else:
        click.echo(
            f"to publish once valid: {st.public} records, {st.quads} quads (nothing can be "
            f"published until the {st.violations} violation(s) are fixed)"
        )
    cited = [s for s in st.sources if not s.archived]
    click.echo(
        f"sources: {len(st.sources)} ({len(st.sources) - len(cited)} archived, "
        f"{len(cited)} cited, not archived)"
    )
    for s in sorted(st.sources, key=lambda s: (-s.facts, s.id)):
        kept = "archived" if s.archived else f"cited, not archived: {s.url}"
        click.echo(f"  {s.id}: {s.facts} facts, cited by {s.records} record(s); {kept}")
    if st.award_years:
        click.echo("conferrals by year (years without a recorded conferral are gaps):")
    for award in st.award_years:
        click.echo(
            f"  {award.id}: "
            + (f"{award.first}" if award.first == award.last else f"{award.first}-{award.last}")
            + f", {len(award.with_conferral)} year(s) "
            f"with a conferral, {len(award.without)} without"
            + (": " + _years(award.without) if award.without else "")
        )
    click.echo(f"records citing no source: {len(st.unsourced)}")
    for rid, rtype, loc in st.unsourced:
        click.echo(f"  {rid} ({rtype}, {loc})")
    n_withheld = sum(st.withheld.values())
    click.echo(
        f"withheld: {n_withheld}"
        + (
            " (" + ", ".join(f"{reason}: {n}" for reason, n in st.withheld.items()) + ")"
            if n_withheld
            else ""
        )
    )
    click.echo(
        f"withdrawn: {len(st.withdrawn)}" + (" (ids and dates only)" if st.withdrawn else "")
    )
    for rid, rtype, day in st.withdrawn:
        click.echo(f"  {rid} ({rtype}), {day}")
    click.echo(
        f"without a Wikidata link: {len(st.no_wikidata)}"
        + (" (link one with same_as: Q-id)" if st.no_wikidata else "")
        + (": " + ", ".join(i for i, _ in st.no_wikidata[:20]) if st.no_wikidata else "")
        + (" ..." if len(st.no_wikidata) > 20 else "")
    )
    state = "valid" if st.conforms else "NOT valid"
    click.echo(f"validation: {state}: {st.violations} violation(s), {st.warnings} warning(s)")
    if not st.conforms:
        click.echo(
            "to do: run 'hrd-lod validate' to see each violation, where it is and how to fix it"
        )
    for item in st.todo:
        click.echo(f"to do: {item}")
