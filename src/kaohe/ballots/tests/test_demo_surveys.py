"""The demo loader of the surveys and ratings, on a small county."""

from __future__ import annotations

import datetime as dt

from kaohe.ballots.demo_surveys import surveys_demo_load
from kaohe.ballots.models import RatingRound, Survey, SurveyAnswerHolding, SurveyStatus
from kaohe.ballots.ratings_results import rating_progress
from kaohe.ballots.surveys_results import survey_scores
from kaohe.ballots.tests import survey_factories as f


def test_the_demo_has_a_closed_survey_with_results_and_a_round_half_done(cast):
    from kaohe.orgs import services
    from kaohe.orgs.models import Role

    services.cadre_create(actor=None, name="王白水", first_posting={
        "unit": cast.unit_b, "post": "镇长", "role": Role.PRINCIPAL,
        "start_date": dt.date(2021, 1, 1)})  # fmt: skip
    f.year_2024()
    counts = surveys_demo_load(year=2024)
    survey = Survey.objects.get()
    assert survey.status == SurveyStatus.CLOSED
    assert not SurveyAnswerHolding.objects.exists()
    scores = survey_scores(survey=survey)
    assert set(scores) == {cast.unit_a.pk, cast.unit_b.pk}
    assert all(0 < s <= 15 for s in scores.values())
    assert counts["survey_answers"] >= 2 * 18
    unit_round = RatingRound.objects.get(period="Y")
    progress = rating_progress(round=unit_round)
    assert [p.done for p in progress].count(True) == 2 and len(progress) == 3
    assert RatingRound.objects.get(period="Q4").cadres.count() == 2
