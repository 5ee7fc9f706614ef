"""Units, leadership teams and cadres in Excel: the templates, the exports (which import
back unchanged) and the reading of an import.

Reading checks every row against the database and the rest of the file and reports every
problem with its row number, column and a Chinese message (``ImportFailed``); it writes
nothing. The services (``units_import``, ``teams_import``, ``cadres_import``) write the
rows, all or none, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
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
from kaohe.orgs.models import Cadre, Duty, Gender, Rank, Role, Team, Unit, UnitCategory, UnitFlag

CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template


@dataclass(frozen=True)
class Kind:
    """One importable kind of record: its sheet, its columns and its notes."""

    key: str
    label: Any
    sheet: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...]
    example: tuple[tuple[Any, ...], ...]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def letter(self, key: str) -> str:
        for i, column in enumerate(self.columns, start=1):
            if column.key == key:
                return get_column_letter(i)
        raise KeyError(key)

    def header(self, key: str) -> str:
        return next(c.header for c in self.columns if c.key == key)


YES_NO = ("是", "否")
ROLE_LABELS = tuple(str(label) for _value, label in Role.choices)
UNITS = Kind(
    key="units",
    label=gettext_lazy("单位"),
    sheet="单位",
    columns=(
        Column("code", "单位编码", 16),
        Column("name", "单位名称", 28),
        Column("category", "类别", 12),
        Column("parent", "上级单位编码", 16),
        Column("supervisor", "委托考核主管部门编码", 20),
        Column("flags", "标记", 24),
        Column("order", "排序", 8),
        Column("is_active", "启用", 8, YES_NO),
    ),
    notes=(
        "单位导入模板填写说明",
        "1. 每行一个单位；第一行为表头，请勿修改。",
        "2. 单位编码：必填，字母、数字、下划线或短横线，不重复。编码已存在的单位按本行修改，"
        "不存在的新增（同时建立其领导班子）。",
        "3. 单位名称、类别：必填；类别填写系统中已有的单位类别名称（如 镇街、县直部门）。",
        "4. 上级单位编码、委托考核主管部门编码：可空；填写系统中已有的、或本表中的单位编码。",
        "5. 标记：可空，多个用顿号分隔（如 先进集体、文明单位）；填写系统中已有的标记。",
        "6. 排序：不小于 0 的整数，留空为 0。启用：是或否，留空为是。",
        "7. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
    ),
    example=(("hongqi", "红旗镇", "镇街", None, None, "文明单位", 10, "是"),),
)
TEAMS = Kind(
    key="teams",
    label=gettext_lazy("领导班子"),
    sheet="领导班子",
    columns=(
        Column("unit", "单位编码", 16),
        Column("unit_name", "单位名称", 28),
        Column("name", "班子名称", 32),
        Column("is_assessed", "参加班子考核", 14, YES_NO),
    ),
    notes=(
        "领导班子导入模板填写说明",
        "1. 每行一个单位的领导班子；第一行为表头，请勿修改。新增单位时已自动建立其领导班子。",
        "2. 单位编码：必填，系统中已有的单位编码，不重复。单位名称仅供查看，导入时不读取。",
        "3. 班子名称：必填。",
        "4. 参加班子考核：是或否，留空为是（派出所、司法所等在上级主管部门考核的填否）。",
        "5. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
    ),
    example=(("hongqi", "红旗镇", "中共红旗镇委员会、红旗镇人民政府领导班子", "是"),),
)
CADRES = Kind(
    key="cadres",
    label=gettext_lazy("干部"),
    sheet="干部",
    columns=(
        Column("id", "干部编号", 10),
        Column("name", "姓名", 12),
        Column("gender", "性别", 6, tuple(Gender.values)),
        Column("birth_date", "出生日期", 12),
        Column("rank", "职级", 14, tuple(Rank.values)),
        Column("retired_on", "退休日期", 12),
        Column("unit", "单位编码", 16),
        Column("unit_name", "单位名称", 20),
        Column("post", "职务", 20),
        Column("role", "角色", 10, ROLE_LABELS),
        Column("duties", "分工", 24),
        Column("start_date", "任职日期", 12),
        Column("note", "备注", 24),
    ),
    notes=(
        "干部导入模板填写说明",
        "1. 每行一名干部；第一行为表头，请勿修改。",
        "2. 干部编号：新增干部留空；修改已有干部时填写导出表中的编号。",
        "3. 姓名：必填。性别：男或女。职级：副处级、正科级、副科级、一级主任科员、二级主任科员或其他。",
        "4. 日期：Excel 日期，或写作 2024-01-31。",
        "5. 单位编码、职务、任职日期：现任主要职务，三项同填或同空；单位名称仅供查看，导入时不读取。",
        "6. 角色：党政正职或班子成员，留空为班子成员。分工：可空，多个用顿号分隔，"
        "可填 党委(党组)书记、党委副书记、行政正职、分管党建、纪检监察、组织委员。",
        "7. 已有干部的职务与系统中现任职务不同时，按职务变动办理：任职日期须晚于现任职务的"
        "任职日期，原职务在前一天免去，任职经历保留。",
        "8. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
    ),
    example=(
        (
            None,
            "王红旗",
            "男",
            dt.date(1978, 5, 1),
            "正科级",
            None,
            "hongqi",
            "红旗镇",
            "党委书记",
            "党政正职",
            "党委(党组)书记",
            dt.date(2021, 9, 1),
            None,
        ),
    ),
)
KINDS = {kind.key: kind for kind in (UNITS, TEAMS, CADRES)}


# ---- writing ------------------------------------------------------------------------


def _book(kind: Kind, rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook()
    sheet = header_sheet(workbook, kind.sheet, [(c.header, c.width) for c in kind.columns])
    for i, column in enumerate(kind.columns, start=1):
        if column.choices:
            letter = get_column_letter(i)
            listed = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            listed.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(listed)
    for row in rows:
        sheet.append(list(row))
    for i, column in enumerate(kind.columns, start=1):
        if column.key.endswith("date") or column.key == "retired_on":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "yyyy-mm-dd"
    notes_sheet(workbook, kind.notes)
    return workbook_bytes(workbook)


def template_bytes(kind: Kind) -> bytes:
    return _book(kind, kind.example)


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def units_export(units: Iterable[Unit]) -> bytes:
    """``units`` with ``parent``, ``supervisor`` selected and ``flags`` prefetched."""
    return _book(
        UNITS,
        (
            (
                u.code,
                u.name,
                u.category.name,
                u.parent.code if u.parent else None,
                u.supervisor.code if u.supervisor else None,
                "、".join(f.name for f in u.flags.all()) or None,
                u.order,
                _yes_no(u.is_active),
            )
            for u in units
        ),
    )


def teams_export(teams: Iterable[Team]) -> bytes:
    return _book(
        TEAMS,
        ((t.unit.code, t.unit.name, t.name, _yes_no(t.is_assessed)) for t in teams),
    )


def primary_posting(cadre: Cadre) -> Any:
    """The current primary posting among ``current_postings`` (``with_current_state``)."""
    return next((p for p in cadre.current_postings if p.is_primary), None)  # type: ignore[attr-defined]


def cadres_export(cadres: Iterable[Cadre]) -> bytes:
    """``cadres`` through ``with_current_state`` (their current postings prefetched)."""
    roles = dict(Role.choices)
    duties = dict(Duty.choices)

    def line(cadre: Cadre) -> tuple[Any, ...]:
        posting = primary_posting(cadre)
        held: tuple[Any, ...] = (None,) * 6
        if posting is not None:
            held = (
                posting.unit.code,
                posting.unit.name,
                posting.post,
                str(roles[posting.role]),
                "、".join(str(duties.get(d, d)) for d in posting.duties) or None,
                posting.start_date,
            )
        return (
            cadre.pk,
            cadre.name,
            cadre.gender or None,
            cadre.birth_date,
            cadre.rank or None,
            cadre.retired_on,
            *held,
            cadre.note or None,
        )

    return _book(CADRES, (line(cadre) for cadre in cadres))


# ---- reading ------------------------------------------------------------------------


@dataclass
class Sheet:
    """The rows of one kind read from a workbook, with the errors found so far."""

    kind: Kind
    lines: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def bad(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.kind.letter(key), self.kind.header(key), message))

    def fail_if_bad(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors)


def read_sheet(kind: Kind, file: IO[bytes]) -> Sheet:
    """The non-empty rows of the workbook, each as ``(row number, {key: raw cell})``."""
    sheet = Sheet(kind)
    for number, values in enumerate(read_rows(file, sheet=kind.sheet, headers=kind.headers), 2):
        cells = {
            c.key: (values[i] if i < len(values) else None) for i, c in enumerate(kind.columns)
        }
        if any(cell_text(v) for v in cells.values()):
            sheet.lines.append((number, cells))
    if not sheet.lines:
        sheet.errors.append(RowError(2, "", "", _("工作簿中没有数据行")))
    return sheet


class Cells:
    """Typed reads of one row; each problem is reported to the sheet and gives a default."""

    def __init__(self, sheet: Sheet, number: int, cells: Mapping[str, Any]) -> None:
        self.sheet, self.number, self.cells = sheet, number, cells

    def bad(self, key: str, message: str) -> None:
        self.sheet.bad(self.number, key, message)

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = cell_text(self.cells[key])
        if required and not value:
            self.bad(key, _("不能为空"))
        elif len(value) > max_length:
            self.bad(key, _("不能超过 %(n)s 个字符") % {"n": max_length})
        return value

    def choice(self, key: str, allowed: Mapping[str, str], default: str = "") -> str:
        value = cell_text(self.cells[key])
        if not value:
            return default
        if value not in allowed:
            self.bad(
                key,
                _("应为%(choices)s之一，实际为“%(value)s”")
                % {"choices": "、".join(dict.fromkeys(allowed)), "value": value},
            )
            return default
        return allowed[value]

    def boolean(self, key: str, *, default: bool) -> bool:
        value = cell_text(self.cells[key]).lower()
        if value == "":
            return default
        if value in YES:
            return True
        if value not in NO:
            self.bad(key, _("应填“是”或“否”，实际为“%(value)s”") % {"value": value})
        return False

    def integer(self, key: str) -> int:
        value = cell_text(self.cells[key])
        if value == "":
            return 0
        if not value.isdigit() or len(value) > 9:
            self.bad(key, _("应为不小于 0 的整数，实际为“%(value)s”") % {"value": value})
            return 0
        return int(value)

    def date(self, key: str) -> dt.date | None:
        value = self.cells[key]
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = cell_text(value)
        if not text:
            return None
        for pattern in DATE_FORMATS:
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        self.bad(key, _("应为日期（如 2024-01-31），实际为“%(value)s”") % {"value": text})
        return None

    def names(self, key: str, allowed: Mapping[str, Any], what: str) -> list[Any]:
        text = cell_text(self.cells[key])
        found, unknown = [], []
        for name in (n for n in LIST_SPLIT.split(text) if n):
            if name in allowed:
                found.append(allowed[name])
            else:
                unknown.append(name)
        if unknown:
            self.bad(
                key,
                _("没有%(what)s：%(names)s") % {"what": what, "names": "、".join(unknown)},
            )
        return list(dict.fromkeys(found))


def _unique(sheet: Sheet, seen: dict[str, int], number: int, key: str, value: str) -> None:
    if value in seen:
        sheet.bad(number, key, _("“%(value)s”与第 %(row)s 行重复") % {"value": value,
                  "row": seen[value]})  # fmt: skip
    elif value:
        seen[value] = number


def read_units(file: IO[bytes], *, units: Iterable[Unit]) -> Sheet:
    """Rows of the 单位 sheet as service arguments; ``parent``/``supervisor`` stay codes
    (a unit of the file may be the parent of another) and are checked here."""
    sheet = read_sheet(UNITS, file)
    known = {unit.code for unit in units}
    categories = {c.name: c for c in UnitCategory.objects.all()}
    flags = {f.name: f for f in UnitFlag.objects.all()}
    seen: dict[str, int] = {}
    rows = []
    for number, raw in sheet.lines:
        cells = Cells(sheet, number, raw)
        code = cells.text("code", max_length=40, required=True)
        if code and not CODE_RE.match(code):
            cells.bad("code", _("编码只能包含字母、数字、下划线和短横线"))
        _unique(sheet, seen, number, "code", code)
        row = {
            "code": code,
            "name": cells.text("name", max_length=100, required=True),
            "category": cells.choice("category", categories),  # type: ignore[arg-type]
            "parent": cells.text("parent", max_length=40),
            "supervisor": cells.text("supervisor", max_length=40),
            "flags": cells.names("flags", flags, _("这些单位标记")),
            "order": cells.integer("order"),
            "is_active": cells.boolean("is_active", default=True),
        }
        if not row["category"] and cell_text(raw["category"]) == "":
            cells.bad("category", _("不能为空"))
        rows.append((number, row))
    in_file = set(seen)
    for number, row in rows:
        for key in ("parent", "supervisor"):
            code = row[key]
            if not code:
                continue
            if code == row["code"]:
                sheet.bad(number, key, _("不能是本单位"))
            elif code not in known and code not in in_file:
                sheet.bad(number, key, _("没有编码为“%(code)s”的单位") % {"code": code})
    sheet.lines = rows
    sheet.fail_if_bad()
    return sheet


def read_teams(file: IO[bytes], *, teams: Iterable[Team]) -> Sheet:
    sheet = read_sheet(TEAMS, file)
    by_code = {team.unit.code: team for team in teams}
    seen: dict[str, int] = {}
    rows = []
    for number, raw in sheet.lines:
        cells = Cells(sheet, number, raw)
        code = cells.text("unit", max_length=40, required=True)
        _unique(sheet, seen, number, "unit", code)
        team = by_code.get(code)
        if code and team is None:
            cells.bad("unit", _("没有编码为“%(code)s”的单位") % {"code": code})
        row = {
            "team": team,
            "name": cells.text("name", max_length=120, required=True),
            "is_assessed": cells.boolean("is_assessed", default=True),
        }
        rows.append((number, row))
    sheet.lines = rows
    sheet.fail_if_bad()
    return sheet


def read_cadres(file: IO[bytes], *, cadres: Iterable[Cadre], units: Iterable[Unit]) -> Sheet:
    """Rows of the 干部 sheet: ``cadre`` (an existing one, or None), the personal fields
    and ``posting`` (unit, post, role, duties, start_date) or None."""
    sheet = read_sheet(CADRES, file)
    by_id = {str(cadre.pk): cadre for cadre in cadres}
    by_code = {unit.code: unit for unit in units}
    genders = {v: v for v in Gender.values}
    ranks = {v: v for v in Rank.values}
    roles = {str(label): value for value, label in Role.choices} | {v: v for v in Role.values}
    duties = {str(label): value for value, label in Duty.choices} | {v: v for v in Duty.values}
    seen: dict[str, int] = {}
    rows = []
    for number, raw in sheet.lines:
        cells = Cells(sheet, number, raw)
        ident = cell_text(raw["id"])
        _unique(sheet, seen, number, "id", ident)
        cadre = by_id.get(ident) if ident else None
        if ident and cadre is None:
            cells.bad("id", _("没有编号为“%(id)s”的干部；新增干部请留空") % {"id": ident})
        row: dict[str, Any] = {
            "cadre": cadre,
            "name": cells.text("name", max_length=50, required=True),
            "gender": cells.choice("gender", genders),
            "birth_date": cells.date("birth_date"),
            "rank": cells.choice("rank", ranks),
            "retired_on": cells.date("retired_on"),
            "note": cells.text("note", max_length=2000),
            "posting": None,
        }
        unit_code = cells.text("unit", max_length=40)
        post = cells.text("post", max_length=100)
        start = cells.date("start_date")
        posting = {
            "unit": by_code.get(unit_code),
            "post": post,
            "role": cells.choice("role", roles, default=Role.MEMBER),
            "duties": cells.names("duties", duties, _("这些分工")),
            "start_date": start,
        }
        if unit_code and posting["unit"] is None:
            cells.bad("unit", _("没有编码为“%(code)s”的单位") % {"code": unit_code})
        given = {"unit": unit_code, "post": post, "start_date": cell_text(raw["start_date"])}
        if any(given.values()):
            for key, value in given.items():
                if not value:
                    cells.bad(key, _("填写现任职务时，单位编码、职务和任职日期都不能为空"))
            row["posting"] = posting
        rows.append((number, row))
    sheet.lines = rows
    sheet.fail_if_bad()
    return sheet
