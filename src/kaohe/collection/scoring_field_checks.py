"""Field checks (实地考核, seed 000 三(2)): selectors and services.

A team member (``Action.FIELD_CHECK_EDIT``) or the office records a check of a target in a
period, with evidence, and the deductions it finds (indicator, points, reason). A deduction
is *proposed*: the indicator's responsible unit (or its lead unit, or the office) confirms
it from the cell's detail page, which adds the points to that unit's entry of the cell
(never above the indicator's limit) and appends the check's reason. So the responsible
unit's entry stays the one that counts (001 第十一条), and every point has a named source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.evidence import attachment_save, attachment_share
from kaohe.collection.models import (
    Attachment,
    DeductionStatus,
    FieldCheck,
    FieldCheckDeduction,
    FieldCheckMethod,
    OwnerType,
    Period,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.scoring import (
    MAX_REASON,
    SCORED_KINDS,
    _fmt,
    _snapshot,
    counts_as_deduction,
    is_office,
    may_score_as,
    refuse,
    score_limit,
)
from kaohe.core.audit import audit_record
from kaohe.core.roles import Action, Role, can, role_of
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator, IndicatorSystem, SystemStatus


def field_checks_for_user(user: object) -> QuerySet[FieldCheck]:
    """Checks a user may read: a liaison those of its own unit; the other roles that read
    scores, all."""
    if not can(user, Action.SCORE_VIEW):
        return FieldCheck.objects.none()
    checks = FieldCheck.objects.select_related("period", "target", "recorded_by")
    if role_of(user) == Role.LIAISON:
        return checks.filter(target_id=getattr(user, "unit_id", None))
    return checks


def field_check_periods_for_user(user: object) -> QuerySet[Period]:
    if not can(user, Action.SCORE_VIEW):
        return Period.objects.none()
    return (
        Period.objects.filter(kind__in=SCORED_KINDS)
        .exclude(status=PeriodStatus.PLANNED)
        .select_related("scheme")
    )


def check_targets(period: Period) -> QuerySet[Unit]:
    """The units a check of ``period`` may concern: those of a category with a published
    indicator system of its scheme."""
    categories = (
        IndicatorSystem.objects.filter(scheme_id=period.scheme_id)
        .exclude(status=SystemStatus.DRAFT)
        .values("category_id")
    )
    return Unit.objects.filter(category_id__in=categories, is_active=True).order_by(
        "category__order", "order", "code"
    )


def deduction_indicators(period: Period, target: Unit) -> list[Indicator]:
    """The leaf indicators of the target's system that count as deductions in ``period``."""
    indicators = list(
        Indicator.objects.filter(
            system__scheme_id=period.scheme_id, system__category_id=target.category_id
        )
        .exclude(system__status=SystemStatus.DRAFT)
        .select_related("responsible_unit")
        .order_by("order", "code")
    )
    parents = {i.parent_id for i in indicators}
    return [i for i in indicators if i.pk not in parents and counts_as_deduction(i, period)]


def _may_record(actor: Any, period: Period) -> None:
    if actor is not None and not can(actor, Action.FIELD_CHECK_EDIT):
        raise PermissionDenied
    if period.kind not in SCORED_KINDS:
        raise ValidationError(_("该周期只报送材料，不评分"), code="period_not_scored")
    if period.status == PeriodStatus.PLANNED:
        raise ValidationError(_("该周期尚未开始"), code="period_planned")
    if period.status == PeriodStatus.CLOSED and actor is not None and not is_office(actor):
        raise ValidationError(_("该周期已关闭，只有考核办可以补记"), code="period_closed")


@transaction.atomic
def field_check_create(
    *,
    actor: Any,
    period: Period,
    target: Unit,
    method: FieldCheckMethod | str,
    checked_on: dt.date,
    findings: str,
    uploads: Sequence[IO[bytes]] = (),
    today: dt.date | None = None,
) -> FieldCheck:
    _may_record(actor, period)
    if not check_targets(period).filter(pk=target.pk).exists():
        raise refuse("target", _("该单位不是本周期的考核对象"), "scope")
    day = today or timezone.localdate()
    year = period.starts_on.year
    if checked_on > day:
        raise refuse("checked_on", _("日期不能晚于今天"), "future")
    if not dt.date(year, 1, 1) <= checked_on <= dt.date(period.ends_on.year + 1, 12, 31):
        raise refuse("checked_on", _("日期须在 %(y)s 年考核期间") % {"y": year}, "date_range")
    findings = findings.strip()
    if not findings:
        raise refuse("findings", _("请填写发现的问题与情况"), "required")
    check = FieldCheck.objects.create(
        period=period, target=target, method=method, checked_on=checked_on, findings=findings,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        recorded_at=timezone.now(),
    )  # fmt: skip
    names = [
        attachment_save(
            actor=actor, unit=target, owner_type=OwnerType.FIELD_CHECK, owner_id=check.pk,
            upload=upload,
        ).original_name
        for upload in uploads
    ]  # fmt: skip
    audit_record(
        actor=actor, action="field_check.create", obj=check,
        after={"period": period.pk, "target": target.pk, "method": str(method),
               "checked_on": checked_on, "findings": findings, "evidence": names},
    )  # fmt: skip
    return check


