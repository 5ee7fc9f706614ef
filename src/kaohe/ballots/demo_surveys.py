"""The demo county's surveys and leader ratings (called by the demo loader once the units,
cadres and users exist): a closed 民意调查 of the towns with its answers (web and telephone)
and results, a year's rating round of the towns with some leaders done, and a fourth-quarter
rating of the towns' principals."""

from __future__ import annotations

import datetime as dt
import random
import secrets
from decimal import Decimal
from typing import Any

from django.db import transaction

from kaohe.ballots import ratings, surveys
from kaohe.ballots.models import (
    AnswerChannel,
    RatingGrade,
    RatingSubject,
    SurveyKind,
    SurveyStatus,
)
from kaohe.core.models import User
from kaohe.core.roles import Role
from kaohe.core.services import user_create
from kaohe.orgs.models import AssessmentYear, Cadre, Posting, Unit
from kaohe.orgs.models import Role as PostRole

QUESTIONS = [
    ("您对本镇（街道）政务服务和办事效率满意吗？", "satisfaction", "1"),
    ("您对本镇（街道）干部的工作作风满意吗？", "satisfaction", "1"),
    ("您对本地道路、供水、垃圾处理等基础设施满意吗？", "satisfaction", "1"),
    ("总体来说，您觉得生活幸福吗？", "happiness", "2"),
    ("与三年前相比，您家的收入和生活条件有改善吗？", "happiness", "1"),
    ("您觉得本地社会治安安全吗？", "security", "2"),
    ("您晚上独自出门感到安全吗？", "security", "1"),
]
IMPROVED = [["明显改善", 100], ["有所改善", 80], ["没有变化", 60], ["变差了", 0], ["说不清", None]]
EXTRA_LEADERS = [("leader-qian", "县领导 钱县长"), ("leader-sun", "县领导 孙副书记")]


def _leaders() -> list[User]:
    found = list(User.objects.filter(role=Role.LEADER, is_active=True).order_by("username"))
    for username, name in EXTRA_LEADERS:
        if not any(u.username == username for u in found):
            found.append(user_create(actor=None, username=username, role=Role.LEADER,
                                     password=secrets.token_urlsafe(24), display_name=name,
                                     validate=False))  # fmt: skip
    return found[:3]


def _answer(rng: random.Random, questions: list[Any], mood: float) -> dict[str, int]:
    """One respondent: a better ``mood`` (0..1) leans to the first options."""
    values: dict[str, int] = {}
    for q in questions:
        weights = [mood * 3, 1.5, 1 - mood + 0.3, (1 - mood) * 0.8, 0.25]
        values[str(q.pk)] = rng.choices(range(len(q.choices)), weights=weights[: len(q.choices)])[0]
    return values


@transaction.atomic
def surveys_demo_load(*, year: int, seed: int = 2019) -> dict[str, int]:
    rng = random.Random(seed)
    year_row = AssessmentYear.objects.get(year=year)
    towns = list(Unit.objects.filter(category__name="镇街", is_active=True).order_by("code"))
    survey = surveys.survey_create(
        actor=None, year=year_row, name=f"{year}年度群众满意度民意调查", kind=SurveyKind.OPINION,
        intro="本调查由县统计局组织，匿名进行，不记录您的身份。请根据真实感受作答，谢谢！",
        max_points=Decimal("15"),
    )  # fmt: skip
    for text, index, weight in QUESTIONS:
        choices = IMPROVED if text.startswith("与三年前") else None
        surveys.survey_question_add(actor=None, survey=survey, text=text, index=index,
                                    weight=Decimal(weight), choices=choices)  # fmt: skip
    areas = [surveys.survey_area_set(actor=None, survey=survey, unit=t, quota=30) for t in towns]
    surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.OPEN)
    questions = list(survey.questions.all())
    answers = 0
    phone: list[tuple[Any, Any, str, dict[str, int]]] = []
    for area in areas:
        mood = rng.uniform(0.35, 0.95)
        web = rng.randint(12, 24)
        for code in surveys.survey_codes_issue(actor=None, area=area, count=web + 6)[:web]:
            surveys.survey_answer_submit(code=code.code, values=_answer(rng, questions, mood))
            answers += 1
        for _ in range(rng.randint(6, 12)):  # the survey team's telephone calls
            day = _phone_day(year, rng)
            phone.append((area, day, AnswerChannel.PHONE, _answer(rng, questions, mood)))
    answers += surveys.survey_answers_add(actor=None, survey=survey, answers=phone)
    surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.CLOSED)

    leaders = _leaders()
    unit_round = ratings.rating_round_create(
        actor=None, year=year_row, name=f"{year}年度县领导评价（镇街）", subject=RatingSubject.UNIT,
        period="Y", trimmed=True, raters=leaders, units=towns,
    )  # fmt: skip
    rated = 0
    for n, leader in enumerate(leaders):
        targets = towns if n < 2 else towns[: len(towns) // 2]  # the third has not finished
        values = {t.pk: str(rng.randint(78, 97)) for t in targets}
        rated += sum(ratings.ratings_save(actor=leader, round=unit_round, values=values).values())
    principals = Cadre.objects.filter(
        pk__in=Posting.objects.filter(unit__in=towns, role=PostRole.PRINCIPAL,
                                      end_date__isnull=True).values("cadre_id")
    ).order_by("name")[:14]  # fmt: skip
    cadre_round = ratings.rating_round_create(
        actor=None, year=year_row, name=f"{year}年第四季度县领导评价（镇街党政正职）",
        subject=RatingSubject.CADRE, period="Q4", raters=leaders[:2], cadres=list(principals),
    )  # fmt: skip
    grades = RatingGrade.values
    values = {c.pk: rng.choices(grades, weights=[3, 5, 2, 0.3])[0] for c in principals}
    rated += sum(ratings.ratings_save(actor=leaders[0], round=cadre_round, values=values).values())
    return {"surveys": 1, "survey_answers": answers, "rating_rounds": 2, "ratings": rated}


def _phone_day(year: int, rng: random.Random) -> dt.date:
    """A day of the telephone survey (November of the year)."""
    return dt.date(year, 11, 1) + dt.timedelta(days=rng.randint(0, 25))
