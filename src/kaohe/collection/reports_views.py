"""Pages of the reports: the list (and a unit's reports due), writing a report with its
files, reading it with its history, the office's review, the office's progress page."""

from __future__ import annotations

from typing import Any

import django_filters
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.collection import reports as svc
from kaohe.collection.evidence import attachment_save, attachments_of
from kaohe.collection.models import (
    Attachment,
    OwnerType,
    Period,
    PeriodStatus,
    Report,
    ReportKind,
    ReportStatus,
)
from kaohe.collection.reports_forms import ReportForm, ReviewForm
from kaohe.core.filters import for_user
from kaohe.core.forms import apply_service_error
from kaohe.core.listing import list_template, paginate
from kaohe.core.roles import Action, actor, can, require
from kaohe.orgs.models import Unit


class ReportFilter(django_filters.FilterSet):
    period = django_filters.ModelChoiceFilter(
        label=gettext_lazy("考核周期"),
        queryset=for_user(svc.report_periods_for_user),
        empty_label=gettext_lazy("全部周期"),
    )
    kind = django_filters.ChoiceFilter(
        label=gettext_lazy("材料类型"), choices=ReportKind.choices,
        empty_label=gettext_lazy("全部类型"),
    )  # fmt: skip
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("状态"), choices=ReportStatus.choices,
        empty_label=gettext_lazy("全部状态"),
    )  # fmt: skip
    unit = django_filters.CharFilter(
        label=gettext_lazy("单位"), field_name="unit__name", lookup_expr="icontains",
        max_length=100,
    )  # fmt: skip

    class Meta:
        model = Report
        fields: tuple[str, ...] = ()


def _own_unit(request: HttpRequest) -> Unit:
    """The unit a writer reports for (a user without one writes no report: 404)."""
    require(request.user, Action.REPORT_SUBMIT)
    unit_id = getattr(request.user, "unit_id", None)
    if unit_id is None:
        raise Http404
    return get_object_or_404(Unit, pk=unit_id)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the user reads (filtered, paged); a writer also sees, above them, what
    its unit owes in the open periods."""
    require(request.user, Action.REPORT_VIEW)
    reports = svc.reports_for_user(request.user).order_by(
        "-period__starts_on", "period_id", "unit__category__order", "unit__order", "kind"
    )
    filters = ReportFilter(request.GET or None, queryset=reports, request=request)
    context: dict[str, Any] = {
        "form": filters.form,
        "page": paginate(request, filters.qs),
        "progress_allowed": can(request.user, Action.PROGRESS_VIEW),
    }
    template = list_template(
        request, "collection/reports/report_list.html", "collection/reports/_report_table.html"
    )
    unit_id = getattr(request.user, "unit_id", None)
    if template.endswith("report_list.html") and can(request.user, Action.REPORT_SUBMIT):
        today = timezone.localdate()
        unit = Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None
        context["owed"] = [(item, item.state(today)) for item in svc.expected_reports(unit)]
        context["writer"] = unit is not None
    return render(request, template, context)


@login_required
def report_start(request: HttpRequest, pk: int) -> HttpResponse:
    """A new report of the writer's unit for period ``pk`` (``?kind=``, by default the
    period's first kind); once begun, its own page."""
    unit = _own_unit(request)
    period = get_object_or_404(svc.open_periods_of_unit(unit), pk=pk)
    kind = request.GET.get("kind") or (period.report_kinds[0] if period.report_kinds else "")
    if kind not in period.report_kinds or kind not in ReportKind.values:
        raise Http404
    begun = Report.objects.filter(period=period, unit=unit, kind=kind).first()
    if begun is not None:
        return redirect("collection:report_edit", begun.pk)
    return _write(request, period=period, unit=unit, kind=kind, report=None)


@login_required
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.REPORT_SUBMIT)
    report = get_object_or_404(svc.own_reports(request.user), pk=pk)
    if report.status not in svc.EDITABLE:
        return redirect("collection:report_detail", report.pk)
    if report.period.status != PeriodStatus.OPEN:
        messages.info(
            request,
            _("「%(period)s」%(status)s，不能再报送或修改")
            % {"period": report.period.name, "status": report.period.get_status_display()},
        )
        return redirect("collection:report_detail", report.pk)
    return _write(request, period=report.period, unit=report.unit, kind=report.kind, report=report)


