"""The home page: the user's to-do list first (every role), then what the role may see,
counted across the apps."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.selectors import unread_notice_count
from kaohe.collection.todos import TodoState, todos_for
from kaohe.core.audit_display import audit_lines, without_sessions
from kaohe.core.context_processors import header_count_remember
from kaohe.core.roles import Action, Role, can, require, role_of
from kaohe.core.selectors import audit_entries_for_user
from kaohe.orgs.selectors import cadre_filter, cadres_for_user, units_for_user
from kaohe.results.own_views import own_entries


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.DASHBOARD_VIEW)
    today = timezone.localdate()
    mine = todos_for(request.user, today)
    todos: list[dict[str, object]] = [
        {
            "todo": todo,
            "days": (todo.due - today).days if todo.due else None,
            "late_days": (today - todo.due).days if todo.due else None,
            # the year only when it is not this one
            "due_text": todo.due.strftime("%m-%d" if todo.due.year == today.year else "%Y-%m-%d")
            if todo.due
            else "",
        }
        for todo in mine
    ]
    units = units_for_user(request.user)
    by_category = (
        units.filter(is_active=True)
        .values("category__name")
        .annotate(n=Count("id"))
        .order_by("category__order")
    )
    cards = []
    if can(request.user, Action.CADRE_VIEW):
        cadres = cadres_for_user(request.user)
        cards = [
            (key, label, cadre_filter(cadres, special=key).count())
            for key, label in (
                ("principal", _("党政正职")),
                ("seconded", _("挂职")),
                ("village", _("驻村工作队")),
                ("entrusted", _("委托考核")),
                ("investigation", _("立案审查")),
            )
        ]
        cadre_total = cadres.count()
    else:
        cadre_total = None
    recent = (
        audit_lines(without_sessions(audit_entries_for_user(request.user))[:8])
        if can(request.user, Action.AUDIT_VIEW)
        else []
    )
    # the bell and the header's count: one query (core.context_processors.HeaderBadge)
    unread = unread_notice_count(request.user)
    header_count_remember(request, unread)
    return render(
        request,
        "home/home.html",
        {
            "unit_total": units.filter(is_active=True).count(),
            "by_category": by_category,
            "cadre_total": cadre_total,
            "cards": cards,
            "recent": recent,
            "todos": todos,
            "late_count": sum(1 for todo in mine if todo.state == TodoState.LATE),
            "unread_notices": unread,
            # a cadre's home: their own published grades, explained
            "own": own_entries(request.user) if role_of(request.user) == Role.CADRE else None,
        },
    )
