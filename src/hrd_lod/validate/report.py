"""The validation report: engine-independent results, located in the data files."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Location

SEVERITIES = ("Violation", "Warning", "Info")


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with the record and file line it points to.

    ``shape`` is the source shape's IRI, or for a named SPARQL constraint (sh:sourceConstraint)
    the constraint's IRI; a blank shape is named after the named shape that holds it.
    """

    severity: str
    focus: str
    path: str | None
    component: str
    shape: str
    value: str | None
    message: str
    hint: str | None = None
    record_id: str | None = field(default=None, compare=False)
    record_type: str | None = field(default=None, compare=False)
    location: Location | None = field(default=None, compare=False)
    field_name: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, str, str, str, str, str, str]:
        """Return a total order (None sorts first) for deterministic reports."""
        return (
            self.severity,
            self.focus,
            self.path or "",
            self.component,
            self.shape,
            self.value or "",
            self.message,
        )

    def key(self) -> tuple[str, str, str | None, str, str, str | None]:
        """Return what two engines must agree on: severity, focus, path, component, shape."""
        return (self.severity, self.focus, self.path, self.component, self.shape, self.value)

    def to_dict(self) -> dict[str, object]:
        """Return the result as a JSON-ready dict."""
        loc = self.location
        return {
            "severity": self.severity,
            "record": self.record_id,
            "type": self.record_type,
            "file": loc.file if loc else None,
            "line": loc.line if loc else None,
            "column": loc.column if loc else None,
            "field": self.field_name,
            "message": self.message,
            "hint": self.hint,
            "focus_node": self.focus,
            "path": self.path,
            "value": self.value,
            "constraint": self.component,
            "shape": self.shape,
        }


@dataclass(frozen=True)
class Report:
    """All results of one validation, sorted.

    ``conforms`` is the build's decision (no violation; warnings do not count);
    ``shacl_conforms`` is SHACL's ``sh:conforms`` (no result of any severity).
    """

    results: tuple[Result, ...]
    engine: str = "pyshacl"
    fallback_reason: str | None = None  # why the reference ran instead of the fast engine

    @property
    def violations(self) -> tuple[Result, ...]:
        """Return the results that fail the build."""
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[Result, ...]:
        """Return the results that are reported but do not fail the build."""
        return tuple(r for r in self.results if r.severity != "Violation")

    @property
    def conforms(self) -> bool:
        """Return the build's decision: True when there is no violation (warnings and infos
        are reported but do not count)."""
        return not self.violations

    @property
    def shacl_conforms(self) -> bool:
        """Return SHACL's ``sh:conforms``: True only when there is no result of any severity."""
        return not self.results

    def to_dict(self) -> dict[str, object]:
        """Return the report as a JSON-ready dict: ``conforms`` is the build's decision
        (warnings do not count), ``shacl_conforms`` SHACL's (every result counts)."""
        return {
            "conforms": self.conforms,
            "shacl_conforms": self.shacl_conforms,
            "engine": self.engine,
            "fallback_reason": self.fallback_reason,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.to_dict() for r in self.results],
        }
