"""The calendar pages: the year's periods of every scheme, one scheme's calendar, and the
office's edits (create from the preset calendar, dates, open, close, reopen with a reason).
Thin views: an access check, a selector, a form, a service call, a response."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.collection import services
from kaohe.collection.calendar import DEFAULT_PROGRESS_DAY, calendar_for
from kaohe.collection.models import Period, PeriodKind, PeriodStatus, ReportKind
from kaohe.collection.period_forms import CalendarForm, PeriodAddForm, PeriodForm, ReasonForm
from kaohe.collection.selectors import periods_for_user
from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, can, require
from kaohe.orgs.selectors import years_for_user
from kaohe.schemes.selectors import schemes_for_user

REPORT_LABELS = dict(ReportKind.choices)


def _calendar_url(period: Period) -> str:
    return reverse("collection:period_calendar", args=[period.scheme_id]) + f"#period-{period.pk}"


def _rows(periods: list[Period], today: Any, *, office: bool) -> list[dict[str, Any]]:
    """Each period with what the page says about it: its report kinds' names and (to the
    office) whether it should be opened or closed now."""
    rows = []
    for period in periods:
        if not office:
            attention = ""
        elif period.status == PeriodStatus.PLANNED and period.starts_on <= today:
            attention = _("已到开始日期，待开启")
        elif period.status == PeriodStatus.OPEN and period.ends_on < today:
            attention = _("已过结束日期，待关闭")
        else:
            attention = ""
        rows.append(
            {
                "period": period,
                "reports": [str(REPORT_LABELS.get(kind, kind)) for kind in period.report_kinds],
                "attention": attention,
            }
        )
    return rows


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """The year's calendars: the open periods, then every scheme with its periods' counts."""
    require(request.user, Action.PERIOD_VIEW)
    today = timezone.localdate()
    years = list(years_for_user(request.user).order_by("-year"))
    chosen = request.GET.get("year", "")
    year = next((y for y in years if str(y.year) == chosen), None)
    if year is None:  # this year's, else the latest
        year = next((y for y in years if y.year == today.year), years[0] if years else None)
    schemes = list(
        schemes_for_user(request.user).filter(year=year).order_by("suite", "id") if year else []
    )
    periods = list(periods_for_user(request.user).filter(scheme__year=year)) if year else []
    counts: dict[int, Counter[str]] = {}
    for period in periods:
        counts.setdefault(period.scheme_id, Counter())[period.status] += 1
    lines = [
        {
            "scheme": scheme,
            "counts": counts.get(scheme.pk, Counter()),
            "total": sum(counts.get(scheme.pk, Counter()).values()),
            "has_preset": bool(calendar_for(scheme.preset, scheme.code, scheme.year.year)),
        }
        for scheme in schemes
    ]
    current = [p for p in periods if p.status == PeriodStatus.OPEN]
    return render(
        request,
        "collection/period_list.html",
        {
            "years": years,
            "year": year,
            "lines": lines,
            "current": _rows(
                sorted(current, key=lambda p: (p.ends_on, p.scheme_id)),
                today,
                office=can(request.user, Action.PERIOD_EDIT),
            ),
        },
    )


@login_required
def period_calendar(request: HttpRequest, pk: int) -> HttpResponse:
    """One scheme's calendar: its periods with their dates and status."""
    require(request.user, Action.PERIOD_VIEW)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    periods = list(periods_for_user(request.user).filter(scheme=scheme))
    plans = calendar_for(scheme.preset, scheme.code, scheme.year.year)
    missing = [plan for plan in plans if plan.key not in {p.key for p in periods}]
    return render(
        request,
        "collection/period_calendar.html",
        {
            "scheme": scheme,
            "rows": _rows(
                periods, timezone.localdate(), office=can(request.user, Action.PERIOD_EDIT)
            ),
            "missing": missing,
            "has_preset": bool(plans),
            # the day of the monthly report, asked when monthly periods are to be made
            "calendar_form": CalendarForm()
            if any(plan.kind == PeriodKind.MONTHLY for plan in missing)
            else None,
        },
    )


