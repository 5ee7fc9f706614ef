"""Background jobs in eager mode (no broker: the job runs when its submission commits):
the Excel import page submits a job and shows its state, counts or row errors; a failing
job says why; only the submitter and the office admin see a job."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.core import registry
from kaohe.core.models import Job, JobStatus
from kaohe.core.services import job_set_status, job_submit
from kaohe.core.workflow import TransitionRefused
from kaohe.orgs.apps import CADRES_IMPORT, TEAMS_IMPORT, UNITS_IMPORT
from kaohe.orgs.tests.test_workbooks import _fixture, _workbook


def _post(client, kind, file, on_commit):
    with on_commit(execute=True):
        return client.post(reverse("orgs:workbook_import"), {"kind": kind, "file": file})


def test_an_import_job_runs_to_done_with_the_counts(
    client, cast, django_capture_on_commit_callbacks
):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import Cadre

    client.force_login(cast.admin)
    with _fixture("cadres") as file:
        response = _post(client, "cadres", file, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert response.url == reverse("core:job_detail", args=[job.pk])
    assert (job.status, job.kind, job.submitted_by, job.unit) == (
        JobStatus.DONE, CADRES_IMPORT.key, cast.admin, None
    )  # fmt: skip
    assert job.result == {"created": 4, "updated": 0, "unchanged": 0}
    assert job.file is None and job.started_at <= job.finished_at
    assert Cadre.objects.filter(name="赵青禾").exists()
    assert AuditEntry.objects.filter(action="job.submit", object_id=str(job.pk)).exists()
    page = client.get(response.url).content.decode()
    assert "新增 4 条" in page and "hx-trigger" not in page


def test_a_bad_workbook_ends_done_with_its_row_errors_and_writes_nothing(
    client, cast, django_capture_on_commit_callbacks
):
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.workbooks import CADRES

    client.force_login(cast.admin)
    bad = _workbook(CADRES, [[None, "某人", "男", "去年"], [None, "甲", None, None]])
    bad.name = "bad.xlsx"
    before = Cadre.objects.count()
    response = _post(client, "cadres", bad, django_capture_on_commit_callbacks)
    job = Job.objects.get()
    assert job.status == JobStatus.DONE and job.file_name == "bad.xlsx"
    assert {"row": 2, "column": "D", "header": "出生日期"}.items() <= job.result["errors"][
        0
    ].items()
    assert Cadre.objects.count() == before
    page = client.get(response.url).content.decode()
    assert "未导入任何数据" in page and "D（出生日期）" in page and "去年" in page
    assert 'id="import-errors"' in page


def test_an_exception_fails_the_job_with_its_message_and_rolls_back(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from kaohe.orgs.models import Unit

    def broken(*, job, file):
        Unit.objects.filter(pk=cast.unit_a.pk).update(name="改了一半")
        raise RuntimeError("disk on fire")

    broken_kind = replace(UNITS_IMPORT, runner=f"{__name__}._broken")
    monkeypatch.setitem(registry._JOB_KINDS, UNITS_IMPORT.key, broken_kind)
    monkeypatch.setattr(f"{__name__}._broken", broken, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x", file_name="u.xlsx")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at and job.file is None
    assert job.result == {"message": "RuntimeError: disk on fire"}
    assert Unit.objects.get(pk=cast.unit_a.pk).name == "青山镇"


def test_a_queue_that_cannot_take_the_job_fails_it(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from kaohe.core import tasks

    def refuse(job_id):
        raise ConnectionError("no broker")

    monkeypatch.setattr(tasks.job_run, "delay", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(actor=cast.admin, kind=TEAMS_IMPORT, file=b"x")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "no broker" in job.result["message"]


def test_the_status_moves_only_along_the_table(cast):
    job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x")  # not run: no commit
    with pytest.raises(TransitionRefused, match="不能从「排队中」改为「已完成」"):
        job_set_status(job=job, status=JobStatus.DONE)
    job_set_status(job=job, status=JobStatus.RUNNING)
    job_set_status(job=job, status=JobStatus.DONE, result={"created": 0})
    with pytest.raises(TransitionRefused, match="不能从「已完成」改为「进行中」"):
        job_set_status(job=job, status=JobStatus.RUNNING)


def test_only_the_submitter_and_the_office_admin_see_a_job(client, cast):
    job = job_submit(actor=cast.liaison, kind=CADRES_IMPORT, file=b"x", file_name="mine.xlsx")
    url = reverse("core:job_detail", args=[job.pk])
    for user, status in ((cast.liaison, 200), (cast.admin, 200), (cast.outsider, 404),
                         (cast.scorer, 404), (cast.leader, 404)):  # fmt: skip
        client.force_login(user)
        assert client.get(url).status_code == status, user
        listed = "mine.xlsx" in client.get(reverse("core:job_list")).content.decode()
        assert listed is (status == 200), user
    client.logout()
    assert client.get(url).status_code == 302


def test_the_state_part_polls_every_two_seconds_only_while_the_job_is_not_over(client, cast):
    job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x")
    client.force_login(cast.admin)
    url = reverse("core:job_detail", args=[job.pk])
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert part.startswith('<div id="job-state"') and 'hx-trigger="every 2s"' in part
    assert "<html" not in part
    job_set_status(job=job, status=JobStatus.RUNNING)
    job_set_status(
        job=job, status=JobStatus.DONE, result={"created": 1, "updated": 0, "unchanged": 0}
    )
    part = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in part and "新增 1 条" in part


def test_the_job_list_runs_the_same_queries_for_few_or_many_jobs(client, cast):
    client.force_login(cast.admin)
    job_submit(actor=cast.liaison, kind=CADRES_IMPORT, file=b"x")
    client.get(reverse("core:job_list"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:job_list"))
    for _ in range(12):
        job_submit(actor=cast.liaison, kind=CADRES_IMPORT, file=b"x")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("core:job_list")).content.decode()
    assert len(many) == len(few)
    assert page.count("青山镇") == 13
    assert not any('"file"' in q["sql"] and "core_job" in q["sql"] for q in many.captured_queries)


def _runner(monkeypatch, kind, function):
    """Make ``function`` the runner of ``kind`` for this test."""
    monkeypatch.setitem(
        registry._JOB_KINDS, kind.key, replace(kind, runner=f"{__name__}._test_runner")
    )
    monkeypatch.setattr(f"{__name__}._test_runner", function, raising=False)


def test_a_clash_with_another_write_fails_the_job_with_a_chinese_message_naming_it(
    cast, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import connection

    from kaohe.orgs.models import Unit

    def clashing(*, job, file):
        # What the loser of two simultaneous imports meets: the row was written meanwhile.
        Unit.objects.create(code="qingshan", name="青山镇", category=cast.town_category)

    _runner(monkeypatch, UNITS_IMPORT, clashing)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_submit(actor=cast.admin, kind=UNITS_IMPORT, file=b"x")
    job.refresh_from_db()
    message = job.result["message"]
    assert job.status == JobStatus.FAILED
    assert "IntegrityError" not in message and "UNIQUE" not in message
    assert "单位 编码" in message and "未导入任何数据" in message
    if connection.vendor == "postgresql":
        assert "“qingshan”" in message


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_job_runs_in_its_own_thread_after_the_request_returns(
    client, monkeypatch, settings
):
    import threading
    from types import SimpleNamespace

    from kaohe.core import tasks
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.orgs.models import Unit

    settings.JOBS_THREAD = True
    admin = user_create(actor=None, username="admin", password="x", role=Role.OFFICE_ADMIN,
                        validate=False)  # fmt: skip
    release, threads = threading.Event(), []
    run = tasks.job_run.run

    def held(job_id):
        # The job thread waits here, before it touches the database (the tests' in-memory
        # SQLite has table locks that do not wait), until the request has answered.
        threads.append(threading.current_thread().name)
        assert release.wait(60)
        return run(job_id)

    monkeypatch.setattr(tasks, "job_run", SimpleNamespace(run=held))
    client.force_login(admin)
    with _fixture("units") as file:
        response = client.post(reverse("orgs:workbook_import"), {"kind": "units", "file": file})
    # The request has answered while the job has not run: the import does not hold it.
    assert response.status_code == 302
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED and not Unit.objects.exists()
    release.set()
    tasks.jobs_wait()
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result["created"] > 0
    assert Unit.objects.count() == job.result["created"]
    assert threads == ["kaohe-jobs"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_unit_imports_at_once_take_turns_and_create_each_unit_once(monkeypatch):
    # Two imports of one workbook at once used to end with the raw IntegrityError for the
    # loser. The import now takes its kind's lock first (``import_lock``): the second waits
    # for the first to commit and then finds its units. (A clash that still reaches the
    # database fails the job in Chinese: the test above.)
    import threading
    import time

    from django.db import connection, connections

    from kaohe.core import tasks
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.orgs.jobs import units_import_run
    from kaohe.orgs.tests.test_workbooks import FIXTURES

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes one writer at a time")
    admin = user_create(actor=None, username="admin", password="x", role=Role.OFFICE_ADMIN,
                        validate=False)  # fmt: skip
    both_start = threading.Barrier(2)

    def at_the_same_time(*, job, file):
        both_start.wait(60)
        result = units_import_run(job=job, file=file)
        time.sleep(1)  # hold the transaction: the other import has read and is writing
        return result

    _runner(monkeypatch, UNITS_IMPORT, at_the_same_time)
    monkeypatch.setattr(tasks, "job_enqueue", lambda job_id: None)  # run below, together
    data = (FIXTURES / "units-libreoffice.xlsx").read_bytes()
    jobs = [job_submit(actor=admin, kind=UNITS_IMPORT, file=data) for _ in range(2)]

    def run(job_id):
        try:
            tasks.job_run.run(job_id)  # the function itself, as the job thread calls it
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job.pk,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(180)
    from kaohe.orgs.models import Unit

    ended = list(Job.objects.filter(pk__in=[j.pk for j in jobs]))
    assert [job.status for job in ended] == [JobStatus.DONE, JobStatus.DONE]
    created = sorted(job.result["created"] for job in ended)
    assert created[0] == 0 and created[1] > 0  # the second found what the first made
    codes = list(Unit.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == created[1]
