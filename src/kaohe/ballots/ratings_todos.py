"""A leader's open rating work, as items for the home page's to-do list and the daily
reminders (``collection.todos``). Ballots may not import collection (they are siblings in
the import order), so this gives plain items; the one who wires them in wraps each in a
``Todo`` (``state`` late when ``due`` has passed, else due)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.ballots.models import RatingStatus, RatingSubject
from kaohe.ballots.ratings_selectors import rating_rounds_for_user
from kaohe.core.roles import Action, can


@dataclass(frozen=True)
class RatingTodo:
    key: str  # stable: rating:<round>:<user>
    title: str
    url: str
    due: dt.date | None
    late: bool
    detail: str


def rating_todo_items(user: object, today: dt.date) -> list[RatingTodo]:
    """The open rounds ``user`` rates and has not finished (two queries)."""
    if not can(user, Action.RATING_ENTER):
        return []
    user_pk = getattr(user, "pk", 0)
    rounds = (
        rating_rounds_for_user(user)
        .filter(status=RatingStatus.OPEN, raters__pk=user_pk)
        .annotate(
            n_units=Count("units", distinct=True),
            n_cadres=Count("cadres", distinct=True),
            n_mine=Count("ratings", filter=Q(ratings__rater=user_pk), distinct=True),
        )
    )
    items = []
    for round_ in rounds:
        total = round_.n_units if round_.subject == RatingSubject.UNIT else round_.n_cadres
        if round_.n_mine >= total:
            continue
        items.append(
            RatingTodo(
                key=f"rating:{round_.pk}:{user_pk}",
                title=_("领导评价：%(name)s") % {"name": round_.name},
                url=reverse("ballots:rating_enter", args=[round_.pk]),
                due=round_.due_on,
                late=round_.due_on is not None and round_.due_on < today,
                detail=_("已评 %(done)s / %(n)s") % {"done": round_.n_mine, "n": total},
            )
        )
    return items
