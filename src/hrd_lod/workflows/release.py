"""``hrd-lod release VERSION``: stamp, build, and keep an immutable edition with a changelog.

Steps, all or nothing:
1. refuse a version already released (``releases/VERSION/`` exists) or a date before the
   previous release;
2. stamp ``version`` and ``modified`` into ``data/dataset.yaml`` by editing those two lines
   only (comments and layout are kept);
3. build into a temporary folder (``pipeline.build``);
4. write ``releases/VERSION/``: the build (dumps, ontology, shapes), ``changes.json`` (added
   and removed triples per graph, and entities, against the previous release),
   ``CHANGES.md`` (the human summary), the archived copies of its sources (``archive/``),
   ``ro-crate-metadata.json``, ``datacite.json``, ``CITATION.cff`` and a ``manifest.json``
   covering every file in it (``preserve.describe_release``);
5. write its BagIt bag to ``bags/VERSION/`` (``preserve.make_bag``), and keep what it was
   built from in ``release-inputs/VERSION.tar.gz`` (never published), so that a later
   withdrawal can make the release (and its bag) again without the withdrawn record
   (:mod:`.amend`);
6. copy every release into the new build's ``releases/`` and swap it in as ``dist/``.
Any failure restores ``data/dataset.yaml`` and removes what was written.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError
from ..export import ExportContext
from ..export.manifest import MANIFEST, file_entry, write_manifest
from ..export.releases import RELEASES, copy_releases, release_dirs
from ..fsutil import staging, swap_in, write_atomic
from ..pipeline import Built, build
from ..preserve import BAGS, bag_folder, describe_release, make_bag
from ..project import METADATA_FILE, Project, check_version, load_metadata, open_project
from ..records.fields import FieldError
from . import Progress
from .amend import inputs_path, keep_inputs, link_or_copy, move_reuse_state
from .diff import Diff, diff_editions, empty_edition, read_edition, summary_lines, to_json
from .files import yaml_scalar

CHANGES_JSON = "changes.json"
CHANGES_MD = "CHANGES.md"


@dataclass(frozen=True)
class Released:
    """A release made: where it is, what it was compared with, what changed."""

    version: str
    date: dt.date
    folder: Path
    previous: str | None
    diff: Diff
    built: Built
    bag: Path


def stamp_metadata(text: str, version: str, date: dt.date) -> str:
    """Return dataset.yaml text with ``version`` and ``modified`` set; everything else kept."""
    values = {"version": yaml_scalar(version), "modified": date.isoformat()}
    lines = text.split("\n")
    for key, value in values.items():
        pattern = re.compile(rf"^{key}:(\s*)([^#\n]*?)(\s+#.*)?$")
        hits = [i for i, line in enumerate(lines) if pattern.match(line)]
        if len(hits) > 1:
            raise UsageError(f"data/{METADATA_FILE} has '{key}' twice")
        if not hits:
            lines.insert(
                len(lines) - 1 if lines and lines[-1] == "" else len(lines), f"{key}: {value}"
            )
            continue
        i = hits[0]
        m = pattern.match(lines[i])
        assert m is not None
        if m.group(2).strip() in ("", "|", ">", "|-", ">-"):
            raise UsageError(
                f"data/{METADATA_FILE}:{i + 1}: '{key}' is not on one line",
                hint=f"write it as '{key}: {value}'",
            )
        lines[i] = f"{key}: {value}{m.group(3) or ''}"
    return "\n".join(lines)


def _version_key(name: str) -> tuple[object, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[.+-]", name))


def previous_release(root: Path) -> tuple[str, str | None, Path] | None:
    """Return (version, date, folder) of the latest release: by date, then by version."""
    found = []
    for folder in release_dirs(root):
        try:
            manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            continue
        found.append(
            (manifest.get("modified") or "", _version_key(folder.name), folder.name, folder)
        )
    if not found:
        return None
    modified, _, name, folder = max(found)
    return name, modified or None, folder


def release(
    project_dir: Path | str,
    version: str,
    *,
    date: dt.date,
    progress: Progress | None = None,
    today: dt.date | None = None,
    force: bool = False,
) -> Released:
    """Make release ``version`` dated ``date`` and return it; refuse an existing version.

    The date must not be before the dataset's ``issued`` date nor before the previous release;
    given ``today``, a date after it is refused unless ``force`` (a release is dated the day it
    is published, and a future date would hold back every later release until that day).
    """
    project = open_project(project_dir)
    try:
        version = check_version(version)
    except FieldError as exc:
        raise UsageError(str(exc), hint=exc.hint) from None
    target = project.root / RELEASES / version
    if target.exists():
        raise UsageError(
            f"version {version} is already released ({project.rel(target)}); "
            "a release is never changed",
            hint="give the next version number",
        )
    meta_path = project.data_dir / METADATA_FILE
    if not meta_path.is_file():
        raise UsageError(f"{project.rel(meta_path)} is missing")
    prev = previous_release(project.root)
    check_release_date(project, date, prev, today, force)
    original = meta_path.read_bytes()
    stamped = stamp_metadata(original.decode("utf-8"), version, date).encode("utf-8")
    work = Path(tempfile.mkdtemp(prefix=".release-", dir=project.root))
    created = False
    kept = inputs_path(project.root, version)
    bag = bag_folder(project.root, version)
    try:
        write_atomic(meta_path, stamped)
        built = build(
            project.root,
            dist=work / "dist",
            progress=(lambda stage: _tick(progress, stage)),
        )
        _tick(progress, "changelog")
        edition = read_edition(built.dist)
        diff = diff_editions(read_edition(prev[2]) if prev else empty_edition(), edition)
        _tick(progress, f"release folder {RELEASES}/{version}")
        (project.root / RELEASES).mkdir(exist_ok=True)
        with staging(target) as tmp:
            _write_release(built.dist, tmp, diff, version, date, prev[0] if prev else None)
            info = describe_release(
                tmp, built.checked.meta, data_dir=project.data_dir, trust_manifest=True
            )
            created = True
        _tick(progress, f"bag {BAGS}/{version}")
        make_bag(target, bag, info, source=f"{RELEASES}/{version}")
        keep_inputs(project.root, version)
        _tick(progress, "dist")
        ctx = ExportContext(
            built.checked.store,
            built.checked.public,
            built.checked.meta,
            built.checked.project,
            built.manifest.tool_version,
        )
        copy_releases(project.root, built.dist)
        write_manifest(ctx, built.dist)
        swap_in(built.dist, project.dist_dir)
        # the per-entity files now in dist/ and (linked) in the release are known again:
        # the next build, and a remake of the release, link those that did not change
        move_reuse_state(project.cache_dir, work / "dist", [project.dist_dir, target])
    except BaseException:
        write_atomic(meta_path, original)
        if created:
            shutil.rmtree(target, ignore_errors=True)
            shutil.rmtree(bag, ignore_errors=True)
        kept.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            kept.parent.rmdir()  # only if this release made it
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Released(
        version,
        date,
        target,
        prev[0] if prev else None,
        diff,
        dataclasses.replace(built, dist=project.dist_dir),
        bag,
    )


def check_release_date(
    project: Project,
    date: dt.date,
    prev: tuple[str, str | None, Path] | None,
    today: dt.date | None,
    force: bool,
) -> None:
    """Raise UsageError, saying what to do, if ``date`` cannot date the next release."""
    # the previous release first: its date is the later bound of the two
    if prev and prev[1] and prev[1] > date.isoformat():
        hint = f"releases are dated in order: give --date {prev[1]} or later"
        if today is not None and prev[1] > today.isoformat():
            hint += f" (with --force until {prev[1]}: release {prev[0]} is dated in the future)"
        raise UsageError(
            f"the release date {date} is before that of the previous release {prev[0]} ({prev[1]})",
            hint=hint,
        )
    issued = load_metadata(project).issued
    meta = f"data/{METADATA_FILE}"
    if date < issued:
        raise UsageError(
            f"the release date {date} is before the dataset was first published: 'issued' is "
            f"{issued} in {meta}",
            hint=f"date the release {issued} or later (--date {issued}, or leave --date out for "
            f"today), or correct 'issued' in {meta} if the dataset was published earlier",
        )
    if today is not None and date > today and not force:
        raise UsageError(
            f"the release date {date} is in the future (today is {today})",
            hint="a release is dated the day it is published, and no later release can be "
            "dated before it: leave --date out for today, or pass --force to date it "
            f"{date} anyway",
        )


def _tick(progress: Progress | None, stage: str) -> None:
    if progress:
        progress(stage, 0, 0)  # a stage, not a count (see workflows.Progress)


def _write_release(
    dist: Path,
    out: Path,
    diff: Diff,
    version: str,
    date: dt.date,
    previous: str | None,
    *,
    amended: list[dict[str, str]] | None = None,
) -> None:
    """Write the release folder ``out`` from the build in ``dist``; ``amended`` lists the
    withdrawals (date only) that made it again."""
    for path in sorted(dist.rglob("*")):
        rel = path.relative_to(dist)
        if rel.parts[0] in (RELEASES, MANIFEST) or not path.is_file():
            continue
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        link_or_copy(path, dest)
    doc: dict[str, object] = {
        "version": version,
        "date": date.isoformat(),
        "previous": previous,
        **to_json(diff),
    }
    if amended:
        doc["amended"] = amended
    (out / CHANGES_JSON).write_text(
        json.dumps(doc, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    title = f"# {version} ({date.isoformat()})"
    against = f"Compared with release {previous}." if previous else "The first release."
    text = (
        "\n".join(
            [title, "", against, ""]
            + [
                f"- {line}" if not line.startswith("  ") else f"  - {line.strip()}"
                for line in summary_lines(diff)[1:]
            ]
            + [
                f"\nAmended on {a['date']}: records were withdrawn from this release (a "
                "takedown); every file was made again without them."
                for a in amended or ()
            ]
        )
        + "\n"
    )
    (out / CHANGES_MD).write_text(text, encoding="utf-8")
    manifest = json.loads((dist / MANIFEST).read_text("utf-8"))
    files = [e for e in manifest["files"] if not e["path"].startswith(RELEASES + "/")]
    files += [file_entry(out, out / name).__dict__ for name in (CHANGES_JSON, CHANGES_MD)]
    manifest["files"] = sorted(files, key=lambda e: e["path"])
    (out / MANIFEST).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
