"""Demo reports: the assessed units' reports of the demo year in every state.

``reports_demo_load(year=..., today=...)`` works on the periods that exist for the year's
schemes (the calendar loader makes them). When the year has no period asking for reports,
it makes a small calendar of the 党建 scheme itself (monthly progress reports up to
``today``, the quarters' task reports, the half-year summary), with ``period_create``.

Each report goes through the services, as a unit and the office would: saved, submitted
(on time or late), sent back with a reason, resubmitted, accepted; some units have not
reported. A closed period is reopened for the load and closed again (its audit rows say
so). The demo liaison's unit (青山镇) always has a returned report and one still due, so
its to-do list shows both. Idempotent: a period that already has reports is left alone.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import Counter
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.collection import reports as svc
from kaohe.collection.evidence import attachment_save
from kaohe.collection.models import (
    OwnerType,
    Period,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportKind,
)
from kaohe.collection.services import period_create, period_set_status

DEMO_REASON = "载入演示报送材料"
# At most this many monthly periods (the latest) get reports; older months stay as they are.
RECENT_MONTHS = 3
RETURN_REASONS = (
    "典型案例只有标题，请补充具体做法和成效",
    "存在问题过于笼统，请结合本单位实际逐条列出并提出整改措施",
    "佐证材料不全，请补充会议记录和照片",
)
# A tiny valid PDF (one empty page) as every demo unit's evidence.
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _calendar(*, year: int, today: dt.date) -> list[Period]:
    """A small calendar of the 党建 scheme (used only when the year has no report periods)."""
    from kaohe.schemes.models import Scheme

    if Period.objects.filter(scheme__year__year=year).exclude(report_kinds=[]).exists():
        return []  # the year has its calendar
    scheme = Scheme.objects.filter(year__year=year, preset="seed001-party", code="party").first()
    if scheme is None:
        return []
    made: list[Period] = []

    def add(kind: str, key: str, name: str, start: dt.date, end: dt.date, due: dt.date,
            kinds: list[str], **extra: Any) -> None:  # fmt: skip
        if start > today or Period.objects.filter(scheme=scheme, key=key).exists():
            return
        made.append(
            period_create(
                actor=None,
                scheme=scheme,
                kind=kind,
                key=key,
                name=name,
                starts_on=start,
                ends_on=end,
                report_due=due,
                review_due=due + dt.timedelta(days=5),
                report_kinds=kinds,
                status=PeriodStatus.OPEN,
                **extra,
            )
        )

    for month in range(1, 13):
        end = _month_end(year, month)
        add(PeriodKind.MONTHLY, f"M{month:02d}", f"{month}月工作进展", dt.date(year, month, 1),
            end, end + dt.timedelta(days=5), [ReportKind.PROGRESS])  # fmt: skip
    for quarter in range(1, 5):
        last = quarter * 3
        end = _month_end(year, last)
        add(PeriodKind.QUARTERLY, f"Q{quarter}", f"第{quarter}季度监测",
            dt.date(year, last, 20), end, end, [ReportKind.QUARTER_TASKS],
            ranked=True, deductions_only=True)  # fmt: skip
    add(PeriodKind.HALF_YEAR, "H1", "半年评估", dt.date(year, 6, 1), dt.date(year, 6, 30),
        dt.date(year, 6, 20), [ReportKind.HALF_YEAR_SUMMARY])  # fmt: skip
    add(PeriodKind.YEAR_END, "Y", "年终考核", dt.date(year, 12, 1), dt.date(year, 12, 31),
        dt.date(year, 12, 25), [ReportKind.WORK_SUMMARY, ReportKind.WORK_REPORT])  # fmt: skip
    # Past periods close once their review is due; the latest of each kind stays open.
    for period in made:
        newer = [p for p in made if p.kind == period.kind and p.starts_on > period.starts_on]
        if newer and period.review_due is not None and period.review_due < today:
            period.status = PeriodStatus.CLOSED  # closed after the load (see below)
    return made


def _text(kind: str, unit: str, period: str, rng: random.Random, *, short: bool) -> dict[str, str]:
    if kind == ReportKind.PROGRESS:
        return {
            "tasks": f"{period}，{unit}党委召开专题会议研究部署党建重点任务{rng.randint(2, 5)}次，"
            f"完成党员教育培训{rng.randint(80, 300)}人次，按计划推进基层党组织标准化建设。",
            "highlights": f"{unit}推行“党建+网格”治理模式，组建党员先锋队{rng.randint(3, 12)}支。",
            "cases": "某村党支部领办合作社，带动群众增收，经验在全县交流。",
            "problems": "个别支部“三会一课”记录不规范；党员教育方式较单一，下一步加强督导。",
        }
    if kind == ReportKind.QUARTER_TASKS:
        return {
            "key_tasks": f"{unit}本季度重点任务{rng.randint(8, 15)}项，已完成"
            f"{rng.randint(6, 8)}项，其余按序时推进。",
            "duty_tasks": "职能任务均按计划完成，无滞后事项。",
        }
    paragraph = (
        f"{unit}坚持以习近平新时代中国特色社会主义思想为指导，认真落实全面从严治党主体责任，"
        "围绕中心工作抓党建、抓好党建促发展，班子成员带头履行“一岗双责”，"
        "扎实推进法治建设，依法决策、依法履职的能力不断提高，群众满意度持续提升。"
    )
    repeat = 6 if short else 26  # ~2,500 characters (a few far below, to show the warning)
    return {"text": "\n".join(paragraph for _ in range(repeat))}


def _at(day: dt.date, hour: int) -> dt.datetime:
    """That hour of ``day``, never later than now (a demo loaded in the morning)."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return min(moment, timezone.now() - dt.timedelta(minutes=5))


