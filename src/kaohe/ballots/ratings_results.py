"""Reading the leader ratings: who has rated, and what a scheme reads.

- Units (001 第十四条 领导评价得分): the mean of the leaders' scores, rounded half-up to 2
  places; with the round's ``trimmed`` setting and at least 3 scores, one highest and one
  lowest are dropped first.
- Cadres (004): the count of each grade in a round (``leader_rating_scores``) and, over a
  year's rounds, each round's grade (``leader_rating_grades``: the grade most leaders gave,
  a tie going to the lower grade), the list seed 004's rule reads (`leader_ratings` lacks 优秀).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from kaohe.ballots.models import Rating, RatingGrade, RatingRound, RatingSubject

TWO = Decimal("0.01")
GradeCounts = dict[str, int]


def rating_mean(scores: list[Decimal], *, trimmed: bool) -> Decimal:
    values = sorted(scores)
    if trimmed and len(values) >= 3:
        values = values[1:-1]
    return (sum(values, Decimal(0)) / len(values)).quantize(TWO, rounding=ROUND_HALF_UP)


def unit_rating_scores(*, round: RatingRound) -> dict[int, Decimal]:
    """{unit id: the leaders' mean score} for each unit rated at least once."""
    found: dict[int, list[Decimal]] = defaultdict(list)
    for unit_id, score in Rating.objects.filter(round=round, unit__isnull=False).values_list(
        "unit_id", "score"
    ):
        if score is not None:
            found[unit_id].append(score)
    return {unit: rating_mean(scores, trimmed=round.trimmed) for unit, scores in found.items()}


def cadre_rating_counts(*, round: RatingRound) -> dict[int, GradeCounts]:
    """{cadre id: {grade: number of leaders who gave it}} (every grade listed, 0 included)."""
    found: dict[int, GradeCounts] = {}
    for cadre_id, grade in Rating.objects.filter(round=round, cadre__isnull=False).values_list(
        "cadre_id", "grade"
    ):
        counts = found.setdefault(cadre_id, dict.fromkeys(RatingGrade.values, 0))
        counts[grade] += 1
    return found


def leader_rating_scores(
    *,
    round: RatingRound,
) -> dict[int, Decimal] | dict[int, GradeCounts]:
    """What a scenario builder reads from a round: unit rounds give {unit id: Decimal},
    cadre rounds {cadre id: grade counts}."""
    if round.subject == RatingSubject.UNIT:
        return unit_rating_scores(round=round)
    return cadre_rating_counts(round=round)


def round_grade(counts: GradeCounts) -> str | None:
    """The grade most leaders gave (a tie: the lower of the tied grades)."""
    if not any(counts.values()):
        return None
    top = max(counts.values())
    return [g for g in RatingGrade.values if counts.get(g, 0) == top][-1]


def leader_rating_grades(*, rounds: Iterable[RatingRound]) -> dict[int, list[str]]:
    """{cadre id: [each cadre round's grade, in period order]}: seed 004's `leader_ratings`."""
    found: dict[int, list[str]] = defaultdict(list)
    for round_ in sorted(rounds, key=lambda r: (r.period, r.pk)):
        if round_.subject != RatingSubject.CADRE:
            continue
        for cadre, counts in cadre_rating_counts(round=round_).items():
            if grade := round_grade(counts):
                found[cadre].append(grade)
    return dict(found)


@dataclass(frozen=True)
class RaterProgress:
    rater: Any
    rated: int
    total: int
    reminded: Any  # the last reminder's time, or None

    @property
    def done(self) -> bool:
        return self.rated >= self.total


def rating_progress(*, round: RatingRound) -> list[RaterProgress]:
    """Each leader of the round with how many targets they have rated (three queries)."""
    from django.db.models import Count

    from kaohe.core.models import AuditEntry

    is_unit = round.subject == RatingSubject.UNIT
    total = (round.units if is_unit else round.cadres).count()
    rated = dict(Rating.objects.filter(round=round).values_list("rater_id").annotate(n=Count("id")))
    reminded: dict[Any, Any] = {}
    entries = AuditEntry.objects.filter(
        action="rating.remind", object_type=round._meta.label_lower, object_id=str(round.pk)
    ).values_list("after", "at")
    for after, at in entries:
        rater = (after or {}).get("rater")
        if rater is not None and (rater not in reminded or at > reminded[rater]):
            reminded[rater] = at
    return [
        RaterProgress(rater=r, rated=rated.get(r.pk, 0), total=total, reminded=reminded.get(r.pk))
        for r in round.raters.order_by("display_name", "username")
    ]


def progress_counter(progress: list[RaterProgress]) -> Counter[str]:
    return Counter("done" if p.done else "pending" for p in progress)
