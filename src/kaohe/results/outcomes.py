"""The outcome of a year's suite: the grades people act on, from a run to publication.

The contract the decision, publicity, appeal, result-use and forms code share:

- ``outcome_open`` makes (or re-bases, while still ``graded``) a suite's ``Outcome`` on a
  finished run, with one ``FinalGrade`` per row of the run, the grade as computed;
- ``OUTCOME_WORKFLOW`` moves its status (graded → decided → publicity → published; a
  decision may be reopened with a reason while not yet published);
- ``final_grade_change`` is the only way a standing grade changes: it writes the
  ``GradeChange`` history and the audit row in the caller's transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.core.audit import audit_record
from kaohe.core.workflow import Workflow
from kaohe.results.models import (
    FinalGrade,
    GradeChange,
    GradeSource,
    Outcome,
    OutcomeStatus,
    Run,
    RunStatus,
)

OUTCOME_TRANSITIONS = {
    (OutcomeStatus.GRADED, OutcomeStatus.DECIDED): _("审定"),
    (OutcomeStatus.DECIDED, OutcomeStatus.GRADED): _("撤回审定"),
    (OutcomeStatus.DECIDED, OutcomeStatus.PUBLICITY): _("开始公示"),
    (OutcomeStatus.PUBLICITY, OutcomeStatus.DECIDED): _("撤回公示"),
    (OutcomeStatus.PUBLICITY, OutcomeStatus.PUBLISHED): _("公布"),
    (OutcomeStatus.DECIDED, OutcomeStatus.PUBLISHED): _("公布"),
}
OUTCOME_WORKFLOW = Workflow(
    OUTCOME_TRANSITIONS,
    states=OutcomeStatus,
    action="outcome.status",
    code="outcome_transition",
    reason_required={
        (OutcomeStatus.DECIDED, OutcomeStatus.GRADED),
        (OutcomeStatus.PUBLICITY, OutcomeStatus.DECIDED),
    },
)


def _final_rows(outcome: Outcome, run: Run) -> list[FinalGrade]:
    now = timezone.now()
    return [
        FinalGrade(
            outcome=outcome,
            scheme_id=row.scheme_id,
            target=row.target,
            unit_id=row.unit_id,
            cadre_id=row.cadre_id,
            row=row,
            status=row.status,
            computed_grade=row.grade,
            grade=row.grade,
            source=GradeSource.COMPUTED,
            updated_at=now,
        )
        for row in run.rows.all().order_by("scheme", "position")
    ]


@transaction.atomic
def outcome_open(*, actor: Any, run: Run) -> Outcome:
    """The suite's outcome for the run's year, based on ``run``: created, or re-based
    while still ``graded`` (its final grades are rebuilt from the run's rows)."""
    if run.status != RunStatus.DONE:
        raise ValidationError(_("只能依据已完成的计算"), code="run_not_done")
    outcome = (
        Outcome.objects.select_for_update().filter(year_id=run.year_id, suite=run.suite).first()
    )
    if outcome is None:
        outcome = Outcome.objects.create(
            year_id=run.year_id, suite=run.suite, run=run, created_at=timezone.now()
        )
        before: dict[str, Any] = {}
    else:
        if outcome.is_locked:
            raise ValidationError(_("考核结果已审定，不能更换依据的计算"), code="outcome_locked")
        before = {"run": outcome.run_id}
        outcome.run = run
        outcome.save(update_fields=["run"])
        outcome.grades.all().delete()
    FinalGrade.objects.bulk_create(_final_rows(outcome, run))
    audit_record(
        actor=actor, action="outcome.open", obj=outcome, before=before, after={"run": run.pk}
    )
    return outcome


def final_grade_change(
    *,
    actor: Any,
    final: FinalGrade,
    grade: str,
    source: GradeSource,
    reason: str,
    run: Run | None = None,
) -> GradeChange:
    """Change a standing grade with its reason (required), keeping the history; runs in
    the caller's transaction (it opens one when there is none)."""
    if not reason.strip():
        raise ValidationError(_("请填写理由"), code="reason_required")
    with transaction.atomic():
        old = final.grade
        change = GradeChange.objects.create(
            final=final,
            source=source,
            old_grade=old,
            new_grade=grade,
            reason=reason.strip(),
            run=run,
            changed_by=actor,
            changed_at=timezone.now(),
        )
        final.grade, final.source, final.reason = grade, source, reason.strip()
        final.updated_at = change.changed_at
        final.save(update_fields=["grade", "source", "reason", "updated_at"])
        audit_record(
            actor=actor,
            action="final_grade.change",
            obj=final,
            before={"grade": old},
            after={"grade": grade, "source": str(source), "reason": reason.strip()},
        )
    return change
