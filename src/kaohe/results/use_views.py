"""Result use pages: an outcome's use (awards, tenure credit, what low grades lead to, the
cascades from other assessments) and its Excel export; the written explanations owed for
low grades, handed in by the unit's liaison and followed by the office."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.core.forms import Form, apply_service_error
from kaohe.core.roles import Action, actor, can, require
from kaohe.core.xlsx import xlsx_response
from kaohe.results import use
from kaohe.results.models import WrittenExplanation


class ExplanationsOpenForm(Form):
    due_on = forms.DateField(
        label=gettext_lazy("报送期限"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class ExplanationSubmitForm(Form):
    def __init__(self, *args: object, **kwargs: object) -> None:
        from kaohe.collection.evidence import evidence_file_field

        super().__init__(*args, **kwargs)
        field = evidence_file_field(required=True)
        field.label = gettext_lazy("书面说明")
        self.fields["file"] = field


class ExplanationReceiveForm(Form):
    received_on = forms.DateField(
        label=gettext_lazy("收到日期"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    note = forms.CharField(
        label=gettext_lazy("备注"), required=False, max_length=500,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("如：纸质材料已收")}),
    )  # fmt: skip


@login_required
def use_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    outcomes = use.outcomes_for_user(request.user).order_by("-year__year", "suite")
    return render(request, "results/use_list.html", {"outcomes": outcomes})


@login_required
def use_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    outcome = get_object_or_404(use.outcomes_for_user(request.user), pk=pk)
    result = use.outcome_use(outcome)
    opened = {row.final.pk for row in result.rows if row.explanation is not None}
    today = timezone.localdate()
    context = {
        "outcome": outcome,
        "use": result,
        "used": outcome.status in use.USED_STATUSES,
        "can_open": can(request.user, Action.RESULTS_RUN),
        "party": use.party_grades(outcome) if outcome.status in use.USED_STATUSES else [],
        "party_flag": use.PARTY_FLAG,
        "open_form": ExplanationsOpenForm(initial={"due_on": today + dt.timedelta(days=30)}),
        # targets that owe an explanation and have no tracked item yet
        "owed": len([f for f in use.explanation_due_grades(outcome) if f.pk not in opened])
        if result.rows
        else 0,
    }
    return render(request, "results/use_detail.html", context)


@login_required
def use_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    outcome = get_object_or_404(use.outcomes_for_user(request.user), pk=pk)
    content = use.use_workbook(use.outcome_use(outcome))
    return xlsx_response(content, _("结果运用-%(name)s.xlsx") % {"name": str(outcome)})


@login_required
@require_POST
def explanations_open(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    outcome = get_object_or_404(use.outcomes_for_user(request.user), pk=pk)
    form = ExplanationsOpenForm(request.POST)
    if form.is_valid():
        try:
            items = use.explanations_open(
                actor=actor(request), outcome=outcome, due_on=form.cleaned_data["due_on"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("新增 %(n)s 项书面说明") % {"n": len(items)})
    else:
        messages.error(request, _("请填写有效的报送期限"))
    return redirect("results:use_detail", pk=outcome.pk)


def _may_list(user: object) -> bool:
    return can(user, Action.RESULTS_VIEW) or can(user, Action.REPORT_SUBMIT)


@login_required
def explanation_list(request: HttpRequest) -> HttpResponse:
    if not _may_list(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    items = list(
        use.explanations_for_user(request.user).order_by(
            "received_on", "due_on", "unit__name", "pk"
        )
    )
    rows = [
        (item, use.explanation_state(item, today), item.received_on is None and item.due_on < today)
        for item in items
    ]
    return render(
        request,
        "results/use_explanations.html",
        {"rows": rows, "overdue": sum(1 for r in rows if r[2])},
    )


@login_required
def explanation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    if not _may_list(request.user):
        raise PermissionDenied
    item = get_object_or_404(use.explanations_for_user(request.user), pk=pk)
    may_submit = can(request.user, Action.REPORT_SUBMIT) and item.unit_id == getattr(
        request.user, "unit_id", None
    )
    may_receive = can(request.user, Action.RESULTS_RUN)
    submit_form = ExplanationSubmitForm()
    receive_form = ExplanationReceiveForm(
        initial={"received_on": item.received_on or timezone.localdate(), "note": item.note}
    )
    if request.method == "POST":
        if request.POST.get("form") == "submit" and may_submit:
            submit_form = ExplanationSubmitForm(request.POST, request.FILES)
            if submit_form.is_valid():
                upload = submit_form.cleaned_data["file"]
                try:
                    use.explanation_submit(actor=actor(request), item=item, upload=upload,
                                           name=upload.name)  # fmt: skip
                except ValidationError as error:
                    submit_form.add_error("file", error.messages)
                else:
                    messages.success(request, _("书面说明已报送"))
                    return redirect("results:explanation_detail", pk=item.pk)
        elif request.POST.get("form") == "receive" and may_receive:
            receive_form = ExplanationReceiveForm(request.POST)
            if receive_form.is_valid():
                try:
                    use.explanation_receive(actor=actor(request), item=item,
                                            **receive_form.cleaned_data)  # fmt: skip
                except ValidationError as error:
                    apply_service_error(receive_form, error)
                else:
                    messages.success(request, _("已登记收到"))
                    return redirect("results:explanation_detail", pk=item.pk)
        else:
            raise PermissionDenied
    context = {
        "item": item,
        "state": use.explanation_state(item, timezone.localdate()),
        "may_submit": may_submit,
        "may_receive": may_receive,
        "submit_form": submit_form,
        "receive_form": receive_form,
    }
    return render(request, "results/use_explanation.html", context)


__all__ = ["WrittenExplanation"]


@login_required
@require_POST
def party_flags_apply(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    outcome = get_object_or_404(use.outcomes_for_user(request.user), pk=pk)
    try:
        marked, unmarked = use.party_flags_apply(actor=actor(request), outcome=outcome)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已标记 %(marked)s 个单位“%(flag)s”，取消 %(unmarked)s 个")
            % {"marked": marked, "unmarked": unmarked, "flag": use.PARTY_FLAG},
        )
    return redirect("results:use_detail", pk=outcome.pk)
