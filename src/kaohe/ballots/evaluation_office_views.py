"""The office's pages of a session besides its status: its targets and rater classes (edited
until the first live sheet), and the paper sheets keyed in by hand or from a workbook."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.ballots import evaluation_office_services as office
from kaohe.ballots.evaluation_forms import PaperImportForm, RaterClassesForm
from kaohe.ballots.evaluation_paper import marks_from, marks_of, paper_import, paper_template
from kaohe.ballots.evaluation_selectors import cadre_search, sessions_for_user
from kaohe.ballots.models import PendingSheet, Session, SessionStatus
from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, require
from kaohe.core.xlsx import ImportFailed, xlsx_response
from kaohe.orgs.models import Cadre, Team


def _session(request: HttpRequest, pk: int) -> Session:
    require(request.user, Action.BALLOT_MANAGE)
    return get_object_or_404(
        sessions_for_user(request.user).select_related("year", "unit", "team_form", "cadre_form"),
        pk=pk,
    )


def _editable(session: Session) -> bool:
    if session.status == SessionStatus.CLOSED:
        return False
    live = session.status == SessionStatus.OPEN
    return not (live and PendingSheet.objects.filter(session=session).exists())


def _classes_text(session: Session) -> str:
    return "\n".join(f"{r.name}={r.weight.normalize():f}" for r in session.rater_classes.all())


def _edit_context(session: Session, classes_form: RaterClassesForm | None = None) -> dict[str, Any]:
    targets = list(session.targets.select_related("team", "cadre"))
    taken = {t.team_id for t in targets if t.team_id}
    teams = (
        Team.objects.filter(is_assessed=True, unit__is_active=True)
        .exclude(pk__in=taken)
        .select_related("unit")
        .order_by("unit__order", "name")
        if session.team_form_id
        else Team.objects.none()
    )
    test = session.status == SessionStatus.TESTING
    classes = session.rater_classes.annotate(
        issued=Count("codes", filter=Q(codes__test=test)),
        used=Count("codes", filter=Q(codes__test=test, codes__used=True)),
    )
    return {
        "session": session,
        "targets": targets,
        "teams": teams,
        "editable": _editable(session),
        "classes": classes,
        "classes_form": classes_form
        or RaterClassesForm(initial={"rater_classes": _classes_text(session)}),
    }


@login_required
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The targets and the rater classes; a post saves the classes."""
    session = _session(request, pk)
    form = RaterClassesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            office.session_rater_classes_set(
                actor=actor(request), session=session,
                rater_classes=form.cleaned_data["rater_classes"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("测评人类别已保存"))
            return redirect("ballots:session_edit", session.pk)
    return render(
        request, "ballots/evaluation/session_edit.html",
        _edit_context(session, form if request.method == "POST" else None),
    )  # fmt: skip


def _targets_panel(request: HttpRequest, session: Session) -> HttpResponse:
    if request.headers.get("HX-Request"):
        context = _edit_context(session) | {"partial": True}
        return render(request, "ballots/evaluation/_session_targets.html", context)
    return redirect("ballots:session_edit", session.pk)


@login_required
@require_POST
def session_target_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    team_id, cadre_id = request.POST.get("team", ""), request.POST.get("cadre", "")
    team = get_object_or_404(Team, pk=int(team_id)) if team_id.isdigit() else None
    cadre = get_object_or_404(Cadre, pk=int(cadre_id)) if cadre_id.isdigit() else None
    try:
        target = office.session_target_add(
            actor=actor(request), session=session, team=team, cadre=cadre,
            note=request.POST.get("note", "")[:120],
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已加入「%(name)s」") % {"name": target.label})
    return _targets_panel(request, session)


@login_required
@require_POST
def session_target_remove(request: HttpRequest, pk: int, target: int) -> HttpResponse:
    session = _session(request, pk)
    found = get_object_or_404(session.targets, pk=target)
    try:
        office.session_target_remove(actor=actor(request), session=session, target=found)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已移除「%(name)s」") % {"name": found.label})
    return _targets_panel(request, session)


@login_required
def session_cadre_search(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx search of cadres to add (name, pinyin or initials; 30 at most)."""
    session = _session(request, pk)
    query = request.GET.get("q", "")[:50]
    taken = set(session.targets.exclude(cadre=None).values_list("cadre_id", flat=True))
    found = [c for c in cadre_search(query) if c.pk not in taken] if query.strip() else []
    return render(
        request, "ballots/_cadre_results.html",
        {"found": found, "query": query, "target": "#session-targets",
         "add_url": "ballots:session_target_add", "owner": session},
    )  # fmt: skip


# --- paper sheets ---------------------------------------------------------------------


def _paper_rows(session: Session, values: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for mark in marks_of(session):
        if not rows or rows[-1]["target"].pk != mark.target.pk:
            rows.append({"target": mark.target, "cells": [],
                         "hint": " ".join(f"{i}={n}" for i, n in
                                          enumerate(mark.form.choice_names(), 1))})  # fmt: skip
        rows[-1]["cells"].append({"key": mark.key, "area": mark.area,
                                  "value": values.get(mark.key, "")})  # fmt: skip
    return rows


@login_required
def session_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """One paper sheet keyed in: the rater class, then a digit (or the choice) per mark."""
    session = _session(request, pk)
    classes = list(session.rater_classes.all())
    values: dict[str, str] = {}
    rater_id = ""
    problems: list[str] = []
    if request.method == "POST":
        rater_id = request.POST.get("rater", "")
        values = {m.key: request.POST.get(m.key, "")[:20] for m in marks_of(session)}
        rater = next((r for r in classes if str(r.pk) == rater_id), None)
        marks, bad = marks_from(session, values)
        if rater is None:
            problems.append(_("请选择测评人类别"))
        if bad:
            problems.append(
                _("以下各项没有填写或无法识别：%(names)s")
                % {"names": "、".join(m.header for m in bad[:10])}
            )
        if not problems and rater is not None:
            try:
                office.paper_sheets_enter(actor=actor(request), session=session,
                                          sheets=[(rater, marks)])  # fmt: skip
            except ValidationError as error:
                problems += error.messages
            else:
                messages.success(request, _("已录入一张纸质票，请录入下一张"))
                return redirect("ballots:session_paper", session.pk)
    return render(
        request, "ballots/evaluation/paper.html",
        {"session": session, "classes": classes, "rater_id": rater_id, "problems": problems,
         "rows": _paper_rows(session, values),
         "accepts": session.status in (SessionStatus.OPEN, SessionStatus.TESTING)},
    )  # fmt: skip


@login_required
def session_paper_template(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    return xlsx_response(paper_template(session), f"纸质测评票-{session.pk}.xlsx")


@login_required
def session_paper_import(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    form = PaperImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = paper_import(actor=actor(request), session=session,
                                 file=form.cleaned_data["file"])  # fmt: skip
        except ImportFailed as failed:
            errors = list(failed.errors)
            messages.error(request, _("导入失败，未录入任何纸质票：请按错误清单修改后重新导入"))
        else:
            messages.success(request, _("已录入 %(n)s 张纸质票") % {"n": count})
            return redirect("ballots:session_detail", session.pk)
    return render(
        request, "ballots/evaluation/paper_import.html",
        {"session": session, "form": form, "errors": errors,
         "accepts": session.status in (SessionStatus.OPEN, SessionStatus.TESTING)},
    )  # fmt: skip
