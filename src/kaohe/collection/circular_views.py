"""The half-year circular's pages (the office's): a preview with the remarks to add, the
.docx and .xlsx downloads, and the circular's Word template (``circular``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.collection import letters
from kaohe.collection.circular import (
    KIND,
    MAX_REMARKS,
    PLACEHOLDERS,
    SHIPPED,
    CircularError,
    circular_build,
    circular_docx,
    circular_file_name,
    circular_xlsx,
    sample_context,
)
from kaohe.collection.models import PeriodKind
from kaohe.collection.selectors import periods_for_user
from kaohe.core.forms import Form, apply_service_error
from kaohe.core.roles import Action, actor, require
from kaohe.core.xlsx import xlsx_response

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class RemarksForm(Form):
    remarks = forms.CharField(
        label=gettext_lazy("点评和工作建议"), required=False, max_length=MAX_REMARKS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("写入通报的第三部分，每行一段；不填则不写这一部分"),
    )  # fmt: skip


class CircularTemplateForm(Form):
    file = forms.FileField(
        label=gettext_lazy("通报模板（.docx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".docx"}),
    )


@login_required
def circular(request: HttpRequest, pk: int) -> HttpResponse:
    """A closed half-year period's circular: the table on the page, and (POST) the .docx
    with the remarks typed here, or the .xlsx of the same table."""
    require(request.user, Action.WARNING_ISSUE)
    period = get_object_or_404(
        periods_for_user(request.user).filter(kind=PeriodKind.HALF_YEAR), pk=pk
    )
    form = RemarksForm(request.POST or None)
    try:
        built = circular_build(period=period)
    except CircularError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("collection:period_calendar", pk=period.scheme_id)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("op") == "xlsx":
            return xlsx_response(circular_xlsx(built), circular_file_name(built, "xlsx"))
        response = HttpResponse(
            circular_docx(built, remarks=form.cleaned_data["remarks"]), content_type=DOCX
        )
        response["Content-Disposition"] = content_disposition_header(
            True, circular_file_name(built, "docx")
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response
    return render(
        request, "collection/circular.html", {"period": period, "circular": built, "form": form}
    )


@login_required
def circular_template(request: HttpRequest) -> HttpResponse:
    """The office replaces the circular's Word template, downloads the one in use, or goes
    back to the shipped one (as the warning letter's template page)."""
    require(request.user, Action.WARNING_ISSUE)
    form = CircularTemplateForm()
    if request.method == "POST":
        if request.POST.get("op") == "reset":
            letters.letter_template_reset(actor=actor(request), kind=KIND)
            messages.success(request, _("已恢复为系统默认模板"))
            return redirect("collection:circular_template")
        if request.POST.get("op") == "download":
            response = HttpResponse(letters.template_bytes(KIND, SHIPPED), content_type=DOCX)
            response["Content-Disposition"] = 'attachment; filename="half_year_circular.docx"'
            return response
        form = CircularTemplateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                letters.letter_template_upload(
                    actor=actor(request), upload=upload, name=upload.name, kind=KIND,
                    sample=sample_context(),
                )  # fmt: skip
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("模板已上传，之后生成的通报使用新模板"))
                return redirect("collection:circular_template")
    return render(
        request,
        "collection/circular_template.html",
        {"form": form, "current": letters.current_template(KIND), "placeholders": PLACEHOLDERS},
    )
