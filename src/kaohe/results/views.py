"""Grading runs: the list, starting one, its progress and results, a target's trace, the
comparison of two runs, and the import of components collected outside the site."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core.forms import apply_service_error
from kaohe.core.listing import is_htmx, paginate
from kaohe.core.models import JobStatus
from kaohe.core.roles import Action, actor, can, require
from kaohe.core.services import rejected_upload_keep
from kaohe.core.xlsx import ImportFailed, RowError, layout_workbook, xlsx_response
from kaohe.results import services
from kaohe.results.compare import compare_runs
from kaohe.results.explain import explain
from kaohe.results.forms import CompareForm, ComponentImportForm, RunForm
from kaohe.results.models import Outcome, Run, RunStatus
from kaohe.results.selectors import group_labels, run_rows_for_user, runs_for_user
from kaohe.schemes.selectors import schemes_for_user

PROGRESS = {RunStatus.QUEUED: 10, RunStatus.RUNNING: 50, RunStatus.DONE: 100, RunStatus.FAILED: 100}


def _state(run: Run) -> tuple[str, str]:
    """The status shown and its message: a run whose job is running is shown running (the
    job writes the run in one transaction, seen when it commits); one whose job failed
    outside the engine (the job rolled back) is shown failed with the job's message."""
    if run.is_active and run.job is not None:
        if run.job.status == JobStatus.FAILED:
            return RunStatus.FAILED, str(run.job.result.get("message", ""))
        if run.job.status == JobStatus.RUNNING:
            # the job grades in one transaction: its own move to running is what shows
            return RunStatus.RUNNING, ""
    return run.status, run.message


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    page = paginate(request, runs_for_user(request.user).order_by("-created_at", "-id"))
    return render(
        request,
        "results/run_list.html",
        {
            "page": page,
            "runs": [(run, RunStatus(_state(run)[0])) for run in page.object_list],
            "can_run": can(request.user, Action.RESULTS_RUN),
        },
    )


@login_required
def run_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    form = RunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = services.run_create(
                actor=actor(request), year=form.cleaned_data["year"],
                suite=form.cleaned_data["suite"] or "",
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            return redirect(run)
    schemes = schemes_for_user(request.user).exclude(status="draft").select_related("year")
    return render(request, "results/run_form.html", {"form": form, "schemes": schemes})


def _progress_context(run: Run) -> dict[str, Any]:
    status, message = _state(run)
    return {
        "run": run,
        "status": status,
        "status_label": RunStatus(status).label,
        "message": message,
        "percent": PROGRESS[RunStatus(status)],
        "active": status in (RunStatus.QUEUED, RunStatus.RUNNING),
    }


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    rows = list(
        run.rows.select_related("scheme").order_by(
            "scheme__suite", "scheme_id", "group", F("rank").asc(nulls_last=True), "position"
        )
    )
    group_labels(rows)
    schemes = [
        {"scheme": scheme, "rows": list(items)}
        for scheme, items in groupby(rows, key=lambda row: row.scheme)
    ]
    versions = list(run.versions.select_related("scheme").order_by("scheme_id"))
    context = _progress_context(run) | {
        "schemes": schemes,
        "versions": versions,
        "can_run": can(request.user, Action.RESULTS_RUN),
        "violations": _violations(run),
        "can_decide": can(request.user, Action.RESULTS_DECIDE),
        "outcome": Outcome.objects.filter(year_id=run.year_id, suite=run.suite).first(),
    }
    return render(request, "results/run_detail.html", context)


def _violations(run: Run) -> list[dict[str, Any]]:
    found = []
    for scheme in run.result_document.get("schemes", []):
        found.extend(scheme.get("violations", []))
    return found


@login_required
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of a run's page, polled by htmx while the run is not over; once
    it is, the whole page is loaded again (``HX-Refresh``) to show the results."""
    require(request.user, Action.RESULTS_VIEW)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    context = _progress_context(run)
    response = render(request, "results/_progress.html", context)
    if is_htmx(request) and not context["active"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def run_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    try:
        again = services.run_recompute(actor=actor(request), run=run)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(run)
    return redirect(again)


def _json_download(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def run_scenario(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    return _json_download(run.snapshot, f"scenario-{run.year.year}-run{run.pk}.json")


@login_required
def run_result(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    run = get_object_or_404(runs_for_user(request.user), pk=pk)
    return _json_download(
        services.printed(run.result) if run.result else "",
        f"result-{run.year.year}-run{run.pk}.json",
    )


@login_required
def row_trace(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    row = get_object_or_404(
        run_rows_for_user(request.user).select_related("run__year", "scheme"), pk=pk
    )
    version = row.run.versions.filter(scheme_id=row.scheme_id).first()
    steps = explain(
        row.trace,
        version.definition if version else {},
        version.notes if version else {},
        row.group,
    )
    group_labels([row])
    context = {"row": row, "run": row.run, "steps": steps, "version": version}
    return render(request, "results/row_trace.html", context)


@login_required
def run_compare(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    runs = runs_for_user(request.user).filter(status=RunStatus.DONE)
    form = CompareForm(request.GET or None, runs=runs)
    changes = None
    if form.is_bound and form.is_valid():
        changes = compare_runs(form.cleaned_data["old"], form.cleaned_data["new"])
    return render(request, "results/run_compare.html", {"form": form, "changes": changes})


# ---- components ------------------------------------------------------------------------


def _scheme(request: HttpRequest, pk: int) -> Any:
    return get_object_or_404(
        schemes_for_user(request.user).exclude(status="draft").select_related("year"), pk=pk
    )


@login_required
def component_template(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    scheme = _scheme(request, pk)
    content = layout_workbook(services.component_layout(scheme), [])
    return xlsx_response(content, _("分项得分-%(name)s.xlsx") % {"name": scheme.name})


@login_required
def component_import(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    scheme = _scheme(request, pk)
    form = ComponentImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    rejected = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = services.components_import(
                actor=actor(request), scheme=scheme, file=upload, file_name=upload.name
            )
        except ImportFailed as failure:
            errors = failure.errors
            form.add_error("file", _("有 %(n)s 处错误，未导入任何数据") % {"n": len(errors)})
            upload.seek(0)
            rejected = rejected_upload_keep(
                owner=actor(request), file_name=upload.name, data=upload.read(), failure=failure
            )
        else:
            messages.success(
                request,
                _("新增 %(created)s 条，修改 %(updated)s 条，未变 %(unchanged)s 条")
                % vars(summary),
            )
            return redirect("results:component_import", pk=scheme.pk)
    return render(
        request,
        "results/component_import.html",
        {
            "form": form,
            "scheme": scheme,
            "inputs": services.scheme_component_inputs(scheme),
            "errors": errors,
            "rejected": rejected,
        },
    )
