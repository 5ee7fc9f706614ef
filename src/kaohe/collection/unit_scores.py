"""An assessed unit's own scores (the liaison's page): per closed period, each indicator's
score with the deductions, awards and bonuses that made it, their reasons and evidence, the
total, and the unit's rank in its category where the period was ranked.

What the unit sees follows the seeds: seed 002 feeds back 指标排名、扣分项 to each assessed
unit; seed 001 第十一条(八) has the unit answer what the monitoring found. So the unit sees
its own final scores (a period's scores are final once the office closes it: an open
period is still being scored and shows nothing yet), the reasons and the evidence the
scorers attached to them, and its own rank and the size of its category, never another
unit's score nor which person entered a score.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from kaohe.collection.evidence import attachments_of
from kaohe.collection.models import (
    Attachment,
    OwnerType,
    Period,
    PeriodStatus,
    RankEntry,
    ScoreEntry,
)
from kaohe.collection.scoring import SCORED_KINDS, counts_as_deduction
from kaohe.collection.todos import Todo, TodoState
from kaohe.collection.totals import Node, counted_entries, roll_up_nodes
from kaohe.core.roles import Action, can
from kaohe.schemes.models import Indicator, IndicatorSystem, Method, SystemStatus


@dataclass
class IndicatorLine:
    indicator: Indicator
    depth: int
    score: Decimal
    leaf: bool
    deduction: bool = False
    value: Decimal | None = None  # the counted entry: points taken, given or added
    reason: str = ""
    scorer: str = ""
    files: list[Attachment] = field(default_factory=list)

    @property
    def method_label(self) -> str:
        if self.deduction:
            return str(Method.DEDUCTION.label)
        return str(Method(self.indicator.method).label)


@dataclass
class UnitPeriodScores:
    period: Period
    system: IndicatorSystem
    total: Decimal
    lines: list[IndicatorLine]
    rank: RankEntry | None

    @property
    def deductions(self) -> list[IndicatorLine]:
        return [line for line in self.lines if line.deduction and line.value]


def unit_score_periods(unit: Any) -> QuerySet[Period]:
    """The closed scored periods of the schemes that assess ``unit`` (a published indicator
    system of its category), latest first."""
    systems = IndicatorSystem.objects.filter(category_id=unit.category_id).exclude(
        status=SystemStatus.DRAFT
    )
    return (
        Period.objects.filter(
            scheme_id__in=systems.values("scheme_id"),
            kind__in=SCORED_KINDS,
            status=PeriodStatus.CLOSED,
        )
        .select_related("scheme", "scheme__year")
        .order_by("-ends_on", "-pk")
    )


def unit_period_scores(*, period: Period, unit: Any) -> UnitPeriodScores | None:
    """The unit's scores of one period (None when its category has no published system in
    the period's scheme). A fixed number of queries, whatever the size of the tree."""
    system = (
        IndicatorSystem.objects.filter(scheme_id=period.scheme_id, category_id=unit.category_id)
        .exclude(status=SystemStatus.DRAFT)
        .first()
    )
    if system is None:
        return None
    indicators = list(Indicator.objects.filter(system=system).order_by("order", "code", "pk"))
    responsible = {i.pk: i.responsible_unit_id for i in indicators}
    entries = list(
        ScoreEntry.objects.filter(period=period, target=unit, indicator__system=system)
        .select_related("scorer_unit")
        .order_by("pk")
    )
    counted = {
        indicator: entry
        for (_target, indicator), entry in counted_entries(entries, responsible).items()
    }
    nodes = [Node(i.pk, i.parent_id, i.method, i.points, i.cap) for i in indicators]
    total, scores = roll_up_nodes(
        nodes, {pk: e.value for pk, e in counted.items()}, total_points=system.total_points,
        deductions_only=period.deductions_only,
    )  # fmt: skip
    files = attachments_of(OwnerType.SCORE, [e.pk for e in counted.values()])
    children: dict[int | None, list[Indicator]] = {}
    for indicator in indicators:
        children.setdefault(indicator.parent_id, []).append(indicator)
    lines: list[IndicatorLine] = []

    def walk(parent: int | None, depth: int) -> None:
        for indicator in children.get(parent, []):
            leaf = indicator.pk not in children
            entry = counted.get(indicator.pk)
            lines.append(
                IndicatorLine(
                    indicator=indicator,
                    depth=depth,
                    score=scores.get(indicator.pk, Decimal(0)),
                    leaf=leaf,
                    deduction=leaf and counts_as_deduction(indicator, period),
                    value=entry.value if entry else None,
                    reason=entry.reason if entry else "",
                    scorer=entry.scorer_unit.name if entry else "",
                    files=files.get(entry.pk, []) if entry else [],
                )
            )
            walk(indicator.pk, depth + 1)

    walk(None, 0)
    rank = (
        RankEntry.objects.filter(ranking__period=period, target=unit).first()
        if period.ranked
        else None
    )
    return UnitPeriodScores(period=period, system=system, total=total, lines=lines, rank=rank)


# How long after a period's close its scores stay among the unit's to-dos.
FRESH_DAYS = 30


def unit_scores_todos(user: Any, today: dt.date) -> Iterator[Todo]:
    """The liaison's to-do: read the unit's final scores of a period the office closed in
    the last ``FRESH_DAYS`` days (with the rank, where ranked). No deadline: no reminder."""
    from kaohe.orgs.models import Unit

    unit_id = getattr(user, "unit_id", None)
    if unit_id is None or not can(user, Action.UNIT_SCORES_VIEW):
        return
    unit = Unit.objects.filter(pk=unit_id).only("pk", "category_id").first()
    if unit is None:
        return
    since = today - dt.timedelta(days=FRESH_DAYS)
    for period in unit_score_periods(unit).filter(closed_at__date__gte=since):
        yield Todo(
            key=f"unit_scores:{period.pk}:{unit.pk}",
            title=_("查看本单位「%(scheme)s · %(period)s」得分")
            % {"scheme": period.scheme.name, "period": period.name},
            url=reverse("collection:own_scores") + f"?period={period.pk}",
            state=TodoState.DUE,
            detail=_("考核办已关闭该周期，评分已确定：各指标得分、扣分理由与佐证、名次"),
        )