@transaction.atomic
def field_check_deduction_add(
    *, actor: Any, field_check: FieldCheck, indicator: Indicator, points: Decimal, reason: str
) -> FieldCheckDeduction:
    """Propose a deduction found by ``field_check`` (the responsible unit confirms it)."""
    period = field_check.period
    _may_record(actor, period)
    if indicator.pk not in {i.pk for i in deduction_indicators(period, field_check.target)}:
        raise refuse("indicator", _("只能对本对象指标体系中按扣分计的末级指标扣分"), "scope")
    limit = score_limit(indicator, period)
    if points <= 0:
        raise refuse("points", _("扣分须大于 0"), "negative")
    if points != points.quantize(Decimal("0.01")):
        raise refuse("points", _("最多保留两位小数"), "decimals")
    if points > limit:
        raise refuse("points", _("扣分不能超过 %(n)s 分") % {"n": _fmt(limit)}, "above_limit")
    reason = reason.strip()
    if not reason:
        raise refuse("reason", _("扣分须填写理由"), "reason_required")
    if len(reason) > MAX_REASON:
        raise refuse("reason", _("理由过长"), "too_long")
    deduction = FieldCheckDeduction.objects.create(
        field_check=field_check, indicator=indicator, points=points, reason=reason
    )
    audit_record(
        actor=actor, action="field_check.deduct", obj=deduction,
        after={"field_check": field_check.pk, "indicator": indicator.pk, "points": points,
               "reason": reason},
    )  # fmt: skip
    return deduction


def confirming_unit(actor: Any, indicator: Indicator) -> Unit | None:
    """The unit whose entry a confirmation changes: the actor's own unit when it is the
    indicator's responsible or lead unit; for the office, the responsible unit (else the
    lead unit)."""
    unit_id = getattr(actor, "unit_id", None)
    if (
        role_of(actor) == Role.SCORER
        and can(actor, Action.SCORE_ENTER)
        and unit_id is not None
        and unit_id in (indicator.responsible_unit_id, indicator.lead_unit_id)
    ):
        return Unit.objects.get(pk=unit_id)
    if actor is None or is_office(actor):
        return indicator.responsible_unit or indicator.lead_unit
    return None


@transaction.atomic
def field_check_deduction_confirm(*, actor: Any, deduction: FieldCheckDeduction) -> ScoreEntry:
    """Add a proposed deduction to the confirming unit's entry of the cell (at most the
    indicator's limit); one audit row with the entry before and after."""
    deduction = FieldCheckDeduction.objects.select_for_update().get(pk=deduction.pk)
    if deduction.status != DeductionStatus.PROPOSED:
        raise ValidationError(_("该扣分已经确认"), code="already")
    check = deduction.field_check
    period = Period.objects.select_for_update().get(pk=check.period_id)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("只有进行中的周期可以确认扣分"), code="period_closed")
    indicator = deduction.indicator
    unit = confirming_unit(actor, indicator)
    if unit is None:
        raise PermissionDenied
    entry = (
        ScoreEntry.objects.select_for_update()
        .filter(period=period, target=check.target, indicator=indicator, scorer_unit=unit)
        .first()
    )
    before = _snapshot(entry) if entry is not None else None
    if entry is None:
        entry = ScoreEntry(
            period=period, target=check.target, indicator=indicator, scorer_unit=unit,
            value=Decimal(0),
        )  # fmt: skip
    note = _("实地考核（%(method)s，%(day)s）：%(reason)s") % {
        "method": check.get_method_display(), "day": check.checked_on.isoformat(),
        "reason": deduction.reason,
    }  # fmt: skip
    entry.value = min(score_limit(indicator, period), entry.value + deduction.points)
    entry.reason = "；".join(part for part in (entry.reason, note) if part)[:MAX_REASON]
    entry.consolidated = indicator.lead_unit_id == unit.pk and (
        indicator.responsible_unit_id not in (None, unit.pk)
    )
    entry.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    entry.updated_at = timezone.now()
    entry.save()
    deduction.status, deduction.entry = DeductionStatus.CONFIRMED, entry
    deduction.confirmed_by, deduction.confirmed_at = entry.updated_by, entry.updated_at
    deduction.save(update_fields=["status", "entry", "confirmed_by", "confirmed_at"])
    audit_record(
        actor=actor, action="field_check.confirm", obj=entry, before=before,
        after={**_snapshot(entry), "field_check": check.pk, "deduction": deduction.pk},
    )  # fmt: skip
    return entry


def field_check_attachments(check: FieldCheck) -> QuerySet[Attachment]:
    return Attachment.objects.filter(owner_type=OwnerType.FIELD_CHECK, owner_id=check.pk)


@transaction.atomic
def field_check_evidence_copy(*, actor: Any, deduction: FieldCheckDeduction) -> list[Attachment]:
    """Reference the field check's evidence from the score entry its confirmed deduction
    changed (the same stored file, no second copy); while the period is open, by a user
    who may change that entry. Files the entry references already are skipped; returns the
    new references (each audited as ``attachment.share``)."""
    deduction = FieldCheckDeduction.objects.select_related("entry", "field_check").get(
        pk=deduction.pk
    )
    entry = deduction.entry
    if deduction.status != DeductionStatus.CONFIRMED or entry is None:
        raise ValidationError(_("扣分确认计入评分后才能引用佐证材料"), code="not_confirmed")
    period = Period.objects.select_for_update().get(pk=entry.period_id)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("周期已关闭，不能再引用佐证材料"), code="period_closed")
    if not may_score_as(actor, entry.scorer_unit):
        raise PermissionDenied
    shared = []
    for source in field_check_attachments(deduction.field_check).order_by("pk"):
        found = attachment_share(
            actor=actor, source=source, owner_type=OwnerType.SCORE, owner_id=entry.pk
        )
        if found is not None:
            shared.append(found)
    return shared
