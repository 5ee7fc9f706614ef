"""Pages of rankings, warnings and rectification: thin views over ``ranking``,
``rectification`` and ``letters``."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import django_filters
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.collection import letters
from kaohe.collection.evidence import attachments_of, evidence_file_field
from kaohe.collection.models import (
    OwnerType,
    Period,
    PeriodWarning,
    Rectification,
    RectificationStatus,
)
from kaohe.collection.ranking import period_rank
from kaohe.collection.rectification import (
    FEEDBACK_MAX,
    rectification_return,
    rectification_sign_off,
    rectification_submit,
    rectifications_for_user,
    warnings_for_user,
)
from kaohe.core.filters import per_request
from kaohe.core.forms import Form, apply_service_error
from kaohe.core.listing import list_page, list_template, paginate
from kaohe.core.models import AuditEntry
from kaohe.core.registry import audit_action_label
from kaohe.core.roles import Action, actor, can, require
from kaohe.schemes.selectors import schemes_for_user

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _ranked_periods(user: object) -> QuerySet[Period]:
    """Ranked periods of the schemes the user sees, for the roles that see every unit's
    progress (the office, leaders, assessment teams, the committee)."""
    if not (can(user, Action.WARNING_VIEW) and can(user, Action.PROGRESS_VIEW)):
        return Period.objects.none()
    return Period.objects.filter(
        ranked=True, scheme__in=schemes_for_user(user).values("pk")
    ).select_related("scheme__year")


# ---- warnings and rankings ------------------------------------------------------------


def _warning_periods(request: Any) -> QuerySet[Period]:
    return Period.objects.filter(
        ranked=True, scheme__in=schemes_for_user(request.user).values("pk")
    ).select_related("scheme")


class WarningFilter(django_filters.FilterSet):
    period = django_filters.ModelChoiceFilter(
        label=gettext_lazy("考核周期"), queryset=per_request(_warning_periods),
        empty_label=gettext_lazy("全部周期"),
    )  # fmt: skip
    level = django_filters.ChoiceFilter(
        label=gettext_lazy("预警等级"),
        choices=(("红", gettext_lazy("红灯")), ("黄", gettext_lazy("黄灯"))),
        empty_label=gettext_lazy("全部等级"),
    )

    class Meta:
        model = PeriodWarning
        fields: tuple[str, ...] = ()


@login_required
def warning_list(request: HttpRequest) -> HttpResponse:
    """Every warning the user sees (a unit: its own), with its letter and rectification;
    for the office and the read roles, the ranked periods with a link to each ranking."""
    require(request.user, Action.WARNING_VIEW)
    warnings = (
        warnings_for_user(request.user)
        .select_related("period__scheme", "target", "rectification")
        .order_by("-period__starts_on", "group", "-rank", "target__code")
    )
    filters = WarningFilter(request.GET or None, queryset=warnings, request=request)
    periods = list(
        _ranked_periods(request.user)
        .select_related("ranking")
        .order_by("-scheme__year__year", "scheme__name", "starts_on")
    )
    page = paginate(request, filters.qs)
    template = list_template(
        request, "collection/warnings/warning_list.html", "collection/warnings/_warning_table.html"
    )
    context = {
        "form": filters.form, "page": page, "periods": periods,
        "can_issue": can(request.user, Action.WARNING_ISSUE),
    }  # fmt: skip
    return render(request, template, context)


@login_required
def warning_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """A period's ranking per category with its warnings, and the 排名并预警 button."""
    require(request.user, Action.WARNING_VIEW)
    require(request.user, Action.PROGRESS_VIEW)
    period = get_object_or_404(_ranked_periods(request.user), pk=pk)
    ranking = getattr(period, "ranking", None)
    groups: dict[str, list[Any]] = defaultdict(list)
    warned = {
        w.target_id: w
        for w in PeriodWarning.objects.filter(period=period).select_related("rectification")
    }
    order: dict[str, tuple[int, str]] = {}
    if ranking is not None:
        entries = ranking.entries.select_related("target__category").order_by(
            "group", "rank", "target__code"
        )
        for entry in entries:
            groups[entry.group].append((entry, warned.get(entry.target_id)))
            order.setdefault(entry.group, (entry.target.category.order, entry.group))
    withdrawn = [w for w in warned.values() if w.withdrawn_at is not None]
    return render(
        request,
        "collection/warnings/ranking.html",
        {
            "period": period,
            "ranking": ranking,
            "groups": sorted(groups.items(), key=lambda item: order[item[0]]),
            "withdrawn": withdrawn,
            "can_issue": can(request.user, Action.WARNING_ISSUE),
        },
    )


