"""The preset schemes' calendars, as data: which periods a scheme of a preset brings for its
year, with the dates its seed document sets (or, where the seed leaves them blank, the
choice stated beside them).

A calendar is keyed by the scheme's preset and its code in that preset (``Scheme.preset``,
``Scheme.code``). ``calendar_for`` turns it into ``PeriodPlan`` rows for one year; the
service ``calendar_create`` writes them. A scheme written by hand has no calendar here.

- seed 000 三(1) 认真自查: a monthly progress report (任务推进情况、特色亮点、典型案例、存在问题)
  "每月xx日前": the seed leaves the day blank, so it is a parameter (default: the 5th of the
  next month); 每季度末 the completion of 重点任务和职能任务; 三(3) 定期分析: every quarter a
  ranking per category with red and yellow warnings; 三(4) 年度评定.
- seed 001 第十一条 季度监测: "一般在季度最后一个月20日左右启动，月底前结束", deductions only
  (第十条: 季度监测、半年评估实行扣分制); 第十二条 半年评估: "6月中旬启动，月底前结束",
  self-summary by 06-20, the evaluation to 组织部 by 06-25; 第十三条 年终考核 (no dates: the
  county's 年度综合考核 sets them; here as seed 004).
- seed 004 一(三)1 总结自评: the team's 工作总结 and each cadre's 述职述法报告 "于1月5日前",
  the entrusted units' results "于1月8日前" (of the year after the assessed one).
- seed 002 sets no dates: its year-end is seed 004's.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from dataclasses import dataclass, field

from kaohe.collection.models import PeriodKind, ReportKind

# 000 三(1) "每月xx日前": the day of the next month by which the monthly report is due.
DEFAULT_PROGRESS_DAY = 5
# Names are stored data (in the site's language, like the seeds), not interface text.
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass(frozen=True)
class PeriodPlan:
    """One period of a calendar, as ``period_create`` takes it."""

    kind: str
    key: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    report_due: dt.date | None = None
    review_due: dt.date | None = None
    report_kinds: tuple[str, ...] = field(default=())
    ranked: bool = False
    deductions_only: bool = False


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, _calendar.monthrange(year, month)[1])


def _next_month_day(year: int, month: int, day: int) -> dt.date:
    """The ``day`` of the month after (year, month), kept within that month."""
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return dt.date(year, month, min(day, _calendar.monthrange(year, month)[1]))


def monthly_progress(year: int, *, day: int = DEFAULT_PROGRESS_DAY) -> list[PeriodPlan]:
    """000 三(1): one period per month, its progress report due by ``day`` of the next month."""
    return [
        PeriodPlan(
            kind=PeriodKind.MONTHLY,
            key=f"M{month:02d}",
            name=f"{month}月工作进展",
            starts_on=dt.date(year, month, 1),
            ends_on=_month_end(year, month),
            report_due=_next_month_day(year, month, day),
            report_kinds=(ReportKind.PROGRESS,),
        )
        for month in range(1, 13)
    ]


def quarter_tasks(year: int) -> list[PeriodPlan]:
    """000 三(1) 每季度末 task completion, 三(3) the quarterly ranking per category.
    Choice: the report is due at the quarter's end, the ranking (scoring) by the 10th of the
    next month (the seed gives no day)."""
    plans = []
    for quarter in range(1, 5):
        last = quarter * 3
        plans.append(
            PeriodPlan(
                kind=PeriodKind.QUARTERLY,
                key=f"Q{quarter}",
                name=f"{QUARTER_NAMES[quarter]}任务完成情况和排名",
                starts_on=dt.date(year, last - 2, 1),
                ends_on=_month_end(year, last),
                report_due=_month_end(year, last),
                review_due=_next_month_day(year, last, 10),
                report_kinds=(ReportKind.QUARTER_TASKS,),
                ranked=True,
            )
        )
    return plans


def quarterly_monitoring(year: int) -> list[PeriodPlan]:
    """001 第十一条: from the 20th of the quarter's last month to its end, deductions only;
    the quarter's ranking gives the warnings (第十一条(八))."""
    return [
        PeriodPlan(
            kind=PeriodKind.QUARTERLY,
            key=f"Q{quarter}",
            name=f"{QUARTER_NAMES[quarter]}监测",
            starts_on=dt.date(year, quarter * 3, 20),
            ends_on=_month_end(year, quarter * 3),
            review_due=_month_end(year, quarter * 3),
            ranked=True,
            deductions_only=True,
        )
        for quarter in range(1, 5)
    ]


