"""Builders of the survey and rating tests (and of the surveys' URL walk)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from kaohe.ballots import ratings, surveys
from kaohe.ballots.models import RatingSubject, SurveyKind, SurveyStatus


def year_2024() -> Any:
    from kaohe.orgs.models import AssessmentYear
    from kaohe.orgs.services import year_create

    return AssessmentYear.objects.filter(year=2024).first() or year_create(
        actor=None, year=2024, name="2024年度"
    )


def survey(
    units: list[Any], *, quota: int = 10, status: str = SurveyStatus.OPEN, codes: int = 0,
    max_points: str = "15",
    min_answers: int = 1,
) -> Any:  # fmt: skip
    """A 民意调查 of ``units`` with one question per index (weights 0.4/0.3/0.3), the
    default options (100/80/60/0/不了解), opened (or as ``status`` says)."""
    found = surveys.survey_create(
        actor=None, year=year_2024(), name="2024年度群众满意度调查", kind=SurveyKind.OPINION,
        max_points=Decimal(max_points), min_answers=min_answers,
    )  # fmt: skip
    surveys.survey_question_add(actor=None, survey=found, text="您对本镇政务服务满意吗？",
                                index="satisfaction")  # fmt: skip
    surveys.survey_question_add(actor=None, survey=found, text="您对生活感到幸福吗？",
                                index="happiness")  # fmt: skip
    surveys.survey_question_add(actor=None, survey=found, text="您觉得本地治安安全吗？",
                                index="security")  # fmt: skip
    for unit in units:
        area = surveys.survey_area_set(actor=None, survey=found, unit=unit, quota=quota)
        if codes:
            surveys.survey_codes_issue(actor=None, area=area, count=codes)
    if status != SurveyStatus.DRAFT:
        surveys.survey_set_status(actor=None, survey=found, status=SurveyStatus.OPEN)
    if status == SurveyStatus.CLOSED:
        surveys.survey_set_status(actor=None, survey=found, status=SurveyStatus.CLOSED)
    found.refresh_from_db()
    return found


def answer_all(survey_: Any, area: Any, choices: list[int]) -> None:
    """Answer every unused code of ``area`` once, each question with the option ``choices``."""
    questions = list(survey_.questions.all())
    for code in area.codes.filter(used=False):
        values = {q.pk: c for q, c in zip(questions, choices, strict=True)}
        surveys.survey_answer_submit(code=code.code, values=values)


def rating_round(
    leaders: list[Any], *, units: Sequence[Any] = (), cadres: Sequence[Any] = (), trimmed: bool = False,
    period: str = "Q1",
) -> Any:  # fmt: skip
    subject = RatingSubject.UNIT if units else RatingSubject.CADRE
    return ratings.rating_round_create(
        actor=None, year=year_2024(), name=f"{period} 领导评价", subject=subject, period=period,
        trimmed=trimmed, raters=leaders, units=units, cadres=cadres,
    )  # fmt: skip


def leader(username: str) -> Any:
    from kaohe.conftest import PASSWORD
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    return user_create(actor=None, username=username, password=PASSWORD, role=Role.LEADER,
                       display_name=username, validate=False)  # fmt: skip
