"""Benchmark of the Excel import of cadres (the largest import a county makes).

Usage (from the repository root)::

    .venv/bin/python bench/imports.py                     # 1000,10000,30000 cadres
    .venv/bin/python bench/imports.py --sizes 1000,3000   # chosen sizes
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/kaohe .venv/bin/python bench/imports.py
    .venv/bin/python bench/imports.py --profile 10000     # cProfile of the import, on stderr

Each size runs in a fresh subprocess with its own test database (Django's test-database
creation: SQLite in memory, or ``test_<name>`` on the server of ``DATABASE_URL``, dropped
afterwards). One line per size goes to stdout::

    cadres=N import_seconds=S reimport_seconds=R export_seconds=E peak_mb=P

``import_seconds``: a workbook of N new cadres (each with a current post in one of 200
units) read, checked and written with its audit rows, in one transaction, as the
background job does it. ``reimport_seconds``: the export of those cadres imported again
(every row found unchanged). ``export_seconds``: the export itself. ``peak_mb``: the
process's peak resident memory.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (1000, 10000, 30000)
UNITS = 200
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "红青山远明华建国志海平安德文晓东春秋玉兰"
RANKS = ("正科级", "副科级", "一级主任科员", "二级主任科员")


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    # As production runs: DEBUG off (with it on, Django keeps every query's SQL).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-a-secret")
    import django

    django.setup()


def _workbook(cadres: int) -> bytes:
    from openpyxl import Workbook

    from kaohe.orgs.workbooks import CADRES

    book = Workbook(write_only=True)
    sheet = book.create_sheet(CADRES.sheet)
    sheet.append([column.header for column in CADRES.columns])
    for i in range(cadres):
        name = SURNAMES[i % 20] + GIVEN[(i // 20) % 20] + GIVEN[(i // 400) % 20]
        principal = i % 25 == 0
        sheet.append([
            None, name, "男" if i % 3 else "女", dt.date(1965 + i % 30, 1 + i % 12, 1 + i % 28),
            RANKS[i % 4], None, f"u{i % UNITS:03d}", None,
            "党委书记" if principal else "副主任", "党政正职" if principal else "班子成员",
            "党委(党组)书记" if principal else None, dt.date(2015 + i % 9, 1 + i % 12, 1), None,
        ])  # fmt: skip
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _timed(profiler: Any, call: Callable[[], Any], what: str) -> tuple[Any, float]:
    """``call()`` and its wall time; its CPU time (this process only, not the database
    server's) goes to stderr: on a shared machine it varies less than the wall time."""
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    try:
        return call(), time.perf_counter() - started
    finally:
        if profiler is not None:
            profiler.disable()
        sys.stderr.write(f"{what}_cpu_seconds={time.process_time() - cpu:.2f}\n")


def run_one(cadres: int, *, profile: bool = False) -> str:
    _setup()
    from django.db import connection, transaction

    from kaohe.orgs import services, workbooks
    from kaohe.orgs.models import Cadre, Unit, UnitCategory
    from kaohe.orgs.selectors import with_current_state

    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        category, _ = UnitCategory.objects.get_or_create(name="县直部门")
        Unit.objects.bulk_create(
            Unit(code=f"u{i:03d}", name=f"单位{i:03d}", category=category, order=i)
            for i in range(UNITS)
        )
        data = _workbook(cadres)
        profiler = cProfile.Profile() if profile else None

        def load(data: bytes) -> Any:
            with transaction.atomic():
                return services.cadres_import(
                    actor=None,
                    file=BytesIO(data),
                    cadres=Cadre.objects.all(),
                    units=Unit.objects.all(),
                )

        summary, imported = _timed(profiler, lambda: load(data), "import")
        assert summary.created == cadres, summary
        if profiler is not None:
            _print_profile(profiler, "import")
            profiler = cProfile.Profile()

        started = time.perf_counter()
        cadres_now = with_current_state(Cadre.objects.all())  # as the export view reads them
        exported = workbooks.cadres_export(cadres_now.iterator(chunk_size=2000))
        export = time.perf_counter() - started

        summary, reimported = _timed(profiler, lambda: load(exported), "reimport")
        assert summary.unchanged == cadres, summary
        if profiler is not None:
            _print_profile(profiler, "re-import")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"cadres={cadres} import_seconds={imported:.2f} reimport_seconds={reimported:.2f} "
        f"export_seconds={export:.2f} peak_mb={peak:.0f}"
    )


def _print_profile(profiler: cProfile.Profile, what: str, top: int = 25) -> None:
    sys.stderr.write(f"---- {what} ----\n")
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # a child's size
    parser.add_argument("--profile", type=int, metavar="CADRES", help="cProfile one size")
    args = parser.parse_args()
    if args.profile:
        print(run_one(args.profile, profile=True), flush=True)
        return
    if args.one:
        print(run_one(args.one), flush=True)
        return
    for size in (int(s) for s in args.sizes.split(",")):
        child = subprocess.run(
            [sys.executable, __file__, "--one", str(size)], capture_output=True, text=True
        )
        sys.stderr.write(child.stderr)
        if child.returncode:
            raise SystemExit(child.returncode)
        print(child.stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
