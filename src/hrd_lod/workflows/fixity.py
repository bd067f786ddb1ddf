"""``hrd-lod source check``: re-verify every archived copy against its recorded SHA-256.

Reads the Source records without the full loader, so that it works on a project with other
load errors: a fixity check is what an archivist runs when something looks wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Location
from ..project import open_project
from ..records.checks import sha256_file
from ..records.fields import FieldError, parse_value
from ..records.load import YAML_SUFFIXES
from ..records.schema import TYPES
from . import Progress
from .files import raw_records


@dataclass(frozen=True)
class FixityResult:
    """One Source record's archived copy, checked."""

    source_id: str
    location: Location  # the record's line for the field at fault (or archived_copy)
    archived_copy: str | None  # relative to data/
    #: "ok", "missing", "altered", "unchecked" (the record itself is incomplete) or "cited"
    #: (a page cited by its address, with no archived copy to check)
    status: str
    message: str


@dataclass(frozen=True)
class FixityReport:
    """Every archived copy's state, and archived files no record cites."""

    results: tuple[FixityResult, ...]
    uncited: tuple[str, ...]  # files under data/sources/ no Source record names

    @property
    def problems(self) -> tuple[FixityResult, ...]:
        """Return the results that are not ok (a cited page without a copy is not a problem)."""
        return tuple(r for r in self.results if r.status not in ("ok", "cited"))

    @property
    def cited(self) -> tuple[FixityResult, ...]:
        """Return the sources cited by their address, with no archived copy."""
        return tuple(r for r in self.results if r.status == "cited")


def check_sources(project_dir: Path | str, progress: Progress | None = None) -> FixityReport:
    """Return the fixity of every archived copy of the project."""
    project = open_project(project_dir)
    sources = [
        (raw, rel)
        for raw, rel in raw_records(project.root, project.data_dir)
        if raw.data.get("type") == "Source"
    ]
    spec = TYPES["Source"]
    results: list[FixityResult] = []
    cited: set[str] = set()
    for i, (raw, _rel) in enumerate(sources):
        if progress:
            progress("verify", i, len(sources))
        sid = str(raw.data.get("id", "?"))
        where = raw.where("archived_copy")
        if "archived_copy" not in raw.data and "sha256" not in raw.data and "url" in raw.data:
            results.append(
                FixityResult(
                    sid,
                    raw.where("url"),
                    None,
                    "cited",
                    f"cited, not archived: {raw.data.get('url')}",
                )
            )
            continue
        try:
            rel_copy = parse_value(
                spec.by_name["archived_copy"], raw.data.get("archived_copy"), "en", []
            )[0]
            expected = parse_value(spec.by_name["sha256"], raw.data.get("sha256"), "en", [])[0]
        except FieldError as exc:
            results.append(FixityResult(sid, where, None, "unchecked", f"cannot check: {exc}"))
            continue
        assert isinstance(rel_copy, str) and isinstance(expected, str)
        cited.add(rel_copy)
        path = project.data_dir / rel_copy
        if not path.is_file():
            results.append(
                FixityResult(
                    sid, where, rel_copy, "missing", f"the archived copy data/{rel_copy} is missing"
                )
            )
            continue
        actual = sha256_file(path)
        if actual != expected:
            results.append(
                FixityResult(
                    sid,
                    raw.where("sha256"),
                    rel_copy,
                    "altered",
                    f"data/{rel_copy} has changed: its SHA-256 is {actual}, "
                    f"the record says {expected}",
                )
            )
        else:
            results.append(FixityResult(sid, where, rel_copy, "ok", f"data/{rel_copy} intact"))
    if progress:
        progress("verify", len(sources), len(sources))
    uncited = []
    src_dir = project.data_dir / "sources"
    if src_dir.is_dir():
        for p in sorted(src_dir.rglob("*")):
            rel = p.relative_to(project.data_dir).as_posix()
            if (
                p.is_file()
                and not p.name.startswith(".")
                and p.suffix.lower() not in YAML_SUFFIXES + (".csv",)
                and rel not in cited
            ):
                uncited.append(rel)
    results.sort(key=lambda r: (r.status in ("ok", "cited"), r.location, r.source_id))
    return FixityReport(tuple(results), tuple(uncited))
