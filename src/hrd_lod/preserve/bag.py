"""BagIt bags (RFC 8493) of kept releases: payload, SHA-256 and SHA-512 manifests, bag-info.

A release's bag is written beside the release (``bags/VERSION/``) with a copy of the release
folder as its payload (``data/``), so that the bag can be handed to an archive as it is and
the release folder can be checked against the bag's manifests.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import bagit

from ..errors import UsageError
from ..fsutil import staging
from .info import ReleaseInfo

CHECKSUMS = ("sha256", "sha512")

# bagit logs every file it hashes at INFO; the commands report what matters themselves.
logging.getLogger("bagit").setLevel(logging.WARNING)


def bag_info(info: ReleaseInfo, source: str) -> dict[str, str]:
    """Return the ``bag-info.txt`` fields of the release's bag (no clock: the release date)."""
    fields = {
        "Source-Organization": info.publisher,
        "External-Description": " ".join(info.description.split()),
        "External-Identifier": f"{info.dataset_iri} {info.version}",
        "Bag-Group-Identifier": info.dataset_id,
        "Internal-Sender-Identifier": source,
        "Bagging-Date": info.date.isoformat(),
        "Bag-Software-Agent": f"{info.tool} {info.tool_version} with bagit.py {bagit.VERSION}",
        "Title": info.title,
        "Version": info.version,
        "License": info.license,
    }
    if info.contact_email:
        fields["Contact-Email"] = info.contact_email
    if info.publisher_url:
        fields["Organization-Address"] = info.publisher_url
    return fields


def make_bag(folder: Path, bag_dir: Path, info: ReleaseInfo, *, source: str) -> Path:
    """Write ``bag_dir`` as a bag whose payload is a copy of ``folder``; all or nothing."""
    with staging(bag_dir) as tmp:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                dest = tmp / path.relative_to(folder)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, dest)
        bagit.make_bag(str(tmp), bag_info(info, source), checksums=list(CHECKSUMS))
    return bag_dir


@dataclass(frozen=True)
class FileProblem:
    """A file that does not match the bag's manifests."""

    path: str  # as shown to people: bags/1.0.0/data/hrd.nt, releases/1.0.0/hrd.nt
    status: str  # changed, missing, unexpected, or bag (the bag itself is not valid)
    detail: str = ""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def compare(folder: Path, entries: dict[str, str], shown: str) -> list[FileProblem]:
    """Return the files of ``folder`` that differ from ``entries`` (relative path -> SHA-256)."""
    problems = []
    present = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() or (p.is_symlink() and not p.is_dir())
    }
    for rel, expected in sorted(entries.items()):
        path = folder / rel
        if rel not in present:
            problems.append(FileProblem(f"{shown}/{rel}", "missing"))
            continue
        found = _sha256(path)
        if found != expected:
            problems.append(
                FileProblem(
                    f"{shown}/{rel}",
                    "changed",
                    f"sha256 {found[:12]}..., expected {expected[:12]}...",
                )
            )
    for rel in sorted(present - set(entries)):
        problems.append(FileProblem(f"{shown}/{rel}", "unexpected", "not in the bag's manifests"))
    return problems


def open_bag(bag_dir: Path) -> bagit.Bag:
    """Return the bag at ``bag_dir``; a clear error if there is none."""
    if not (bag_dir / "bagit.txt").is_file():
        raise UsageError(
            f"{bag_dir} is not a bag (no bagit.txt)",
            hint="'hrd-lod release package VERSION' writes the bag of a kept release",
        )
    try:
        return bagit.Bag(str(bag_dir))
    except bagit.BagError as exc:
        raise UsageError(f"{bag_dir} is not a readable bag: {exc}") from None


def payload_entries(bag: bagit.Bag) -> dict[str, str]:
    """Return the bag's payload manifest as (path inside data/) -> SHA-256."""
    out = {}
    for path, hashes in bag.payload_entries().items():
        rel = path.replace(os.sep, "/")
        out[rel.removeprefix("data/")] = hashes.get("sha256", "")
    return out


def validate_bag(bag_dir: Path, shown: str) -> list[FileProblem]:
    """Return what is wrong with the bag at ``bag_dir``, by bagit's own validation.

    A payload file that changed, went missing or appeared is named; so is a tag file
    (``bag-info.txt``, a manifest) whose checksum no longer matches the tag manifests.
    """
    bag = open_bag(bag_dir)
    try:
        bag.validate(processes=1)
        return []
    except bagit.BagValidationError as exc:
        failure = exc
    # bagit stops at the first kind of problem (a payload size or count that changed is
    # reported without naming a file): name every payload file that differs ourselves
    problems = compare(bag_dir / "data", payload_entries(bag), f"{shown}/data")
    named = {p.path for p in problems}
    for d in failure.details:
        path = f"{shown}/{str(d.path).replace(os.sep, '/')}"
        if path in named:
            continue
        status = (
            "changed"
            if isinstance(d, bagit.ChecksumMismatch)
            else "missing"
            if isinstance(d, bagit.FileMissing)
            else "unexpected"
        )
        problems.append(FileProblem(path, status, str(d)))
    if not problems:
        problems.append(FileProblem(shown, "bag", failure.message))
    return problems
