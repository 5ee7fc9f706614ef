"""Clause notes: the seed clause each element of a scheme came from, kept as data.

A preset cites its seed clause in a YAML comment beside (or above) every number and rule.
The engine ignores comments, so without care they are lost at the first save. Here they
become ``{path: note}``, the paths those of the engine's errors relative to the scheme
(``bands.好``, ``quotas[0].ratio``, ``rules[2]``, ``score.sum[1]``), stored beside the
definition (``SchemeVersion.notes``); ``dump()`` writes them back as comments, so the YAML
expert view and an export keep them and a re-import reads them again.

A comment belongs to the element that starts on its line (a trailing comment) or on the
next line that holds content (a comment above); where several elements start on one line
the outermost takes it (``- {weight: 0.6, of: x}  # ...`` is a note of the list item). A
comment indented deeper than the next content line closes the block above it and belongs
to the innermost element that encloses it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import yaml

Notes = dict[str, str]


def _comment(line: str) -> tuple[int, str] | None:
    """The column and text of the comment on a line (outside quotes), if any."""
    quote = ""
    for column, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "#" and (column == 0 or line[column - 1] in " \t"):
            return column, line[column + 1 :].strip()
    return None


def _elements(node: yaml.Node, path: str, depth: int) -> Iterator[tuple[str, int, int, int, int]]:
    """(path, first line, last line, column, depth) of every element under ``node``."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = f"{path}.{key.value}" if path else str(key.value)
            yield child, key.start_mark.line, value.end_mark.line, key.start_mark.column, depth
            yield from _elements(value, child, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            column = max(item.start_mark.column - 2, 0)  # the "- " before it
            yield child, item.start_mark.line, item.end_mark.line, column, depth
            yield from _elements(item, child, depth + 1)


def _scheme_node(root: yaml.Node) -> yaml.Node | None:
    """The scheme's node: the root, or the only item of a document's ``schemes``."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "schemes" and isinstance(value, yaml.SequenceNode):
                return value.value[0] if len(value.value) == 1 else None
    return root


def extract(text: str, *, node: yaml.Node | None = None) -> Notes:
    """The notes of a scheme written in YAML (the scheme itself or a one-scheme document);
    ``node`` picks one scheme of a larger document. Text that is not YAML has none."""
    try:
        root = node if node is not None else yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    scheme = root if node is not None else (_scheme_node(root) if root is not None else None)
    if scheme is None:
        return {}
    lines = text.splitlines()
    elements = list(_elements(scheme, "", 0))
    starts: dict[int, tuple[str, int]] = {}
    for path, first, _last, _column, depth in elements:
        if first not in starts or depth < starts[first][1]:
            starts[first] = (path, depth)
    first_line = scheme.start_mark.line
    last_line = scheme.end_mark.line
    notes: dict[str, list[str]] = {}
    for number, line in enumerate(lines):
        if not first_line - 1 <= number <= last_line:
            continue
        found = _comment(line)
        if found is None or not found[1]:
            continue
        column, text_ = found
        owner: str | None = None
        if line[:column].strip():  # a trailing comment
            owner = starts.get(number, (None, 0))[0]
        else:
            following = next((n for n in range(number + 1, len(lines)) if _content(lines[n])), None)
            indent = len(lines[following]) - len(lines[following].lstrip()) if following else 0
            if following is not None and indent >= column and following in starts:
                owner = starts[following][0]
            else:  # it closes the block above: the innermost element around it
                around = [
                    (depth, path)
                    for path, first, last, col, depth in elements
                    if first < number <= last and col < column
                ]
                owner = max(around)[1] if around else None
        if owner is not None:
            notes.setdefault(owner, []).append(text_)
    return {path: "\n".join(parts) for path, parts in notes.items()}


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def preset_notes(text: str) -> list[Notes]:
    """The notes of every scheme of a preset document, in order."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, value in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value == "schemes" and isinstance(value, yaml.SequenceNode):
            return [extract(text, node=item) for item in value.value]
    return []


def kept(notes: Mapping[str, str], definition: Mapping[str, Any]) -> Notes:
    """The notes of elements the definition holds (a preset's ``targets`` are dropped)."""
    return {
        path: note
        for path, note in notes.items()
        if path.split(".", 1)[0].split("[", 1)[0] in definition
    }


def under(notes: Mapping[str, str], path: str) -> str:
    """The notes of an element and of everything inside it, in order."""
    return "\n".join(
        note
        for key, note in notes.items()
        if key == path or key.startswith(path + ".") or key.startswith(path + "[")
    )


def in_written_order(version: Any) -> tuple[dict[str, Any], Notes]:
    """A scheme version's definition and notes in the order they were written: PostgreSQL's
    jsonb keeps no key order, the version's text does (it is what the definition was read
    from)."""
    from kaohe.schemes import definitions

    try:
        definition, _policy = definitions.parse_text(version.source_text)
    except definitions.DefinitionError:
        definition = {}
    if not version.source_text or definition != version.definition:
        return version.definition, version.notes
    found = kept(extract(version.source_text), definition)
    return definition, found if found == version.notes else version.notes


def ordered_like(value: Any, model: Any) -> Any:
    """``value`` with the keys of its mappings in ``model``'s order where ``model`` has
    them (a changed copy of a definition shown in its original's order), the others after."""
    if isinstance(value, Mapping):
        order = model if isinstance(model, Mapping) else {}
        keys = [k for k in order if k in value] + [k for k in value if k not in order]
        return {k: ordered_like(value[k], order.get(k)) for k in keys}
    if isinstance(value, list):
        same = model if isinstance(model, list) else []
        return [ordered_like(v, same[i] if i < len(same) else None) for i, v in enumerate(value)]
    return value


# ---- writing ------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**6)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")].strip()
    return text


def _flat(value: Any) -> bool:
    if isinstance(value, list):
        return all(not isinstance(item, dict | list) for item in value)
    return not isinstance(value, dict)


def _comments(notes: Mapping[str, str], path: str, pad: str) -> list[str]:
    note = notes.get(path, "")
    return [f"{pad}# {part}".rstrip() for part in note.splitlines()] if note else []


def _lines(value: Any, notes: Mapping[str, str], path: str, indent: int) -> list[str]:
    pad = " " * indent
    out: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else str(key)
            out += _comments(notes, child, pad)
            if _flat(item) or item == {}:
                out.append(f"{pad}{_scalar(key)}: {_scalar(item)}")
            else:
                out.append(f"{pad}{_scalar(key)}:")
                out += _lines(item, notes, child, indent + 2)
    else:
        for index, item in enumerate(value):
            child = f"{path}[{index}]"
            out += _comments(notes, child, pad)
            if _flat(item) or item == {} or item == []:
                out.append(f"{pad}- {_scalar(item)}")
                continue
            inner = _lines(item, notes, child, indent + 2)
            first = next(i for i, line in enumerate(inner) if not line.lstrip().startswith("#"))
            out += [line.replace(" " * (indent + 2), pad, 1) for line in inner[:first]]
            out.append(f"{pad}- {inner[first][indent + 2 :]}")
            out += inner[first + 1 :]
    return out


def dump(definition: Mapping[str, Any], notes: Mapping[str, str]) -> str:
    """The definition as YAML with every note written as a comment above its element."""
    return "\n".join(_lines(dict(definition), notes, "", 0)) + "\n"
