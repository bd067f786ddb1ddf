"""Read a YAML data file into raw records, with the line of every key.

PyYAML's composer gives nodes with positions; we turn nodes into plain values ourselves so that
duplicate keys, aliases (the "billion laughs" bomb), non-string keys and deep nesting are
reported with their line instead of being silently accepted.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import Location, ProblemList
from .model import RawRecord
from .textfile import read_text

try:  # the C composer is several times faster; the pure-Python one gives the same nodes
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 20

_TAG = "tag:yaml.org,2002:"


class _Convert:
    def __init__(self, rel: str, problems: ProblemList) -> None:
        self.rel = rel
        self.problems = problems
        self.seen: set[int] = set()

    def value(self, node: yaml.Node, depth: int = 0) -> object:
        loc = Location(self.rel, node.start_mark.line + 1)
        if id(node) in self.seen:
            self.problems.add(
                loc,
                "YAML aliases (*name) are not allowed in data files",
                "write the value out in full",
                code="yaml-alias",
            )
            return None
        if depth > MAX_DEPTH:
            self.problems.add(
                loc,
                f"nested more than {MAX_DEPTH} levels deep",
                "records are flat: a field holds a value, a list or a {language: text} map",
                code="too-deep",
            )
            return None
        if isinstance(node, yaml.MappingNode):
            self.seen.add(id(node))
            return self.mapping(node, depth)[0]
        if isinstance(node, yaml.SequenceNode):
            self.seen.add(id(node))
            return [self.value(item, depth + 1) for item in node.value]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> object:
        tag = node.tag
        text = node.value
        if tag == _TAG + "null":
            return None
        if tag == _TAG + "bool":
            return text.lower() in ("true", "yes", "on", "y")
        if tag == _TAG + "int":
            try:
                return (
                    int(text.replace("_", ""), 0)
                    if text.startswith("0x")
                    else int(text.replace("_", ""))
                )
            except ValueError:
                return text
        if tag == _TAG + "float":
            try:
                return float(text)
            except ValueError:
                return text
        if tag in (_TAG + "str", _TAG + "timestamp"):
            return text  # dates stay text: the field parser reads them strictly
        self.problems.add(
            Location(self.rel, node.start_mark.line + 1),
            f"unsupported YAML tag {tag!r}",
            "remove the tag",
            code="yaml-tag",
        )
        return text

    def mapping(
        self, node: yaml.MappingNode, depth: int
    ) -> tuple[dict[str, object], dict[str, int]]:
        out: dict[str, object] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.add(
                    Location(self.rel, line),
                    "YAML merge keys (<<) are not allowed",
                    "write the fields out in full",
                    code="yaml-alias",
                )
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.add(
                    Location(self.rel, line), "a key must be a plain word", code="bad-key"
                )
                continue
            key = key_node.value
            if key in out:
                self.problems.add(
                    Location(self.rel, line, key),
                    f"duplicate key '{key}' (first on line {lines[key]})",
                    "keep one of them",
                    code="duplicate-key",
                )
                continue
            lines[key] = line
            out[key] = self.value(value_node, depth + 1)
        return out, lines


def _report_aliases(text: str, rel: str, problems: ProblemList) -> bool:
    """Report every alias (*name) with its own line; return True if there was one."""
    found = False
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            found = True
            problems.add(
                Location(rel, event.start_mark.line + 1),
                "YAML aliases (*name) are not allowed in data files",
                "write the value out in full",
                code="yaml-alias",
            )
    return found


def read_yaml(path: Path, rel: str, problems: ProblemList) -> list[RawRecord]:
    """Return the raw records of one YAML file (one record, or a list of records)."""
    text = read_text(path, rel, problems)
    if text is None:
        return []
    if not text.strip():
        return []  # nothing wrong to publish: the loader notes it (records.load.empty_notice)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = exc.problem or str(exc)
        hint = "check the indentation and quoting around this line"
        if "\t" in text and ("tab" in what or "found character" in what):
            hint = "YAML does not allow tabs for indentation: use spaces"
        problems.add(
            Location(rel, line, None, col), f"not valid YAML: {what}", hint, code="yaml-syntax"
        )
        return []
    except yaml.YAMLError as exc:
        problems.add(Location(rel, None), f"not valid YAML: {exc}", code="yaml-syntax")
        return []
    if root is None:  # only comments: noted by the loader, like an empty file
        return []
    if "*" in text and _report_aliases(text, rel, problems):
        return []
    conv = _Convert(rel, problems)
    nodes: list[yaml.Node]
    if isinstance(root, yaml.SequenceNode):
        nodes = list(root.value)
    else:
        nodes = [root]
    out: list[RawRecord] = []
    for node in nodes:
        line = node.start_mark.line + 1
        if not isinstance(node, yaml.MappingNode):
            problems.add(
                Location(rel, line),
                "a record must be a mapping of field: value",
                "start the record with 'id:' and 'type:'",
                code="not-a-record",
            )
            continue
        conv.seen.add(id(node))
        data, lines = conv.mapping(node, 1)
        out.append(RawRecord(data, Location(rel, line), lines))
    return out
