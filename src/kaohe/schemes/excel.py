"""Indicator systems in Excel: the template, the export (which imports back unchanged)
and the reading of an import. Reading reports every bad row with its row number, column
and a Chinese message; it writes nothing (the service does, when all rows are good)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from kaohe.core.xlsx import (
    NO,
    YES,
    ImportFailed,
    RowError,
    cell_text,
    header_sheet,
    notes_sheet,
    read_rows,
    workbook_bytes,
)
from kaohe.orgs.models import Unit
from kaohe.schemes import tree
from kaohe.schemes.models import Method

SHEET = "指标体系"
# (key, header, width)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "编码", 10),
    ("parent", "上级编码", 10),
    ("name", "指标名称", 36),
    ("points", "分值", 8),
    ("method", "计分方式", 10),
    ("cap", "上限", 8),
    ("rule", "计分规则", 48),
    ("evidence_required", "需要佐证材料", 12),
    ("evidence_text", "佐证材料要求", 30),
    ("responsible_unit", "考核责任单位", 18),
    ("lead_unit", "主要考核责任单位", 18),
)
HEADERS = [header for _key, header, _width in COLUMNS]
LETTER = {key: get_column_letter(i) for i, (key, _h, _w) in enumerate(COLUMNS, start=1)}
HEADER_OF = {key: header for key, header, _w in COLUMNS}
METHODS = {str(label): value for value, label in Method.choices} | {v: v for v in Method.values}


def _sheet_with_headers(workbook: Workbook) -> Any:
    sheet = header_sheet(workbook, SHEET, [(header, width) for _k, header, width in COLUMNS])
    methods = DataValidation(type="list", formula1='"赋分,扣分,加分"', allow_blank=False)
    methods.add(f"{LETTER['method']}2:{LETTER['method']}1000")
    evidence = DataValidation(type="list", formula1='"是,否"', allow_blank=True)
    evidence.add(f"{LETTER['evidence_required']}2:{LETTER['evidence_required']}1000")
    sheet.add_data_validation(methods)
    sheet.add_data_validation(evidence)
    return sheet


def _row_values(row: Mapping[str, Any]) -> list[Any]:
    def num(value: Any) -> Any:
        if value in (None, ""):
            return None
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)

    return [
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
    ]


def _notes(workbook: Workbook) -> None:
    lines = [
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
        "8. 导入会替换草稿指标体系中的全部指标；任何一行有误则不导入任何数据，并列出所有错误。",
    ]
    notes_sheet(workbook, lines)


def template_bytes() -> bytes:
    workbook = Workbook()
    sheet = _sheet_with_headers(workbook)
    example = [
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
    ]
    for row in example:
        sheet.append(_row_values(row))
    _notes(workbook)
    return workbook_bytes(workbook)


def export_bytes(rows: Iterable[Mapping[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = _sheet_with_headers(workbook)
    for row in rows:
        sheet.append(_row_values(row))
    for line in sheet.iter_rows(min_row=2):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _notes(workbook)
    return workbook_bytes(workbook)


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


def read_indicators(file: IO[bytes], *, units: Iterable[Unit]) -> list[dict[str, Any]]:
    """The workbook's rows as a snapshot (see ``tree``); raises ``ImportFailed`` listing
    every problem."""
    lines = [(), *read_rows(file, sheet=SHEET, headers=HEADERS)]
    errors: list[RowError] = []

    lookup = _Units(units)
    rows: list[dict[str, Any]] = []
    line_of: dict[str, int] = {}

    def bad(number: int, key: str, message: str) -> None:
        errors.append(RowError(number, LETTER[key], HEADER_OF[key], message))

    for number, values in enumerate(lines[1:], start=2):
        cells = {key: (values[i] if i < len(values) else None) for i, (key, _h, _w) in
                 enumerate(COLUMNS)}  # fmt: skip
        if all(cell_text(v) == "" for v in cells.values()):
            continue
        row: dict[str, Any] = {"order": len(rows) + 1}
        code = cell_text(cells["code"])
        if not code:
            bad(number, "code", _("编码不能为空"))
        elif len(code) > 20:
            bad(number, "code", _("编码不能超过 20 个字符"))
        elif code in line_of:
            bad(number, "code", _("编码“%(code)s”与第 %(row)s 行重复") % {"code": code,
                "row": line_of[code]})  # fmt: skip
        else:
            line_of[code] = number
        row["code"] = code
        row["parent"] = cell_text(cells["parent"]) or None
        name = cell_text(cells["name"])
        if not name:
            bad(number, "name", _("指标名称不能为空"))
        elif len(name) > 200:
            bad(number, "name", _("指标名称不能超过 200 个字符"))
        row["name"] = name
        for key in ("points", "cap"):
            raw = cell_text(cells[key])
            row[key] = None
            if raw == "":
                if key == "points":
                    bad(number, key, _("分值不能为空"))
                continue
            try:
                value = Decimal(raw)
            except InvalidOperation:
                bad(number, key, _("应为数字，实际为“%(value)s”") % {"value": raw})
                continue
            if not value.is_finite() or value < 0 or value >= 100000:
                bad(number, key, _("应为 0 到 99999 之间的数"))
            elif value != value.quantize(tree.CENT):
                bad(number, key, _("最多两位小数"))
            else:
                row[key] = tree.number(value)
        method_text = cell_text(cells["method"])
        row["method"] = METHODS.get(method_text)
        if row["method"] is None:
            bad(number, "method", _("计分方式应为赋分、扣分或加分，实际为“%(value)s”")
                % {"value": method_text})  # fmt: skip
        elif row["method"] == Method.BONUS and row["cap"] is None:
            bad(number, "cap", _("加分指标须填写上限"))
        elif row["method"] == Method.AWARD and row["cap"] is not None:
            bad(number, "cap", _("赋分指标不填上限"))
        row["rule"] = cell_text(cells["rule"])
        evidence = cell_text(cells["evidence_required"]).lower()
        if evidence in YES:
            row["evidence_required"] = True
        elif evidence in NO:
            row["evidence_required"] = False
        else:
            row["evidence_required"] = False
            bad(number, "evidence_required", _("应填“是”或“否”"))
        row["evidence_text"] = cell_text(cells["evidence_text"])
        if row["evidence_required"] and not row["evidence_text"]:
            bad(number, "evidence_text", _("需要佐证材料时须写明材料要求"))
        elif len(row["evidence_text"]) > 300:
            bad(number, "evidence_text", _("不能超过 300 个字符"))
        for key in tree.UNIT_FIELDS:
            text = cell_text(cells[key])
            row[key], row[f"{key}_name"] = None, ""
            if text:
                try:
                    unit = lookup.find(text)
                except ValueError as error:
                    bad(number, key, str(error))
                else:
                    row[key], row[f"{key}_name"] = unit.code, unit.name
        row["_line"] = number
        rows.append(row)

    if not rows and not errors:
        errors.append(RowError(2, "", "", _("工作簿中没有指标")))
    by_code = {row["code"]: row for row in rows if row["code"]}
    for row in rows:
        parent = row["parent"]
        if parent is None:
            continue
        if parent == row["code"]:
            bad(row["_line"], "parent", _("上级编码不能是本行编码"))
        elif parent not in by_code:
            bad(row["_line"], "parent", _("上级编码“%(code)s”不在表中") % {"code": parent})
        else:
            seen, step = {row["code"]}, parent
            while step and step in by_code:
                if step in seen:
                    bad(row["_line"], "parent", _("上级编码形成循环"))
                    break
                seen.add(step)
                step = by_code[step]["parent"]
    if errors:
        errors.sort(key=lambda e: (e.row, e.column))
        raise ImportFailed(errors)
    for row in rows:
        del row["_line"]
    return tree.ordered(rows)
