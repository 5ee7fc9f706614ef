"""Which runs a user sees: the office, county leaders and the committee see every run of
the county (``RESULTS_VIEW``); nobody else sees any."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.core.roles import Action, can
from kaohe.results.models import Run, RunRow


def runs_for_user(user: object) -> QuerySet[Run]:
    if not can(user, Action.RESULTS_VIEW):
        return Run.objects.none()
    return Run.objects.select_related("year", "created_by", "job", "recomputed_from")


def run_rows_for_user(user: object) -> QuerySet[RunRow]:
    return RunRow.objects.filter(run__in=runs_for_user(user).values("pk"))
