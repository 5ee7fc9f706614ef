"""Reading a closed survey: each area's indices with sample size and confidence interval,
its composite index and the points the scheme reads (``survey_scores``).

Method (documented in docs/guide/surveys.md):

- A respondent's index score is the weighted mean of the points of their answers to that
  index's questions, over the questions answered with a scored option (不了解 counts nowhere);
  a respondent with no scored answer for an index is not in its sample.
- An area's index is the mean of its respondents' scores; ``n`` is their number. The 95 %
  confidence interval is the normal approximation of the mean, mean ± 1.96 · s / √n with the
  sample standard deviation s, cut to 0–100; none below 2 respondents.
- The composite index is the weighted sum of the area's indices with the survey's index
  weights, rescaled over the indices that have a sample.
- An area with fewer answers than the survey's ``min_answers`` (default 5) shows nothing
  and gives no points, so that a small sample cannot be unmasked.
- Points: with ``point_bands`` the points of the first band whose minimum the composite
  reaches; otherwise ``max_points × composite / 100``. All rounded half-up to 2 places.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from kaohe.ballots.models import Survey, SurveyAnswer, SurveyIndex, SurveyStatus

TWO = Decimal("0.01")
Z95 = Decimal("1.96")


def _round(value: Decimal) -> Decimal:
    return value.quantize(TWO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class IndexResult:
    index: str
    n: int
    mean: Decimal | None
    low: Decimal | None  # the 95 % interval (normal approximation), None below n = 2
    high: Decimal | None

    @property
    def label(self) -> str:
        return str(SurveyIndex(self.index).label)


@dataclass(frozen=True)
class AreaResult:
    area_id: int
    unit_id: int
    unit_name: str
    quota: int
    answers: int
    indices: dict[str, IndexResult] = field(default_factory=dict)
    composite: Decimal | None = None
    points: Decimal | None = None
    suppressed: bool = False  # fewer answers than the survey's minimum: nothing shown

    @property
    def index_list(self) -> list[IndexResult]:
        return [self.indices[i] for i in SurveyIndex.values if i in self.indices]


def index_result(index: str, scores: list[Decimal]) -> IndexResult:
    """Mean and 95 % normal-approximation interval of the respondents' ``scores``."""
    n = len(scores)
    if n == 0:
        return IndexResult(index, 0, None, None, None)
    mean = sum(scores, Decimal(0)) / n
    if n < 2:
        return IndexResult(index, n, _round(mean), None, None)
    variance = sum(((s - mean) ** 2 for s in scores), Decimal(0)) / (n - 1)
    half = Z95 * variance.sqrt() / Decimal(n).sqrt()
    low, high = max(mean - half, Decimal(0)), min(mean + half, Decimal(100))
    return IndexResult(index, n, _round(mean), _round(low), _round(high))


def points_for(survey: Survey, composite: Decimal) -> Decimal:
    """The points the scheme reads for a composite index (the survey's mapping)."""
    for low, points in survey.point_bands or []:
        if composite >= Decimal(low):
            return _round(Decimal(points))
    if survey.point_bands:
        return Decimal("0.00")
    return _round(Decimal(survey.max_points) * composite / 100)


def respondent_scores(
    questions: list[tuple[int, str, Decimal, list[Decimal | None]]], values: dict[str, int]
) -> dict[str, Decimal]:
    """One answer's score per index (only the indices it answered with a scored option)."""
    totals: dict[str, list[Decimal]] = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for pk, index, weight, points in questions:
        chosen = values.get(str(pk))
        if chosen is None or not 0 <= chosen < len(points) or points[chosen] is None:
            continue
        total = totals[index]
        total[0] += weight * points[chosen]  # type: ignore[operator]
        total[1] += weight
    return {index: total[0] / total[1] for index, total in totals.items()}


def survey_results(*, survey: Survey) -> list[AreaResult]:
    """Every area of the survey with its stored (moved) answers' indices; before the survey
    closes the answers are still held and the areas show none."""
    questions = [
        (q.pk, q.index, Decimal(q.weight),
         [None if p is None else Decimal(str(p)) for _label, p in q.choices])
        for q in survey.questions.all()
    ]  # fmt: skip
    weights = {k: Decimal(str(v)) for k, v in survey.index_weights.items()}
    areas = list(survey.areas.select_related("unit").order_by("unit__order", "unit__name"))
    scores: dict[int, dict[str, list[Decimal]]] = {a.pk: defaultdict(list) for a in areas}
    counts: dict[int, int] = defaultdict(int)
    if survey.status == SurveyStatus.CLOSED:
        answers = SurveyAnswer.objects.filter(area__survey=survey).values_list("area_id", "values")
        for area_id, values in answers.iterator(chunk_size=2000):
            counts[area_id] += 1
            for index, score in respondent_scores(questions, values).items():
                scores[area_id][index].append(score)
    results = []
    for area in areas:
        base = AreaResult(
            area_id=area.pk,
            unit_id=area.unit_id,
            unit_name=area.unit.name,
            quota=area.quota,
            answers=counts[area.pk],
        )
        if survey.status == SurveyStatus.CLOSED and counts[area.pk] < survey.min_answers:
            results.append(replace(base, suppressed=True))
            continue
        indices = {
            index: index_result(index, scores[area.pk].get(index, []))
            for index in SurveyIndex.values
            if weights.get(index, Decimal(0)) > 0
        }
        present = {i: r.mean for i, r in indices.items() if r.mean is not None}
        composite = points = None
        if present:
            weight = sum((weights[i] for i in present), Decimal(0))
            total = sum((weights[i] * mean for i, mean in present.items()), Decimal(0))
            composite = _round(total / weight)
            points = points_for(survey, composite)
        results.append(replace(base, indices=indices, composite=composite, points=points))
    return results


def survey_scores(*, survey: Survey) -> dict[int, Decimal]:
    """What a scheme reads from a closed survey: {unit id: points} for every area with at
    least one scored answer (an area without one is left out, not scored 0)."""
    return {r.unit_id: r.points for r in survey_results(survey=survey) if r.points is not None}
