from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core import services
from kaohe.core.audit_display import Change, audit_lines
from kaohe.core.filters import AuditFilter, UserFilter
from kaohe.core.forms import (
    LoginForm,
    PasswordPairForm,
    UserCreateForm,
    UserEditForm,
    apply_service_error,
)
from kaohe.core.listing import is_htmx, list_page, paginate
from kaohe.core.models import AuditEntry, RejectedUpload, User
from kaohe.core.roles import Action, Role, actor, require
from kaohe.core.selectors import (
    audit_entries_for_user,
    cadre_choices_for_user,
    jobs_for_user,
    unit_choices_for_user,
    users_for_user,
)
from kaohe.core.services import (
    login_failure_record,
    login_locked_until,
    login_success_record,
    logout_record,
)
from kaohe.core.xlsx import append_row, marked_workbook, xlsx_response


def _client_address(request: HttpRequest) -> str:
    """The address a login comes from: ``REMOTE_ADDR``, or behind a reverse proxy the
    last address of ``LOGIN_ADDRESS_HEADER`` (the one the proxy itself added; the ones
    before it come from the client and may be made up)."""
    header = settings.LOGIN_ADDRESS_HEADER
    if header:
        key = "HTTP_" + header.upper().replace("-", "_")
        forwarded = [part.strip() for part in request.META.get(key, "").split(",")]
        if forwarded and forwarded[-1]:
            return forwarded[-1][:64]
    return str(request.META.get("REMOTE_ADDR") or "")[:64]


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    form = LoginForm(request, data=request.POST or None)
    locked_until = None
    if request.method == "POST":
        address, username = _client_address(request), form.throttle_username()
        locked_until = login_locked_until(address=address, username=username)
        if locked_until is None:
            if form.is_valid():
                user = form.get_user()
                login(request, user)
                login_success_record(user=user, address=address)
                if not url_has_allowed_host_and_scheme(
                    next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
                ):
                    next_url = ""
                return redirect(next_url or settings.LOGIN_REDIRECT_URL)
            if form.password_tried():
                locked_until = login_failure_record(address=address, username=username)
        if locked_until is not None:
            form = LoginForm(request, data=None, initial={"username": username})
    status = 429 if locked_until else 200
    return render(
        request,
        "core/login.html",
        {"form": form, "next": next_url, "locked_until": locked_until},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        logout_record(user=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


def _filtered_audit(request: HttpRequest) -> AuditFilter:
    return AuditFilter(request.GET or None, queryset=audit_entries_for_user(request.user))


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.AUDIT_VIEW)
    return list_page(
        request,
        _filtered_audit(request),
        "core/audit_list.html",
        "core/_audit_table.html",
        lines=audit_lines,
    )


EXPORT_LIMIT = 100_000


@login_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered log as the page reads it: labels, names and the changes field by
    field (the rows keep the codes; the export, like the page, shows words)."""
    from openpyxl import Workbook

    require(request.user, Action.AUDIT_VIEW)
    entries = _filtered_audit(request).qs
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("操作日志"))
    append_row(
        sheet,
        [_("时间"), _("操作人"), _("操作"), _("对象类型"), _("对象编号"), _("对象"), _("变更内容")],
    )
    tz = timezone.get_current_timezone()
    chunk: list[AuditEntry] = []

    def flush() -> None:
        for line in audit_lines(chunk):
            entry = line.entry
            append_row(
                sheet,
                [
                    entry.at.astimezone(tz).replace(tzinfo=None),
                    entry.actor_name,
                    line.action,
                    line.object_type,
                    entry.object_id,
                    entry.object_repr,
                    "\n".join(_change_text(change) for change in line.changes),
                ],
                number_format={0: "yyyy-mm-dd hh:mm:ss"},
            )
        chunk.clear()

    for entry in entries[:EXPORT_LIMIT].iterator(chunk_size=2000):
        chunk.append(entry)
        if len(chunk) == 2000:
            flush()
    flush()
    buffer = BytesIO()
    book.save(buffer)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_response(buffer.getvalue(), f"audit-{stamp}.xlsx")


def _change_text(change: Change) -> str:
    if change.before and change.after:
        return f"{change.label}：{change.before} → {change.after}"
    return f"{change.label}：{change.after or change.before}"


# ---- users (the office manages them) -------------------------------------------------


def _units(request: HttpRequest) -> QuerySet:
    return unit_choices_for_user(request.user)


def _cadres(request: HttpRequest) -> QuerySet:
    return cadre_choices_for_user(request.user)


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.USER_MANAGE)
    filters = UserFilter(request.GET or None, queryset=users_for_user(request.user))
    return list_page(request, filters, "core/user_list.html", "core/_user_table.html")


def _form_page(request: HttpRequest, form: Any, title: str, back: str) -> HttpResponse:
    return render(request, "core/form.html", {"form": form, "title": title, "back_url": back})


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.USER_MANAGE)
    form = UserCreateForm(request.POST or None, units=_units(request), cadres=_cadres(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=actor(request),
                username=data["username"],
                password=data["password1"],
                role=Role(data["role"]),
                unit=data["unit"],
                cadre=data["cadre"],
                display_name=data["display_name"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新增用户：%(name)s") % {"name": user})
            return redirect("core:user_list")
    return _form_page(request, form, _("新增用户"), reverse("core:user_list"))


def _user(request: HttpRequest, pk: int) -> User:
    require(request.user, Action.USER_MANAGE)
    return get_object_or_404(users_for_user(request.user), pk=pk)


@login_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    fields = ("display_name", "role", "unit", "cadre", "is_active")
    form = UserEditForm(
        request.POST or None, initial={f: getattr(user, f) for f in fields},
        units=_units(request), cadres=_cadres(request),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=actor(request), user=user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("core:user_list")
    return _form_page(
        request, form, _("编辑用户：%(name)s") % {"name": user.username}, reverse("core:user_list")
    )


@login_required
def user_password(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request, pk)
    form = PasswordPairForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_reset(
                actor=actor(request), user=user, password=form.cleaned_data["password1"]
            )
        except ValidationError as error:
            form.add_error("password1", error)
        else:
            messages.success(request, _("已重置 %(name)s 的密码") % {"name": user.username})
            return redirect("core:user_list")
    return _form_page(
        request, form, _("重置密码：%(name)s") % {"name": user.username}, reverse("core:user_list")
    )


# ---- background jobs -----------------------------------------------------------------


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, jobs_for_user(request.user))
    return render(request, "core/job_list.html", {"page": page})


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's state and outcome; htmx polls the state part while the job is not over."""
    job = get_object_or_404(jobs_for_user(request.user), pk=pk)
    template = "core/_job_state.html" if is_htmx(request) else "core/job_detail.html"
    context = {"job": job, "errors": job.result.get("errors", [])}
    return render(request, template, context | {"rejected": job.result.get("rejected")})


@login_required
def rejected_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A workbook an import refused, its bad cells marked; only for its submitter."""
    row = get_object_or_404(RejectedUpload.objects.filter(owner_id=request.user.pk), pk=pk)
    stem = row.file_name.rsplit(".", 1)[0] or "workbook"
    content = marked_workbook(bytes(row.file), row.errors, sheet=row.sheet)
    return xlsx_response(content, _("%(name)s-错误标注.xlsx") % {"name": stem})
