"""Errors are values with context.

The tree::

    HrdLodError                 anything the library reports to a person
    ├── LoadError               a data file cannot be read or a record is wrong (exit 2)
    ├── ValidationFailed        SHACL violations stopped a build (exit 1)
    ├── BuildError              writing outputs failed; the previous dist/ is kept (exit 2)
    ├── UsageError              the caller asked for something that cannot be done (exit 2)
    ├── ShapesError             a SHACL shape no engine can run (exit 2)
    └── RemoteError             a network peer or triple store failed (exit 3)

Each problem carries a :class:`Location` (file, line, field) and a hint; loading collects
every :class:`Problem` of a run into one :class:`LoadError` so an archivist fixes them in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .validate.report import Report


@dataclass(frozen=True)
class Location:
    """Where something is: a file (relative to the project), a 1-based line, a field name."""

    file: str
    line: int | None = None
    field: str | None = None
    column: int | None = None

    def sort_key(self) -> tuple[str, int, str, int]:
        """Return a key that orders locations by file, line, field (None first)."""
        return (self.file, self.line or 0, self.field or "", self.column or 0)

    def __lt__(self, other: Location) -> bool:
        return self.sort_key() < other.sort_key()

    def __str__(self) -> str:
        out = self.file
        if self.line is not None:
            out += f":{self.line}"
            if self.column is not None:
                out += f":{self.column}"
        if self.field:
            out += f" (field '{self.field}')"
        return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, what, and what to do about it."""

    location: Location
    message: str
    hint: str | None = None
    code: str = "invalid"

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def to_dict(self) -> dict[str, object]:
        """Return the problem as a JSON-ready dict."""
        return {
            "file": self.location.file,
            "line": self.location.line,
            "field": self.location.field,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class HrdLodError(Exception):
    """Base of every error the library reports to a person."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __reduce__(self) -> tuple[object, ...]:
        # Subclasses take other arguments than ``args``: pickle the state instead (errors
        # travel from the second process of a build to the first).
        return (_restore, (type(self), self.args, self.__dict__))


def _restore(
    cls: type[HrdLodError], args: tuple[object, ...], state: dict[str, object]
) -> HrdLodError:
    err = cls.__new__(cls)
    Exception.__init__(err, *args)
    err.__dict__.update(state)
    return err


class LoadError(HrdLodError):
    """One or more records could not be loaded; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(sorted(problems, key=lambda p: (p.location, p.message)))
        n = len(self.problems)
        super().__init__(f"{n} problem{'s' if n != 1 else ''} in the data")

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


class ValidationFailed(HrdLodError):
    """SHACL validation found violations; ``report`` holds them."""

    exit_code = 1

    def __init__(self, report: Report) -> None:
        super().__init__("validation failed: the dataset does not conform to the shapes")
        self.report = report


class BuildError(HrdLodError):
    """Writing outputs failed; the previous ``dist/`` was left as it was."""


class UsageError(HrdLodError):
    """The request cannot be carried out as asked."""


class ShapesError(HrdLodError):
    """The shapes cannot be run: no validation engine accepts them (names shape and file)."""


class RemoteError(HrdLodError):
    """A remote endpoint, store or web server failed or refused."""

    exit_code = 3


@dataclass
class ProblemList:
    """A collector of problems, used by loaders that keep going after the first one."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self, location: Location, message: str, hint: str | None = None, code: str = "invalid"
    ) -> None:
        """Record one problem."""
        self.items.append(Problem(location, message, hint, code))

    def __bool__(self) -> bool:
        return bool(self.items)
