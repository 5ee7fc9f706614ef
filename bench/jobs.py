"""Does the embedded site keep answering while a big import runs? (SQLite, no broker.)

Usage (from the repository root)::

    .venv/bin/python bench/jobs.py                  # 10000 cadres
    .venv/bin/python bench/jobs.py --cadres 100000 --no-writes   # reads only

In a fresh SQLite file (WAL, busy timeout, BEGIN IMMEDIATE, as the demo site has it) a
workbook of N new cadres is submitted as a job, which runs in the web process's job
thread; meanwhile the main thread, standing in for the other users' requests, reads
(a unit count and a page of cadres) and writes (an audit row, as every login does) every
0.2 s. One line on stdout::

    cadres=N job_seconds=S reads=R read_max_ms=M writes=W write_max_ms=X writes_failed=F

``reads`` never wait for the import (WAL); ``writes`` wait for it to commit (SQLite has
one writer at a time) and fail only past ``SQLITE_TIMEOUT``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cadres", type=int, default=10000)
    parser.add_argument("--no-writes", action="store_true", help="only read meanwhile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var:
        os.environ.update(
            KAOHE_VAR_DIR=var, DEBUG="1", DJANGO_SETTINGS_MODULE="kaohe.config.settings"
        )
        os.environ.pop("DATABASE_URL", None)
        os.environ.pop("CELERY_BROKER_URL", None)
        from imports import UNITS, _setup, _workbook

        _setup()
        from django.core.management import call_command
        from django.db import OperationalError, transaction

        from kaohe.core.audit import audit_record
        from kaohe.core.models import Job, JobKind
        from kaohe.core.roles import Role
        from kaohe.core.services import job_submit, user_create
        from kaohe.core.tasks import jobs_wait
        from kaohe.orgs.models import Cadre, Unit, UnitCategory

        call_command("migrate", verbosity=0)
        admin = user_create(actor=None, username="admin", password="x", role=Role.OFFICE_ADMIN,
                            validate=False)  # fmt: skip
        category = UnitCategory.objects.get(name="县直部门")
        Unit.objects.bulk_create(
            Unit(code=f"u{i:03d}", name=f"单位{i:03d}", category=category, order=i)
            for i in range(UNITS)
        )
        data = _workbook(args.cadres)
        started = time.perf_counter()
        with transaction.atomic():
            job = job_submit(actor=admin, kind=JobKind.CADRES_IMPORT, file=data)
        reads, writes, failed = [], [], 0
        while Job.objects.filter(pk=job.pk, finished_at__isnull=True).exists():
            t = time.perf_counter()
            Unit.objects.count()
            list(Cadre.objects.order_by("name")[:50])
            reads.append(time.perf_counter() - t)
            t = time.perf_counter()
            try:
                if args.no_writes:
                    raise OperationalError("skipped")
                with transaction.atomic():
                    audit_record(actor=None, action="bench.write", object_repr="x")
                writes.append(time.perf_counter() - t)
            except OperationalError:
                failed += not args.no_writes
            time.sleep(0.2)
        jobs_wait()
        seconds = time.perf_counter() - started
        job.refresh_from_db()
        assert job.result.get("created") == args.cadres, job.result
        print(
            f"cadres={args.cadres} job_seconds={seconds:.1f} reads={len(reads)} "
            f"read_max_ms={max(reads, default=0) * 1000:.0f} writes={len(writes)} "
            f"write_max_ms={max(writes, default=0) * 1000:.0f} writes_failed={failed}"
        )


if __name__ == "__main__":
    main()
