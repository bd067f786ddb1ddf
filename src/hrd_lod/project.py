"""A dataset project: its folders and the dataset metadata an archivist edits."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import vocab as V
from .errors import LoadError, Location, Problem, ProblemList
from .records.fields import FieldError, check_lang, check_slug, clean_text, parse_date, parse_url
from .records.model import LangString
from .records.parse import nearest
from .records.yamlfile import read_yaml
from .resources import packaged_dir, turtle_files

METADATA_FILE = "dataset.yaml"

_META_FIELDS = {
    "id": "a short name for the dataset, used for dump file names (e.g. hrd)",
    "title": "the dataset's title (text, or {language: text})",
    "description": "what the dataset holds",
    "license": "the licence URL, e.g. https://creativecommons.org/licenses/by/4.0/",
    "publisher": "the name of the organisation that publishes the dataset",
    "publisher_url": "the web site of the publishing organisation",
    "contact_email": "a public e-mail address of the publishing organisation (contact point)",
    "version": "the dataset version (e.g. 1.0.0), stamped by 'hrd-lod release'",
    "issued": "the date the dataset was first published (YYYY-MM-DD)",
    "modified": "the date of this version (YYYY-MM-DD); outputs never read the clock",
    "base_iri": "the base of every IRI, ending with / (default https://w3id.org/hrd/)",
    "language": "the language of text without a language tag (default en)",
    "keywords": "a list of keywords",
    "homepage": "the web address where dist/ is published",
    "sparql_endpoint": "the URL of the public SPARQL endpoint, if any",
}
_REQUIRED = ("id", "title", "description", "license", "publisher", "version", "issued", "modified")


@dataclass(frozen=True)
class DatasetMeta:
    """The dataset description an archivist edits in ``data/dataset.yaml``."""

    id: str
    title: tuple[LangString, ...]
    description: tuple[LangString, ...]
    license: str
    publisher: str
    version: str
    issued: dt.date
    modified: dt.date
    base_iri: str = V.DEFAULT_BASE
    language: str = "en"
    publisher_url: str | None = None
    contact_email: str | None = None
    keywords: tuple[str, ...] = ()
    homepage: str | None = None
    sparql_endpoint: str | None = None
    location: Location = field(default=Location("data/" + METADATA_FILE), compare=False)

    def title_text(self) -> str:
        """Return the title in the dataset language (or the first one)."""
        return _pick(self.title, self.language)

    def description_text(self) -> str:
        """Return the description in the dataset language (or the first one)."""
        return _pick(self.description, self.language)


def _pick(values: tuple[LangString, ...], lang: str) -> str:
    for v in values:
        if v.lang == lang:
            return v.value
    return values[0].value if values else ""


@dataclass(frozen=True)
class Project:
    """A dataset folder: ``data/``, optional own ``ontology/`` and ``shapes/``, and ``dist/``."""

    root: Path

    @property
    def data_dir(self) -> Path:
        """Return the folder of records."""
        return self.root / "data"

    @property
    def dist_dir(self) -> Path:
        """Return the folder the published edition is written to."""
        return self.root / "dist"

    @property
    def cache_dir(self) -> Path:
        """Return the folder for the parse cache (never published)."""
        return self.root / ".hrd-cache"

    def ontology_files(self) -> list[Path]:
        """Return the packaged ontology files, then the project's own (which extend them)."""
        return _layered("ontology", self.root)

    def shapes_files(self) -> list[Path]:
        """Return the packaged shapes files, then the project's own (which extend them)."""
        return _layered("shapes", self.root)

    def rel(self, path: Path) -> str:
        """Return ``path`` relative to the project root, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)


def _layered(name: str, root: Path) -> list[Path]:
    packaged = packaged_dir(name)
    files = turtle_files(packaged)
    own = root / name
    if own.is_dir() and own.resolve() != packaged.resolve():
        # A project's copy of a packaged file (this repository's own folders, seen from an
        # installed wheel) is the same vocabulary, not an extension: skip identical bytes.
        shipped = {p.read_bytes() for p in files}
        files += [p for p in turtle_files(own) if p.read_bytes() not in shipped]
    return files


#: The problem code of a folder without data/ (the CLI shows it as one plain line).
NO_PROJECT = "no-project"


def open_project(root: Path | str) -> Project:
    """Return the project at ``root``; raise LoadError if it has no data/ folder."""
    project = Project(Path(root))
    if not project.data_dir.is_dir():
        where = "this folder" if str(root) in ("", ".") else str(root)
        raise LoadError(
            [
                Problem(
                    Location(str(project.root)),
                    f"{where} is not a dataset project: there is no data/ folder here",
                    "run hrd-lod in a dataset folder, pass --project DIR, or "
                    "create one with 'hrd-lod init DIR'",
                    code=NO_PROJECT,
                )
            ]
        )
    return project


def _problem(loc: Location, message: str, hint: str | None = None) -> Problem:
    return Problem(loc, message, hint, code="project")


def load_metadata(project: Project) -> DatasetMeta:
    """Return the dataset metadata from ``data/dataset.yaml``; raise LoadError if it is wrong."""
    path = project.data_dir / METADATA_FILE
    rel = project.rel(path)
    problems = ProblemList()
    if not path.is_file():
        problems.add(
            Location(rel),
            "the dataset metadata file is missing",
            "create it (hrd-lod init writes one to fill in)",
            code="missing-file",
        )
        raise LoadError(problems.items)
    raws = read_yaml(path, rel, problems)
    if problems:
        raise LoadError(problems.items)
    if len(raws) != 1:
        raise LoadError([_problem(Location(rel, 1), "the metadata file must hold one mapping")])
    raw = raws[0]
    d = raw.data
    for key in d:
        if key not in _META_FIELDS:
            guess = nearest(key, list(_META_FIELDS))
            problems.add(
                raw.where(key),
                f"unknown metadata field '{key}'",
                f"did you mean '{guess}'?"
                if guess
                else f"the fields are: {', '.join(_META_FIELDS)}",
                code="unknown-field",
            )
    for key in _REQUIRED:
        if d.get(key) in (None, ""):
            problems.add(
                raw.where(),
                f"the dataset metadata needs '{key}'",
                _META_FIELDS[key],
                code="missing-field",
            )
    if problems:
        raise LoadError(problems.items)
    # field -> its checked value, of the type DatasetMeta declares for it (each checker returns
    # that type), handed to DatasetMeta as keywords
    values: dict[str, Any] = {}
    language = "en"

    def conv(key: str, fn: Callable[[Any], object]) -> None:
        if d.get(key) is None:
            return
        try:
            values[key] = fn(d[key])
        except FieldError as exc:
            problems.add(raw.where(key), str(exc), exc.hint, code="bad-value")

    conv("language", check_lang)
    language = str(values.get("language", "en"))

    def langtext(v: object) -> tuple[LangString, ...]:
        if isinstance(v, dict):
            return tuple(LangString(_text(t), check_lang(k)) for k, t in sorted(v.items()))
        return (LangString(_text(v), language),)

    def base(v: object) -> str:
        url = parse_url(v)
        if not url.endswith("/"):
            raise FieldError("the base IRI must end with '/'", f"use '{url}/'")
        return url

    conv("id", check_slug)
    conv("title", langtext)
    conv("description", langtext)
    conv("license", parse_url)
    conv("publisher", _text)
    conv("publisher_url", parse_url)
    conv("contact_email", _email)
    conv("version", check_version)
    conv("issued", parse_date)
    conv("modified", parse_date)
    conv("base_iri", base)
    conv("homepage", parse_url)
    conv("sparql_endpoint", parse_url)
    conv("keywords", lambda v: tuple(_text(x) for x in (v if isinstance(v, list) else [v])))
    if problems:
        raise LoadError(problems.items)
    if values["modified"] < values["issued"]:
        raise LoadError(
            [
                _problem(
                    raw.where("modified"),
                    f"'modified' ({values['modified']}) is before 'issued' ({values['issued']})",
                    "'issued' is the day the dataset was first published and 'modified' the day "
                    "of this version: make 'modified' that day or later, or correct 'issued'",
                )
            ]
        )
    return DatasetMeta(location=raw.location, **values)


def _text(v: object) -> str:
    return clean_text(v)[0]


def _email(v: object) -> str:
    text = _text(v)
    if not re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", text):
        raise FieldError(f"{text!r} is not an e-mail address")
    return text


def check_version(v: object) -> str:
    """Return a valid version string, or raise FieldError."""
    text = str(v).strip() if isinstance(v, (str, int, float)) else ""
    if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.+-]{0,40}", text):
        raise FieldError(f"{v!r} is not a version", "use e.g. 1.0.0")
    return text
