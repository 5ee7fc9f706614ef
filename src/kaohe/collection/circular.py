"""The half-year circular (半年评估通报, seed 001 第十二条(六)): after the half-year evaluation
closes, the office "汇总各主要考核责任单位半年评估结果，通报指标完成进度，点评存在不足，提出工作
建议". The circular lists each category's ranking and scores of the period (ranked by the
engine, as the quarterly rankings are: ``ranking.ranking_document(alone=True)``, without
warnings), the problems found (the deductions that count, with their reasons, and the
field checks' findings), and the office's remarks typed on the page.

Two files of the same content: a Word document filled with docxtpl from
``templates_docx/half_year_circular.docx`` (the office may upload a replacement, as for the
warning letter: ``LetterTemplate`` of kind ``half_year_circular``), and an Excel workbook
(the ranking and the problems, user text written as text by ``core.xlsx``). Placeholders::

    scheme, year, period, starts_on, ends_on, issued_on, office, target_count
    groups      each: name, size, rows (each: rank, unit, score, deducted, problems)
    problems    each: unit, group, source, text
    remarks     the office's remarks, one item per paragraph
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from kaohe.collection import letters
from kaohe.collection.models import (
    FieldCheck,
    Period,
    PeriodKind,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.ranking import ranking_document
from kaohe.collection.scoring import counts_as_deduction
from kaohe.collection.totals import counted_entries, period_totals
from kaohe.core.xlsx import append_row, header_sheet, workbook_bytes
from kaohe.engine import ScenarioError, evaluate
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator

KIND = "half_year_circular"
SHIPPED = Path(__file__).resolve().parent / "templates_docx" / "half_year_circular.docx"
PLACEHOLDERS = (
    "scheme", "year", "period", "starts_on", "ends_on", "issued_on", "office", "target_count",
    "groups[].name", "groups[].size", "groups[].rows[].rank", "groups[].rows[].unit",
    "groups[].rows[].score", "groups[].rows[].deducted", "groups[].rows[].problems",
    "problems[].unit", "problems[].group", "problems[].source", "problems[].text", "remarks[]",
)  # fmt: skip
MAX_REMARKS = 3000


class CircularError(ValidationError):
    """A period that has no circular (not a half-year evaluation, not closed, no version)."""


@dataclass
class Problem:
    unit: str
    group: str
    source: str
    text: str
    points: Decimal | None = None


@dataclass
class Row:
    rank: int
    unit: Unit
    score: Decimal
    deducted: Decimal
    problems: int


@dataclass
class Group:
    name: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class Circular:
    period: Period
    groups: list[Group]
    problems: list[Problem]

    @property
    def target_count(self) -> int:
        return sum(len(group.rows) for group in self.groups)


def _fmt(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _points(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def circular_build(*, period: Period) -> Circular:
    """The circular's content for a closed half-year period; ``CircularError`` otherwise."""
    if period.kind != PeriodKind.HALF_YEAR:
        raise CircularError(_("只有半年评估周期有半年评估通报"), code="not_half_year")
    if period.status != PeriodStatus.CLOSED:
        raise CircularError(_("半年评估结束（考核办关闭该周期）后才能生成通报"), code="not_closed")
    try:
        document, unit_of = ranking_document(period=period, totals=period_totals, alone=True)
    except ValidationError as error:
        raise CircularError(" ".join(error.messages), code="no_version") from None
    if not unit_of:
        raise CircularError(_("该周期没有考核对象"), code="no_targets")
    try:
        result = evaluate(document).schemes[0]
    except ScenarioError as error:
        raise CircularError(
            _("考核引擎不能计算：%(error)s") % {"error": error}, code="engine"
        ) from None
    units = Unit.objects.in_bulk(list(unit_of.values()))
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(system__scheme_id=period.scheme_id).select_related(
            "system"
        )
    }
    responsible = {pk: i.responsible_unit_id for pk, i in indicators.items()}
    entries = ScoreEntry.objects.filter(period=period, target_id__in=list(unit_of.values()))
    counted = counted_entries(entries.select_related("scorer_unit"), responsible)
    group_of: dict[int, str] = {}
    for item in result.results:
        group_of[unit_of[item.target]] = item.group or ""
    problems: dict[int, list[Problem]] = {}
    deducted: dict[int, Decimal] = {}
    for (target, indicator_id), entry in sorted(
        counted.items(), key=lambda pair: (pair[0][0], indicators[pair[0][1]].code)
    ):
        indicator = indicators[indicator_id]
        if not counts_as_deduction(indicator, period) or entry.value <= 0:
            continue
        deducted[target] = deducted.get(target, Decimal(0)) + entry.value
        problems.setdefault(target, []).append(
            Problem(
                unit=units[target].name,
                group=group_of.get(target, ""),
                source=entry.scorer_unit.name,
                text=_("%(code)s %(name)s，扣 %(points)s 分：%(reason)s")
                % {
                    "code": indicator.code,
                    "name": indicator.name,
                    "points": _points(entry.value),
                    "reason": entry.reason or "—",
                },
                points=entry.value,
            )
        )
    checks = FieldCheck.objects.filter(period=period, target_id__in=list(unit_of.values()))
    for check in checks.order_by("checked_on", "pk"):
        problems.setdefault(check.target_id, []).append(
            Problem(
                unit=units[check.target_id].name,
                group=group_of.get(check.target_id, ""),
                source=_("实地考核·%(method)s %(day)s")
                % {"method": check.get_method_display(), "day": check.checked_on.isoformat()},
                text=check.findings,
            )
        )
    groups: dict[str, Group] = {}
    for item in result.results:
        unit_id = unit_of[item.target]
        groups.setdefault(item.group or "", Group(item.group or "")).rows.append(
            Row(
                rank=item.rank or 0,
                unit=units[unit_id],
                score=(item.score or Decimal(0)).quantize(Decimal("0.01")),
                deducted=deducted.get(unit_id, Decimal(0)),
                problems=len(problems.get(unit_id, [])),
            )
        )
    ordered = []
    for group in groups.values():
        group.rows.sort(key=lambda row: (row.rank, row.unit.code))
        ordered.append(group)
    listed = [
        problem
        for group in ordered
        for row in group.rows
        for problem in problems.get(row.unit.pk, [])
    ]
    return Circular(period=period, groups=ordered, problems=listed)


