"""Units, leadership teams, cadres and the cadres' secondments, village-team stints and
investigations in Excel: the templates, the exports (which import back unchanged) and the
reading of an import.

Reading checks every row against the database and the rest of the file and reports every
problem with its row number, column and a Chinese message (``ImportFailed``); it writes
nothing. The services (``units_import``, ``teams_import``, ``cadres_import``,
``assignments_import``) write the rows, all or none, in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.core.xlsx import (
    YES_NO,
    Cells,
    Column,
    Layout,
    Sheet,
    cell_text,
    layout_workbook,
    read_sheet,
)
from kaohe.orgs.models import (
    Cadre,
    Duty,
    Gender,
    Investigation,
    LeadershipLevel,
    Posting,
    Rank,
    Role,
    Secondment,
    SecondmentLevel,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
    VillageAssignment,
    active_on,
)
from kaohe.orgs.rules import cadre_problems, dated_problems, id_number_clean
from kaohe.orgs.selectors import CadreRecord, cadre_records

CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")
Kind = Layout  # one importable kind of record of this app

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
        "7. 第 2 行为示例（右侧标有“示例”），导入时跳过；可直接删除。",
        "8. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
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
        "5. 第 2 行为示例（右侧标有“示例”），导入时跳过；可直接删除。",
        "6. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
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
        Column("birth_date", "出生日期", 12, is_date=True),
        Column("rank", "职级", 14, (*LeadershipLevel.values, *Rank.values)),
        Column("retired_on", "退休日期", 12, is_date=True),
        Column("unit", "单位编码", 16),
        Column("unit_name", "单位名称", 20),
        Column("post", "职务", 20),
        Column("role", "角色", 10, ROLE_LABELS),
        Column("duties", "分工", 24),
        Column("start_date", "任职日期", 12, is_date=True),
        Column("note", "备注", 24, multiline=True),
        Column("id_number", "身份证号", 20, optional=True),
    ),
    notes=(
        "干部导入模板填写说明",
        "1. 每行一名干部；第一行为表头，请勿修改。",
        "2. 干部编号：新增干部留空；修改已有干部时填写导出表中的编号。没有编号的行按身份证号找已有干部，"
        "没有身份证号的按姓名、出生日期和单位编码找：找到的按本行修改，找不到的新增，同一表格导入两次不会重复。",
        "3. 姓名：必填。性别：男或女。职级：领导职务层次（正厅级、副厅级、正处级、副处级、正科级、"
        "副科级）和职级（一级、二级巡视员，一级至四级调研员，一级至四级主任科员，一级、二级科员），"
        "两者都有的用顿号分隔，如 副科级、一级主任科员；可空。",
        "4. 日期：Excel 日期，或写作 2024-01-31。",
        "5. 单位编码、职务、任职日期：现任主要职务，三项同填或同空；单位名称仅供查看，导入时不读取。",
        "6. 角色：党政正职、班子成员或一般干部，留空为班子成员。分工：可空，多个用顿号分隔，"
        "可填 党委(党组)书记、党委副书记、行政正职、分管党建、纪检监察、组织委员。",
        "7. 已有干部的职务与系统中现任职务不同时，按职务变动办理：任职日期须晚于现任职务的"
        "任职日期，原职务在前一天免去，任职经历保留。",
        "8. 身份证号：可空；填写时须为有效的 18 位号码（校验位正确），其中的出生日期和性别须与所填一致，"
        "不能与其他干部重复。",
        "9. 日期须在 1900-01-01 至今后十年之间；出生日期不晚于今天（年龄 16 至 100 岁），"
        "退休日期和任职日期须晚于出生日期。",
        "10. 第 2 行为示例（右侧标有“示例”），导入时跳过；可直接删除。",
        "11. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
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
            "110101197805010011",
        ),
    ),
)


@dataclass(frozen=True)
class RecordType:
    """One of the three kinds of row of the 挂职、驻村与立案审查 sheet (its 类型)."""

    label: str
    prefix: str  # of its 记录编号, which is unique across the three tables: GZ-12
    model: type[CadreRecord]
    own: tuple[str, ...]  # the columns only this type fills
    start: str  # the model's fields behind 开始日期 and 结束日期
    end: str

    def ident(self, pk: int) -> str:
        return f"{self.prefix}-{pk}"


SECONDMENT = RecordType("挂职", "GZ", Secondment, ("level", "host"), "start_date", "end_date")
VILLAGE = RecordType("驻村", "ZC", VillageAssignment, ("village",), "start_date", "end_date")
INVESTIGATION = RecordType("立案审查", "LA", Investigation, ("outcome",), "opened_on", "closed_on")
RECORD_TYPES = {t.label: t for t in (SECONDMENT, VILLAGE, INVESTIGATION)}
RECORD_ID_RE = re.compile(r"^(GZ|ZC|LA)-?(\d{1,9})$", re.IGNORECASE)
# The workbook's words for the levels (plain Chinese, whatever the language of the page).
LEVEL_LABELS = {
    SecondmentLevel.CENTRAL: "中央",
    SecondmentLevel.PROVINCE: "省",
    SecondmentLevel.CITY: "市",
    SecondmentLevel.COUNTY: "县",
}
ASSIGNMENTS = Kind(
    key="assignments",
    label=gettext_lazy("挂职、驻村与立案审查"),
    sheet="挂职、驻村与立案审查",
    columns=(
        Column("id", "记录编号", 12),
        Column("type", "类型", 10, tuple(RECORD_TYPES)),
        Column("cadre", "干部编号", 10),
        Column("name", "姓名", 12),
        Column("level", "派出层级", 10, tuple(LEVEL_LABELS.values())),
        Column("host", "挂职单位编码", 16),
        Column("village", "驻村", 20),
        Column("start_date", "开始日期", 12, is_date=True),
        Column("end_date", "结束日期", 12, is_date=True),
        Column("outcome", "处理结果", 28),
    ),
    notes=(
        "挂职、驻村与立案审查导入模板填写说明",
        "1. 每行一条记录：一次挂职、一次驻村工作队或一起立案审查；第一行为表头，请勿修改。",
        "2. 记录编号：新增记录留空；已有记录填写导出表中的编号（挂职 GZ-、驻村 ZC-、立案审查 LA- 开头），"
        "只能补填结束日期，即结束挂职、结束驻村或结案。",
        "3. 类型：必填，挂职、驻村或立案审查。",
        "4. 干部编号：必填，干部导出表或干部页面中的编号。姓名：必填，须与该编号的干部姓名一致，"
        "用于核对编号是否填错。",
        "5. 派出层级（中央、省、市、县）和挂职单位编码（系统中已有的单位）：仅挂职填写，必填。"
        "驻村：仅驻村填写村名，必填。处理结果：仅立案审查填写。不适用于本行类型的列须留空。",
        "6. 开始日期：必填，立案审查填立案日期。结束日期：尚未结束的留空，立案审查填结案日期；"
        "结案时须填写处理结果，未结案的不填。日期为 Excel 日期，或写作 2024-01-31。",
        "7. 已有记录的类型、干部编号、派出层级、挂职单位编码、驻村和开始日期不能修改；已结束的记录，"
        "其结束日期和处理结果也不能修改。与系统中相同的行不作改动。",
        "8. 同一干部的挂职时间不能重叠，驻村时间也不能重叠；结束日期不能早于开始日期。",
        "9. 第 2 至 4 行为示例（右侧标有“示例”），导入时跳过；可直接删除。",
        "10. 任何一行有误则不导入任何数据，并列出所有错误的行号、列和原因。",
    ),
    example=(
        (
            None,
            "挂职",
            1024,
            "王红旗",
            "市",
            "hongqi",
            None,
            dt.date(2024, 3, 1),
            dt.date(2025, 2, 28),
            None,
        ),
        (None, "驻村", 1025, "刘青禾", None, None, "青石村", dt.date(2023, 6, 1), None, None),
        (
            None,
            "立案审查",
            1026,
            "陈远山",
            None,
            None,
            None,
            dt.date(2024, 9, 10),
            dt.date(2025, 1, 20),
            "党内警告",
        ),
    ),
)
KINDS = {kind.key: kind for kind in (UNITS, TEAMS, CADRES, ASSIGNMENTS)}


# ---- writing ------------------------------------------------------------------------


def _book(kind: Kind, rows: Iterable[Sequence[Any]]) -> bytes:
    return layout_workbook(kind, rows)


def template_bytes(kind: Kind) -> bytes:
    """The empty workbook with the sample rows, marked 示例 (never imported)."""
    return layout_workbook(kind, (), example=True)


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
            "、".join(filter(None, (cadre.leadership_level, cadre.rank))) or None,
            cadre.retired_on,
            *held,
            cadre.note or None,
            cadre.id_number or None,
        )

    return _book(CADRES, (line(cadre) for cadre in cadres))


def record_type(record: CadreRecord) -> RecordType:
    return next(t for t in RECORD_TYPES.values() if isinstance(record, t.model))


def record_cells(record: CadreRecord) -> dict[str, Any]:
    """A record as its row of the 挂职、驻村与立案审查 sheet (``cadre`` and, for a
    secondment, ``host`` selected)."""
    kind = record_type(record)
    cells: dict[str, Any] = dict.fromkeys(c.key for c in ASSIGNMENTS.columns)
    cells |= {
        "id": kind.ident(record.pk),
        "type": kind.label,
        "cadre": record.cadre_id,
        "name": record.cadre.name,
        "start_date": getattr(record, kind.start),
        "end_date": getattr(record, kind.end),
    }
    if isinstance(record, Secondment):
        cells |= {"level": LEVEL_LABELS[SecondmentLevel(record.level)], "host": record.host.code}
    elif isinstance(record, VillageAssignment):
        cells["village"] = record.village
    else:
        cells["outcome"] = record.outcome or None
    return cells


def assignments_export(records: Iterable[CadreRecord]) -> bytes:
    """``records`` as ``cadre_records`` gives them."""
    return _book(
        ASSIGNMENTS,
        ([cells[c.key] for c in ASSIGNMENTS.columns] for cells in map(record_cells, records)),
    )


# ---- reading ------------------------------------------------------------------------


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
        sheet.unique(seen, number, "code", code)
        row: dict[str, Any] = {
            "code": code,
            "name": cells.text("name", max_length=100, required=True),
            "category": cells.choice("category", categories, required=True),  # type: ignore[arg-type]
            "parent": cells.text("parent", max_length=40),
            "supervisor": cells.text("supervisor", max_length=40),
            "flags": cells.names("flags", flags, gettext_lazy("这些单位标记")),
            "order": cells.integer("order"),
            "is_active": cells.boolean("is_active", default=True),
        }
        rows.append((number, row))
    in_file = set(seen)
    for number, row in rows:
        for key in ("parent", "supervisor"):
            code = str(row[key] or "")
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
        sheet.unique(seen, number, "unit", code)
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


def chunked(values: Sequence[Any], size: int = 1000) -> Iterable[Sequence[Any]]:
    """``values`` in slices a query may take as parameters (SQLite limits them)."""
    for first in range(0, len(values), size):
        yield values[first : first + size]


def current_postings(cadre_ids: Sequence[int]) -> dict[int, Posting]:
    """Each cadre's current primary posting (the latest to start), a query per thousand."""
    current = Posting.objects.filter(active_on(timezone.localdate()), is_primary=True)
    found: dict[int, Posting] = {}
    for chunk in chunked(list(cadre_ids)):
        found |= {p.cadre_id: p for p in current.filter(cadre_id__in=chunk).order_by("start_date")}
    return found


