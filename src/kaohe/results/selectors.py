"""Which runs a user sees: the office, county leaders and the committee see every run of
the county (``RESULTS_VIEW``); nobody else sees any."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db.models import QuerySet

from kaohe.core.roles import Action, can
from kaohe.orgs.models import Unit
from kaohe.results.models import Appeal, FinalGrade, Outcome, OutcomeStatus, Run, RunRow


def runs_for_user(user: object) -> QuerySet[Run]:
    if not can(user, Action.RESULTS_VIEW):
        return Run.objects.none()
    return Run.objects.select_related("year", "created_by", "job", "recomputed_from")


def run_rows_for_user(user: object) -> QuerySet[RunRow]:
    return RunRow.objects.filter(run__in=runs_for_user(user).values("pk"))


def outcomes_for_user(user: object) -> QuerySet[Outcome]:
    """The outcomes the office publicises and whose appeals it handles; those who read
    the results see them too."""
    if not (
        can(user, Action.RESULTS_VIEW)
        or can(user, Action.RESULTS_PUBLISH)
        or can(user, Action.APPEAL_HANDLE)
    ):
        return Outcome.objects.none()
    return Outcome.objects.select_related("year", "run")


def final_grades_for_user(user: object) -> QuerySet[FinalGrade]:
    return FinalGrade.objects.filter(outcome__in=outcomes_for_user(user).values("pk"))


def appeals_for_user(user: object) -> QuerySet[Appeal]:
    if not can(user, Action.APPEAL_HANDLE):
        return Appeal.objects.none()
    return Appeal.objects.select_related(
        "final__outcome__year", "final__scheme", "final__cadre", "final__unit", "run", "review"
    )


def own_grades(user: object) -> QuerySet[FinalGrade]:
    """A cadre's own grades, of published outcomes only."""
    cadre_id = getattr(user, "cadre_id", None)
    if not can(user, Action.RESULT_OWN_VIEW) or cadre_id is None:
        return FinalGrade.objects.none()
    return FinalGrade.objects.filter(
        cadre_id=cadre_id, outcome__status=OutcomeStatus.PUBLISHED
    ).select_related("outcome__year", "scheme", "row__run")


_UNIT_GROUP = re.compile(r"u[0-9]{1,18}")  # a unit's engine id (``builder.unit_id``)


def group_labels(rows: Iterable[RunRow]) -> None:
    """Give each row a ``group_label`` to show: a cadre is ranked in their unit's group,
    whose id (``u12``, the builder's ``unit_id``) becomes the unit's name; a category's or
    a named group (单列) shows as it is. One query for all the rows."""
    rows = list(rows)
    wanted = {int(row.group[1:]) for row in rows if _UNIT_GROUP.fullmatch(row.group or "")}
    names = dict(Unit.objects.filter(pk__in=wanted).values_list("pk", "name")) if wanted else {}
    for row in rows:
        found = _UNIT_GROUP.fullmatch(row.group or "")
        label = names.get(int(row.group[1:])) if found else None
        row.group_label = label or row.group  # type: ignore[attr-defined]
