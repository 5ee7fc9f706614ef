"""Indicator trees as plain data: the snapshot kept in a version, the checks made on
publication, the changes a change request proposes, and the diff between two versions.

A snapshot is a list of dicts, one per indicator, in display order; numbers are strings
(``"10"``, ``"2.5"``), units are referred to by code with their name beside it. No
database here: the services turn rows into snapshots and back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.schemes.models import Method

# An indicator's fields besides its code: those a change may touch, in the order the diff
# and the forms show them. The services and the API list ``("code", *FIELDS)``.
FIELDS: tuple[str, ...] = (
    "parent",
    "name",
    "points",
    "method",
    "cap",
    "rule",
    "evidence_required",
    "evidence_text",
    "responsible_unit",
    "lead_unit",
    "order",
)
UNIT_FIELDS = ("responsible_unit", "lead_unit")
LABELS: dict[str, Any] = {
    "code": gettext_lazy("编码"),
    "parent": gettext_lazy("上级指标"),
    "name": gettext_lazy("指标名称"),
    "points": gettext_lazy("分值"),
    "method": gettext_lazy("计分方式"),
    "cap": gettext_lazy("上限"),
    "rule": gettext_lazy("计分规则"),
    "evidence_required": gettext_lazy("需要佐证材料"),
    "evidence_text": gettext_lazy("佐证材料要求"),
    "responsible_unit": gettext_lazy("考核责任单位"),
    "lead_unit": gettext_lazy("主要考核责任单位"),
    "order": gettext_lazy("排序"),
}
CENT = Decimal("0.01")


def number(value: Decimal | int | str | None) -> str | None:
    """``Decimal('10.00')`` → ``"10"``, ``2.5`` → ``"2.5"``; ``None`` stays ``None``."""
    if value is None or value == "":
        return None
    text = f"{Decimal(str(value)).quantize(CENT):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def decimal(value: str | None) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


@dataclass
class Problem:
    """A problem with a proposed tree: which change (index) or indicator (code), which
    field, and a Chinese message."""

    message: str
    code: str = ""
    field: str = ""
    index: int | None = None

    def __str__(self) -> str:
        where = f"{self.code}：" if self.code else ""
        return f"{where}{self.message}"


class TreeError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


# ---- checks -------------------------------------------------------------------------


def check(indicators: Sequence[Mapping[str, Any]], *, total: Decimal) -> list[Problem]:
    """What publication requires: unique codes, known parents without cycles, valid numbers,
    caps where needed, and points that add up: the top level to ``total``, the children
    of an indicator to its points (加分 indicators stand outside both sums)."""
    problems: list[Problem] = []
    by_code: dict[str, Mapping[str, Any]] = {}
    for row in indicators:
        code = row["code"]
        if code in by_code:
            problems.append(Problem(_("编码重复"), code=code, field="code"))
        by_code[code] = row
    for row in indicators:
        code = row["code"]
        parent = row.get("parent")
        if parent and parent not in by_code:
            problems.append(Problem(_("上级指标 %(p)s 不存在") % {"p": parent}, code, "parent"))
        seen = {code}
        while parent and parent in by_code:
            if parent in seen:
                problems.append(Problem(_("上级指标形成循环"), code=code, field="parent"))
                break
            seen.add(parent)
            parent = by_code[parent].get("parent")
        points = decimal(row.get("points"))
        if points is None or points < 0:
            problems.append(Problem(_("分值应为不小于 0 的数"), code=code, field="points"))
        cap = decimal(row.get("cap"))
        if row.get("method") == Method.BONUS and (cap is None or cap <= 0):
            problems.append(Problem(_("加分指标须填写加分上限"), code=code, field="cap"))
        if row.get("method") == Method.AWARD and cap is not None:
            problems.append(Problem(_("赋分指标不设上限"), code=code, field="cap"))
        if row.get("evidence_required") and not (row.get("evidence_text") or "").strip():
            problems.append(Problem(_("需要佐证材料时须写明材料要求"), code, "evidence_text"))
    if problems:
        return problems

    def counted(rows: Iterable[Mapping[str, Any]]) -> Decimal:
        return sum(
            (Decimal(r["points"]) for r in rows if r.get("method") != Method.BONUS), Decimal(0)
        )

    top = [row for row in indicators if not row.get("parent")]
    if not top:
        problems.append(Problem(_("指标体系中还没有指标")))
    elif counted(top) != total:
        problems.append(
            Problem(
                _("一级指标分值合计 %(sum)s 分，应为总分 %(total)s 分")
                % {"sum": number(counted(top)), "total": number(total)}
            )
        )
    for row in indicators:
        children = [c for c in indicators if c.get("parent") == row["code"]]
        if row.get("method") == Method.BONUS or not any(
            c.get("method") != Method.BONUS for c in children
        ):
            continue
        if counted(children) != Decimal(row["points"]):
            problems.append(
                Problem(
                    _("下级指标分值合计 %(sum)s 分，应等于本指标分值 %(points)s 分")
                    % {"sum": number(counted(children)), "points": row["points"]},
                    code=row["code"],
                    field="points",
                )
            )
    return problems


# ---- changes ------------------------------------------------------------------------


def _clean_value(name: str, value: Any) -> Any:
    if name in {"points", "cap"}:
        try:
            return number(value)
        except (InvalidOperation, ValueError):
            raise ValueError(_("应为数字")) from None
    if name == "order":
        return int(value or 0)
    if name == "evidence_required":
        return bool(value)
    if name == "method" and value not in Method.values:
        raise ValueError(_("计分方式应为赋分、扣分或加分"))
    return value or ("" if name not in {"parent", *UNIT_FIELDS} else None)


def apply(
    indicators: Sequence[Mapping[str, Any]],
    changes: Sequence[Mapping[str, Any]],
    *,
    unit_names: Mapping[str, str],
) -> list[dict[str, Any]]:
    """The tree after ``changes`` (``[{op, code, fields}]``). ``unit_names`` maps the unit
    codes a change may name to their names. Raises ``TreeError``."""
    rows = [dict(row) for row in indicators]
    problems: list[Problem] = []
    for index, change in enumerate(changes):
        op, code = change.get("op"), str(change.get("code") or "").strip()
        fields = dict(change.get("fields") or {})
        position = next((i for i, row in enumerate(rows) if row["code"] == code), None)
        if not code:
            problems.append(Problem(_("请填写指标编码"), field="code", index=index))
            continue
        if op == "remove":
            if position is None:
                problems.append(Problem(_("没有这个指标"), code, "code", index))
                continue
            doomed = {code}
            grew = True
            while grew:
                more = {r["code"] for r in rows if r.get("parent") in doomed} - doomed
                grew = bool(more)
                doomed |= more
            rows = [r for r in rows if r["code"] not in doomed]
            continue
        if op == "add" and position is not None:
            problems.append(Problem(_("编码已被使用"), code, "code", index))
            continue
        if op == "update" and position is None:
            problems.append(Problem(_("没有这个指标"), code, "code", index))
            continue
        if op not in {"add", "update"}:
            problems.append(Problem(_("未知的变更类型"), code, "op", index))
            continue
        cleaned: dict[str, Any] = {}
        for name, value in fields.items():
            if name not in FIELDS:
                problems.append(Problem(_("不能修改此项"), code, name, index))
                continue
            try:
                cleaned[name] = _clean_value(name, value)
            except ValueError as error:
                problems.append(Problem(str(error), code, name, index))
                continue
            if name in UNIT_FIELDS and cleaned[name] and cleaned[name] not in unit_names:
                problems.append(Problem(_("没有这个单位"), code, name, index))
        if op == "add":
            for required in ("name", "points"):
                if not cleaned.get(required):
                    problems.append(Problem(_("新增指标须填写此项"), code, required, index))
            if problems:
                continue
            row: dict[str, Any] = {
                "code": code,
                "parent": None,
                "name": "",
                "points": "0",
                "method": Method.AWARD.value,
                "cap": None,
                "rule": "",
                "evidence_required": False,
                "evidence_text": "",
                "responsible_unit": None,
                "lead_unit": None,
                "order": max((r.get("order", 0) for r in rows), default=0) + 1,
            }
            row.update(cleaned)
            rows.append(row)
        else:
            assert position is not None
            rows[position].update(cleaned)
            row = rows[position]
        for name in UNIT_FIELDS:
            row[f"{name}_name"] = unit_names.get(row[name], "") if row.get(name) else ""
    if problems:
        raise TreeError(problems)
    return ordered(rows)


def ordered(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Depth-first display order (children after their parent), by ``order`` then code."""
    copies = [dict(row) for row in rows]
    codes = {row["code"] for row in copies}
    children: dict[str | None, list[dict[str, Any]]] = {}
    for row in copies:
        parent = row.get("parent") if row.get("parent") in codes else None
        children.setdefault(parent, []).append(row)
    result: list[dict[str, Any]] = []

    def walk(parent: str | None, depth: int, seen: set[str]) -> None:
        for row in sorted(children.get(parent, []), key=lambda r: (r.get("order", 0), r["code"])):
            if row["code"] in seen:
                continue
            seen.add(row["code"])
            result.append(row)
            walk(row["code"], depth + 1, seen)

    walk(None, 0, set())
    leftover = [row for row in copies if row["code"] not in {r["code"] for r in result}]
    return result + leftover  # rows caught in a cycle: shown last, refused by check()