def _liaisons() -> dict[int, Any]:
    from kaohe.core.models import User
    from kaohe.core.roles import Role

    found: dict[int, Any] = {}
    for user in User.objects.filter(role=Role.LIAISON, unit__isnull=False).order_by("pk"):
        if user.unit_id is not None:
            found.setdefault(user.unit_id, user)
    return found


def _office() -> Any:
    from kaohe.core.models import User
    from kaohe.core.roles import Role

    return User.objects.filter(role=Role.OFFICE_ADMIN, is_active=True).order_by("pk").first()


@transaction.atomic
def reports_demo_load(*, year: int, today: dt.date) -> dict[str, int]:
    """Reports in every state for the demo year's periods (see the module's docstring);
    returns the number of periods made and of reports by status."""
    made = _calendar(year=year, today=today)
    candidates = list(
        Period.objects.filter(scheme__year__year=year)
        .exclude(report_kinds=[])
        .exclude(status=PeriodStatus.PLANNED)
        .filter(starts_on__lte=today)
        .order_by("starts_on", "pk")
    )
    monthly = [p for p in candidates if p.kind == PeriodKind.MONTHLY]
    periods = [
        p
        for p in [p for p in candidates if p.kind != PeriodKind.MONTHLY] + monthly[-RECENT_MONTHS:]
        if not Report.objects.filter(period=p).exists()
    ]
    to_close = {p.pk for p in made if p.status == PeriodStatus.CLOSED}
    liaisons, office = _liaisons(), _office()
    demo_unit = next(
        (unit_id for unit_id, user in liaisons.items() if user.username == "liaison"), None
    )
    latest = max(periods, key=lambda p: (p.starts_on, p.pk)).pk if periods else None
    counts: Counter[str] = Counter()
    rng = random.Random(year)
    for period in sorted(periods, key=lambda p: (p.starts_on, p.pk)):
        period.refresh_from_db()
        if period.status == PeriodStatus.CLOSED:
            period_set_status(
                actor=None, period=period, status=PeriodStatus.OPEN, reason=DEMO_REASON
            )
            to_close.add(period.pk)
        due = period.report_due or period.ends_on
        current = due >= today
        for index, unit in enumerate(svc.period_targets(period)):
            for kind in period.report_kinds:
                state = _state(rng, current=current, is_demo=unit.pk == demo_unit,
                               latest=period.pk == latest,
                               stays_open=period.pk not in to_close)  # fmt: skip
                _load_one(period, unit, kind, state, rng, liaisons.get(unit.pk), office,
                          due=due, today=today, short=index % 9 == 4)  # fmt: skip
                counts[state] += 1
    for pk in to_close:
        period_set_status(actor=None, period=Period.objects.get(pk=pk), status=PeriodStatus.CLOSED)
    return {"periods_made": len(made), **{f"reports_{k}": v for k, v in sorted(counts.items())}}


STATES_PAST = (
    ["accepted"] * 8 + ["accepted_late"] * 2 + ["returned", "submitted", "missing", "draft"]
)
STATES_CURRENT = ["submitted"] * 4 + ["accepted"] * 2 + ["draft"] * 2 + ["missing"] * 3


def _state(
    rng: random.Random, *, current: bool, is_demo: bool, latest: bool, stays_open: bool
) -> str:
    if is_demo:
        # The demo liaison: the latest period still to do, the other open ones sent back.
        return "missing" if latest else ("returned" if stays_open else "accepted")
    return rng.choice(STATES_CURRENT if current else STATES_PAST)


def _load_one(
    period: Period, unit: Any, kind: str, state: str, rng: random.Random, writer: Any,
    office: Any, *, due: dt.date, today: dt.date, short: bool,
) -> None:  # fmt: skip
    if state == "missing":
        return
    sections = _text(kind, unit.name, period.name, rng, short=short)
    report = svc.report_save(actor=writer, period=period, unit=unit, kind=kind, sections=sections)
    if rng.random() < 0.5 or state == "returned":
        attachment_save(
            actor=writer, unit=unit, owner_type=OwnerType.REPORT, owner_id=report.pk,
            upload=DEMO_PDF, name=f"{unit.name}{period.name}佐证材料.pdf",
        )  # fmt: skip
    if state == "draft":
        return
    late = state == "accepted_late"
    day = min(due + dt.timedelta(days=rng.randint(1, 6)) if late
              else due - dt.timedelta(days=rng.randint(0, 4)), today)  # fmt: skip
    report = svc.report_submit(actor=writer, report=report, at=_at(day, rng.randint(9, 17)))
    if state == "submitted":
        return
    review_day = min(day + dt.timedelta(days=2), today)
    if state == "returned":
        svc.report_review(
            actor=office, report=report, accept=False, reason=rng.choice(RETURN_REASONS),
            at=_at(review_day, 15),
        )  # fmt: skip
        return
    svc.report_review(actor=office, report=report, accept=True, at=_at(review_day, 16))