def remark_lines(remarks: str) -> list[str]:
    return [line.strip() for line in (remarks or "").splitlines() if line.strip()]


def circular_context(
    circular: Circular, *, remarks: str = "", today: dt.date | None = None
) -> dict[str, Any]:
    period = circular.period
    return {
        "scheme": period.scheme.name,
        "year": period.scheme.year.year,
        "period": period.name,
        "starts_on": letters.chinese_date(period.starts_on),
        "ends_on": letters.chinese_date(period.ends_on),
        "issued_on": letters.chinese_date(today or timezone.localdate()),
        "office": letters.office_name(),
        "target_count": circular.target_count,
        "groups": [
            {
                "name": group.name,
                "size": len(group.rows),
                "rows": [
                    {
                        "rank": row.rank,
                        "unit": row.unit.name,
                        "score": _fmt(row.score),
                        "deducted": _points(row.deducted),
                        "problems": row.problems,
                    }
                    for row in group.rows
                ],
            }
            for group in circular.groups
        ],
        "problems": [
            {"unit": p.unit, "group": p.group, "source": p.source, "text": p.text}
            for p in circular.problems
        ],
        "remarks": remark_lines(remarks),
    }


def sample_context() -> dict[str, Any]:
    """What a trial rendering of an uploaded circular template is filled with."""
    return {
        "scheme": "党建工作成效考核", "year": 2024, "period": "半年评估",
        "starts_on": "2024年6月15日", "ends_on": "2024年6月30日", "issued_on": "2024年7月5日",
        "office": letters.office_name(), "target_count": 2,
        "groups": [{"name": "镇街", "size": 2, "rows": [
            {"rank": 1, "unit": "白水镇", "score": "100.00", "deducted": "0", "problems": 0},
            {"rank": 2, "unit": "青山镇", "score": "97.00", "deducted": "3", "problems": 1},
        ]}],
        "problems": [{"unit": "青山镇", "group": "镇街", "source": "县委组织部",
                      "text": "1.2 理论学习，扣 3 分：中心组学习记录缺少研讨内容"}],
        "remarks": ["请各单位对照问题抓好整改。"],
    }  # fmt: skip


def circular_docx(circular: Circular, *, remarks: str = "", today: dt.date | None = None) -> bytes:
    template = letters.template_bytes(KIND, SHIPPED)
    return letters.render(template, circular_context(circular, remarks=remarks, today=today))


def circular_xlsx(circular: Circular) -> bytes:
    """The same table as a workbook: the ranking of each category, then the problems."""
    workbook = Workbook()
    ranking = header_sheet(
        workbook, "排名和得分",
        [("类别", 14), ("名次", 8), ("单位", 24), ("得分", 10), ("扣分合计", 10), ("扣分项", 8)],
    )  # fmt: skip
    for group in circular.groups:
        for row in group.rows:
            append_row(
                ranking,
                [group.name, row.rank, row.unit.name, row.score, row.deducted, row.problems],
                number_format={3: "0.00"},
            )
    problems = workbook.create_sheet("存在问题")
    append_row(problems, ["类别", "单位", "来源", "问题"])
    for letter, width in zip("ABCD", (14, 24, 28, 80), strict=True):
        problems.column_dimensions[letter].width = width
    for problem in circular.problems:
        append_row(problems, [problem.group, problem.unit, problem.source, problem.text])
    return workbook_bytes(workbook)


def circular_file_name(circular: Circular, suffix: str) -> str:
    period = circular.period
    return f"{period.scheme.year.year}年{period.scheme.name}半年评估通报.{suffix}"
