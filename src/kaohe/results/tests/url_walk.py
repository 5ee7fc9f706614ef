"""Every URL of the results app with every role (walked by ``core/tests/test_permissions``).
The objects: ``results_run`` (a finished run of 2024 with one row), ``results_row`` (its
row), ``results_scheme`` (the published 党建工作成效考核 scheme of 2024); for proposals,
``results_outcome`` (an outcome resting on a graded run of its own suite), with its scheme
``results_scheme`` and its group ``results_group`` (青山镇 in the default group 全部); for the forms, ``results_batch``
(a finished batch of forms with an empty zip) and ``results_form`` (the 登记表's key)."""

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
    ("results:outcome_list", (), (302, 200, 403, 403, 403, 200, 200, 200)),
    ("results:outcome_detail", ("results_outcome",), VIEW),
    # a unit scheme's group: the office and the readers see it; a team member proposes
    # team schemes only (404: not theirs)
    ("results:proposal_edit", ("results_outcome", "results_scheme", "results_group"),
     (302, 200, 403, 403, 403, 200, 404, 200)),
    ("results:documents", (), RUN),
    ("results:document_template", ("results_form",), RUN),
    ("results:document_batch", ("results_batch",), RUN),
    ("results:document_batch_progress", ("results_batch",), RUN),
    ("results:document_batch_download", ("results_batch",), RUN),
]  # fmt: skip
POST_ONLY = {
    "results:run_recompute",
    "results:outcome_open",
    "results:outcome_decide",
    "results:outcome_reopen",
    "results:proposal_check",
    "results:proposal_return",
    "results:explanations_open",
    "results:party_flags_apply",
    "results:whatif_create",
    "results:whatif_delete",
}
USE_ROWS = [
    ("results:use_list", (), VIEW),
    ("results:use_detail", ("results_decided",), VIEW),
    ("results:use_xlsx", ("results_decided",), VIEW),
    ("results:explanation_list", (), (302, 200, 403, 200, 200, 200, 403, 200)),
    # 青山镇's explanation: its liaison sees it, 白水镇's (outsider) gets 404
    (
        "results:explanation_detail",
        ("results_explanation",),
        (302, 200, 403, 200, 404, 200, 403, 200),
    ),
    ("results:whatif_list", (), VIEW),
    ("results:whatif_detail", ("results_whatif",), VIEW),
]
ROWS += USE_ROWS


def objects(cast: Any) -> dict[str, Any]:
    from types import SimpleNamespace

    from django.utils import timezone

    from kaohe.results.models import DocumentBatch, Run, RunRow, RunStatus
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
    batch = DocumentBatch.objects.create(
        year=year, forms=["report"], scope="all", status=RunStatus.DONE, total=1,
        content=b"PK\x05\x06" + b"\x00" * 18, size=22, created_by=cast.admin, created_at=now,
    )  # fmt: skip
    forms = {"results_batch": batch, "results_form": SimpleNamespace(pk="registration")}
    return (
        {"results_run": run, "results_row": row, "results_scheme": scheme}
        | _proposal_objects(cast, year, scheme)
        | _use_objects(cast, year, scheme, run, row)
        | forms
        | _publicity_objects(cast, run, row)
    )


def _proposal_objects(cast: Any, year: Any, scheme: Any) -> dict[str, Any]:
    from types import SimpleNamespace

    from django.db import transaction
    from django.utils import timezone

    from kaohe.results import jsonout, services
    from kaohe.results.models import Run, RunStatus
    from kaohe.results.outcomes import outcome_open

    unit = f"u{cast.unit_a.pk}"
    document = {
        "format": "kaohe-scenario/1", "year": 2024,
        "entities": {"units": [{"id": unit, "name": "青山镇", "category": "镇街"}]},
        "schemes": [{"id": f"s{scheme.pk}", "subject": "unit", "grades": ["好", "较好", "一般", "较差"],
                     "bands": {"好": 90, "较好": 80, "一般": 60},
                     "targets": [{"id": unit, "inputs": {"score": 91}}]}],
    }  # fmt: skip
    with transaction.atomic():
        run = Run.objects.create(
            year=year, suite="等次建议走查", status=RunStatus.RUNNING,
            snapshot=jsonout.dumps(document), created_by=cast.admin, created_at=timezone.now(),
        )  # fmt: skip
        services.run_store(run=run, result=services.grade_snapshot(run.snapshot))
    outcome = outcome_open(actor=cast.admin, run=run)
    return {"results_outcome": outcome, "results_group": SimpleNamespace(pk="全部")}