@login_required
@require_POST
def warning_rank(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.WARNING_ISSUE)
    period = get_object_or_404(_ranked_periods(request.user), pk=pk)
    try:
        outcome = period_rank(actor=actor(request), period=period)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(
            request,
            _(
                "已排名：新发预警 %(issued)s 个，保留 %(kept)s 个，恢复 %(back)s 个，撤回 %(gone)s 个"
            )
            % {
                "issued": len(outcome.issued),
                "kept": len(outcome.kept),
                "back": len(outcome.reinstated),
                "gone": len(outcome.withdrawn),
            },
        )
    return redirect("collection:warning_ranking", pk=period.pk)


@login_required
def warning_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The 预警督办函 (.docx), for the office, the read roles and the warned unit."""
    require(request.user, Action.WARNING_VIEW)
    warning = get_object_or_404(
        warnings_for_user(request.user).select_related("period__scheme", "target", "rectification"),
        pk=pk,
    )
    response = HttpResponse(letters.letter_render(warning), content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(
        True, letters.letter_file_name(warning)
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


class TemplateForm(Form):
    file = forms.FileField(
        label=gettext_lazy("督办函模板（.docx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )


@login_required
def warning_template(request: HttpRequest) -> HttpResponse:
    """The office replaces the letter's Word template, downloads the one in use, or goes
    back to the shipped one."""
    require(request.user, Action.WARNING_ISSUE)
    form = TemplateForm()
    if request.method == "POST":
        if request.POST.get("op") == "reset":
            letters.letter_template_reset(actor=actor(request))
            messages.success(request, _("已恢复为系统默认模板"))
            return redirect("collection:warning_template")
        if request.POST.get("op") == "download":
            response = HttpResponse(letters.template_bytes(), content_type=DOCX)
            response["Content-Disposition"] = 'attachment; filename="warning_letter.docx"'
            return response
        form = TemplateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                letters.letter_template_upload(
                    actor=actor(request), upload=upload, name=upload.name
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("模板已上传，之后下载的督办函使用新模板"))
                return redirect("collection:warning_template")
    current = letters.current_template()
    return render(
        request,
        "collection/warnings/template.html",
        {"form": form, "current": current, "placeholders": letters.PLACEHOLDERS},
    )


# ---- rectification --------------------------------------------------------------------


class RectificationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=RectificationStatus.choices,
        empty_label=gettext_lazy("全部状态"),
    )  # fmt: skip
    period = django_filters.ModelChoiceFilter(
        label=gettext_lazy("考核周期"), field_name="warning__period",
        queryset=per_request(_warning_periods), empty_label=gettext_lazy("全部周期"),
    )  # fmt: skip
    late = django_filters.ChoiceFilter(
        label=gettext_lazy("期限"), choices=(("late", gettext_lazy("已逾期")),),
        empty_label=gettext_lazy("全部"), method="filter_late",
    )  # fmt: skip

    def filter_late(self, queryset: Any, name: str, value: str) -> Any:
        if value != "late":
            return queryset
        return queryset.filter(
            status__in=(RectificationStatus.OPEN, RectificationStatus.RETURNED),
            due_on__lt=timezone.localdate(),
        )

    class Meta:
        model = Rectification
        fields: tuple[str, ...] = ()


@login_required
def rectification_list(request: HttpRequest) -> HttpResponse:
    """The office: every task; a unit: its own; the read roles: every task, read only."""
    require(request.user, Action.WARNING_VIEW)
    tasks = (
        rectifications_for_user(request.user)
        .select_related("unit", "warning__period")
        .order_by("status", "due_on", "pk")
    )
    filters = RectificationFilter(request.GET or None, queryset=tasks, request=request)
    today = timezone.localdate()

    def lines(rows: Any) -> list[dict[str, Any]]:
        return [{"task": t, "late": t.is_open and t.due_on < today} for t in rows]

    return list_page(
        request, filters, "collection/warnings/rectification_list.html",
        "collection/warnings/_rectification_table.html", lines=lines,
    )  # fmt: skip


class FeedbackForm(Form):
    feedback = forms.CharField(
        label=gettext_lazy("整改落实情况"),
        max_length=FEEDBACK_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("原因分析、整改措施、完成情况"),
    )
    evidence = evidence_file_field()


class VerifyForm(Form):
    note = forms.CharField(
        label=gettext_lazy("核实意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("退回时必须填写理由"),
    )


def _history(task: Rectification) -> list[dict[str, Any]]:
    """The task's moves from the audit log: when, what, who, the reason or note given."""
    entries = AuditEntry.objects.filter(
        object_type="collection.rectification", object_id=str(task.pk)
    ).order_by("at", "pk")
    return [
        {
            "at": entry.at,
            "action": audit_action_label(entry.action),
            "actor": entry.actor_name or _("系统"),
            "note": (entry.after or {}).get("reason") or (entry.after or {}).get("note") or "",
        }
        for entry in entries
    ]


