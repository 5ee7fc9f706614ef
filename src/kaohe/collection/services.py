"""Writes of the collection app's periods (one transaction and one audit row each)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.collection.calendar import (
    DEFAULT_PROGRESS_DAY,
    KEY_EXAMPLES,
    KEY_PATTERNS,
    PeriodPlan,
    calendar_for,
    date_window,
    default_calendar,
)
from kaohe.collection.models import Period, PeriodKind, PeriodStatus
from kaohe.core.audit import audit_record, snapshot
from kaohe.core.errors import field_error
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
    period_dates_check(
        year=scheme.year.year, starts_on=starts_on, ends_on=ends_on,
        report_due=report_due, review_due=review_due,
    )  # fmt: skip
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


class PeriodError:
    """The codes of the period services' refusals (tests assert on them)."""

    ENDS_BEFORE_START = "period_ends_before_start"
    OUTSIDE_YEAR = "period_outside_year"
    DUE_BEFORE_START = "period_due_before_start"
    REVIEW_BEFORE_REPORT = "period_review_before_report"
    CLOSED = "period_closed"
    NO_CALENDAR = "calendar_none"
    HAS_PRESET = "calendar_has_preset"
    HAS_PERIODS = "calendar_has_periods"
    KEY_TAKEN = "period_key_taken"
    KEY_FORMAT = "period_key_format"


DATE_LABELS = {
    "starts_on": gettext_lazy("开始日期"),
    "ends_on": gettext_lazy("结束日期"),
    "report_due": gettext_lazy("报送截止"),
    "review_due": gettext_lazy("评分、审核截止"),
}


