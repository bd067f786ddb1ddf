"""``hrd-lod release``: make a release (``release VERSION``), and keep it preservable
(``release verify``, ``release package``). Each subcommand calls one library function."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from .archive import Progress, _date, date_option
from .common import CliError, debug_option, echo_err, handle_errors, project_option

_SUBCOMMANDS = ("verify", "package")
_VALUED = ("-p", "--project", "--date")  # options that take a value


class ReleaseGroup(click.Group):
    """``release VERSION`` makes a release; ``release verify|package ...`` act on kept ones."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        first, skip = None, False
        for a in args:  # the first word that is not an option nor an option's value
            if skip:
                skip = False
            elif a in _VALUED:
                skip = True
            elif not a.startswith("-"):
                first = a
                break
        if first is not None and first not in _SUBCOMMANDS and "--help" not in args[:1]:
            args = ["new", *args]
        elif first is not None and args[0] != first:  # options before the subcommand
            i = args.index(first)
            args = [first, *args[:i], *args[i + 1 :]]
        return super().parse_args(ctx, args)


@click.group("release", cls=ReleaseGroup)
def release_cmd() -> None:
    """Make a release, or check and package kept ones.

    \b
    hrd-lod release VERSION            stamp VERSION, build, keep the edition and its bag
    hrd-lod release verify VERSION     check a kept release against its bag (--all: every one)
    hrd-lod release package VERSION    describe a kept release again and rewrite its bag

    A release is kept in releases/VERSION/ (dumps, pages, shapes, ontology, archived source
    copies, changes.json, CHANGES.md, ro-crate-metadata.json, datacite.json, CITATION.cff,
    manifest.json), copied into dist/releases/, with a BagIt bag of it in bags/VERSION/.
    """


@release_cmd.command("new", hidden=True)
@click.argument("version")
@date_option
@click.option("--force", is_flag=True, help="Accept a --date in the future.")
@project_option
@debug_option
@handle_errors
def release_new_cmd(
    version: str, date: str | None, force: bool, project: Path, debug: bool
) -> None:
    """Release VERSION: stamp it into data/dataset.yaml, build, and keep the edition.

    Writes releases/VERSION/ (dumps, manifest, changes.json, CHANGES.md against the previous
    release, RO-Crate, DataCite, CITATION.cff), copied into dist/releases/, and its BagIt bag
    in bags/VERSION/. A released version is never overwritten.
    The date (default: today) must not be before 'issued' in data/dataset.yaml nor before the
    previous release; a future date needs --force.
    Exit codes: 0 released, 1 validation failed, 2 bad input or version already released.
    """
    from ..errors import ValidationFailed
    from ..pipeline import StaleReleases
    from ..validate.render import render_text
    from ..workflows.amend import sync_releases
    from ..workflows.diff import summary_lines
    from ..workflows.release import release

    bar = Progress()
    try:
        try:
            done = release(
                project, version, date=_date(date), progress=bar, today=dt.date.today(), force=force
            )
        except StaleReleases:
            # earlier releases hold records now withdrawn or restricted: made again first
            for remade in sync_releases(project, date=dt.date.today()):
                echo_err(
                    f"note: release {remade.version} made again without {remade.records} "
                    "record(s) now withdrawn or restricted"
                )
            done = release(
                project, version, date=_date(date), progress=bar, today=dt.date.today(), force=force
            )
    except ValidationFailed as exc:
        bar.close()
        click.echo(render_text(exc.report), err=True)
        raise CliError("validation failed: nothing was released", 1) from None
    bar.close()
    rel = done.built.checked.project.rel
    click.echo(
        f"released {done.version} ({done.date}) in {rel(done.folder)} and "
        f"{rel(done.built.dist)}/releases/{done.version}; bag: {rel(done.bag)}"
    )
    for line in summary_lines(done.diff):
        click.echo(line)


def _versions(root: Path, version: str | None, every: bool) -> list[str]:
    from ..export.releases import release_dirs

    if every == (version is not None):
        raise CliError("give a VERSION or --all (not both)", 2)
    if version is not None:
        return [version]
    found = [p.name for p in release_dirs(root)]
    if not found:
        raise CliError("there are no releases in releases/", 2)
    return found


@release_cmd.command("verify")
@click.argument("version", required=False)
@click.option("--all", "every", is_flag=True, help="Verify every kept release.")
@project_option
@debug_option
@handle_errors
def release_verify_cmd(version: str | None, every: bool, project: Path, debug: bool) -> None:
    """Check kept release VERSION against its BagIt bag (bags/VERSION/).

    Validates the bag with bagit (payload and tag manifests, SHA-256 and SHA-512) and checks
    every file of releases/VERSION/ against the bag's manifest, naming each file that changed,
    went missing or appeared. Exit codes: 0 intact, 1 a file differs (or, with --all, a release
    has no bag), 2 no such release or bag.
    """
    from ..errors import UsageError
    from ..preserve import verify_release

    bad = 0
    for v in _versions(project, version, every):
        try:
            result = verify_release(project, v)
        except UsageError as exc:
            if not every:
                raise
            bad += 1  # with --all, one release without a bag does not hide the others
            click.echo(f"release {v}: NOT verified: {exc}")
            continue
        for p in result.problems:
            click.echo(f"{p.path}: {p.status}" + (f" ({p.detail})" if p.detail else ""))
        if result.ok:
            click.echo(f"release {v}: intact ({result.files} files match the bag's manifests)")
        else:
            bad += 1
            click.echo(f"release {v}: NOT intact: {len(result.problems)} file(s) differ")
    if bad:
        raise SystemExit(1)


@release_cmd.command("package")
@click.argument("version", required=False)
@click.option("--all", "every", is_flag=True, help="Package every kept release.")
@click.option(
    "--force", is_flag=True, help="Bag a release again even if it no longer matches its bag."
)
@project_option
@debug_option
@handle_errors
def release_package_cmd(
    version: str | None, every: bool, force: bool, project: Path, debug: bool
) -> None:
    """Describe kept release VERSION again and rewrite its bag in bags/VERSION/.

    For releases made before bags existed, and after a release was rewritten (a
    withdrawal): adds the archived source copies, RO-Crate, DataCite and CITATION.cff, refreshes
    its manifest, and writes the bag. A release that no longer matches its bag is refused
    unless --force. Exit codes: 0 packaged, 2 no such release, changed release, or bad input.
    """
    from ..preserve import package_release

    for v in _versions(project, version, every):
        done = package_release(project, v, force=force)
        where = os.path.relpath(done.bag, project)
        click.echo(f"packaged release {v}: {done.files} files, {done.bytes:,} bytes; bag: {where}")