def _write(
    request: HttpRequest, *, period: Period, unit: Unit, kind: str, report: Report | None
) -> HttpResponse:
    initial = {f"section_{k}": v for k, v in (report.sections if report else {}).items()}
    form = ReportForm(request.POST or None, request.FILES or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        submitting = request.POST.get("action") == "submit"
        saved: Report | None = None
        kept = False
        try:
            # The text and the files together: a refused file leaves nothing behind.
            with transaction.atomic():
                saved = svc.report_save(
                    actor=actor(request), period=period, unit=unit, kind=kind,
                    sections=form.sections(),
                )  # fmt: skip
                for name, upload in form.uploads():
                    try:
                        attachment_save(
                            actor=actor(request), unit=unit, owner_type=OwnerType.REPORT,
                            owner_id=saved.pk, upload=upload,
                        )  # fmt: skip
                    except ValidationError as refused:
                        form.add_error(name, refused)
                        raise
            kept = True
            if submitting:
                saved = svc.report_submit(actor=actor(request), report=saved)
        except ValidationError as error:
            if not form.errors:
                apply_service_error(form, error)
            if kept and saved is not None:
                # Saved, but not submitted: the draft and its files are kept.
                report = Report.objects.get(pk=saved.pk)
                messages.warning(request, _("草稿和附件已保存，但尚未报送，请按提示修改后再提交"))
        else:
            assert saved is not None
            warning = svc.length_warning(kind, saved.sections)
            if warning:
                messages.warning(request, warning)
            if submitting:
                messages.success(
                    request,
                    _("已报送（逾期报送）") if saved.late else _("已报送，等待考核办审核"),
                )
                return redirect("collection:report_detail", saved.pk)
            messages.success(request, _("草稿已保存"))
            return redirect("collection:report_edit", saved.pk)
    files = attachments_of(OwnerType.REPORT, [report.pk])[report.pk] if report else []
    return render(
        request,
        "collection/reports/report_form.html",
        {
            "form": form,
            "period": period,
            "unit": unit,
            "kind_label": ReportKind(kind).label,
            "report": report,
            "files": files,
            "warning": svc.length_warning(kind, report.sections) if report else None,
            "length_checked": kind in svc.LENGTH_CHECKED,
            "bounds": svc.length_bounds(),
            "chars": svc.char_count(report.sections) if report else 0,
            "late_now": period.report_due is not None and timezone.localdate() > period.report_due,
        },
    )


def _detail_context(
    report: Report, *, editable: bool, review_form: ReviewForm | None
) -> dict[str, object]:
    """What the report page shows (also when a review's form comes back with its errors)."""
    return {
        "report": report,
        "sections": [
            (label, report.sections.get(key, "")) for key, label in svc.sections_of(report.kind)
        ],
        "events": svc.timeline(report),
        "files": attachments_of(OwnerType.REPORT, [report.pk])[report.pk],
        "editable": editable,
        "review_form": review_form,
        "warning": svc.length_warning(report.kind, report.sections),
        "chars": svc.char_count(report.sections),
    }


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.REPORT_VIEW)
    report = get_object_or_404(svc.reports_for_user(request.user), pk=pk)
    own = report.unit_id == getattr(request.user, "unit_id", None) and can(
        request.user, Action.REPORT_SUBMIT
    )
    reviewable = can(request.user, Action.REPORT_REVIEW) and report.status == ReportStatus.SUBMITTED
    editable = own and report.status in svc.EDITABLE and report.period.status == "open"
    return render(
        request,
        "collection/reports/report_detail.html",
        _detail_context(
            report, editable=editable, review_form=ReviewForm() if reviewable else None
        ),
    )


@login_required
@require_POST
def report_review(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.REPORT_REVIEW)
    report = get_object_or_404(svc.reports_for_user(request.user), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            svc.report_review(
                actor=actor(request), report=report, accept=accept,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request, _("已审核通过") if accept else _("已退回，报送单位将看到退回理由")
            )
            return redirect("collection:report_detail", report.pk)
    report.refresh_from_db()
    return render(
        request,
        "collection/reports/report_detail.html",
        _detail_context(report, editable=False, review_form=form),
        status=400,
    )


@login_required
@require_POST
def report_attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = get_object_or_404(Attachment.objects.filter(owner_type=OwnerType.REPORT), pk=pk)
    report = get_object_or_404(svc.own_reports(request.user), pk=attachment.owner_id)
    try:
        svc.report_attachment_remove(actor=actor(request), report=report, attachment=attachment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已删除附件“%(name)s”") % {"name": attachment.original_name})
    return redirect("collection:report_edit", report.pk)


@login_required
def progress(request: HttpRequest) -> HttpResponse:
    """The office's progress page: per period, who reported what, who is late or was sent
    back, the scores so far (``?period=``; by default the latest open period)."""
    require(request.user, Action.PROGRESS_VIEW)
    periods = list(svc.report_periods_for_user(request.user))
    chosen: Period | None = None
    wanted = request.GET.get("period", "")
    if wanted:
        chosen = next((p for p in periods if str(p.pk) == wanted), None)
        if chosen is None:
            raise Http404
    else:
        open_ones = [p for p in periods if p.status == PeriodStatus.OPEN]
        chosen = (
            max(open_ones, key=lambda p: (p.starts_on, p.pk))
            if open_ones
            else (periods[-1] if periods else None)
        )
    data = svc.period_progress(period=chosen, today=timezone.localdate()) if chosen else None
    return render(
        request,
        "collection/reports/progress.html",
        {
            "periods": periods,
            "chosen": chosen,
            "progress": data,
            "kind_labels": dict(ReportKind.choices),
            "list_url": reverse("collection:report_list"),
        },
    )
