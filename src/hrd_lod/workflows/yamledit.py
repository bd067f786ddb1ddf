"""Edit records in a YAML data file as text: only the values changed, comments and layout kept.

PyYAML's composer gives every node its start and end offsets in the text. A changed field's
value is replaced in place (rendered in flow style, which is valid in block and flow
context); a new field is added as a line after the record's last one (or before the ``}`` of
a flow mapping). Edits are applied from the end of the text backwards so offsets stay valid,
and the result is parsed again and compared with what was asked: an edit that would read
back differently is an error, never a half-edited file.
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from ..errors import UsageError

try:
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader


def render(value: object) -> str:
    """Return a value as one line of flow-style YAML."""
    text = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return text.removesuffix("\n...\n").rstrip("\n")


def _records(root: yaml.Node | None) -> list[yaml.MappingNode]:
    if isinstance(root, yaml.MappingNode):
        return [root]
    if isinstance(root, yaml.SequenceNode):
        return [n for n in root.value if isinstance(n, yaml.MappingNode)]
    return []


def _id_of(node: yaml.MappingNode) -> str | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == "id" and isinstance(v, yaml.ScalarNode):
            return str(v.value)
    return None


def edit_records(text: str, changes: Mapping[str, Mapping[str, object]], file: str) -> str:
    """Return ``text`` with, for each record id in ``changes``, its fields set to the values
    given (added when missing); raise UsageError when a record is not in the text or the
    edit would not read back as asked."""
    root = yaml.compose(text, Loader=_Loader)
    by_id = {rid: node for node in _records(root) if (rid := _id_of(node)) is not None}
    edits: list[tuple[int, int, str]] = []
    for rid, fields in changes.items():
        node = by_id.get(rid)
        if node is None:
            raise UsageError(f"{file}: no record '{rid}' to update")
        keys = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        added = [f"{key}: {render(v)}" for key, v in fields.items() if key not in keys]
        last_value = node.value[-1][1]
        extra = ""
        if added and node.flow_style:
            close = node.end_mark.index - 1  # the closing brace
            edits.append((close, close, "".join(f", {a}" for a in added)))
        elif added:
            indent = " " * node.value[0][0].start_mark.column
            extra = "".join(f"\n{indent}{a}" for a in added)
        start, end = last_value.start_mark.index, last_value.end_mark.index
        content_end = start + len(text[start:end].rstrip())
        multiline = "\n" in text[start:content_end]
        last_edited = any(keys[k][1] is last_value for k in fields if k in keys)
        for key, value in fields.items():
            if key not in keys:
                continue
            vnode = keys[key][1]
            v_start, v_end = vnode.start_mark.index, vnode.end_mark.index
            old = text[v_start:v_end]
            tail = old[len(old.rstrip()) :]  # a block value ends with its line break(s)
            more = extra if vnode is last_value and multiline else ""
            edits.append((v_start, v_end, render(value) + more + tail))
        if extra and not (last_edited and multiline):
            # after the end of the record's last line (after a comment on it, if any)
            nl = text.find("\n", content_end)
            at = len(text) if nl < 0 else nl
            edits.append((at, at, extra))
    out = text
    for start, end, new in sorted(edits, reverse=True):
        out = out[:start] + new + out[end:]
    _check(out, changes, file)
    return out


def _check(text: str, changes: Mapping[str, Mapping[str, object]], file: str) -> None:
    try:
        data = yaml.load(text, Loader=yaml.BaseLoader)  # noqa: S506 - every scalar as text
    except yaml.YAMLError as exc:
        raise UsageError(
            f"{file}: the edit would not be valid YAML ({exc}); nothing written"
        ) from None
    records = data if isinstance(data, list) else [data]
    by_id = {r.get("id"): r for r in records if isinstance(r, dict)}
    for rid, fields in changes.items():
        rec = by_id.get(rid, {})
        for key, value in fields.items():
            if _plain(rec.get(key)) != _plain(value):
                raise UsageError(
                    f"{file}: updating '{rid}' field '{key}' would not read back as written; "
                    "nothing written",
                    hint="edit the record by hand",
                )


def _plain(value: object) -> object:
    """Return a value as YAML reads it back with every scalar as text, for comparison."""
    return yaml.load(render(value), Loader=yaml.BaseLoader)  # noqa: S506 - text only
