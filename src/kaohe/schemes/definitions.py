"""The thin adapter between stored scheme definitions and the grading engine.

Definitions are stored as JSON (numbers as ``int`` or ``float`` rendered from the engine's
exact decimals); before the engine sees them again they go back through ``load_text`` so
every number is an exact ``Decimal`` once more.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from kaohe.engine import ScenarioError, evaluate, load_text

FORMAT = "kaohe-scenario/1"


@dataclass(frozen=True)
class DefinitionProblem:
    """An engine error as a form shows it: the place and the Chinese message."""

    path: str
    code: str
    message: str

    @classmethod
    def from_error(cls, error: ScenarioError, *, index: int = 0) -> DefinitionProblem:
        text = error.message("zh")
        prefix = f"{error.path}: "
        if error.path and text.startswith(prefix):
            text = text[len(prefix) :]
        path = error.path
        own = f"schemes[{index}]"
        if path == own:
            path = ""
        elif path.startswith(own + "."):
            path = path[len(own) + 1 :]  # a place inside this scheme, relative to it
        return cls(path=path, code=error.code, message=text)

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class DefinitionError(Exception):
    def __init__(self, problem: DefinitionProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def plain(value: Any) -> Any:
    """Engine data (``Decimal``, dates) as JSON-ready values."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def exact(value: Any) -> Any:
    """Stored JSON back as engine data with exact decimals."""
    return load_text(json.dumps(value, ensure_ascii=False))


def without_targets(scheme: Mapping[str, Any]) -> dict[str, Any]:
    result = {key: plain(item) for key, item in scheme.items() if key != "targets"}
    return result


def as_yaml(definition: Mapping[str, Any]) -> str:
    return yaml.safe_dump(dict(definition), allow_unicode=True, sort_keys=False, width=100)


def parse_text(text: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """A scheme typed by hand (YAML or JSON): either the scheme mapping itself, or a whole
    document with exactly one scheme. Returns (definition, policy); the policy is None
    when the text gives none."""
    try:
        data = load_text(text)
    except ScenarioError as error:
        raise DefinitionError(DefinitionProblem.from_error(error)) from None
    if not isinstance(data, Mapping):
        raise DefinitionError(DefinitionProblem("", "not_mapping", "方案应是一个映射（键: 值）"))
    policy: dict[str, Any] | None = None
    if "schemes" in data:
        schemes = data["schemes"]
        if not isinstance(schemes, list) or len(schemes) != 1:
            raise DefinitionError(
                DefinitionProblem("schemes", "one_scheme", "每次只能保存一个方案")
            )
        policy = plain(data["policy"]) if "policy" in data else None
        data = schemes[0]
        if not isinstance(data, Mapping):
            raise DefinitionError(
                DefinitionProblem("schemes[0]", "not_mapping", "方案应是一个映射（键: 值）")
            )
    for key in ("id", "name", "subject"):
        if not isinstance(data.get(key), str) or not data.get(key):
            raise DefinitionError(DefinitionProblem(key, "missing", "缺少此项"))
    if data.get("targets"):
        raise DefinitionError(
            DefinitionProblem("targets", "targets_given", "方案中不填写考核对象（targets）")
        )
    return without_targets(data), policy


def references(definition: Any) -> set[str]:
    """Ids of the other schemes a definition reads (``grade_of``, ``ratio_by_grade_of``)."""
    found: set[str] = set()
    if isinstance(definition, Mapping):
        for key, item in definition.items():
            if key in {"grade_of", "ratio_by_grade_of"} and isinstance(item, Mapping):
                scheme = item.get("scheme")
                if isinstance(scheme, str):
                    found.add(scheme)
            found |= references(item)
    elif isinstance(definition, list):
        for item in definition:
            found |= references(item)
    return found


def check(
    definition: Mapping[str, Any],
    *,
    year: int,
    others: Mapping[str, Mapping[str, Any]],
    policy: Mapping[str, Any] | None = None,
) -> None:
    """Evaluate ``definition`` with no targets, together with the schemes it refers to
    (found by id in ``others``, transitively). Raises ``DefinitionError``."""
    included: list[Mapping[str, Any]] = []
    pending: list[str] = sorted(references(definition))
    seen: set[str] = {str(definition.get("id"))}
    while pending:
        code = pending.pop(0)
        if code in seen or code not in others:
            continue  # an unknown id is left for the engine to name
        seen.add(code)
        included.append(others[code])
        pending.extend(sorted(references(others[code])))
    document: dict[str, Any] = {
        "format": FORMAT,
        "year": year,
        "schemes": [{**definition, "targets": []}]
        + [{**other, "targets": []} for other in included],
    }
    if policy:
        document["policy"] = dict(policy)
    try:
        evaluate(exact(document))
    except ScenarioError as error:
        raise DefinitionError(DefinitionProblem.from_error(error)) from None


def scheme_ids(schemes: Iterable[Mapping[str, Any]]) -> list[str]:
    return [str(scheme.get("id")) for scheme in schemes]