def period_dates_check(
    *,
    year: int,
    starts_on: dt.date,
    ends_on: dt.date,
    report_due: dt.date | None,
    review_due: dt.date | None,
) -> None:
    """Refuse dates that cannot belong to a period of ``year``, each on its own field: the
    end before the start, a date outside the year (and the first quarter after it, where the
    December report and the year-end fall), a deadline before the start, the review before
    the report."""
    errors: dict[str, ValidationError] = {}
    first, last = date_window(year)
    dates = {"starts_on": starts_on, "ends_on": ends_on, "report_due": report_due,
             "review_due": review_due}  # fmt: skip
    for name, value in dates.items():
        if value is not None and not first <= value <= last:
            errors[name] = ValidationError(
                _("%(field)s须在 %(first)s 至 %(last)s 之间（考核年度及次年一季度）")
                % {
                    "field": DATE_LABELS[name],
                    "first": first.isoformat(),
                    "last": last.isoformat(),
                },
                code=PeriodError.OUTSIDE_YEAR,
            )
    if "ends_on" not in errors and ends_on < starts_on:
        errors["ends_on"] = ValidationError(
            _("结束日期不能早于开始日期（%(date)s）") % {"date": starts_on.isoformat()},
            code=PeriodError.ENDS_BEFORE_START,
        )
    for name in ("report_due", "review_due"):
        value = dates[name]
        if name not in errors and value is not None and value < starts_on:
            errors[name] = ValidationError(
                _("%(field)s不能早于开始日期（%(date)s）")
                % {"field": DATE_LABELS[name], "date": starts_on.isoformat()},
                code=PeriodError.DUE_BEFORE_START,
            )
    if (
        not {"report_due", "review_due"} & errors.keys()
        and report_due is not None
        and review_due is not None
        and review_due < report_due
    ):
        errors["review_due"] = ValidationError(
            _("评分、审核截止不能早于报送截止（%(date)s）") % {"date": report_due.isoformat()},
            code=PeriodError.REVIEW_BEFORE_REPORT,
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def period_update(
    *,
    actor: Any,
    period: Period,
    name: str,
    starts_on: dt.date,
    ends_on: dt.date,
    report_due: dt.date | None,
    review_due: dt.date | None,
) -> Period:
    """The office edits a period's name and dates; a closed period is reopened first (its
    scores are final)."""
    period = Period.objects.select_for_update().select_related("scheme__year").get(pk=period.pk)
    if period.is_closed:
        raise field_error("starts_on", _("已关闭的周期不能修改，请先重新打开"), PeriodError.CLOSED)
    period_dates_check(
        year=period.scheme.year.year, starts_on=starts_on, ends_on=ends_on,
        report_due=report_due, review_due=review_due,
    )  # fmt: skip
    fields = ("name", "starts_on", "ends_on", "report_due", "review_due")
    before = snapshot(period, fields)
    period.name, period.starts_on, period.ends_on = name, starts_on, ends_on
    period.report_due, period.review_due = report_due, review_due
    period.full_clean()
    period.save(update_fields=list(fields))
    audit_record(
        actor=actor, action="period.update", obj=period, before=before,
        after=snapshot(period, fields),
    )  # fmt: skip
    return period


@transaction.atomic
def calendar_create(
    *, actor: Any, scheme: Any, progress_day: int = DEFAULT_PROGRESS_DAY
) -> list[Period]:
    """Create the periods the scheme's preset calendar brings for its year (``calendar``),
    in one transaction with one audit row. Idempotent: a period whose key the scheme already
    has is left as it is (the office may have changed its dates), so a second call creates
    nothing and writes no audit row. A scheme with no preset calendar is refused."""
    plans = calendar_for(scheme.preset, scheme.code, scheme.year.year, progress_day=progress_day)
    if not plans:
        raise field_error(
            "scheme",
            _("方案「%(name)s」没有预置的考核日历（仅由预置方案创建的方案有）")
            % {"name": scheme.name},
            PeriodError.NO_CALENDAR,
        )
    # Lock the scheme row, so two clicks at once take turns and the second finds the first's.
    type(scheme).objects.select_for_update().filter(pk=scheme.pk).first()
    existing = set(Period.objects.filter(scheme=scheme).values_list("key", flat=True))
    created = []
    for plan in plans:
        if plan.key in existing:
            continue
        period = Period(
            scheme=scheme, kind=plan.kind, key=plan.key, name=plan.name,
            starts_on=plan.starts_on, ends_on=plan.ends_on, report_due=plan.report_due,
            review_due=plan.review_due, report_kinds=list(plan.report_kinds),
            ranked=plan.ranked, deductions_only=plan.deductions_only,
        )  # fmt: skip
        period.full_clean()
        created.append(period)
    if not created:
        return []
    Period.objects.bulk_create(created)
    audit_record(
        actor=actor,
        action="period.calendar_create",
        obj=scheme,
        after={"year": scheme.year.year, "periods": [p.key for p in created]},
    )
    return list(Period.objects.filter(scheme=scheme, key__in=[p.key for p in created]))


def period_key_check(*, scheme: Any, kind: PeriodKind | str, key: str) -> None:
    """A period added by hand: its key is the engine's name of its kind (``Q1`` for a
    quarter …) and not yet used in the scheme (each on the ``key`` field)."""
    kind = PeriodKind(kind)
    if not re.fullmatch(KEY_PATTERNS[kind], key):
        raise field_error(
            "key",
            _("%(kind)s的周期代码应为 %(examples)s，不能是「%(key)s」")
            % {"kind": kind.label, "examples": KEY_EXAMPLES[kind], "key": key[:20]},
            PeriodError.KEY_FORMAT,
        )
    if Period.objects.filter(scheme=scheme, key=key).exists():
        raise field_error(
            "key",
            _("本方案已有周期代码「%(key)s」，请换一个或修改原有周期") % {"key": key},
            PeriodError.KEY_TAKEN,
        )


@transaction.atomic
def period_add(
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
) -> Period:
    """The office adds one period to a scheme by hand (a scheme written without a preset
    has no calendar): the key is checked against its kind and the scheme's other periods,
    the dates as ``period_dates_check``; one audit row (``period.create``)."""
    type(scheme).objects.select_for_update().filter(pk=scheme.pk).first()
    period_key_check(scheme=scheme, kind=kind, key=key)
    return period_create(
        actor=actor, scheme=scheme, kind=kind, key=key, name=name, starts_on=starts_on,
        ends_on=ends_on, report_due=report_due, review_due=review_due,
        report_kinds=report_kinds, ranked=ranked, deductions_only=deductions_only,
    )  # fmt: skip


@transaction.atomic
def calendar_default_create(*, actor: Any, scheme: Any) -> list[Period]:
    """Give a scheme written by hand (no preset calendar) that has no period yet the default
    calendar (``default_calendar``) in one transaction with one audit row. Refused for a
    scheme with a preset calendar (use ``calendar_create``) or with periods already."""
    if calendar_for(scheme.preset, scheme.code, scheme.year.year):
        raise field_error("scheme", _("本方案有预置日历，请按预置日历建立"), PeriodError.HAS_PRESET)
    type(scheme).objects.select_for_update().filter(pk=scheme.pk).first()
    if Period.objects.filter(scheme=scheme).exists():
        raise field_error(
            "scheme",
            _("本方案已有考核周期，默认日历只用于还没有周期的方案；可逐个新增周期"),
            PeriodError.HAS_PERIODS,
        )
    plans: list[PeriodPlan] = default_calendar(scheme.year.year)
    created = []
    for plan in plans:
        period = Period(
            scheme=scheme, kind=plan.kind, key=plan.key, name=plan.name,
            starts_on=plan.starts_on, ends_on=plan.ends_on, report_due=plan.report_due,
            review_due=plan.review_due, report_kinds=list(plan.report_kinds),
            ranked=plan.ranked, deductions_only=plan.deductions_only,
        )  # fmt: skip
        period.full_clean()
        created.append(period)
    Period.objects.bulk_create(created)
    audit_record(
        actor=actor,
        action="period.calendar_default",
        obj=scheme,
        after={"year": scheme.year.year, "periods": [p.key for p in created]},
    )
    return list(Period.objects.filter(scheme=scheme).order_by("starts_on", "key"))
