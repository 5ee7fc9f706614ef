"""Every URL of the results app with every role (walked by ``core/tests/test_permissions``).
The objects: ``results_run`` (a finished run of 2024 with one row), ``results_row`` (its
row), ``results_scheme`` (the published 党建工作成效考核 scheme of 2024)."""

from __future__ import annotations

from typing import Any

VIEW = (302, 200, 403, 403, 403, 200, 403, 200)
RUN = (302, 200, 403, 403, 403, 403, 403, 403)
#                                                         anon admin scorer liaison outsider leader team committee
ROWS = [
    ("results:run_list", (), VIEW),
    ("results:run_create", (), RUN),
    ("results:run_compare", (), VIEW),
    ("results:run_detail", ("results_run",), VIEW),
    ("results:run_progress", ("results_run",), VIEW),
    ("results:run_scenario", ("results_run",), VIEW),
    ("results:run_result", ("results_run",), VIEW),
    ("results:row_trace", ("results_row",), VIEW),
    ("results:component_import", ("results_scheme",), RUN),
    ("results:component_template", ("results_scheme",), RUN),
]
POST_ONLY = {"results:run_recompute"}


def objects(cast: Any) -> dict[str, Any]:
    from django.utils import timezone

    from kaohe.results.models import Run, RunRow, RunStatus
    from kaohe.schemes.services import scheme_set_status
    from kaohe.schemes.tests import factories

    year = factories.year_2024()
    scheme = factories.party_schemes(year)["party"]
    scheme.refresh_from_db()
    if scheme.status == "draft":
        scheme = scheme_set_status(actor=None, scheme=scheme, status="published")
    now = timezone.now()
    run = Run.objects.create(
        year=year, status=RunStatus.DONE, snapshot="{}\n", result='{"format": "kaohe-result/1"}\n',
        created_by=cast.admin, created_at=now, finished_at=now,
    )  # fmt: skip
    row = RunRow.objects.create(
        run=run, scheme=scheme, target=f"u{cast.unit_a.pk}", unit=cast.unit_a, name="青山镇",
        status="graded", grade="好", position=0,
        trace=[{"step": "band", "grade": "好", "note": "得分 91.05，在“好”的分数段"}],
    )  # fmt: skip
    return {"results_run": run, "results_row": row, "results_scheme": scheme}
