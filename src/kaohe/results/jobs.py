"""The grading job (registered in ``kaohe.results.apps``): grade the run the job names."""

from __future__ import annotations

import json
from typing import IO, Any

from kaohe.core.models import Job
from kaohe.results.models import Run
from kaohe.results.services import run_execute


def grade_run(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    run = Run.objects.select_related("year").get(pk=int(json.loads(file.read())["run"]))
    run_execute(run=run)
    rows = run.rows.count()
    # The job list reads the counts of an import: the rows written count as created.
    return {"run": run.pk, "status": run.status, "created": rows, "updated": 0, "unchanged": 0}


def documents_build(*, job: Job, file: IO[bytes]) -> dict[str, Any]:
    """Make the zip of the batch the job names (``kaohe.results.documents``)."""
    from kaohe.results.documents import document_batch_build
    from kaohe.results.models import DocumentBatch

    batch = DocumentBatch.objects.select_related("year", "unit", "created_by").get(
        pk=int(file.read().decode())
    )
    document_batch_build(batch=batch)
    return {
        "batch": batch.pk, "status": batch.status, "message": batch.message,
        "created": batch.total, "updated": 0, "unchanged": 0,
    }  # fmt: skip
