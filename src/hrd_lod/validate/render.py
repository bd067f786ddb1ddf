"""Render a validation report for people: grouped by record, with file, line and hint."""

from __future__ import annotations

from itertools import groupby

from .report import Report, Result


def _group_key(r: Result) -> tuple[str, str]:
    loc = r.location
    return (loc.file if loc else "~", r.record_id or r.focus)


def render_text(report: Report, *, show_warnings: bool = True) -> str:
    """Return the report as plain text, one block per record."""
    results = sorted(
        report.results if show_warnings else report.violations,
        key=lambda r: (
            _group_key(r),
            r.location.line if r.location and r.location.line else 0,
            r.severity,
            r.message,
        ),
    )
    lines: list[str] = []
    for (_file, _rid), group in groupby(results, key=_group_key):
        items = list(group)
        first = items[0]
        if first.record_id:
            lines.append(
                f"{first.record_type} '{first.record_id}' "
                f"({first.location.file if first.location else '?'})"
            )
        else:
            lines.append(f"node {first.focus}")
        for r in items:
            where = f"line {r.location.line}" if r.location and r.location.line else ""
            if where and r.location and r.location.column:
                where += f", column {r.location.column}"
            field = f"field '{r.field_name}'" if r.field_name else ""
            at = ", ".join(x for x in (where, field) if x)
            label = "error" if r.severity == "Violation" else r.severity.lower()
            lines.append(f"  {label}: {r.message}" + (f" [{at}]" if at else ""))
            if r.value and r.severity == "Violation":
                lines.append(f"    value: {r.value}")
            if r.hint:
                lines.append(f"    fix: {r.hint}")
    nv, nw = len(report.violations), len(report.warnings)
    summary = f"{nv} error{'s' if nv != 1 else ''}, {nw} warning{'s' if nw != 1 else ''}"
    lines.append(("valid: " if report.conforms else "not valid: ") + summary)
    if report.conforms and not report.shacl_conforms:
        lines.append(
            "  (warnings do not stop the build; by SHACL's own sh:conforms, which counts "
            "every result, the data does not conform)"
        )
    return "\n".join(lines)