# Named in a message only when a row has an unknown one: translated then, not per row.
GRADES_WHAT = gettext_lazy("这些职级或领导职务层次")
DUTIES_WHAT = gettext_lazy("这些分工")


def _level_and_rank(cells: Cells, key: str, allowed: Mapping[str, Any]) -> dict[str, str]:
    """A 领导职务层次 and a 职级 in one cell (either may be missing): the cadre's
    ``leadership_level`` and ``rank``."""
    found: dict[str, str] = {"leadership_level": "", "rank": ""}
    for field_name, value in cells.names(key, allowed, GRADES_WHAT):
        if found[field_name]:
            cells.bad(key, _("领导职务层次和职级各填一个"))
            break
        found[field_name] = value
    return found


def _cadre_fields(cells: Cells, choices: Mapping[str, Any]) -> dict[str, Any]:
    """The personal fields of a row, checked together (``kaohe.orgs.rules``)."""
    today = cells.sheet.today
    row: dict[str, Any] = {
        "name": cells.text("name", max_length=50, required=True),
        "id_number": id_number_clean(cells.text("id_number", max_length=30)),
        "gender": cells.choice("gender", choices["gender"]),
        "birth_date": cells.date("birth_date"),
        **_level_and_rank(cells, "rank", choices["grades"]),
        "retired_on": cells.date("retired_on"),
        "note": cells.text("note", max_length=2000),
    }
    checked = {k: row[k] for k in ("id_number", "gender", "birth_date", "retired_on")}
    for key, problem in cadre_problems(**checked, today=today).items():
        cells.bad(key, problem)
    return row


