"""复核 and 申诉 (the office records them, grades again and decides, with due dates and
overdue ones shown) and the cadres pending because of an open 立案审查."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, require
from kaohe.results import appeals
from kaohe.results.compare import compare_runs
from kaohe.results.models import Appeal, AppealKind, AppealStatus, RunRow, RunStatus
from kaohe.results.publicity_forms import AppealForm, DecideForm, RecomputeForm
from kaohe.results.selectors import appeals_for_user, final_grades_for_user, outcomes_for_user


@login_required
def appeal_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.APPEAL_HANDLE)
    today = timezone.localdate()
    rows = [
        (appeal, appeals.is_overdue(appeal, today))
        for appeal in appeals_for_user(request.user).order_by("status", "due_on", "id")
    ]
    return render(request, "results/appeal_list.html", {"rows": rows, "today": today})


@login_required
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.APPEAL_HANDLE)
    final = get_object_or_404(
        final_grades_for_user(request.user).select_related("outcome__year", "row", "scheme"),
        pk=pk,
    )
    reviews = final.appeals.filter(kind=AppealKind.REVIEW, status=AppealStatus.DECIDED)
    form = AppealForm(
        request.POST or None, reviews=reviews,
        initial={"filed_on": timezone.localdate(), "appellant": final.row.name,
                 "kind": AppealKind.APPEAL if reviews.exists() else AppealKind.REVIEW},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeal = appeals.appeal_file(
                actor=actor(request), final=final, kind=data["kind"], filed_on=data["filed_on"],
                reason=data["reason"], appellant=data["appellant"], review=data["review"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已登记"))
            return redirect(appeal)
    context = {"form": form, "final": final, "deadline": appeals.review_deadline(final.outcome)}
    return render(request, "results/appeal_form.html", context)


def _appeal(request: HttpRequest, pk: int) -> Appeal:
    require(request.user, Action.APPEAL_HANDLE)
    return get_object_or_404(appeals_for_user(request.user), pk=pk)


def _detail(
    request: HttpRequest, appeal: Appeal, *, recompute: Any = None, decide: Any = None
) -> HttpResponse:
    row = appeals.appeal_row(appeal)
    change = None
    base = appeal.run.recomputed_from if appeal.run and appeal.run.recomputed_from else None
    base = base or appeal.final.outcome.run
    base_row = RunRow.objects.filter(
        run=base, scheme_id=appeal.final.scheme_id, target=appeal.final.target
    ).first()
    if row is not None and appeal.run is not None:
        found = [
            c
            for c in compare_runs(base, appeal.run)
            if c.target == appeal.final.target and (c.new or c.old) is not None
            and (c.new or c.old).scheme_id == appeal.final.scheme_id  # type: ignore[union-attr]
        ]  # fmt: skip
        change = found[0] if found else None
    context = {
        "appeal": appeal,
        "final": appeal.final,
        "row": row,
        "base_row": base_row,
        "change": change,
        "running": appeal.run is not None and appeal.run.status not in (RunStatus.DONE,
                                                                          RunStatus.FAILED),
        "overdue": appeals.is_overdue(appeal),
        "recompute_form": recompute or RecomputeForm(),
        "decide_form": decide or DecideForm(initial={"decided_on": timezone.localdate()}),
        "history": appeal.final.changes.select_related("run", "changed_by"),
    }  # fmt: skip
    return render(request, "results/appeal_detail.html", context)


@login_required
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _appeal(request, pk))


@login_required
@require_POST
def appeal_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal(request, pk)
    form = RecomputeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeals.appeal_recompute(
                actor=actor(request), appeal=appeal, source=data["source"],
                input_name=data["input_name"], value=data["value"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已开始重新计算"))
            return redirect(appeal)
    return _detail(request, appeal, recompute=form)


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = _appeal(request, pk)
    form = DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeals.appeal_decide(
                actor=actor(request), appeal=appeal, decision=data["decision"],
                reason=data["reason"], grade=data["grade"], decided_on=data["decided_on"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已作出决定"))
            return redirect(appeal)
    return _detail(request, appeal, decide=form)


@login_required
def investigation_list(request: HttpRequest) -> HttpResponse:
    """Cadres whose grade is pending because of a 立案审查, with the case's state."""
    require(request.user, Action.APPEAL_HANDLE)
    rows = []
    for final in appeals.pending_grades(outcomes_for_user(request.user).values("pk")):
        cases = list(final.cadre.investigations.all())
        open_appeal = next((a for a in final.appeals.all() if a.status != AppealStatus.DECIDED),
                           None)  # fmt: skip
        rows.append(
            {
                "final": final,
                "cases": cases,
                "closed": bool(cases) and all(c.closed_on for c in cases),
                "appeal": open_appeal,
            }
        )
    return render(request, "results/appeal_investigations.html", {"rows": rows})


@login_required
@require_POST
def investigation_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.APPEAL_HANDLE)
    final = get_object_or_404(final_grades_for_user(request.user), pk=pk)
    try:
        appeal = appeals.investigation_regrade(actor=actor(request), final=final)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("results:investigation_list")
    messages.success(request, _("已开始重新计算"))
    return redirect(appeal)
