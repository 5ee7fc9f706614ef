"""The office's to-dos from the calendar: periods to open (their start reached, still not
started) and periods to close (their end passed, still open). Registered with
``kaohe.collection.todos`` in the app's ``ready()``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.collection.models import PeriodStatus
from kaohe.collection.selectors import periods_for_user
from kaohe.collection.todos import Todo, TodoState
from kaohe.core.roles import Action, can


def period_todos(user: Any, today: dt.date) -> Iterator[Todo]:
    if not can(user, Action.PERIOD_EDIT):
        return
    due = periods_for_user(user).filter(
        Q(status=PeriodStatus.PLANNED, starts_on__lte=today)
        | Q(status=PeriodStatus.OPEN, ends_on__lt=today)
    )
    for period in due.order_by("starts_on", "pk"):
        url = (
            reverse("collection:period_calendar", args=[period.scheme_id]) + f"#period-{period.pk}"
        )
        what = {"scheme": period.scheme.label, "period": period.name}
        if period.status == PeriodStatus.PLANNED:
            yield Todo(
                key=f"period:{period.pk}:open",
                title=_("开启「%(scheme)s · %(period)s」") % what,
                url=url,
                state=TodoState.LATE if today > period.starts_on else TodoState.DUE,
                due=period.starts_on,
                detail=_("周期已于 %(date)s 开始，仍未开启") % {"date": period.starts_on},
            )
        else:
            # Closing makes the period's scores final: late from the day after its end.
            yield Todo(
                key=f"period:{period.pk}:close",
                title=_("关闭「%(scheme)s · %(period)s」") % what,
                url=url,
                state=TodoState.LATE,
                due=period.ends_on,
                detail=_("周期已于 %(date)s 结束，仍在进行中") % {"date": period.ends_on},
            )
