"""A job run by a real Celery worker (a subprocess) through Redis, on PostgreSQL.

Skipped unless ``DATABASE_URL`` points at PostgreSQL and Redis answers at 127.0.0.1:6379.
The worker gets the test database's name in its ``DATABASE_URL`` and the broker
``redis://127.0.0.1:6379/15``; the test's data is committed (``transaction=True``) so the
worker sees it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.postgres

BROKER = "redis://127.0.0.1:6379/15"
FIXTURES = Path(__file__).parents[2] / "orgs" / "tests" / "fixtures"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _worker_env(database: str) -> dict[str, str]:
    url = urlsplit(os.environ["DATABASE_URL"])._replace(path=f"/{database}").geturl()
    return os.environ | {"DATABASE_URL": url, "CELERY_BROKER_URL": BROKER}


def _use_broker(app, eager: bool, broker: str) -> None:
    """Switch the test process's app between eager mode and a broker. Celery builds its
    connection and producer pools once, from the broker URL of the moment (an eager call
    builds them too), so they are dropped here and rebuilt from the new URL."""
    app.conf.task_always_eager, app.conf.broker_url = eager, broker
    app._pool = None
    app.amqp._producer_pool = None


def _wait_until(done, worker, seconds=60):
    """Poll ``done()`` every half second, at most ``seconds``, while the worker lives (its
    start-up purges the queue, so a job is submitted once it says it is ready)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and worker.poll() is None and not done():
        time.sleep(0.5)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_runs_a_submitted_import(tmp_path):
    from django.db import connection

    if not os.environ.get("DATABASE_URL") or connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    if not _redis_answers():
        pytest.skip("Redis does not answer at 127.0.0.1:6379")

    from kaohe.config.celery import app
    from kaohe.core.models import Job, JobStatus
    from kaohe.core.roles import Role
    from kaohe.core.services import job_submit, user_create
    from kaohe.orgs.apps import UNITS_IMPORT
    from kaohe.orgs.models import Unit

    admin = user_create(actor=None, username="admin", password="x", role=Role.OFFICE_ADMIN,
                        validate=False)  # fmt: skip
    log = (tmp_path / "worker.log").open("w", buffering=1)
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "kaohe.config.celery", "worker",
         "--pool=solo", "--concurrency=1", "--loglevel=INFO", "--purge", "--without-gossip",
         "--without-mingle", "--without-heartbeat"],
        env=_worker_env(connection.settings_dict["NAME"]),
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = (app.conf.task_always_eager, app.conf.broker_url)
    try:
        _wait_until(lambda: "ready." in (tmp_path / "worker.log").read_text(), worker)
        _use_broker(app, False, BROKER)
        job = job_submit(
            actor=admin,
            kind=UNITS_IMPORT,
            file=(FIXTURES / "units-libreoffice.xlsx").read_bytes(),
            file_name="units.xlsx",
        )
        _wait_until(lambda: not Job.objects.get(pk=job.pk).is_active, worker)
        job.refresh_from_db()
        output = (tmp_path / "worker.log").read_text()
        assert job.status == JobStatus.DONE, output[-3000:]
        assert job.result["created"] > 0 and not job.result.get("errors")
        assert Unit.objects.count() == job.result["created"]
        assert job.file is None and job.started_at and job.finished_at
        assert Job.objects.get(pk=job.pk).status == JobStatus.DONE
    finally:
        _use_broker(app, *saved)
        worker.terminate()
        try:
            worker.wait(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