def half_year(year: int) -> PeriodPlan:
    """001 第十二条: 6月中旬 to the month's end; self-summary by 06-20, evaluation by 06-25
    (deductions only, 第十条)."""
    return PeriodPlan(
        kind=PeriodKind.HALF_YEAR,
        key="H1",
        name="半年评估",
        starts_on=dt.date(year, 6, 15),
        ends_on=dt.date(year, 6, 30),
        report_due=dt.date(year, 6, 20),
        review_due=dt.date(year, 6, 25),
        report_kinds=(ReportKind.HALF_YEAR_SUMMARY,),
        deductions_only=True,
    )


def year_end(year: int, report_kinds: tuple[str, ...], *, name: str = "") -> PeriodPlan:
    """The year-end assessment: from December 1st to the end of January after; reports due
    01-05 and results 01-08 of the next year (004 一(三)1, 一(一)4; 001 第十三条 sets none)."""
    return PeriodPlan(
        kind=PeriodKind.YEAR_END,
        key="Y",
        name=name or "年终考核",
        starts_on=dt.date(year, 12, 1),
        ends_on=dt.date(year + 1, 1, 31),
        report_due=dt.date(year + 1, 1, 5),
        review_due=dt.date(year + 1, 1, 8),
        report_kinds=report_kinds,
    )


def calendar_for(
    preset: str, code: str, year: int, *, progress_day: int = DEFAULT_PROGRESS_DAY
) -> list[PeriodPlan]:
    """The periods a scheme of ``preset`` with ``code`` brings for ``year`` (in date order);
    an empty list for a scheme no preset calendar knows."""
    summary, report = (ReportKind.WORK_SUMMARY,), (ReportKind.WORK_REPORT,)
    plans: list[PeriodPlan]
    match preset, code:
        case "seed000-style", "style":
            # 000 三(4) 年度评定 from the quarterly rankings: no report of its own.
            plans = [
                *monthly_progress(year, day=progress_day),
                *quarter_tasks(year),
                year_end(year, (), name="年度评定"),
            ]
        case "seed001-party", "party":
            plans = [*quarterly_monitoring(year), half_year(year), year_end(year, summary)]
        case "seed001-party", "review":
            # 党委(党组)书记抓基层党建工作述职评议: the secretary's report at the year's end.
            plans = [year_end(year, report, name="年终述职评议")]
        case ("seed002-team", "team") | ("seed004-annual", "team"):
            plans = [year_end(year, summary)]
        case ("seed002-team", "cadre") | ("seed004-annual", "cadre"):
            # 004 一(三)1: 个人述职述法报告 (about 2,500 characters).
            plans = [year_end(year, report)]
        case _:
            plans = []
    return sorted(plans, key=lambda plan: (plan.starts_on, plan.key))


def default_calendar(year: int) -> list[PeriodPlan]:
    """The calendar the office may give a scheme written by hand (no preset, no periods):
    the four quarters ranked per category (scores due by the 10th of the next month, as
    ``quarter_tasks``, without a report), the half-year evaluation of seed 001 第十二条 and
    a year-end assessment with the 工作总结. The office edits the dates afterwards."""
    quarters = [
        PeriodPlan(
            kind=PeriodKind.QUARTERLY,
            key=f"Q{quarter}",
            name=f"{QUARTER_NAMES[quarter]}考核",
            starts_on=dt.date(year, quarter * 3 - 2, 1),
            ends_on=_month_end(year, quarter * 3),
            review_due=_next_month_day(year, quarter * 3, 10),
            ranked=True,
        )
        for quarter in range(1, 5)
    ]
    plans = [*quarters, half_year(year), year_end(year, (ReportKind.WORK_SUMMARY,))]
    return sorted(plans, key=lambda plan: (plan.starts_on, plan.key))


# The engine's name of a period, by its kind (a period added by hand must follow it).
KEY_PATTERNS = {
    PeriodKind.MONTHLY: r"M(0[1-9]|1[0-2])",
    PeriodKind.QUARTERLY: r"Q[1-4]",
    PeriodKind.HALF_YEAR: r"H[12]",
    PeriodKind.YEAR_END: r"Y",
}
KEY_EXAMPLES = {
    PeriodKind.MONTHLY: "M01…M12",
    PeriodKind.QUARTERLY: "Q1…Q4",
    PeriodKind.HALF_YEAR: "H1、H2",
    PeriodKind.YEAR_END: "Y",
}


def has_calendar(preset: str, code: str) -> bool:
    return bool(calendar_for(preset, code, 2000))


def date_window(year: int) -> tuple[dt.date, dt.date]:
    """The dates a period of ``year`` may take: the year itself and the first quarter after
    (the December report and the year-end assessment fall in January)."""
    return dt.date(year, 1, 1), dt.date(year + 1, 3, 31)
