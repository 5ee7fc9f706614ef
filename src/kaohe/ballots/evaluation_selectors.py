"""Which democratic evaluations a user sees: the office and the committee see all of them
(the roles table gives the actions); everyone else none. Raters have no account: they
reach a session only through a code."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.ballots.models import Session
from kaohe.core.roles import Action, can


def sessions_for_user(user: object) -> QuerySet[Session]:
    if not (can(user, Action.BALLOT_RESULTS) or can(user, Action.BALLOT_MANAGE)):
        return Session.objects.none()
    return Session.objects.all()
