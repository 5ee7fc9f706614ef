"""A grade explained in plain Chinese: each step of the engine's trace with its note and
the seed clause of the scheme element that made it (the clause notes the scheme version
keeps beside its definition, ``SchemeVersion.notes``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from kaohe.schemes.notes import under

SEED_CLAUSE = re.compile(r"^\d{3} ")  # 001 第十四条: …
LATIN = re.compile(r"[A-Za-z]")
OPEN = re.compile(r"[(（][^)）]*$")  # a parenthesis the cut left open


@dataclass(frozen=True)
class Step:
    text: str
    clause: str


def _index(items: Any, key: str, value: object) -> int | None:
    for index, item in enumerate(items or []):
        if isinstance(item, Mapping) and item.get(key) == value:
            return index
    return None


def _clause_path(step: Mapping[str, Any], definition: Mapping[str, Any], group: str) -> str:
    kind = step.get("step")
    if kind == "score":
        return "score"
    if kind == "band" and step.get("grade"):
        by_group = (definition.get("bands_by_group") or {}).get(group) or {}
        if step["grade"] in by_group:
            return f"bands_by_group.{group}.{step['grade']}"
        return f"bands.{step['grade']}"
    if kind in ("rule", "require", "pending", "exclude") and step.get("rule"):
        index = _index(definition.get("rules"), "id", step["rule"])
        return f"rules[{index}]" if index is not None else ""
    if kind == "quota" and step.get("quota"):
        index = _index(definition.get("quotas"), "grade", step["quota"])
        return f"quotas[{index}]" if index is not None else ""
    return ""


def _plain(line: str) -> str:
    """A cited line as a reader sees it: the clause, then its Chinese words up to the
    preset author's first remark in English ("004 一(三)5: 测评分值 (the whole score)" →
    "004 一(三)5：测评分值")."""
    clause, _colon, rest = line.partition(":")
    for part in (clause, rest):
        cut = LATIN.search(part)
        if cut:
            part = part[: cut.start()]
        if part is clause:
            clause = part
        else:
            rest = part
    rest = OPEN.sub("", rest).strip(" ;；,，.。(（")
    clause = OPEN.sub("", clause).strip()
    return f"{clause}：{rest}" if rest else clause


def clauses(text: str) -> str:
    """The seed clauses a note cites, one a line, in Chinese only (the preset authors'
    remarks around them left out); a note that records a choice the seed does not make
    says so."""
    lines = [line.strip() for line in text.splitlines()]
    cited = list(dict.fromkeys(_plain(line) for line in lines if SEED_CLAUSE.match(line)))
    if cited:
        return "\n".join(cited)
    if any(line.lower().startswith(("choice", "placeholder")) for line in lines):
        return _("种子文件未作规定，由方案设定")
    return ""


def explain(
    trace: list[Mapping[str, Any]],
    definition: Mapping[str, Any],
    notes: Mapping[str, str],
    group: str = "",
) -> list[Step]:
    steps = []
    for step in trace:
        text = str(step.get("note") or step.get("step") or "")
        path = _clause_path(step, definition, group)
        clause = under(notes, path) if path else ""
        if path.startswith("bands_by_group") and not clause:
            clause = under(notes, "bands_by_group")
        steps.append(Step(text=text, clause=clauses(clause)))
    return steps