@login_required
@require_POST
def period_calendar_create(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the scheme's periods from its preset calendar (those it lacks)."""
    require(request.user, Action.PERIOD_EDIT)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    form = CalendarForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            messages.error(request, " ".join(str(problem) for problem in problems))
        return redirect("collection:period_calendar", pk=scheme.pk)
    day = form.cleaned_data["progress_day"] or DEFAULT_PROGRESS_DAY
    try:
        created = services.calendar_create(actor=actor(request), scheme=scheme, progress_day=day)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if created:
            messages.success(
                request, _("已按预置日历建立 %(count)d 个考核周期") % {"count": len(created)}
            )
        else:
            messages.info(request, _("预置日历中的周期都已建立，未新建"))
    return redirect("collection:period_calendar", pk=scheme.pk)


@login_required
def period_add(request: HttpRequest, pk: int) -> HttpResponse:
    """The office adds a period by hand (a scheme written without a preset has no calendar;
    any scheme may take an extra period)."""
    require(request.user, Action.PERIOD_EDIT)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    form = PeriodAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            period = services.period_add(actor=actor(request), scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新增「%(name)s」") % {"name": period.name})
            return redirect(_calendar_url(period))
    return render(request, "collection/period_add.html", {"scheme": scheme, "form": form})


@login_required
@require_POST
def period_calendar_default(request: HttpRequest, pk: int) -> HttpResponse:
    """One click: the default calendar for a scheme written by hand that has no period."""
    require(request.user, Action.PERIOD_EDIT)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    try:
        created = services.calendar_default_create(actor=actor(request), scheme=scheme)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已生成默认日历：%(count)d 个考核周期，请核对日期") % {"count": len(created)}
        )
    return redirect("collection:period_calendar", pk=scheme.pk)


def _period(request: HttpRequest, pk: int) -> Period:
    require(request.user, Action.PERIOD_EDIT)
    return get_object_or_404(periods_for_user(request.user), pk=pk)


@login_required
def period_edit(request: HttpRequest, pk: int) -> HttpResponse:
    period = _period(request, pk)
    if period.is_closed:
        messages.info(request, _("已关闭的周期不能修改，请先重新打开"))
        return redirect(_calendar_url(period))
    fields = ("name", "starts_on", "ends_on", "report_due", "review_due")
    form = PeriodForm(request.POST or None, initial={f: getattr(period, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            services.period_update(actor=actor(request), period=period, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存「%(name)s」") % {"name": form.cleaned_data["name"]})
            return redirect(_calendar_url(period))
    return render(request, "collection/period_edit.html", {"period": period, "form": form})


# The confirmation pages of the moves: what each means, then a POST that makes it.
MOVES = {
    "open": (PeriodStatus.PLANNED, PeriodStatus.OPEN),
    "close": (PeriodStatus.OPEN, PeriodStatus.CLOSED),
    "reopen": (PeriodStatus.CLOSED, PeriodStatus.OPEN),
}


def _move_page(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    period = _period(request, pk)
    current, wanted = MOVES[move]
    if period.status != current:
        messages.info(
            request,
            _("「%(name)s」当前为「%(status)s」，不能这样操作")
            % {"name": period.name, "status": period.get_status_display()},
        )
        return redirect(_calendar_url(period))
    form = ReasonForm(request.POST or None) if move == "reopen" else None
    if request.method == "POST" and (form is None or form.is_valid()):
        reason = form.cleaned_data["reason"] if form is not None else ""
        try:
            services.period_set_status(
                actor=actor(request), period=period, status=wanted, reason=reason
            )
        except ValidationError as error:
            if form is None:
                messages.error(request, " ".join(error.messages))
                return redirect(_calendar_url(period))
            apply_service_error(form, error)
        else:
            done = {
                "open": _("「%(name)s」已开启"),
                "close": _("「%(name)s」已关闭，本周期的评分成为最终结果"),
                "reopen": _("「%(name)s」已重新打开"),
            }[move]
            messages.success(request, done % {"name": period.name})
            return redirect(_calendar_url(period))
    return render(
        request,
        "collection/period_move.html",
        {"period": period, "move": move, "form": form, "today": timezone.localdate()},
    )


@login_required
def period_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(request, pk, "open")


@login_required
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(request, pk, "close")


@login_required
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _move_page(request, pk, "reopen")
