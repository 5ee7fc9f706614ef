"""The outcome contract: a suite's final grades rest on a run, change only with a reason
and keep their history; the status moves through its workflow."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from kaohe.core.models import AuditEntry
from kaohe.results import outcomes
from kaohe.results.models import FinalGrade, GradeSource, OutcomeStatus, RunRow
from kaohe.results.tests.test_runs import start


def test_an_outcome_takes_every_row_of_its_run_and_a_change_keeps_its_history(
    cast, year_data, django_capture_on_commit_callbacks
):
    run = start(cast, django_capture_on_commit_callbacks)
    outcome = outcomes.outcome_open(actor=cast.admin, run=run)
    assert outcome.grades.count() == RunRow.objects.filter(run=run).count() > 0
    final = FinalGrade.objects.get(outcome=outcome, scheme=year_data.party, unit=cast.unit_a)
    assert (final.computed_grade, final.grade, final.source) == ("好", "好", "computed")

    with pytest.raises(ValidationError):
        outcomes.final_grade_change(
            actor=cast.admin, final=final, grade="较好", source=GradeSource.REVIEW, reason=" "
        )
    outcomes.final_grade_change(
        actor=cast.admin, final=final, grade="较好", source=GradeSource.REVIEW, reason="复核"
    )
    final.refresh_from_db()
    assert (final.computed_grade, final.grade, final.source) == ("好", "较好", "review")
    assert [(c.old_grade, c.new_grade) for c in final.changes.all()] == [("好", "较好")]
    assert AuditEntry.objects.filter(action="final_grade.change").count() == 1


def test_a_decided_outcome_is_locked_and_reopening_needs_a_reason(
    cast, year_data, django_capture_on_commit_callbacks
):
    run = start(cast, django_capture_on_commit_callbacks)
    outcome = outcomes.outcome_open(actor=cast.admin, run=run)
    with transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.DECIDED, actor=cast.admin)
    with pytest.raises(ValidationError):
        outcomes.outcome_open(actor=cast.admin, run=run)
    with pytest.raises(ValidationError), transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.GRADED, actor=cast.admin)
    with transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(
            outcome, OutcomeStatus.GRADED, actor=cast.admin, reason="会议改期"
        )
    assert outcomes.outcome_open(actor=cast.admin, run=run).status == OutcomeStatus.GRADED
