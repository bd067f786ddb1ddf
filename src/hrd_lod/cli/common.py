"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from ..errors import HrdLodError, LoadError

F = TypeVar("F", bound=Callable[..., Any])


def project_option(f: F) -> F:
    """Add ``--project DIR`` (default: the current folder)."""
    return click.option(
        "--project",
        "-p",
        "project",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("."),
        show_default=True,
        help="The dataset folder (holds data/).",
    )(f)


def debug_option(f: F) -> F:
    """Add ``--debug``: show the traceback of an unexpected error."""
    return click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")(f)


class CliError(click.ClickException):
    """A library error turned into a message and an exit code."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def handle_errors(f: F) -> F:
    """Turn library errors into friendly messages and exit codes; hide tracebacks of bugs."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        debug = kwargs.get("debug", False)
        try:
            return f(*args, **kwargs)
        except HrdLodError as exc:
            if debug:
                traceback.print_exc()
            raise CliError(format_error(exc), exc.exit_code) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            sys.stderr.close()
            raise SystemExit(0) from None
        except Exception as exc:  # a bug: say so plainly, traceback only on request
            if debug:
                traceback.print_exc()
            raise CliError(
                f"internal error: {type(exc).__name__}: {exc}\n"
                "(run again with --debug to see the traceback, and please "
                "report it)",
                70,
            ) from None

    return wrapper  # type: ignore[return-value]


def format_error(exc: HrdLodError) -> str:
    """Return the text shown for a library error."""
    if isinstance(exc, LoadError):
        if len(exc.problems) == 1 and exc.problems[0].location.line is None:
            # a missing folder or file, not "1 problem in the data": one plain line
            p = exc.problems[0]
            text = p.message if p.code == "no-project" else f"{p.location}: {p.message}"
            return text + (f"\n  hint: {p.hint}" if p.hint else "")
        return f"{exc.message}:\n" + "\n".join(str(p) for p in exc.problems)
    text = exc.message
    if exc.hint:
        text += f"\n  hint: {exc.hint}"
    for note in getattr(exc, "__notes__", ()):
        text += f"\n  note: {note}"
    return text


def echo_err(message: str) -> None:
    """Print a line to standard error."""
    click.echo(message, err=True)


#: Set by the console entry point (not by tests driving the commands in-process): objects
#: handed to ``keep_until_exit`` are then never freed one by one; the process ends instead.
FAST_EXIT = False
_KEPT: list[object] = []


def keep_until_exit(obj: object) -> None:
    """Keep ``obj`` alive until the process ends, when it is the console command running.

    A build of 100,000 conferrals holds some ten million Python objects; freeing them one by
    one when the command returns took 7 s. The console entry point ends the process without.
    """
    if FAST_EXIT:
        _KEPT.append(obj)


def kept_anything() -> bool:
    """Return True if a command kept objects for a fast exit."""
    return bool(_KEPT)
