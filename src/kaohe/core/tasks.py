"""The background jobs' Celery task: run one job and record how it ended.

Each app registers its job kinds with the function that does the work
(``kaohe.core.registry``): called with the job and its file, it returns the counts or
raises ``ImportFailed``. It runs in one transaction together with the job's move to done,
so an import writes all its rows or none.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from io import BytesIO

from django.db import transaction
from django.utils.module_loading import import_string

from kaohe.config.celery import app
from kaohe.core.models import Job, JobStatus
from kaohe.core.registry import job_kind
from kaohe.core.services import job_set_status, rejected_upload_keep
from kaohe.core.xlsx import ImportFailed

logger = logging.getLogger(__name__)


def _ended(job_id: int, status: JobStatus, result: dict[str, object]) -> None:
    job = Job.objects.defer("file").get(pk=job_id)  # as committed, not as the rollback left it
    job_set_status(job=job, status=status, result=result)


def job_enqueue(job_id: int) -> None:
    """Hand a committed job to the queue; a queue that cannot take it fails the job."""
    try:
        job_run.delay(job_id)
    except Exception as error:
        logger.exception("job %s could not be queued", job_id)
        if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).exists():
            _ended(job_id, JobStatus.FAILED, {"message": f"{type(error).__name__}: {error}"})


@app.task
def job_run(job_id: int) -> str:
    with transaction.atomic():
        job = Job.objects.select_for_update().select_related("submitted_by").get(pk=job_id)
        if job.status != JobStatus.QUEUED:  # delivered twice: the first delivery has it
            return str(job.status)
        job_set_status(job=job, status=JobStatus.RUNNING)
    try:
        with transaction.atomic():
            result = import_string(job_kind(job.kind).runner)(job=job, file=BytesIO(job.file))
            job_set_status(job=job, status=JobStatus.DONE, result=result)
    except ImportFailed as failure:
        result = {"errors": [asdict(e) for e in failure.errors]}
        rejected = rejected_upload_keep(
            owner=job.submitted_by, file_name=job.file_name, data=job.file, failure=failure
        )
        _ended(job_id, JobStatus.DONE, result | ({"rejected": rejected} if rejected else {}))
    except Exception as error:
        logger.exception("job %s failed", job_id)
        _ended(job_id, JobStatus.FAILED, {"message": f"{type(error).__name__}: {error}"})
    return str(Job.objects.values_list("status", flat=True).get(pk=job_id))
