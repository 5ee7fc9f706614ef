"""Reading scenario files: YAML or JSON, numbers as exact decimals, no duplicate keys."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from kaohe.engine.errors import ScenarioError


class _DecimalLoader(yaml.SafeLoader):
    """A safe YAML loader that reads floats as ``Decimal`` and refuses duplicate keys."""


def _construct_decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = str(loader.construct_scalar(node)).replace("_", "")  # type: ignore[arg-type]
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise ScenarioError(f"line {node.start_mark.line + 1}", "not_number", value=text)
    return value


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    assert isinstance(node, yaml.MappingNode)
    loader.flatten_mapping(node)
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise ScenarioError(f"line {key_node.start_mark.line + 1}", "duplicate_key", key=key)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _construct_decimal)
_DecimalLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_text(text: str) -> Any:
    """Parse YAML (JSON is YAML too, but is read by ``json`` when it starts with ``{``)."""
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            return json.loads(text, parse_float=Decimal, object_pairs_hook=_json_object)
        except json.JSONDecodeError as error:
            raise ScenarioError(f"line {error.lineno}", "yaml_error", detail=error.msg) from None
    try:
        return yaml.load(text, Loader=_DecimalLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        place = f"line {mark.line + 1}" if mark is not None else ""
        raise ScenarioError(place, "yaml_error", detail=error.problem or str(error)) from None
    except yaml.YAMLError as error:
        raise ScenarioError("", "yaml_error", detail=str(error)) from None


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        if key in mapping:
            raise ScenarioError("", "duplicate_key", key=key)
        mapping[key] = value
    return mapping


def load_path(path: str | Path) -> Any:
    """Read a scenario file (YAML or JSON) with exact decimals."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), "file_error", detail=str(error)) from None
    return load_text(text)
