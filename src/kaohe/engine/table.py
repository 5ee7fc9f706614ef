"""The readable per-group table of a result (``kaohe evaluate --format table``)."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

from kaohe.engine.messages import message
from kaohe.engine.result import Result, SchemeResult, TargetResult

CHANGING_STEPS = ("rule", "quota", "pending", "exclude", "require")


def width(text: str) -> int:
    """Columns taken on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def render_table(result: Result, lang: str = "zh") -> str:
    blocks = [render_scheme(scheme, lang) for scheme in result.schemes]
    return "\n\n".join(blocks) + "\n"


def render_scheme(scheme: SchemeResult, lang: str) -> str:
    title = f"{scheme.name} ({scheme.id})" if scheme.name else scheme.id
    lines = [f"== {title}"]
    groups: dict[str, list[TargetResult]] = {}
    for item in scheme.results:
        groups.setdefault(item.group, []).append(item)
    quotas_by_group: dict[str, list[str]] = {}
    for quota in scheme.quotas:
        quotas_by_group.setdefault(quota.group, []).append(
            message(
                "table_quota",
                lang,
                grade=quota.grade,
                ratio=_number(quota.ratio),
                base=quota.base,
                slots=quota.slots,
                used=quota.used,
            )
        )
    headings = [
        message(code, lang)
        for code in ("table_rank", "table_target", "table_score", "table_grade", "table_reason")
    ]
    for group, members in groups.items():
        lines.append("")
        lines.append(f"-- {message('table_group', lang)}: {group}")
        members = sorted(members, key=lambda item: (item.rank is None, item.rank or 0, item.target))
        rows = [headings]
        for item in members:
            rows.append(
                [
                    str(item.rank) if item.rank is not None else "-",
                    f"{item.name} {item.target}" if item.name else item.target,
                    f"{item.score:.{scheme.precision}f}" if item.score is not None else "-",
                    item.grade
                    if item.grade is not None
                    else message(f"status_{item.status}", lang),
                    reason(item, lang),
                ]
            )
        columns = [max(width(row[i]) for row in rows) for i in range(len(headings) - 1)]
        for row in rows:
            cells = [pad(cell, columns[i]) for i, cell in enumerate(row[:-1])]
            lines.append("  ".join([*cells, row[-1]]).rstrip())
        lines.extend(quotas_by_group.get(group, []))
    if scheme.warnings:
        lines.append("")
        lines.append(f"-- {message('table_warnings', lang)}")
        for warning in scheme.warnings:
            lines.append(
                message(
                    "table_warning",
                    lang,
                    period=warning.period,
                    target=warning.target,
                    level=warning.level,
                )
            )
    if scheme.ballots:
        lines.append("")
        lines.append(f"-- {message('table_ballots', lang)}")
        for ballot in scheme.ballots:
            shares = ", ".join(f"{name} {_percent(share)}" for name, share in ballot.shares.items())
            lines.append(
                message(
                    "table_ballot_line",
                    lang,
                    target=ballot.target,
                    valid=ballot.valid,
                    invalid=ballot.invalid,
                    shares=shares,
                )
            )
    if scheme.violations:
        lines.append("")
        lines.append(f"-- {message('table_violations', lang)}")
        for violation in scheme.violations:
            severity = message(f"table_severity_{violation.severity}", lang)
            lines.append(
                f"[{severity}] {violation.target} {violation.rule}: {violation.message(lang)}"
            )
    return "\n".join(lines)


def reason(item: TargetResult, lang: str) -> str:
    """The steps that changed or decided the grade, in words."""
    parts: list[str] = []
    for step in item.trace:
        kind = step["step"]
        if kind in ("placement",) and step.get("code") != "place_home":
            parts.append(_note(step, lang))
        elif kind in CHANGING_STEPS:
            if kind == "quota" and not step.get("moved"):
                continue
            parts.append(_note(step, lang))
    if item.needs_decision:
        parts.append(message("table_needs_decision", lang))
    if item.awards:
        parts.append(message("table_awards", lang, awards=item.awards))
    if not parts:
        for step in item.trace:
            if step["step"] == "band":
                parts.append(_note(step, lang))
    return "；".join(parts) if lang == "zh" else "; ".join(parts)


def _note(step: dict[str, Any], lang: str) -> str:
    return message(step["code"], lang, **step.get("params", {}))


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _percent(value: Decimal) -> str:
    return f"{(value * 100).quantize(Decimal('0.1'))}%"
