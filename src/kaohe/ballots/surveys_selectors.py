"""Which surveys a user sees: the assessment office's (SURVEY_MANAGE) only. A survey's
answers are anonymous; nobody sees a single answer, the office sees the areas' figures."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from kaohe.ballots.models import Survey, SurveyAnswer, SurveyAnswerHolding, SurveyArea
from kaohe.core.roles import Action, can


def surveys_for_user(user: object) -> QuerySet[Survey]:
    if not can(user, Action.SURVEY_MANAGE):
        return Survey.objects.none()
    return Survey.objects.select_related("year")


@dataclass(frozen=True)
class AreaProgress:
    area: SurveyArea
    answers: int
    codes: int
    codes_used: int

    @property
    def share(self) -> int:
        """Percent of the quota reached (capped at 100 for the bar)."""
        return min(100, round(100 * self.answers / self.area.quota)) if self.area.quota else 0

    @property
    def step(self) -> int:
        """The share in steps of ten (the bar's CSS class: no inline style under the CSP)."""
        return 10 * round(self.share / 10)

    @property
    def reached(self) -> bool:
        return self.answers >= self.area.quota


def survey_progress(survey: Survey) -> list[AreaProgress]:
    """Each area's answers (held and stored) and codes against its quota (four queries)."""
    areas = list(
        SurveyArea.objects.filter(survey=survey)
        .select_related("unit")
        .annotate(n_codes=Count("codes"), n_used=Count("codes", filter=Q(codes__used=True)))
        .order_by("unit__order", "unit__name")
    )
    answers: dict[int, int] = {}
    for model in (SurveyAnswerHolding, SurveyAnswer):
        counts = model.objects.filter(area__survey=survey).values_list("area_id")
        for area_id, n in counts.annotate(n=Count("id")).values_list("area_id", "n"):
            answers[area_id] = answers.get(area_id, 0) + n
    return [
        AreaProgress(area=a, answers=answers.get(a.pk, 0), codes=a.n_codes, codes_used=a.n_used)
        for a in areas
    ]
