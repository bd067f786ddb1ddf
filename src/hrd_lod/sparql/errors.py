"""Errors of the SPARQL tools, as kinds of the project's error tree."""

from __future__ import annotations

from ..errors import RemoteError, UsageError


class QuerySyntaxError(UsageError):
    """The query text does not parse; ``line`` and ``column`` (1-based) say where."""

    def __init__(
        self,
        message: str,
        *,
        line: int | None,
        column: int | None,
        excerpt: str | None = None,
        source: str = "query",
    ) -> None:
        where = f"{source}:{line}:{column}" if line is not None else source
        text = f"SPARQL syntax error at {where}: {message}"
        if excerpt:
            text += "\n" + excerpt
        super().__init__(text)
        self.line = line
        self.column = column
        self.detail = message


class QueryRefused(UsageError):
    """The query is not allowed here (an update, SERVICE, or over a limit)."""


class QueryTooLong(QueryRefused):
    """The query text is longer than the limit."""


class PublishError(RemoteError):
    """A push to a Graph Store Protocol endpoint failed; says which graphs were written."""

    def __init__(
        self, message: str, *, written: list[str], not_written: list[str], hint: str | None = None
    ) -> None:
        lines = [message, f"graphs written ({len(written)}):"]
        lines += [f"  {g}" for g in written] or ["  (none)"]
        lines.append(f"graphs NOT written ({len(not_written)}):")
        lines += [f"  {g}" for g in not_written] or ["  (none)"]
        super().__init__("\n".join(lines), hint=hint)
        self.written = written
        self.not_written = not_written
