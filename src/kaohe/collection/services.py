"""Writes of the collection app's periods (one transaction and one audit row each)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from kaohe.collection.models import Period, PeriodKind, PeriodStatus
from kaohe.core.audit import audit_record, snapshot
from kaohe.core.workflow import Workflow

PERIOD_TRANSITIONS = {
    (PeriodStatus.PLANNED, PeriodStatus.OPEN),
    (PeriodStatus.OPEN, PeriodStatus.CLOSED),
    # Reopening a closed period (its scores stop being final) needs a written reason.
    (PeriodStatus.CLOSED, PeriodStatus.OPEN),
}
PERIOD_WORKFLOW = Workflow(
    PERIOD_TRANSITIONS,
    states=PeriodStatus,
    action="period.status",
    code="period_transition",
    reason_required={(PeriodStatus.CLOSED, PeriodStatus.OPEN)},
)

PERIOD_FIELDS = (
    "kind", "key", "name", "starts_on", "ends_on", "report_due", "review_due",
    "report_kinds", "ranked", "deductions_only",
)  # fmt: skip


@transaction.atomic
def period_create(
    *,
    actor: Any,
    scheme: Any,
    kind: PeriodKind | str,
    key: str,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    report_due: dt.date | None = None,
    review_due: dt.date | None = None,
    report_kinds: Sequence[str] = (),
    ranked: bool = False,
    deductions_only: bool = False,
    status: PeriodStatus | str = PeriodStatus.PLANNED,
) -> Period:
    period = Period(
        scheme=scheme, kind=kind, key=key, name=name, starts_on=starts_on, ends_on=ends_on,
        report_due=report_due, review_due=review_due, report_kinds=list(report_kinds),
        ranked=ranked, deductions_only=deductions_only, status=status,
    )  # fmt: skip
    period.full_clean()
    period.save()
    audit_record(
        actor=actor,
        action="period.create",
        obj=period,
        after=snapshot(period, ("scheme", *PERIOD_FIELDS)),
    )
    return period


@transaction.atomic
def period_set_status(
    *, actor: Any, period: Period, status: PeriodStatus | str, reason: str = ""
) -> Period:
    """Open, close or reopen a period. Closing makes its scores final (the scoring services
    ask for a reason to change one after that)."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    fields: list[str] = []
    if status == PeriodStatus.CLOSED:
        period.closed_at, period.closed_by = timezone.now(), actor
        fields = ["closed_at", "closed_by"]
    elif period.status == PeriodStatus.CLOSED:
        period.closed_at, period.closed_by = None, None
        fields = ["closed_at", "closed_by"]
    PERIOD_WORKFLOW.move(period, status, actor=actor, fields=fields, reason=reason)
    return period
