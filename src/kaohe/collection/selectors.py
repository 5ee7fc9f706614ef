"""Which rows of the year's work a user may see (one selector per model, used by every view).

- periods: the office sees every period; any other role with ``PERIOD_VIEW`` sees the
  periods of the schemes it sees (``schemes_for_user``: published ones, for the scorer also
  those holding a system it scores), read-only;
- notices: each user sees only their own.
"""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.collection.models import Notice, Period
from kaohe.core.roles import Action, can
from kaohe.schemes.selectors import schemes_for_user


def periods_for_user(user: object) -> QuerySet[Period]:
    if not can(user, Action.PERIOD_VIEW):
        return Period.objects.none()
    periods = Period.objects.select_related("scheme", "scheme__year")
    if can(user, Action.PERIOD_EDIT):
        return periods
    return periods.filter(scheme__in=schemes_for_user(user).values("pk"))


def notices_for_user(user: object) -> QuerySet[Notice]:
    user_id = getattr(user, "pk", None)
    if not getattr(user, "is_authenticated", False) or user_id is None:
        return Notice.objects.none()
    return Notice.objects.filter(user_id=user_id)


def unread_notice_count(user: object) -> int:
    """The user's unread notices (the header's count): one query."""
    return notices_for_user(user).filter(read_at__isnull=True).count()
