"""The official forms of the demo county in one batch: every form, county-wide.

Usage (from the repository root)::

    .venv/bin/python bench/forms.py                 # SQLite in a temporary directory
    .venv/bin/python bench/forms.py --forms registration,proposal
    .venv/bin/python bench/forms.py --database-url postgresql://…/empty_db

The demo county is loaded and its seed-004 suite graded as ``bench/grading.py`` does; then
one batch (``kaohe.results.documents.document_batch_build``) makes the chosen forms (all by
default) for the whole county. Exactly one line goes to stdout::

    files=N cadres=C build_s=S ms_per_file=M zip_mb=Z queries=Q

``build_s``: reading the year and making every file into the zip; ``queries``: the
database queries of the batch (they do not grow with the number of cadres).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import grading  # the sibling benchmark: its county, suite and stand-in ballots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--forms", default="", help="comma-separated form keys (default: all)")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead of SQLite")
    args = parser.parse_args()
    with grading.graded_demo(args.database_url) as (run, _cadre):
        from django.db import connection, transaction
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from kaohe.results.documents import document_batch_build
        from kaohe.results.models import DocumentBatch, DocumentForm, RunStatus

        the_year = run.year
        forms = [f for f in args.forms.split(",") if f] or list(DocumentForm.values)
        batch = DocumentBatch.objects.create(year=the_year, forms=forms, scope="all",
                                             created_at=timezone.now())  # fmt: skip
        connection.queries_log.clear()  # the demo's queries would fill the log's 9,000
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            with transaction.atomic():
                document_batch_build(batch=batch)
            elapsed = time.perf_counter() - started
        if batch.status != RunStatus.DONE:
            print(batch.message, file=sys.stderr)
            sys.exit(1)
        cadres = run.rows.filter(cadre__isnull=False).count()
        print(
            f"files={batch.total} cadres={cadres} build_s={elapsed:.1f} "
            f"ms_per_file={1000 * elapsed / max(batch.total, 1):.0f} "
            f"zip_mb={batch.size / 1024 / 1024:.1f} queries={len(queries.captured_queries)}"
        )


if __name__ == "__main__":
    main()
