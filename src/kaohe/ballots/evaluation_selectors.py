"""Which democratic evaluations a user sees: the office and the committee see all of them
(the roles table gives the actions); everyone else none. Raters have no account: they
reach a session only through a code."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from kaohe.ballots.models import Session
from kaohe.core.roles import Action, can
from kaohe.orgs.models import Cadre, Posting, Team, active_on
from kaohe.orgs.pinyin import search_key


def sessions_for_user(user: object) -> QuerySet[Session]:
    if not (can(user, Action.BALLOT_RESULTS) or can(user, Action.BALLOT_MANAGE)):
        return Session.objects.none()
    return Session.objects.all()


def session_targets(unit: Any, category: Any, today: dt.date) -> tuple[list[Any], list[Any]]:
    """Who a new session marks: every assessed team of a category (a county-wide round), or
    a unit's team and the cadres posted there on ``today`` (its meeting)."""
    if category is not None:
        teams = list(
            Team.objects.filter(unit__category=category, unit__is_active=True, is_assessed=True)
        )
        return teams, []
    teams = list(Team.objects.filter(unit=unit, is_assessed=True))
    postings = (
        Posting.objects.filter(active_on(today), unit=unit)
        .select_related("cadre")
        .order_by("precedence", "order", "cadre__name")
    )
    seen: set[int] = set()
    cadres = []
    for posting in postings:
        if posting.cadre_id not in seen and posting.cadre.retired_on is None:
            seen.add(posting.cadre_id)
            cadres.append((posting.cadre, posting.post))
    return teams, cadres


CADRE_SEARCH_LIMIT = 30


def cadre_search(query: str, *, limit: int = CADRE_SEARCH_LIMIT) -> list[Cadre]:
    """Cadres in office whose name, pinyin or initials hold ``query`` (orgs' search key),
    each with ``place``: their current primary post ("青山镇 党委书记"); two queries."""
    key = search_key(query)
    if not key:
        return []
    cadres = list(
        Cadre.objects.filter(search__contains=key, retired_on__isnull=True).order_by("name", "pk")[
            :limit
        ]
    )
    places: dict[int, tuple[str, str]] = {}
    postings = (
        Posting.objects.filter(active_on(timezone.localdate()), cadre__in=[c.pk for c in cadres])
        .select_related("unit")
        .order_by("-is_primary", "start_date")
    )
    for posting in postings:
        places.setdefault(posting.cadre_id, (posting.unit.name, posting.post))
    for cadre in cadres:
        unit, post = places.get(cadre.pk, ("", ""))
        cadre.place = f"{unit} {post}".strip()  # type: ignore[attr-defined]
        cadre.post = post  # type: ignore[attr-defined]
    return cadres
