"""Indicator systems in Excel: the template, the export (which imports back unchanged)
and the reading of an import. Reading reports every bad row with its row number, column
and a Chinese message; it writes nothing (the service does, when all rows are good)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.xlsx import (
    NO,
    YES,
    YES_NO,
    Cells,
    Column,
    ImportFailed,
    Layout,
    RowError,
    layout_workbook,
    read_sheet,
)
from kaohe.orgs.models import Unit
from kaohe.schemes import tree
from kaohe.schemes.models import Method

__all__ = ["INDICATORS", "ImportFailed", "export_bytes", "read_indicators", "template_bytes"]

METHODS = {str(label): value for value, label in Method.choices} | {v: v for v in Method.values}


def _row_values(row: Mapping[str, Any]) -> tuple[Any, ...]:
    def num(value: Any) -> Any:
        if value in (None, ""):
            return None
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)

    return (
        row["code"],
        row.get("parent") or None,
        row["name"],
        num(row.get("points")),
        str(Method(row["method"]).label),
        num(row.get("cap")),
        row.get("rule") or None,
        "是" if row.get("evidence_required") else "否",
        row.get("evidence_text") or None,
        row.get("responsible_unit_name") or row.get("responsible_unit") or None,
        row.get("lead_unit_name") or row.get("lead_unit") or None,
    )


EXAMPLE = (
    {"code": "1", "name": "做好新时代思想政治工作", "points": "20", "method": "award"},
    {
        "code": "1.1",
        "parent": "1",
        "name": "理论学习中心组学习",
        "points": "20",
        "method": "award",
        "rule": "每季度不少于1次专题学习，少1次扣2分",
        "evidence_required": True,
        "evidence_text": "学习记录、会议纪要",
    },
)
INDICATORS = Layout(
    key="indicators",
    label=gettext_lazy("指标体系"),
    sheet="指标体系",
    columns=(
        Column("code", "编码", 10),
        Column("parent", "上级编码", 10),
        Column("name", "指标名称", 36),
        Column("points", "分值", 8),
        Column("method", "计分方式", 10, ("赋分", "扣分", "加分")),
        Column("cap", "上限", 8),
        Column("rule", "计分规则", 48, multiline=True),
        Column("evidence_required", "需要佐证材料", 12, YES_NO),
        Column("evidence_text", "佐证材料要求", 30, multiline=True),
        Column("responsible_unit", "考核责任单位", 18),
        Column("lead_unit", "主要考核责任单位", 18),
    ),
    notes=(
        "指标体系导入模板填写说明",
        "1. 每行一个指标；第一行为表头，请勿修改。",
        "2. 编码：必填，本体系内不重复，如 1、1.1、1.1.1。",
        "3. 上级编码：一级指标留空；下级指标填写上级指标的编码。",
        "4. 分值：必填，不小于 0 的数。一级指标（加分指标除外）分值合计应为体系总分（默认 100 分），"
        "下级指标分值合计应等于上级指标分值。",
        "5. 计分方式：赋分、扣分或加分。加分指标须填写上限（最多加多少分），不计入总分；"
        "扣分指标的上限为最多扣多少分（留空为扣完本项分值为止）；赋分指标不填上限。",
        "6. 需要佐证材料：是或否；填“是”时须写明佐证材料要求。",
        "7. 考核责任单位、主要考核责任单位：填写单位名称或单位编码（名称重复时请填编码）。",
        "8. 第 2、3 行为示例（右侧标有“示例”），导入时跳过；可直接删除。",
        "9. 导入会替换草稿指标体系中的全部指标；任何一行有误则不导入任何数据，并列出所有错误。",
    ),
    example=tuple(_row_values(row) for row in EXAMPLE),
)
SHEET = INDICATORS.sheet
HEADERS = INDICATORS.headers


def template_bytes() -> bytes:
    return layout_workbook(INDICATORS, (), example=True)


def export_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    return layout_workbook(INDICATORS, (_row_values(row) for row in rows), wrap=True)


# ---- reading ------------------------------------------------------------------------


class _Units:
    def __init__(self, units: Iterable[Unit]) -> None:
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        for unit in units:
            self.by_code[unit.code] = unit
            self.by_name.setdefault(unit.name, []).append(unit)

    def find(self, text: str) -> Unit:
        if text in self.by_code:
            return self.by_code[text]
        found = self.by_name.get(text, [])
        if len(found) == 1:
            return found[0]
        if found:
            raise ValueError(_("有多个名为“%(name)s”的单位，请填写单位编码") % {"name": text})
        raise ValueError(_("没有名称或编码为“%(name)s”的单位") % {"name": text})


def _number(cells: Cells, key: str, *, required: bool) -> Any:
    raw = cells.raw(key)
    if raw == "":
        if required and not cells.filled(key):
            cells.bad(key, _("分值不能为空"))
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        cells.bad(key, _("应为数字，实际为“%(value)s”") % {"value": raw[:50]})
        return None
    if not value.is_finite() or value < 0 or value >= 100000:
        cells.bad(key, _("应为 0 到 99999 之间的数"))
    elif value != value.quantize(tree.CENT):
        cells.bad(key, _("最多两位小数"))
    else:
        return tree.number(value)
    return None


def read_indicators(file: IO[bytes], *, units: Iterable[Unit]) -> list[dict[str, Any]]:
    """The workbook's rows as a snapshot (see ``tree``); raises ``ImportFailed`` listing
    every problem."""
    sheet = read_sheet(INDICATORS, file)
    lookup = _Units(units)
    rows: list[dict[str, Any]] = []
    line_of: dict[str, int] = {}
    for cells in sheet.cells():
        number = cells.number
        row: dict[str, Any] = {"order": len(rows) + 1}
        code = cells.raw("code")
        if not code and not cells.filled("code"):
            cells.bad("code", _("编码不能为空"))
        elif len(code) > 20:
            cells.bad("code", _("编码不能超过 20 个字符"))
        elif code in line_of:
            cells.bad("code", _("编码“%(code)s”与第 %(row)s 行重复") % {"code": code,
                      "row": line_of[code]})  # fmt: skip
        elif code:
            line_of[code] = number
        row["code"] = code
        row["parent"] = cells.raw("parent") or None
        name = cells.raw("name")
        if not name and not cells.filled("name"):
            cells.bad("name", _("指标名称不能为空"))
        elif len(name) > 200:
            cells.bad("name", _("指标名称不能超过 200 个字符"))
        row["name"] = name
        row["points"] = _number(cells, "points", required=True)
        row["cap"] = _number(cells, "cap", required=False)
        method_text = cells.raw("method")
        row["method"] = METHODS.get(method_text)
        if row["method"] is None:
            cells.bad("method", _("计分方式应为赋分、扣分或加分，实际为“%(value)s”")
                      % {"value": method_text[:50]})  # fmt: skip
        elif row["method"] == Method.BONUS and row["cap"] is None:
            cells.bad("cap", _("加分指标须填写上限"))
        elif row["method"] == Method.AWARD and row["cap"] is not None:
            cells.bad("cap", _("赋分指标不填上限"))
        row["rule"] = cells.raw("rule")
        evidence = cells.raw("evidence_required").lower()
        row["evidence_required"] = evidence in YES
        if evidence not in YES and evidence not in NO:
            cells.bad("evidence_required", _("应填“是”或“否”"))
        row["evidence_text"] = cells.raw("evidence_text")
        if row["evidence_required"] and not row["evidence_text"]:
            cells.bad("evidence_text", _("需要佐证材料时须写明材料要求"))
        elif len(row["evidence_text"]) > 300:
            cells.bad("evidence_text", _("不能超过 300 个字符"))
        for key in tree.UNIT_FIELDS:
            text = cells.raw(key)
            row[key], row[f"{key}_name"] = None, ""
            if text:
                try:
                    unit = lookup.find(text)
                except ValueError as error:
                    cells.bad(key, str(error))
                else:
                    row[key], row[f"{key}_name"] = unit.code, unit.name
        row["_line"] = number
        rows.append(row)

    by_code = {row["code"]: row for row in rows if row["code"]}
    for row in rows:
        parent = row["parent"]
        if parent is None:
            continue
        if parent == row["code"]:
            sheet.bad(row["_line"], "parent", _("上级编码不能是本行编码"))
        elif parent not in by_code:
            sheet.bad(
                row["_line"], "parent", _("上级编码“%(code)s”不在表中") % {"code": parent[:50]}
            )
        else:
            seen, step = {row["code"]}, parent
            while step and step in by_code:
                if step in seen:
                    sheet.bad(row["_line"], "parent", _("上级编码形成循环"))
                    break
                seen.add(step)
                step = by_code[step]["parent"]
    if sheet.errors and sheet.errors[-1].message == _("工作簿中没有数据行"):
        sheet.errors[-1] = RowError(2, "", "", _("工作簿中没有指标"))
    sheet.fail_if_bad()
    for row in rows:
        del row["_line"]
    return tree.ordered(rows)
