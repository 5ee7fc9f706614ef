"""Pages of the democratic evaluation: the office's sessions, codes, turnout and results;
the rater's voting pages (no account).

The rater's code is never in a URL the server sees: the slip's QR code opens
``/ballots/scan/#CODE``, whose fragment the browser keeps to itself; the page's script posts
the code to ``/ballots/vote/`` as a typed one is posted, and the code then lives in a signed
cookie. The ballot, the review and the confirmation are posts to that one code-free address.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_forms import BallotFormForm, CodeEntryForm, CodesForm, SessionForm
from kaohe.ballots.evaluation_selectors import session_targets, sessions_for_user
from kaohe.ballots.evaluation_slips import slips_docx
from kaohe.ballots.evaluation_tally import (
    allowed_count,
    min_sheets,
    parts,
    session_result,
    sheet_is_valid,
)
from kaohe.ballots.models import Session, SessionStatus
from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, can, require

COOKIE = "kaohe_ballot"
COOKIE_SALT = "kaohe.ballots.vote"
COOKIE_AGE = 4 * 3600


def _session(request: HttpRequest, pk: int, action: Action) -> Session:
    require(request.user, action)
    return get_object_or_404(
        sessions_for_user(request.user).select_related("year", "unit", "team_form", "cadre_form"),
        pk=pk,
    )


# --- the office ------------------------------------------------------------------------


@login_required
def session_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.BALLOT_RESULTS)
    sessions = (
        sessions_for_user(request.user)
        .select_related("year", "unit")
        .annotate(
            issued=Count("codes", filter=Q(codes__test=False), distinct=True),
            used=Count("codes", filter=Q(codes__test=False, codes__used=True), distinct=True),
        )
    )
    return render(
        request,
        "ballots/evaluation/session_list.html",
        {"sessions": sessions, "can_manage": can(request.user, Action.BALLOT_MANAGE)},
    )


@login_required
def session_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.BALLOT_MANAGE)
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        teams, cadres = session_targets(data["unit"], data["category"], timezone.localdate())
        try:
            session = services.session_create(
                actor=actor(request), name=data["name"], year=data["year"], unit=data["unit"],
                team_form=data["team_form"] if teams else None,
                cadre_form=data["cadre_form"] if cadres else None,
                opens_at=data["opens_at"], closes_at=data["closes_at"],
                rater_classes=data["rater_classes"], teams=teams,
                cadres=cadres if data["cadre_form"] else [],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新建民主测评"))
            return redirect("ballots:session_detail", session.pk)
    return render(request, "ballots/evaluation/session_form.html", {"form": form})


@login_required
def ballot_form_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.BALLOT_MANAGE)
    form = BallotFormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.ballot_form_create(
                actor=actor(request), name=data["name"], subject=data["subject"],
                choices=data["choices"], areas=data["areas"],
                max_share_choice=data["max_share_choice"], max_share=data["max_share"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新建测评表"))
            return redirect("ballots:session_create")
    return render(
        request,
        "core/form.html",
        {"form": form, "title": _("新建测评表"), "back": "ballots:session_list"},
    )


def _turnout(session: Session) -> list[dict[str, Any]]:
    test = session.status == SessionStatus.TESTING
    rows = []
    for rater in session.rater_classes.annotate(
        issued=Count("codes", filter=Q(codes__test=test)),
        used=Count("codes", filter=Q(codes__test=test, codes__used=True)),
    ):
        rows.append(
            {
                "name": rater.name,
                "weight": rater.weight,
                "issued": rater.issued,
                "used": rater.used,
                "percent": round(100 * rater.used / rater.issued) if rater.issued else 0,
            }
        )
    return rows


@login_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_RESULTS)
    manage = can(request.user, Action.BALLOT_MANAGE)
    moves = [
        (wanted, label)
        for (current, wanted), label in services.SESSION_TRANSITIONS.items()
        if current == session.status
    ]
    return render(
        request,
        "ballots/evaluation/session_detail.html",
        {
            "session": session,
            "manage": manage,
            "moves": moves if manage else [],
            "targets": session.targets.all(),
            "turnout": _turnout(session),
            "codes_form": CodesForm(session=session) if manage else None,
            "vote_url": request.build_absolute_uri(reverse("ballots:vote")),
            "minimum": min_sheets(),
            "overdue": session.status == SessionStatus.OPEN and timezone.now() >= session.closes_at,
        },
    )


@login_required
@require_POST
def session_status(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_MANAGE)
    try:
        services.session_set_status(
            actor=actor(request), session=session, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("状态已更新"))
    return redirect("ballots:session_detail", session.pk)


@login_required
def session_codes(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_MANAGE)
    form = CodesForm(request.POST or None, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            made = services.codes_create(
                actor=actor(request), session=session,
                rater_class=form.cleaned_data["rater_class"], count=form.cleaned_data["count"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已生成 %(n)s 个测评码") % {"n": made})
            return redirect("ballots:session_detail", session.pk)
    return render(request, "ballots/evaluation/codes_form.html", {"session": session, "form": form})


@login_required
def session_codes_print(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_MANAGE)
    codes = services.codes_for_printing(session)
    base = request.build_absolute_uri("/")[:-1]
    content = slips_docx(session, codes, base_url=base)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="ballot-codes-{session.pk}.docx"'
    return response


@login_required
def session_turnout(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_MANAGE)
    context = {"session": session, "turnout": _turnout(session)}
    if request.headers.get("HX-Request"):
        return render(request, "ballots/evaluation/_turnout.html", context)
    return render(request, "ballots/evaluation/turnout.html", context)


@login_required
def session_results(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, Action.BALLOT_RESULTS)
    result = None
    if session.status in (SessionStatus.CLOSED, SessionStatus.TESTING):
        result = session_result(session)
    return render(
        request, "ballots/evaluation/results.html", {"session": session, "result": result}
    )


# --- the rater -------------------------------------------------------------------------


def _cookie_code(request: HttpRequest) -> str:
    # none, tampered with or too old: no code
    return str(request.get_signed_cookie(COOKIE, "", salt=COOKIE_SALT, max_age=COOKIE_AGE))


def _keep_code(response: HttpResponse, code: str) -> HttpResponse:
    response.set_signed_cookie(
        COOKIE, code, salt=COOKIE_SALT, max_age=COOKIE_AGE, path="/ballots/",
        secure=settings.SESSION_COOKIE_SECURE, httponly=True, samesite="Lax",
    )  # fmt: skip
    return response


def _forget_code(response: HttpResponse) -> HttpResponse:
    response.delete_cookie(COOKIE, path="/ballots/", samesite="Lax")
    return response


@never_cache
def vote_scan(request: HttpRequest) -> HttpResponse:
    """The QR code's address ``/ballots/scan/#CODE``: the code stays in the fragment, which
    the browser never sends (so no access log holds it); ``vote.js`` posts it with the code
    form. Without script the rater types the code printed on the slip."""
    return _entry(request, CodeEntryForm(), scan=True)


_TOKEN_SLOT = "KAOHECSRFTOKENSLOT"  # where a kept page takes the request's CSRF token


def _phone_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """A rater's page, rendered without the context processors (no user, no menu, no
    messages: the rater has no account): the base template gets what it needs here."""
    html = get_template(template).render(
        _phone_context(request, context) | {"csrf_token": get_token(request)}
    )
    return HttpResponse(html)


def _phone_context(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    return {"request": request, "site_title": settings.SITE_TITLE or _("考核管理系统"), **context}


_KEPT_ENTRY: dict[tuple[bool, str, str], str] = {}


def _entry(
    request: HttpRequest, form: CodeEntryForm, notice: str = "", *, scan: bool = False
) -> HttpResponse:
    """The code form: an empty one (every scan) is rendered once per language and kept."""
    context = {"form": form, "notice": notice, "scan": scan}
    if form.is_bound or notice:
        return _phone_page(request, "ballots/evaluation/vote_code.html", context)
    key = (scan, get_language(), str(settings.SITE_TITLE))
    html = _KEPT_ENTRY.get(key)
    if html is None:
        html = _KEPT_ENTRY[key] = get_template("ballots/evaluation/vote_code.html").render(
            _phone_context(request, context) | {"csrf_token": _TOKEN_SLOT}
        )
    return HttpResponse(html.replace(_TOKEN_SLOT, get_token(request)))


def _fresh_ballot(request: HttpRequest, code: Any) -> HttpResponse:
    """The unmarked ballot of a code's session and rater class. The same for every rater of
    the class but for the CSRF token: rendered once per session's forms and targets (the
    key of ``services`` cache of them), rater class, mode and language, and kept."""
    session = code.session
    kept: dict[Any, str] | None = getattr(session, "_ballot_memo", None)
    key = ("ballot", session.name, code.rater_class.name, code.test, get_language())
    html = kept.get(key) if kept is not None else None
    if html is None:
        context = {
            "session": session, "rater": code.rater_class.name, "problem": "",
            "parts": _ballot_parts(session, {}), "test": code.test,
            "csrf_token": _TOKEN_SLOT,
        }  # fmt: skip
        html = get_template("ballots/evaluation/vote_ballot.html").render(
            _phone_context(request, context)
        )
        if kept is not None:
            kept[key] = html
    return HttpResponse(html.replace(_TOKEN_SLOT, get_token(request)))


def _ballot_parts(session: Session, marks: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for form, targets in parts(session):
        areas = list(form.areas)
        rows = []
        for target in targets:
            given = marks.get(str(target.pk))
            if areas:
                cells = [
                    {
                        "name": f"m-{target.pk}-{i}",
                        "area": area,
                        "value": given.get(area) if isinstance(given, dict) else None,
                    }
                    for i, area in enumerate(areas)
                ]
            else:
                cells = [{"name": f"m-{target.pk}", "area": "", "value": given}]
            rows.append({"target": target, "cells": cells})
        limit = allowed_count(form, len(targets))
        found.append(
            {
                "form": form,
                "rows": rows,
                "choices": form.choice_names(),
                "limit": limit,
                "limited": form.max_share_choice if limit is not None else "",
                "share": form.max_share,
            }
        )
    return found


def _marks_from(session: Session, data: Any) -> dict[str, Any]:
    marks: dict[str, Any] = {}
    for form, targets in parts(session):
        for target in targets:
            if form.areas:
                marks[str(target.pk)] = {
                    area: data.get(f"m-{target.pk}-{i}", "") for i, area in enumerate(form.areas)
                }
            else:
                marks[str(target.pk)] = data.get(f"m-{target.pk}", "")
    return marks


def _marks_problem(session: Session, rater: str, marks: dict[str, Any]) -> str:
    try:
        clean = services.check_marks(session, marks)
    except ValidationError:
        return _("还有测评对象没有评价：请为每一位（每一项）选择一个等次。")
    if not sheet_is_valid(session, rater, clean):
        return _("评为「%(choice)s」的超过了允许的比例，请减少后再提交。") % {
            "choice": "、".join(
                sorted({f.max_share_choice for f, _t in parts(session) if f.max_share_choice})
            )
        }
    return ""


@never_cache
def vote(request: HttpRequest) -> HttpResponse:
    """The rater's one address: the code form (``step=code``: the ballot follows at once,
    and the code goes into the signed cookie), the ballot, the review, the confirmation."""
    step = request.POST.get("step", "") if request.method == "POST" else ""
    if step == "code":
        form = CodeEntryForm(request.POST)
        if not form.is_valid():
            return _entry(request, form)
        try:
            code = services.code_check(form.cleaned_data["code"])
        except services.BallotRefused as refusal:
            form.add_error("code", refusal.messages[0])
            return _entry(request, form)
        return _keep_code(_fresh_ballot(request, code), code.code)

    raw = _cookie_code(request)
    if not raw:
        if step:  # a ballot posted without a code (cookie gone)
            return _forget_code(_entry(request, CodeEntryForm(), _("请先输入测评码。")))
        return _entry(request, CodeEntryForm())
    try:
        code = services.code_check(raw)
    except services.BallotRefused as refusal:
        return _forget_code(_entry(request, CodeEntryForm(), refusal.messages[0]))
    if not step:
        return _fresh_ballot(request, code)
    session = code.session
    rater = code.rater_class.name
    marks = _marks_from(session, request.POST)
    problem = _marks_problem(session, rater, marks)
    context = {"session": session, "rater": rater, "problem": problem}
    if step in ("review", "confirm") and not problem:
        if step == "confirm":
            try:
                services.ballot_submit(code=code, marks=marks)
            except services.BallotRefused as refusal:
                return _forget_code(_entry(request, CodeEntryForm(), refusal.messages[0]))
            return _forget_code(redirect("ballots:vote_done"))
        return _phone_page(
            request,
            "ballots/evaluation/vote_review.html",
            context | {"parts": _ballot_parts(session, marks)},
        )
    return _phone_page(
        request,
        "ballots/evaluation/vote_ballot.html",
        context | {"parts": _ballot_parts(session, marks), "test": code.test},
    )


@never_cache
def vote_done(request: HttpRequest) -> HttpResponse:
    return _phone_page(request, "ballots/evaluation/vote_done.html", {})
