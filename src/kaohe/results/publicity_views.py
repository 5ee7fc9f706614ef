"""Publicity (公示): the office's page of a decided outcome (start publicity, record and
handle objections, publish), the public pages (no login: name, unit, post, 优秀, the
period and how to object, nothing else) and a grade's page with its history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, can, require
from kaohe.core.views import _client_address as client_address  # the login's rule
from kaohe.orgs.models import Posting, active_on
from kaohe.results import appeals
from kaohe.results.models import Objection, Outcome, OutcomeStatus
from kaohe.results.publicity_forms import (
    ObjectionForm,
    ObjectionHandleForm,
    PublicityForm,
    PublicObjectionForm,
)
from kaohe.results.selectors import final_grades_for_user, outcomes_for_user

AFTER_DECISION = (OutcomeStatus.DECIDED, OutcomeStatus.PUBLICITY, OutcomeStatus.PUBLISHED)


def _listed(outcome: Outcome) -> list[dict[str, Any]]:
    """The 优秀 list with each person's unit and post on 12-31 of the year (a team: its
    unit), in two queries."""
    finals = list(appeals.excellent_list(outcome))
    year_end = dt.date(outcome.year.year, 12, 31)
    postings = {
        p.cadre_id: p
        for p in Posting.objects.filter(
            active_on(year_end), cadre_id__in=[f.cadre_id for f in finals if f.cadre_id]
        )
        .select_related("unit")
        .order_by("cadre_id", "is_primary", "start_date")  # the primary post last: kept
    }
    listed = []
    for final in finals:
        posting = postings.get(final.cadre_id) if final.cadre_id else None
        listed.append(
            {
                "final": final,
                "name": final.row.name or final.target,
                "unit": posting.unit.name if posting else (final.unit.name if final.unit else ""),
                "post": posting.post if posting else (_("领导班子") if final.unit_id else ""),
                "scheme": final.scheme.name,
            }
        )
    return listed


# ---- the office -----------------------------------------------------------------------


@login_required
def publicity_index(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_PUBLISH)
    outcomes = outcomes_for_user(request.user).filter(status__in=AFTER_DECISION)
    return render(
        request, "results/publicity_index.html",
        {"outcomes": outcomes.order_by("-year__year", "suite"),
         "today": timezone.localdate()},
    )  # fmt: skip


def _outcome(request: HttpRequest, pk: int) -> Outcome:
    require(request.user, Action.RESULTS_PUBLISH)
    return get_object_or_404(outcomes_for_user(request.user), pk=pk)


def _manage_page(
    request: HttpRequest, outcome: Outcome, *, form: Any = None, objection_form: Any = None
) -> HttpResponse:
    today = timezone.localdate()
    start = today + dt.timedelta(days=1)
    end = start
    while appeals.working_days(start, end) < 5:
        end += dt.timedelta(days=1)
    form = form or PublicityForm(
        initial={"start": start, "end": end, "contact": outcome.publicity_contact}
    )
    finals = appeals.excellent_list(outcome)
    objection_form = objection_form or ObjectionForm(finals=finals, initial={"received_on": today})
    objections = outcome.objections.select_related("final__row", "recorded_by")
    context = {
        "outcome": outcome,
        "listed": _listed(outcome),
        "form": form,
        "objection_form": objection_form,
        "objections": [(o, ObjectionHandleForm(prefix=f"o{o.pk}")) for o in objections],
        "working_days": appeals.working_days(outcome.publicity_start, outcome.publicity_end)
        if outcome.publicity_start and outcome.publicity_end
        else None,
        "can_publish": outcome.status == OutcomeStatus.PUBLICITY
        and outcome.publicity_end is not None
        and today >= outcome.publicity_end,
        "today": today,
    }
    return render(request, "results/publicity_manage.html", context)


@login_required
def publicity_manage(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    if outcome.status not in AFTER_DECISION:
        raise Http404
    form = PublicityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeals.publicity_start(
                actor=actor(request), outcome=outcome, start=data["start"], end=data["end"],
                contact=data["contact"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已开始公示"))
            return redirect("results:publicity_manage", pk=outcome.pk)
    return _manage_page(request, outcome, form=form if request.method == "POST" else None)


@login_required
def objection_create(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    form = ObjectionForm(request.POST or None, finals=appeals.excellent_list(outcome))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeals.objection_record(
                actor=actor(request), final=data["final"], received_on=data["received_on"],
                content=data["content"], channel=data["channel"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已登记异议"))
            return redirect("results:publicity_manage", pk=outcome.pk)
    return _manage_page(request, outcome, objection_form=form)


@login_required
@require_POST
def objection_handle(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_PUBLISH)
    objection = get_object_or_404(
        Objection.objects.filter(outcome__in=outcomes_for_user(request.user).values("pk")), pk=pk
    )
    form = ObjectionHandleForm(request.POST, prefix=f"o{objection.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            appeals.objection_handle(
                actor=actor(request), objection=objection, result=data["result"],
                handling=data["handling"], new_grade=data["new_grade"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已记录处理结果"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("results:publicity_manage", pk=objection.outcome_id)


@login_required
@require_POST
def outcome_publish(request: HttpRequest, pk: int) -> HttpResponse:
    outcome = _outcome(request, pk)
    try:
        appeals.outcome_publish(actor=actor(request), outcome=outcome)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已公布考核结果"))
    return redirect("results:publicity_manage", pk=outcome.pk)


@login_required
def grade_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One standing grade: computed and standing, its history of changes, objections,
    复核 and 申诉."""
    require(request.user, Action.RESULTS_VIEW)
    final = get_object_or_404(
        final_grades_for_user(request.user).select_related(
            "outcome__year", "scheme", "row__run", "cadre", "unit"
        ),
        pk=pk,
    )
    context = {
        "final": final,
        "changes": final.changes.select_related("run", "changed_by"),
        "objections": final.objections.all(),
        "appeals": final.appeals.select_related("run"),
        "can_appeal": can(request.user, Action.APPEAL_HANDLE)
        and final.outcome.status == OutcomeStatus.PUBLISHED,
        "deadline": appeals.review_deadline(final.outcome),
    }
    return render(request, "results/publicity_grade.html", context)


# ---- the public -----------------------------------------------------------------------


def publicity_public_index(request: HttpRequest) -> HttpResponse:
    """The lists now on public display (no login)."""
    outcomes = Outcome.objects.filter(status=OutcomeStatus.PUBLICITY).select_related("year")
    return render(request, "results/publicity_public_index.html", {"outcomes": outcomes})


def publicity_public(request: HttpRequest, pk: int) -> HttpResponse:
    """One 优秀 list during its publicity (no login; 404 before and after), with a form
    to send an objection (checked and limited per source and day)."""
    outcome = get_object_or_404(
        Outcome.objects.select_related("year"), pk=pk, status=OutcomeStatus.PUBLICITY
    )
    form = PublicObjectionForm(request.POST or None, finals=appeals.excellent_list(outcome))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appeals.objection_submit(
                final=data["final"], content=data["content"], contact=data["contact"],
                address=client_address(request),
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已收到您的异议，考核办将核实处理"))
            return redirect("results:publicity_public", pk=outcome.pk)
    return render(
        request, "results/publicity_public.html",
        {"outcome": outcome, "listed": _listed(outcome), "form": form},
    )  # fmt: skip