def _posting_fields(
    cells: Cells, by_code: Mapping[str, Unit], choices: Mapping[str, Any]
) -> dict[str, Any] | None:
    """The row's current post (unit, post, role, duties, start_date), or None."""
    unit_code = cells.text("unit", max_length=40)
    post = cells.text("post", max_length=100)
    posting = {
        "unit": by_code.get(unit_code),
        "post": post,
        "role": cells.choice("role", choices["role"], default=Role.MEMBER, shown=ROLE_LABELS),
        "duties": cells.names("duties", choices["duties"], DUTIES_WHAT),
        "start_date": cells.date("start_date"),
    }
    if unit_code and posting["unit"] is None:
        cells.bad("unit", _("没有编码为“%(code)s”的单位") % {"code": unit_code})
    given = {"unit": unit_code, "post": post, "start_date": cells.filled("start_date")}
    if not any(given.values()):
        return None
    for key, value in given.items():
        if not value:
            cells.bad(key, _("填写现任职务时，单位编码、职务和任职日期都不能为空"))
    return posting


def _natural_key(name: str, birth: dt.date | None, posting: Posting | dict[str, Any] | None) -> Any:
    """姓名 + 出生日期 + 单位 (the unit of the current post, None without one)."""
    if isinstance(posting, Posting):
        return (name, birth, posting.unit_id)
    unit = posting["unit"] if posting else None
    return (name, birth, unit.pk if unit is not None else None)


