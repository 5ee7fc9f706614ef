"""The demo's quarterly rankings and warnings: ``warnings_demo_load(year=..., today=...)``.

Runs after the demo's periods and scores are loaded. It ranks each past ranked period of
the year's 党建工作成效考核 scheme (seed 001) that has scores, through the engine as the
office would (issued the day after the period ends), then moves the rectifications along
so that every page has content: some signed off, some answered and waiting, some sent
back, some still open (the late ones escalated). A period without any score is left
unranked: with every unit tied, the engine would warn them all. Running it again changes
nothing (the ranking is idempotent and only untouched tasks are moved).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kaohe.collection.models import Period, PeriodStatus, Rectification, RectificationStatus
from kaohe.collection.ranking import period_rank
from kaohe.collection.rectification import (
    rectification_return,
    rectification_sign_off,
    rectification_submit,
    rectifications_escalate,
)

# A one-page PDF of evidence (a 整改台账 placeholder).
EVIDENCE = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
FEEDBACK = (
    "一、原因分析：对季度重点任务推进统筹不够，部分指标进度滞后。\n"
    "二、整改措施：召开专题会议逐项分析，建立整改台账，明确责任人和完成时限。\n"
    "三、完成情况：各项整改措施已落实，相关工作已按时序进度推进。"
)


def _users() -> tuple[Any, dict[int, Any]]:
    from kaohe.core.models import User
    from kaohe.core.roles import Role

    office = User.objects.filter(role=Role.OFFICE_ADMIN, is_active=True).order_by("pk").first()
    liaisons: dict[int, Any] = {}
    for user in User.objects.filter(role=Role.LIAISON, is_active=True).order_by("pk"):
        if user.unit_id is not None:
            liaisons.setdefault(user.unit_id, user)
    return office, liaisons


def warnings_demo_load(*, year: int, today: dt.date) -> dict[str, int]:
    from kaohe.collection.models import ScoreEntry
    from kaohe.schemes.models import Scheme

    summary = {"periods": 0, "warnings": 0, "signed_off": 0, "submitted": 0, "returned": 0,
               "open": 0, "escalated": 0}  # fmt: skip
    scheme = Scheme.objects.filter(
        year__year=year, preset="seed001-party", code="party", current_version__isnull=False
    ).first()
    if scheme is None:
        return summary
    office, liaisons = _users()
    periods = Period.objects.filter(scheme=scheme, ranked=True, ends_on__lt=today).exclude(
        status=PeriodStatus.PLANNED
    )
    for period in periods.order_by("starts_on"):
        if not ScoreEntry.objects.filter(period=period).exists():
            continue
        issued = min(period.ends_on + dt.timedelta(days=1), today)
        outcome = period_rank(actor=office, period=period, today=issued)
        summary["periods"] += 1
        summary["warnings"] += len(outcome.issued) + len(outcome.kept) + len(outcome.reinstated)

    tasks = (
        Rectification.objects.filter(
            warning__period__scheme=scheme, warning__withdrawn_at__isnull=True
        )
        .select_related("warning__period", "unit")
        .order_by("warning__period__starts_on", "unit__code")
    )
    for index, task in enumerate(tasks):
        step = index % 4  # a task's place decides its state, so a second run moves none
        untouched = task.status == RectificationStatus.OPEN and task.submitted_at is None
        if step == 2 or not untouched:  # step 2 stays open: due, or late and escalated
            continue
        unit_user = liaisons.get(task.unit_id)
        rectification_submit(
            actor=unit_user, rectification=task, feedback=FEEDBACK, files=[EVIDENCE]
        )
        if step == 0:
            rectification_sign_off(actor=office, rectification=task, note="整改到位，予以销号")
        elif step == 3:
            rectification_return(
                actor=office,
                rectification=task,
                reason="整改措施不够具体，请补充整改台账和完成时限",
            )
    summary["escalated"] = len(rectifications_escalate(today=today))
    counts = {
        RectificationStatus.SIGNED_OFF: "signed_off",
        RectificationStatus.SUBMITTED: "submitted",
        RectificationStatus.RETURNED: "returned",
        RectificationStatus.OPEN: "open",
    }
    for status, key in counts.items():
        summary[key] = Rectification.objects.filter(
            warning__period__scheme=scheme, status=status
        ).count()
    return summary