def depths(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    by_code = {row["code"]: row for row in rows}
    result: dict[str, int] = {}
    for row in rows:
        depth, parent, seen = 0, row.get("parent"), {row["code"]}
        while parent in by_code and parent not in seen:
            seen.add(parent)
            depth += 1
            parent = by_code[parent].get("parent")
        result[row["code"]] = depth
    return result


# ---- diff ---------------------------------------------------------------------------


def display(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    if name in UNIT_FIELDS:
        return row.get(f"{name}_name") or (value or "")
    if name == "method":
        return str(Method(value).label) if value in Method.values else str(value or "")
    if name == "evidence_required":
        return _("是") if value else _("否")
    return "" if value is None else str(value)


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class Changed:
    code: str
    name: str
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class Diff:
    added: list[dict[str, Any]] = field(default_factory=list)
    removed: list[dict[str, Any]] = field(default_factory=list)
    changed: list[Changed] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff(old: Sequence[Mapping[str, Any]], new: Sequence[Mapping[str, Any]]) -> Diff:
    """Indicators added, removed and changed (field by field), matched by code."""
    before = {row["code"]: row for row in old}
    after = {row["code"]: row for row in new}
    result = Diff(
        added=[dict(row) for row in new if row["code"] not in before],
        removed=[dict(row) for row in old if row["code"] not in after],
    )
    for row in new:
        previous = before.get(row["code"])
        if previous is None:
            continue
        fields = [
            FieldChange(name, str(LABELS[name]), display(previous, name), display(row, name))
            for name in FIELDS
            if previous.get(name) != row.get(name)
        ]
        if fields:
            result.changed.append(Changed(code=row["code"], name=row["name"], fields=fields))
    return result
