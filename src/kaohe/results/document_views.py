"""The official forms page: the templates in use (download, replace, go back to the shipped
one) and batches of forms made in the background as a zip (``kaohe.results.documents``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kaohe.core.forms import apply_service_error
from kaohe.core.listing import is_htmx
from kaohe.core.models import JobStatus
from kaohe.core.roles import Action, actor, require
from kaohe.results import documents
from kaohe.results.forms import DocumentBatchForm, TemplateUploadForm
from kaohe.results.models import DocumentBatch, DocumentForm, DocumentTemplate, RunStatus

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _templates() -> list[dict[str, Any]]:
    uploads: dict[str, DocumentTemplate] = {}
    for template in DocumentTemplate.objects.select_related("uploaded_by").defer("content"):
        uploads.setdefault(template.form, template)  # ordered newest first per form
    return [
        {
            "form": form,
            "label": form.label,
            "file": documents.SHIPPED[form],
            "upload": uploads.get(form),
            "placeholders": documents.PLACEHOLDERS[form],
            "columns": documents.XLSX_COLUMNS.get(form, ()),
        }
        for form in DocumentForm
    ]


@login_required
def document_page(request: HttpRequest) -> HttpResponse:
    """The templates of every form and the batch form; a POST starts a batch."""
    require(request.user, Action.RESULTS_RUN)
    form = DocumentBatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = documents.document_batch_create(
                actor=actor(request), year=data["year"], forms=data["kinds"],
                scope=data["scope"], unit=data["unit"], category=data["category"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            return redirect(batch)
    batches = documents.documents_for_user(request.user).defer("content")[:10]
    return render(
        request,
        "results/documents.html",
        {"form": form, "templates": _templates(), "batches": batches},
    )


@login_required
def document_template(request: HttpRequest, form: str) -> HttpResponse:
    """GET: the form's template in use; POST: upload a replacement (``file``) or go back to
    the shipped one (``op=reset``)."""
    require(request.user, Action.RESULTS_RUN)
    if form not in DocumentForm.values:
        raise Http404
    kind = DocumentForm(form)
    name = documents.SHIPPED[kind]
    if request.method != "POST":
        return _download(
            documents.template_bytes(kind), name, DOCX if name.endswith(".docx") else XLSX
        )
    if request.POST.get("op") == "reset":
        documents.template_reset(actor=actor(request), form=kind)
        messages.success(request, _("“%(form)s”已恢复为系统默认模板") % {"form": kind.label})
        return redirect("results:documents")
    upload_form = TemplateUploadForm(request.POST, request.FILES)
    if upload_form.is_valid():
        upload = upload_form.cleaned_data["file"]
        try:
            documents.template_upload(
                actor=actor(request), form=kind, upload=upload, name=upload.name
            )
        except ValidationError as error:
            apply_service_error(upload_form, error)
        else:
            messages.success(request, _("“%(form)s”的模板已更换，之后生成的表格使用新模板")
                             % {"form": kind.label})  # fmt: skip
            return redirect("results:documents")
    errors = [str(e) for errs in upload_form.errors.values() for e in errs]
    messages.error(request, _("“%(form)s”的模板未更换：%(errors)s")
                   % {"form": kind.label, "errors": "；".join(errors)})  # fmt: skip
    return redirect("results:documents")


def _state(batch: DocumentBatch) -> tuple[str, str]:
    """The status shown and its message: the job writes the batch in one transaction, so
    while it runs its own status is what shows; a job that failed outside the batch's
    own error handling shows the job's message."""
    if batch.is_active and batch.job is not None:
        if batch.job.status == JobStatus.FAILED:
            return RunStatus.FAILED, str(batch.job.result.get("message", ""))
        if batch.job.status == JobStatus.RUNNING:
            return RunStatus.RUNNING, ""
    return batch.status, batch.message


def _progress_context(batch: DocumentBatch) -> dict[str, Any]:
    status, message = _state(batch)
    percent = documents.batch_progress(batch) if status == batch.status else 50
    return {
        "batch": batch, "status": status, "status_label": RunStatus(status).label,
        "message": message, "percent": 100 if status == RunStatus.FAILED else percent,
        "active": status in (RunStatus.QUEUED, RunStatus.RUNNING),
    }  # fmt: skip


def _batch(request: HttpRequest, pk: int) -> DocumentBatch:
    require(request.user, Action.RESULTS_RUN)
    return get_object_or_404(documents.documents_for_user(request.user).defer("content"), pk=pk)


@login_required
def document_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    return render(request, "results/document_batch.html", _progress_context(batch))


@login_required
def document_batch_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of a batch's page, polled by htmx until the batch is over; then
    the whole page loads again (``HX-Refresh``) to offer the download."""
    batch = _batch(request, pk)
    context = _progress_context(batch)
    response = render(request, "results/_document_progress.html", context)
    if is_htmx(request) and not context["active"]:
        response["HX-Refresh"] = "true"
    return response


@login_required
def document_batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    batch = get_object_or_404(documents.documents_for_user(request.user), pk=pk)
    if batch.status != RunStatus.DONE or not batch.content:
        raise Http404
    return _download(bytes(batch.content), documents.batch_zip_name(batch), "application/zip")
