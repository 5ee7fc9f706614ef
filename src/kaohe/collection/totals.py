"""From indicator scores to the score the engine reads: the roll-up of the indicator tree.

A leaf 赋分 indicator counts the points given (none given: 0, unless the period records
deductions only, where every indicator starts full); a 扣分 indicator counts its points less
the points taken (at most its cap); a parent counts the sum of its children; every
indicator stays between 0 and its points. 加分 indicators stand outside: each adds its
points given up to its cap (or its points). The total is the top level's sum plus the
bonuses, rescaled to 100 when the system's total is not 100 (the engine's scores are out
of 100).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kaohe.collection.models import Period, ScoreEntry
from kaohe.schemes.models import Indicator, IndicatorSystem, Method, SystemStatus

ZERO, HUNDRED = Decimal(0), Decimal(100)


@dataclass(frozen=True)
class Node:
    id: int
    parent_id: int | None
    method: str
    points: Decimal
    cap: Decimal | None


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def roll_up(
    nodes: Sequence[Node],
    values: Mapping[int, Decimal],
    *,
    total_points: Decimal,
    deductions_only: bool = False,
) -> Decimal:
    """One target's score out of 100 from ``values`` (indicator id → the counted entry)."""
    return roll_up_nodes(nodes, values, total_points=total_points, deductions_only=deductions_only)[
        0
    ]


def roll_up_nodes(
    nodes: Sequence[Node],
    values: Mapping[int, Decimal],
    *,
    total_points: Decimal,
    deductions_only: bool = False,
) -> tuple[Decimal, dict[int, Decimal]]:
    """``roll_up`` with the score of every indicator on the way (indicator id → its score,
    a bonus: the points it adds), for the pages that explain a total."""
    children: dict[int | None, list[Node]] = defaultdict(list)
    for node in nodes:
        children[node.parent_id].append(node)
    scores: dict[int, Decimal] = {}

    def score(node: Node) -> Decimal:
        kids = [k for k in children.get(node.id, []) if k.method != Method.BONUS]
        if kids:
            found = clamp(sum((score(k) for k in kids), ZERO), ZERO, node.points)
        else:
            given = values.get(node.id)
            if node.method == Method.DEDUCTION or deductions_only:
                taken = given or ZERO
                limit = (
                    node.cap
                    if node.method == Method.DEDUCTION and node.cap is not None
                    else node.points
                )
                found = clamp(node.points - min(taken, limit), ZERO, node.points)
            else:
                found = clamp(given or ZERO, ZERO, node.points)
        scores[node.id] = found
        return found

    base = sum((score(n) for n in children[None] if n.method != Method.BONUS), ZERO)
    bonus = ZERO
    for n in nodes:
        if n.method == Method.BONUS:
            added = clamp(values.get(n.id) or ZERO, ZERO, n.cap if n.cap is not None else n.points)
            scores[n.id] = added
            bonus += added
    total = base + bonus
    if total_points and total_points != HUNDRED:
        total = total * HUNDRED / total_points
    return total, scores


def counted_entries(
    entries: Iterable[ScoreEntry], responsible: Mapping[int, int | None]
) -> dict[tuple[int, int], ScoreEntry]:
    """(target, indicator) → the entry that counts: the lead unit's consolidated one if any,
    else the indicator's responsible unit's, else the only one there is (several entries
    without a consolidation: the responsible unit has not consolidated yet; the first
    scorer's counts until it does)."""
    chosen: dict[tuple[int, int], tuple[int, ScoreEntry]] = {}
    for entry in entries:
        key = (entry.target_id, entry.indicator_id)
        rank = (
            0
            if entry.consolidated
            else 1
            if responsible.get(entry.indicator_id) == entry.scorer_unit_id
            else 2
        )
        if key not in chosen or rank < chosen[key][0]:
            chosen[key] = (rank, entry)
    return {key: entry for key, (_rank, entry) in chosen.items()}


def counted_values(
    entries: Iterable[ScoreEntry], responsible: Mapping[int, int | None]
) -> dict[tuple[int, int], Decimal]:
    """(target, indicator) → the value that counts (``counted_entries``)."""
    return {key: entry.value for key, entry in counted_entries(entries, responsible).items()}


def period_totals(*, period: Period) -> dict[int, Decimal]:
    """Every target's score of ``period`` out of 100 (target unit id → score), for each
    category's published indicator system of the period's scheme. Targets: the active
    units of those categories."""
    from kaohe.orgs.models import Unit

    systems = IndicatorSystem.objects.filter(scheme_id=period.scheme_id).exclude(
        status=SystemStatus.DRAFT
    )
    result: dict[int, Decimal] = {}
    for system in systems:
        indicators = list(Indicator.objects.filter(system=system))
        nodes = [Node(i.pk, i.parent_id, i.method, i.points, i.cap) for i in indicators]
        responsible = {i.pk: i.responsible_unit_id for i in indicators}
        targets = list(
            Unit.objects.filter(category_id=system.category_id, is_active=True).values_list(
                "pk", flat=True
            )
        )
        values = counted_values(
            ScoreEntry.objects.filter(
                period=period, indicator__system=system, target_id__in=targets
            ),
            responsible,
        )
        by_target: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for (target, indicator), value in values.items():
            by_target[target][indicator] = value
        for target in targets:
            result[target] = roll_up(
                nodes, by_target.get(target, {}), total_points=system.total_points,
                deductions_only=period.deductions_only,
            )  # fmt: skip
    return result