def _use_objects(cast: Any, year: Any, scheme: Any, run: Any, row: Any) -> dict[str, Any]:
    """A decided outcome on ``run`` (青山镇 一般), its written explanation, a what-if."""
    from django.utils import timezone

    from kaohe.results.models import FinalGrade, Outcome, WhatIfDraft, WrittenExplanation

    now = timezone.now()

    outcome = Outcome.objects.create(year=year, run=run, status="decided", created_at=now)
    final = FinalGrade.objects.create(
        outcome=outcome, scheme=scheme, target=row.target, unit=cast.unit_a, row=row,
        status="graded", computed_grade="一般", grade="一般", updated_at=now,
    )  # fmt: skip
    explanation = WrittenExplanation.objects.create(
        outcome=outcome, final=final, unit=cast.unit_a, grade="一般", clause="001 第十八条",
        due_on=now.date(), created_at=now,
    )  # fmt: skip
    draft = WhatIfDraft.objects.create(
        scheme=scheme, base_version=scheme.current_version, run=run, name="模拟",
        definition=scheme.current_version.definition, created_by=cast.admin, created_at=now,
        updated_at=now,
    )  # fmt: skip
    return {"results_decided": outcome, "results_explanation": explanation, "results_whatif": draft}


def _publicity_objects(cast: Any, run: Any, row: Any) -> dict[str, Any]:
    import datetime as dt

    from django.utils import timezone

    from kaohe.results.models import Appeal, FinalGrade, Outcome, OutcomeStatus

    today = timezone.localdate()
    outcome = Outcome.objects.create(
        year=run.year, suite="公示走查", run=run, status=OutcomeStatus.PUBLICITY, publicity_start=today,
        publicity_end=today + dt.timedelta(days=6), publicity_contact="电话",
        created_at=timezone.now(),
    )  # fmt: skip
    final = FinalGrade.objects.create(
        outcome=outcome, scheme=row.scheme, target=row.target, unit=row.unit, row=row,
        status="graded", computed_grade="好", grade="好", updated_at=timezone.now(),
    )  # fmt: skip
    appeal = Appeal.objects.create(
        final=final, kind="review", filed_on=today, due_on=today + dt.timedelta(days=30),
        reason="复核", created_by=cast.admin, created_at=timezone.now(),
    )  # fmt: skip
    return {"publicity_outcome": outcome, "results_final": final, "results_appeal": appeal}


# Publicity, appeals, investigations and the cadre's own page (``publish``): the office
# alone handles them (``RESULTS_PUBLISH``, ``APPEAL_HANDLE``); the grade page is read like
# the runs; the public pages need no login; the own page needs ``RESULT_OWN_VIEW``.
OFFICE = (302, 200, 403, 403, 403, 403, 403, 403)
PUBLIC = (200, 200, 200, 200, 200, 200, 200, 200)
OWN = (302, 200, 403, 403, 403, 403, 403, 403)
ROWS += [
    ("results:publicity_index", (), OFFICE),
    ("results:publicity_manage", ("publicity_outcome",), OFFICE),
    ("results:objection_create", ("publicity_outcome",), OFFICE),
    ("results:grade_detail", ("results_final",), VIEW),
    ("results:publicity_public_index", (), PUBLIC),
    ("results:publicity_public", ("publicity_outcome",), PUBLIC),
    ("results:appeal_create", ("results_final",), OFFICE),
    ("results:appeal_list", (), OFFICE),
    ("results:appeal_detail", ("results_appeal",), OFFICE),
    ("results:investigation_list", (), OFFICE),
    ("results:own_results", (), OWN),
]
POST_ONLY |= {
    "results:outcome_publish",
    "results:objection_handle",
    "results:appeal_recompute",
    "results:appeal_decide",
    "results:investigation_regrade",
}