def read_cadres(file: IO[bytes], *, cadres: QuerySet[Cadre], units: Iterable[Unit]) -> Sheet:
    """Rows of the 干部 sheet: ``cadre`` (the existing one, or None for a new one),
    ``current`` (its current primary posting), the personal fields and ``posting`` (unit,
    post, role, duties, start_date) or None.

    A row names its cadre by 干部编号; without one, by 身份证号; without a known number,
    by 姓名 + 出生日期 + 单位 among the cadres ``cadres`` holds (those the submitter may
    see). So a workbook imported again updates or leaves its cadres, never doubles them;
    two rows of the file for one cadre are refused."""
    sheet = read_sheet(CADRES, file)
    choices: dict[str, Any] = {
        "gender": {v: v for v in Gender.values},
        "grades": {v: ("leadership_level", v) for v in LeadershipLevel.values}
        | {v: ("rank", v) for v in Rank.values},
        "role": {str(label): value for value, label in Role.choices} | {v: v for v in Role.values},
        "duties": {str(label): value for value, label in Duty.choices}
        | {v: v for v in Duty.values},
    }
    by_code = {unit.code: unit for unit in units}
    rows = []
    for cells in sheet.cells():
        row = _cadre_fields(cells, choices) | {"ident": cells.raw("id")}
        row["posting"] = _posting_fields(cells, by_code, choices)
        rows.append((cells, row))

    idents = [int(r["ident"]) for _c, r in rows if r["ident"].isdecimal() and len(r["ident"]) < 10]
    numbers = [r["id_number"] for _c, r in rows if r["id_number"]]
    names = list({r["name"] for _c, r in rows if r["name"]})
    visible: dict[int, Cadre] = {}
    if len(idents) + len(names) > 5000:  # a large file: one query for all, not IN lists
        wanted, named = set(idents), set(names)
        visible = {c.pk: c for c in cadres if c.pk in wanted or c.name in named}
    else:
        for chunk in chunked(idents):
            visible |= {c.pk: c for c in cadres.filter(pk__in=chunk)}
        for chunk in chunked(names):
            visible |= {c.pk: c for c in cadres.filter(name__in=chunk)}
    numbered: dict[str, int] = {}  # every cadre's number, seen or not: the number is unique
    for chunk in chunked(numbers):
        numbered |= dict(Cadre.objects.filter(id_number__in=chunk).values_list("id_number", "pk"))
    for chunk in chunked([pk for pk in numbered.values() if pk not in visible]):
        visible |= {c.pk: c for c in cadres.filter(pk__in=chunk)}
    current = current_postings(list(visible))
    by_key: dict[Any, list[Cadre]] = {}
    for known in visible.values():
        key = _natural_key(known.name, known.birth_date, current.get(known.pk))
        by_key.setdefault(key, []).append(known)

    seen_ids: dict[str, int] = {}
    seen_numbers: dict[str, int] = {}
    seen_cadres: dict[int, int] = {}
    seen_keys: dict[Any, int] = {}
    lines = []
    for cells, row in rows:
        number, ident, id_number = cells.number, row.pop("ident"), row["id_number"]
        sheet.unique(seen_ids, number, "id", ident)
        sheet.unique(seen_numbers, number, "id_number", id_number)
        cadre: Cadre | None = None
        owner = numbered.get(id_number) if id_number else None
        if ident:
            cadre = visible.get(int(ident)) if ident.isdecimal() and len(ident) < 10 else None
            if cadre is None:
                cells.bad("id", _("没有编号为“%(id)s”的干部；新增干部请留空") % {"id": ident[:50]})
            elif owner is not None and owner != cadre.pk:
                cells.bad("id_number", _taken(owner, visible))
        elif owner is not None:
            cadre = visible.get(owner)
            if cadre is None:
                cells.bad("id_number", _taken(owner, visible))
        elif row["name"]:
            key = _natural_key(row["name"], row["birth_date"], row["posting"])
            found = [c for c in by_key.get(key, ()) if not c.id_number or not id_number]
            if len(found) > 1:
                cells.bad(
                    "id",
                    _("系统中有 %(n)s 名姓名、出生日期和单位都相同的干部，请填写干部编号")
                    % {"n": len(found)},
                )
            elif found:
                cadre = found[0]
            elif key in seen_keys:
                cells.bad(
                    "name",
                    _("与第 %(row)s 行是同一名干部（姓名、出生日期和单位相同）")
                    % {"row": seen_keys[key]},
                )
            else:
                seen_keys[key] = number
        if cadre is not None:
            if cadre.pk in seen_cadres and not ident:
                cells.bad("name", _("与第 %(row)s 行是同一名干部") % {"row": seen_cadres[cadre.pk]})
            seen_cadres.setdefault(cadre.pk, number)
        birth = (
            row["birth_date"]
            if row["birth_date"] is not None
            else getattr(cadre, "birth_date", None)
        )
        if row["posting"] is not None:
            start = row["posting"]["start_date"]
            problems = dated_problems(start=start, birth_date=birth, today=sheet.today)
            for key, problem in problems.items():
                cells.bad(key, problem)
        row["cadre"], row["current"] = cadre, current.get(cadre.pk) if cadre else None
        lines.append((number, row))
    sheet.lines = lines
    sheet.fail_if_bad()
    return sheet


