"""To-dos of the apps that may not import collection's registry (ballots is its sibling in
the import order): wrapped here, where every app may be imported, into ``Todo`` items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from kaohe.ballots.ratings_todos import rating_todo_items
from kaohe.collection.todos import Todo, TodoState
from kaohe.results.use import explanation_todo_items


def rating_todos(user: object, today: dt.date) -> Iterator[Todo]:
    """A leader's rating rounds still to finish (late once their due day has passed)."""
    for item in rating_todo_items(user, today):
        state = TodoState.LATE if item.late else TodoState.DUE
        yield Todo(item.key, item.title, item.url, state, item.due, item.detail)


def explanation_todos(user: object, today: dt.date) -> Iterator[Todo]:
    """Written explanations a unit still owes (its liaison) or that are overdue (the office)."""
    for item in explanation_todo_items(user, today):
        state = TodoState.LATE if item.late else TodoState.DUE
        yield Todo(item.key, item.title, item.url, state, item.due, item.detail)