@login_required
def rectification_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task: the warning, the letter, the unit's feedback form (when it is the unit's
    turn) and the office's verification (when feedback waits)."""
    require(request.user, Action.WARNING_VIEW)
    task = get_object_or_404(
        rectifications_for_user(request.user).select_related(
            "unit", "warning__period__scheme", "submitted_by", "verified_by"
        ),
        pk=pk,
    )
    may_answer = (
        can(request.user, Action.RECTIFY_SUBMIT)
        and getattr(request.user, "unit_id", None) == task.unit_id
        and task.is_open
        and task.warning.withdrawn_at is None
    )
    may_verify = (
        can(request.user, Action.RECTIFY_VERIFY)
        and task.status == RectificationStatus.SUBMITTED
        and task.warning.withdrawn_at is None
    )
    feedback_form = FeedbackForm(initial={"feedback": task.feedback})
    verify_form = VerifyForm()
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "submit":
            if not may_answer:
                raise PermissionDenied
            feedback_form = FeedbackForm(request.POST, request.FILES)
            if feedback_form.is_valid():
                upload = feedback_form.cleaned_data.get("evidence")
                try:
                    rectification_submit(
                        actor=actor(request), rectification=task,
                        feedback=feedback_form.cleaned_data["feedback"],
                        files=[upload] if upload else [],
                    )  # fmt: skip
                except ValidationError as error:
                    if hasattr(error, "error_dict") and "file" in error.error_dict:
                        feedback_form.add_error("evidence", error.error_dict["file"])
                    else:
                        apply_service_error(feedback_form, error)
                else:
                    messages.success(request, _("整改情况已提交，等待考核办核实"))
                    return redirect("collection:warning_rectification_detail", pk=task.pk)
        elif op in ("return", "sign_off"):
            if not may_verify:
                raise PermissionDenied
            verify_form = VerifyForm(request.POST)
            if verify_form.is_valid():
                note = verify_form.cleaned_data["note"]
                try:
                    if op == "return":
                        rectification_return(actor=actor(request), rectification=task, reason=note)
                    else:
                        rectification_sign_off(actor=actor(request), rectification=task, note=note)
                except ValidationError as error:
                    if hasattr(error, "error_dict") and "reason" in error.error_dict:
                        verify_form.add_error("note", error.error_dict["reason"])
                    else:
                        apply_service_error(verify_form, error)
                else:
                    messages.success(
                        request, _("已退回，等待单位重新反馈") if op == "return" else _("已销号")
                    )
                    return redirect("collection:warning_rectification_detail", pk=task.pk)
        else:
            raise PermissionDenied
    today: dt.date = timezone.localdate()
    return render(
        request,
        "collection/warnings/rectification_detail.html",
        {
            "task": task,
            "warning": task.warning,
            "late": task.is_open and task.due_on < today,
            "attachments": attachments_of(OwnerType.RECTIFICATION, [task.pk])[task.pk],
            "history": _history(task),
            "may_answer": may_answer,
            "may_verify": may_verify,
            "feedback_form": feedback_form,
            "verify_form": verify_form,
        },
    )
