"""The background jobs' Celery task: run one job and record how it ended.

Each app registers its job kinds with the function that does the work
(``kaohe.core.registry``): called with the job and its file, it returns the counts or
raises ``ImportFailed``. It runs in one transaction together with the job's move to done,
so an import writes all its rows or none.

Without a broker (the embedded default) a job still runs outside the request that
submitted it: one thread of the web process takes the jobs in turn (``JOBS_THREAD``), so
the site keeps answering while a long import writes, and two imports never wait on each
other's write lock. ``jobs_wait()`` blocks until that thread has run every job handed to
it (for tests and the command line). With ``JOBS_THREAD`` off (the tests' default) an eager
job runs at once in the submitting thread.
"""

from __future__ import annotations

import logging
import queue
import re
import threading
from dataclasses import asdict
from io import BytesIO

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, connections, transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from kaohe.config.celery import app
from kaohe.core.models import Job, JobStatus
from kaohe.core.registry import job_kind
from kaohe.core.services import job_set_status, rejected_upload_keep
from kaohe.core.xlsx import ImportFailed

logger = logging.getLogger(__name__)

_PG_KEY = re.compile(r"Key \((?P<field>[^)=]+)\)=\((?P<value>.*?)\) already exists")
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<table>\w+)\.(?P<field>\w+)")


def _ended(job_id: int, status: JobStatus, result: dict[str, object]) -> None:
    job = Job.objects.defer("file").get(pk=job_id)  # as committed, not as the rollback left it
    job_set_status(job=job, status=status, result=result)


_pending: queue.Queue[int] = queue.Queue()
_worker: threading.Thread | None = None
_worker_lock = threading.Lock()


def _work_through_pending() -> None:
    """The in-process job thread: run each handed job in turn, on its own connections."""
    while True:
        job_id = _pending.get()
        try:
            job_run.run(job_id)  # the function itself: no Celery request context needed
        except Exception:  # job_run records its failures; this is a failure to record one
            logger.exception("job %s: the job thread could not run it", job_id)
        finally:
            connections.close_all()  # this thread's connections only
            _pending.task_done()


def _hand_to_thread(job_id: int) -> None:
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_work_through_pending, name="kaohe-jobs", daemon=True)
            _worker.start()
    _pending.put(job_id)


def jobs_wait() -> None:
    """Block until the in-process job thread has run every job handed to it."""
    _pending.join()


def job_enqueue(job_id: int) -> None:
    """Hand a committed job to the queue (without a broker and with ``JOBS_THREAD``: to the
    in-process job thread); a queue that cannot take it fails the job."""
    if app.conf.task_always_eager and settings.JOBS_THREAD:
        _hand_to_thread(job_id)
        return
    try:
        job_run.delay(job_id)
    except Exception as error:
        logger.exception("job %s could not be queued", job_id)
        if Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).exists():
            _ended(job_id, JobStatus.FAILED, {"message": f"{type(error).__name__}: {error}"})


def _clash(error: IntegrityError) -> tuple[str, str, str]:
    """The model, field and value that clashed, as far as the database says them
    (PostgreSQL: table and ``Key (code)=(T01)``; SQLite: ``UNIQUE constraint failed:
    orgs_unit.code``, no value)."""
    text = str(error)
    table, field, value = "", "", ""
    diag = getattr(error.__cause__, "diag", None)
    if diag is not None:
        table = diag.table_name or ""
    if found := _PG_KEY.search(text):
        field, value = found["field"], found["value"]
    elif found := _SQLITE_UNIQUE.search(text):
        table, field = found["table"], found["field"]
    model = next((m for m in django_apps.get_models() if m._meta.db_table == table), None)
    if model is None:
        return "", field, value
    try:
        label = str(getattr(model._meta.get_field(field), "verbose_name", field)) if field else ""
    except FieldDoesNotExist:
        label = field
    return str(model._meta.verbose_name), label, value


def integrity_message(error: IntegrityError) -> str:
    """A Chinese message for a job the database refused because another write got there
    first, naming what clashed when the database says it."""
    model, field, value = _clash(error)
    what = " ".join(part for part in (model, field, f"“{value}”" if value else "") if part)
    if what:
        return _(
            "导入时%(what)s已被其他操作写入，与本次导入冲突；未导入任何数据，请稍后重新导入"
        ) % {"what": what}
    return _("导入时数据已被其他操作修改，与本次导入冲突；未导入任何数据，请稍后重新导入")


@app.task
def job_run(job_id: int) -> str:
    with transaction.atomic():
        # Only the job row: locking its submitter too would make a second job of the same
        # user wait for the first one's whole import (its audit rows hold a key share).
        job = (
            Job.objects.select_for_update(of=("self",))
            .select_related("submitted_by")
            .get(pk=job_id)
        )
        if job.status != JobStatus.QUEUED:  # delivered twice: the first delivery has it
            return str(job.status)
        job_set_status(job=job, status=JobStatus.RUNNING)
    data = bytes(job.file or b"")  # memoryview on PostgreSQL
    try:
        with transaction.atomic():
            result = import_string(job_kind(job.kind).runner)(job=job, file=BytesIO(data))
            job_set_status(job=job, status=JobStatus.DONE, result=result)
    except ImportFailed as failure:
        result = {"errors": [asdict(e) for e in failure.errors]}
        rejected = rejected_upload_keep(
            owner=job.submitted_by, file_name=job.file_name, data=data, failure=failure
        )
        _ended(job_id, JobStatus.DONE, result | ({"rejected": rejected} if rejected else {}))
    except IntegrityError as error:
        # Another job or user wrote the same row first (two imports of one workbook at
        # once): the database refused the second write and this job wrote nothing.
        logger.warning("job %s: %s", job_id, error)
        _ended(job_id, JobStatus.FAILED, {"message": integrity_message(error)})
    except Exception as error:
        logger.exception("job %s failed", job_id)
        _ended(job_id, JobStatus.FAILED, {"message": f"{type(error).__name__}: {error}"})
    return str(Job.objects.values_list("status", flat=True).get(pk=job_id))
