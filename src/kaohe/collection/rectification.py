"""Rectification of a warning (整改, seed 001 第十一条(七)(八)): the warned unit analyses the
causes, rectifies and reports back within one calendar month; the office verifies, returns
the feedback with a reason or signs the task off (销号). A task still open after its
deadline is escalated (逾期督办) by ``rectifications_escalate``, which the daily task calls.

Pipeline (``RECTIFICATION_WORKFLOW``): 待整改 → 待核实 → 已销号, or 待核实 → 已退回 → 待核实 …;
撤销 when re-ranking withdraws the warning (``ranking.period_rank``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.evidence import attachment_save
from kaohe.collection.models import (
    OwnerType,
    PeriodWarning,
    Rectification,
    RectificationStatus,
)
from kaohe.collection.todos import Todo, TodoState
from kaohe.config.celery import app
from kaohe.core.audit import audit_record
from kaohe.core.errors import field_error
from kaohe.core.roles import Action, can
from kaohe.core.workflow import Workflow
from kaohe.orgs.selectors import units_for_user

S = RectificationStatus
RECTIFICATION_TRANSITIONS = {
    (S.OPEN, S.SUBMITTED),
    (S.RETURNED, S.SUBMITTED),
    (S.SUBMITTED, S.RETURNED),
    (S.SUBMITTED, S.SIGNED_OFF),
}
RECTIFICATION_WORKFLOW = Workflow(
    RECTIFICATION_TRANSITIONS,
    states=RectificationStatus,
    action={
        S.SUBMITTED: "rectification.submit",
        S.RETURNED: "rectification.return",
        S.SIGNED_OFF: "rectification.sign_off",
    },
    code="rectification_transition",
    reason_required={(S.SUBMITTED, S.RETURNED)},
)
FEEDBACK_MAX = 5000


def _locked(rectification: Rectification) -> Rectification:
    found = (
        Rectification.objects.select_for_update(of=("self",))
        .select_related("warning")
        .get(pk=rectification.pk)
    )
    if found.warning.withdrawn_at is not None:
        raise ValidationError(_("该预警已撤回，整改已撤销"), code="withdrawn")
    return found


@transaction.atomic
def rectification_submit(
    *,
    actor: Any,
    rectification: Rectification,
    feedback: str,
    files: Sequence[IO[bytes] | bytes] = (),
) -> Rectification:
    """The unit's feedback (整改落实情况) with its evidence; a returned one is answered again.
    The feedback is required; each file is checked and stored as evidence of the task."""
    feedback = (feedback or "").strip()
    if not feedback:
        raise field_error("feedback", _("请填写整改落实情况"), "feedback_required")
    if len(feedback) > FEEDBACK_MAX:
        raise field_error(
            "feedback", _("整改情况不能超过 %(n)s 个字") % {"n": FEEDBACK_MAX}, "feedback_long"
        )
    rectification = _locked(rectification)
    RECTIFICATION_WORKFLOW.check(rectification.status, S.SUBMITTED)
    for upload in files:
        attachment_save(
            actor=actor, unit=rectification.unit, owner_type=OwnerType.RECTIFICATION,
            owner_id=rectification.pk, upload=upload,
        )  # fmt: skip
    before = {"feedback": rectification.feedback}
    rectification.feedback = feedback
    rectification.submitted_at, rectification.submitted_by = timezone.now(), actor
    RECTIFICATION_WORKFLOW.move(
        rectification, S.SUBMITTED, actor=actor,
        fields=["feedback", "submitted_at", "submitted_by"],
        before=before, after={"feedback": feedback, "files": len(files)},
    )  # fmt: skip
    return rectification


@transaction.atomic
def rectification_return(*, actor: Any, rectification: Rectification, reason: str) -> Rectification:
    """The office sends the feedback back with a reason; the unit answers again (the
    deadline stays: a late answer is still late)."""
    rectification = _locked(rectification)
    reason = (reason or "").strip()
    RECTIFICATION_WORKFLOW.check(rectification.status, S.RETURNED, reason=reason)
    rectification.return_reason = reason
    rectification.verified_at, rectification.verified_by = timezone.now(), actor
    RECTIFICATION_WORKFLOW.move(
        rectification, S.RETURNED, actor=actor,
        fields=["return_reason", "verified_at", "verified_by"], reason=reason,
    )  # fmt: skip
    return rectification


@transaction.atomic
def rectification_sign_off(
    *, actor: Any, rectification: Rectification, note: str = ""
) -> Rectification:
    """The office confirms the rectification (销号)."""
    rectification = _locked(rectification)
    rectification.verify_note = (note or "").strip()
    rectification.verified_at, rectification.verified_by = timezone.now(), actor
    RECTIFICATION_WORKFLOW.move(
        rectification, S.SIGNED_OFF, actor=actor,
        fields=["verify_note", "verified_at", "verified_by"],
        after={"note": rectification.verify_note},
    )  # fmt: skip
    return rectification


def rectifications_escalate(*, today: dt.date) -> list[Rectification]:
    """Mark every task still waiting for the unit after its deadline as escalated (逾期督办),
    once: a task already escalated is left alone, so the daily task may run any number of
    times. Each escalation is its own transaction and audit row (the office sees which
    tasks and when)."""
    escalated: list[Rectification] = []
    late = Rectification.objects.filter(
        status__in=(S.OPEN, S.RETURNED),
        due_on__lt=today,
        escalated_on__isnull=True,
        warning__withdrawn_at__isnull=True,
    ).values_list("pk", flat=True)
    for pk in list(late):
        with transaction.atomic():
            task = Rectification.objects.select_for_update().get(pk=pk)
            if task.escalated_on is not None or task.status not in (S.OPEN, S.RETURNED):
                continue
            task.escalated_on = today
            task.save(update_fields=["escalated_on"])
            audit_record(
                actor=None,
                action="rectification.escalate",
                obj=task,
                before={"escalated_on": None},
                after={"escalated_on": today, "due_on": task.due_on, "status": task.status},
            )
            escalated.append(task)
    return escalated


# ---- selectors ----------------------------------------------------------------------


def warnings_for_user(user: object) -> QuerySet[PeriodWarning]:
    """Warnings the user may see: those of the units the user sees (a liaison: the own
    unit's), for roles that see warnings."""
    if not can(user, Action.WARNING_VIEW):
        return PeriodWarning.objects.none()
    return PeriodWarning.objects.filter(target__in=units_for_user(user).values("pk"))


def rectifications_for_user(user: object) -> QuerySet[Rectification]:
    """Rectification tasks the user may see (the office and the read roles: all; a liaison:
    the own unit's)."""
    if not can(user, Action.WARNING_VIEW):
        return Rectification.objects.none()
    return Rectification.objects.filter(unit__in=units_for_user(user).values("pk"))


def rectification_is_late(rectification: Rectification, today: dt.date) -> bool:
    return rectification.is_open and rectification.due_on < today


# ---- to-dos -------------------------------------------------------------------------


def rectification_todos(user: Any, today: dt.date) -> Iterable[Todo]:
    """A unit: its open tasks (returned, late, due); the office: feedback to verify."""
    tasks = rectifications_for_user(user).select_related("warning__period", "unit")
    if can(user, Action.RECTIFY_SUBMIT) and getattr(user, "unit_id", None) is not None:
        for task in tasks.filter(unit_id=user.unit_id, status__in=(S.OPEN, S.RETURNED)):
            state = (
                TodoState.RETURNED
                if task.status == S.RETURNED
                else TodoState.LATE
                if task.due_on < today
                else TodoState.DUE
            )
            yield Todo(
                key=f"rectification:{task.pk}:{task.status}",
                title=_("整改反馈：%(period)s %(level)s灯预警")
                % {"period": task.warning.period.name, "level": task.warning.level},
                url=reverse("collection:warning_rectification_detail", args=[task.pk]),
                state=state,
                due=task.due_on,
                detail=task.return_reason if task.status == S.RETURNED else "",
            )
    if can(user, Action.RECTIFY_VERIFY):
        for task in tasks.filter(status=S.SUBMITTED):
            yield Todo(
                key=f"rectification:{task.pk}:verify",
                title=_("核实整改：%(unit)s（%(period)s）")
                % {"unit": task.unit.name, "period": task.warning.period.name},
                url=reverse("collection:warning_rectification_detail", args=[task.pk]),
                state=TodoState.WAITING,
                due=task.due_on,
            )


@app.task(name="collection.rectifications_escalate")
def rectifications_escalate_daily() -> int:
    """The daily task (Celery beat): escalate today's late tasks; returns how many."""
    return len(rectifications_escalate(today=timezone.localdate()))
