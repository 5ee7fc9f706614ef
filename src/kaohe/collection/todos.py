"""Every role's to-do list, gathered from the areas of work.

Each area (reports, scoring, rectification …) registers a provider: a function that takes
a user and today's date and yields that user's ``Todo`` items. The home page lists them
(late first, then by due date) and the reminder task notifies each item once per stage,
keyed by the item's stable ``key``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class TodoState(models.TextChoices):
    RETURNED = "returned", _("被退回")
    LATE = "late", _("已逾期")
    DUE = "due", _("待办")
    WAITING = "waiting", _("待审核")


@dataclass(frozen=True)
class Todo:
    """``key``: stable across requests (``report:17:42:progress``), for idempotent reminders;
    ``url``: where the work is done; ``due``: the deadline, if any."""

    key: str
    title: str
    url: str
    state: TodoState
    due: dt.date | None = None
    detail: str = ""

    def sort_key(self) -> tuple[int, dt.date, str]:
        order = {TodoState.RETURNED: 0, TodoState.LATE: 1, TodoState.DUE: 2, TodoState.WAITING: 3}
        return (order[self.state], self.due or dt.date.max, self.key)


TodoProvider = Callable[[Any, dt.date], Iterable[Todo]]
_PROVIDERS: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def todos_for(user: Any, today: dt.date) -> list[Todo]:
    """The user's to-dos from every area: returned work first, then late, then by due date."""
    items = [todo for provider in _PROVIDERS for todo in provider(user, today)]
    return sorted(items, key=Todo.sort_key)