def _taken(owner: int, visible: Mapping[int, Cadre]) -> str:
    if owner in visible:
        return _("该身份证号已登记为编号 %(id)s 的干部（%(name)s）") % {
            "id": owner,
            "name": visible[owner].name,
        }
    return _("该身份证号已登记为其他单位的干部，请联系考核办")


def _shown(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else cell_text(value)


def _check_record(
    cells: Cells, record: CadreRecord, new: Mapping[str, Any], *, skip: set[str]
) -> None:
    """A row naming an existing record may only end it: the type, the cadre, the start and
    the type's own columns stay as they are, and so does the end of an ended record.
    ``new`` is the row in the form of ``record_cells``; columns in ``skip`` (letters) are
    already reported."""
    kind, old = record_type(record), record_cells(record)
    if new["type"] != kind.label:
        cells.bad("type", _("该记录为%(old)s，类型不能修改") % {"old": kind.label})
        return
    frozen = ["cadre", "start_date", *(key for key in kind.own if key != "outcome")]
    if old["end_date"] is not None:
        frozen += ["end_date", "outcome"] if kind is INVESTIGATION else ["end_date"]
    for key in frozen:
        if ASSIGNMENTS.letter(key) not in skip and (old[key] or None) != (new[key] or None):
            cells.bad(
                key,
                _("已有记录的%(column)s不能修改（原为“%(old)s”）")
                % {"column": ASSIGNMENTS.header(key), "old": _shown(old[key])},
            )


def _record_ident(text: str) -> str:
    """A 记录编号 as ``RecordType.ident`` writes it (gz12 → GZ-12), other text as it is."""
    found = RECORD_ID_RE.match(text)
    return f"{found.group(1).upper()}-{int(found.group(2))}" if found else text


def _records_named(idents: Iterable[str], cadres: QuerySet[Cadre]) -> dict[str, CadreRecord]:
    """The records of ``cadres`` that the file names, by 记录编号."""
    prefixes = {t.prefix: t.model for t in RECORD_TYPES.values()}
    wanted: dict[type[CadreRecord], list[int]] = {}
    for ident in idents:
        if found := RECORD_ID_RE.match(ident):
            wanted.setdefault(prefixes[found.group(1).upper()], []).append(int(found.group(2)))
    return {record_type(r).ident(r.pk): r for r in cadre_records(cadres, only=wanted)}


def read_assignments(file: IO[bytes], *, cadres: QuerySet[Cadre], units: QuerySet[Unit]) -> Sheet:
    """Rows of the 挂职、驻村与立案审查 sheet: ``type`` (a ``RecordType``), ``record`` (the
    existing record, or None), ``cadre``, ``level``, ``host``, ``village``, ``start_date``,
    ``end_date`` and ``outcome``. Cadres, host units and records are looked up among
    ``cadres`` and ``units``, those the submitter may see."""
    sheet = read_sheet(ASSIGNMENTS, file)
    texts = {
        key: [cell_text(raw[key]) for _n, raw in sheet.lines] for key in ("id", "cadre", "host")
    }
    numbers = [i for i in texts["cadre"] if i.isdecimal() and len(i) < 10]
    by_id = {str(c.pk): c for c in cadres.filter(pk__in=numbers)}
    by_code = {u.code: u for u in units.filter(code__in=texts["host"])}
    records = _records_named(texts["id"], cadres)
    types = {label: label for label in RECORD_TYPES}
    levels = {label: value for value, label in LEVEL_LABELS.items()} | {
        v: v for v in SecondmentLevel.values
    }
    seen: dict[str, int] = {}
    rows = []
    for number, raw in sheet.lines:
        cells = Cells(sheet, number, raw)
        ident = _record_ident(cell_text(raw["id"]))
        sheet.unique(seen, number, "id", ident)
        record = records.get(ident)
        if ident and record is None:
            cells.bad("id", _("没有编号为“%(id)s”的记录；新增记录请留空") % {"id": ident})
        kind = RECORD_TYPES.get(cells.choice("type", types, required=True))
        cadre_id = cells.text("cadre", max_length=20, required=True)
        cadre = by_id.get(cadre_id)
        if cadre_id and cadre is None:
            cells.bad("cadre", _("没有编号为“%(id)s”的干部") % {"id": cadre_id})
        name = cells.text("name", max_length=50, required=True)
        if cadre is not None and name and name != cadre.name:
            cells.bad(
                "name",
                _("编号为 %(id)s 的干部是“%(name)s”，请核对干部编号和姓名")
                % {"id": cadre.pk, "name": cadre.name},
            )
        host_code = cells.text("host", max_length=40)
        row: dict[str, Any] = {
            "type": kind,
            "record": record,
            "cadre": cadre,
            "level": cells.choice("level", levels, shown=tuple(map(str, LEVEL_LABELS.values()))),
            "host": by_code.get(host_code),
            "village": cells.text("village", max_length=100),
            "start_date": cells.date("start_date", required=True),
            "end_date": cells.date("end_date"),
            "outcome": cells.text("outcome", max_length=200),
        }
        if host_code and row["host"] is None:
            cells.bad("host", _("没有编码为“%(code)s”的单位") % {"code": host_code})
        if cadre is not None and row["start_date"] is not None:
            born = dated_problems(start=row["start_date"], birth_date=cadre.birth_date)
            if "start_date" in born:
                cells.bad("start_date", born["start_date"])
        rows.append((number, row))
        if kind is None:
            continue
        for key in ("level", "host", "village", "outcome"):
            filled = bool(cell_text(raw[key]))
            if key not in kind.own and filled:
                cells.bad(key, _("%(type)s不填此列，请留空") % {"type": kind.label})
            elif key in kind.own and key != "outcome" and not filled:
                cells.bad(key, _("%(type)s必须填写此列") % {"type": kind.label})
        if record is not None and record_type(record) is kind:
            closing = getattr(record, kind.end) is None
        else:
            closing = record is None
        if kind is INVESTIGATION and closing:
            if row["end_date"] is not None and not row["outcome"]:
                cells.bad("outcome", _("结案时须填写处理结果"))
            elif not cell_text(raw["end_date"]) and row["outcome"]:
                cells.bad("outcome", _("尚未结案（结束日期为空）时不填处理结果"))
        if record is not None:
            new = row | {
                "type": kind.label,
                "cadre": cadre.pk if cadre else None,
                "level": LEVEL_LABELS.get(row["level"]),
                "host": host_code,
            }
            skip = {e.column for e in sheet.errors if e.row == number}
            _check_record(cells, record, new, skip=skip)
    sheet.lines = rows
    sheet.fail_if_bad()
    return sheet
