"""The one workflow helper of every status pipeline: the table refuses the other moves with
a Chinese message and a code; a move saves the status with the fields its service set and
writes one audit row, with a written reason when there is one."""

from __future__ import annotations

import pytest
from django.db import transaction

from kaohe.core.models import AuditEntry, Job, JobStatus
from kaohe.core.services import JOB_WORKFLOW
from kaohe.core.workflow import TransitionRefused, Workflow

UNLOCKABLE = Workflow(
    {(JobStatus.DONE, JobStatus.QUEUED): "重新排队"},
    states=JobStatus,
    action="job.status",
    code="job_transition",
    reason_required={(JobStatus.DONE, JobStatus.QUEUED)},
)


@pytest.fixture
def job(cast):
    from kaohe.core.services import job_submit

    return job_submit(actor=cast.admin, kind="orgs.units_import", file=b"x")  # not run


def test_a_move_outside_the_table_is_refused_by_the_statuses_names(job):
    assert JOB_WORKFLOW.allows(JobStatus.QUEUED, JobStatus.RUNNING)
    with pytest.raises(TransitionRefused) as refused:
        JOB_WORKFLOW.move(job, JobStatus.DONE, actor=None)
    assert refused.value.messages == ["不能从「排队中」改为「已完成」"]
    assert (refused.value.code, refused.value.current, refused.value.wanted) == (
        "transition", "queued", "done"
    )  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_a_move_saves_the_status_with_its_fields_and_audits_it_with_its_reason(job, cast):
    job.status, job.result = JobStatus.DONE, {"created": 1}
    job.save(update_fields=["status", "result"])
    job.result = {"created": 2}
    with transaction.atomic():
        UNLOCKABLE.move(
            job,
            JobStatus.QUEUED,
            actor=cast.admin,
            fields=["result"],
            before={"result": {"created": 1}},
            after={"result": {"created": 2}},
            reason="  文件换了一份  ",
        )
    job.refresh_from_db()
    assert (job.status, job.result) == (JobStatus.QUEUED, {"created": 2})
    entry = AuditEntry.objects.filter(action="job.status").get()
    assert (entry.actor, entry.object_id) == (cast.admin, str(job.pk))
    assert entry.before == {"status": "done", "result": {"created": 1}}
    assert entry.after == {"status": "queued", "result": {"created": 2}, "reason": "文件换了一份"}


def test_a_move_that_needs_a_reason_is_refused_without_one(job, cast):
    from django.core.exceptions import ValidationError

    job.status = JobStatus.DONE
    job.save(update_fields=["status"])
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        UNLOCKABLE.move(job, JobStatus.QUEUED, actor=cast.admin, reason="  ")
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    assert refused.value.messages == ["请填写理由"]
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert not AuditEntry.objects.filter(action="job.status").exists()


def test_a_refused_move_is_a_validation_error_with_the_workflows_code(job):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        UNLOCKABLE.check(JobStatus.QUEUED, JobStatus.DONE)
    assert refused.value.code == "job_transition"
    assert not Job.objects.filter(status=JobStatus.DONE).exists()


def test_an_audit_action_per_status_moved_to(job):
    per_status = Workflow(
        {
            (JobStatus.QUEUED, JobStatus.FAILED): "放弃",
            (JobStatus.QUEUED, JobStatus.RUNNING): "开始",
        },
        states=JobStatus,
        action={JobStatus.FAILED: "test.give_up", JobStatus.RUNNING: "test.start"},
    )
    with transaction.atomic():
        per_status.move(job, "failed", actor=None)
    actions = AuditEntry.objects.filter(object_type="core.job", object_id=str(job.pk))
    assert sorted(actions.values_list("action", flat=True)) == ["job.submit", "test.give_up"]
