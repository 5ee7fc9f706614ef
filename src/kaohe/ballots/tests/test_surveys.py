"""Surveys: the questionnaire, codes, answering, import, indices and the scheme's points."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from kaohe.ballots import surveys
from kaohe.ballots.models import SurveyAnswer, SurveyAnswerHolding, SurveyCode, SurveyStatus
from kaohe.ballots.surveys_results import index_result, points_for, survey_results, survey_scores
from kaohe.ballots.tests import survey_factories as f
from kaohe.core.models import AuditEntry
from kaohe.core.xlsx import ImportFailed


def test_a_code_answers_once_and_then_says_it_was_used(cast):
    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get()
    values = {q.pk: 0 for q in survey.questions.all()}
    surveys.survey_answer_submit(code=code.code.lower(), values=values)
    with pytest.raises(surveys.AnswerRefused) as refused:
        surveys.survey_answer_submit(code=code.code, values=values)
    assert refused.value.code == "used"
    assert "已经使用过" in refused.value.messages[0]
    assert SurveyAnswerHolding.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "reason"), [(SurveyStatus.DRAFT, "not_open"), (SurveyStatus.CLOSED, "closed")]
)
def test_a_code_of_a_survey_not_open_is_refused_in_chinese(cast, status, reason):
    survey = f.survey([cast.unit_a], codes=1, status=status)
    code = SurveyCode.objects.get()
    with pytest.raises(surveys.AnswerRefused) as refused:
        surveys.survey_answer_submit(code=code.code, values={})
    assert refused.value.code == reason
    assert survey.status == status


def test_an_unknown_code_and_an_unanswered_question_are_refused(cast):
    survey = f.survey([cast.unit_a], codes=1)
    with pytest.raises(surveys.AnswerRefused) as refused:
        surveys.survey_answer_submit(code="NOPE2345", values={})
    assert refused.value.code == "unknown"
    code = SurveyCode.objects.get()
    first = survey.questions.first()
    with pytest.raises(ValidationError) as error:
        surveys.survey_answer_submit(code=code.code, values={first.pk: 0})
    assert "请回答第 2 题" in str(error.value)
    code.refresh_from_db()
    assert code.used is False  # nothing half-done
    assert SurveyAnswerHolding.objects.count() == 0


def test_the_audit_log_records_that_a_code_was_used_never_the_answer(cast):
    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get()
    surveys.survey_answer_submit(code=code.code, values={q.pk: 1 for q in survey.questions.all()})
    entry = AuditEntry.objects.get(action="survey.code_use")
    answer = SurveyAnswerHolding.objects.get()
    assert entry.after == {"used": True}
    assert str(answer.pk) not in str(entry.__dict__)


def test_closing_moves_the_answers_and_empties_the_holding_table(cast):
    survey = f.survey([cast.unit_a, cast.unit_b], codes=3)
    for area in survey.areas.all():
        f.answer_all(survey, area, [0, 1, 2])
    held = set(SurveyAnswerHolding.objects.values_list("id", flat=True))
    surveys.survey_set_status(actor=cast.admin, survey=survey, status=SurveyStatus.CLOSED)
    assert SurveyAnswerHolding.objects.count() == 0
    stored = set(SurveyAnswer.objects.values_list("id", flat=True))
    assert len(stored) == 6
    assert not stored & held  # new random keys
    assert (
        AuditEntry.objects.get(action="survey.status", after__status="closed").after["answers"] == 6
    )


def test_indices_their_sample_sizes_and_the_points_of_each_area(cast):
    survey = f.survey([cast.unit_a, cast.unit_b], codes=4, max_points="15")
    area_a, area_b = survey.areas.order_by("unit__name").all()  # 白水镇, 青山镇
    f.answer_all(survey, area_a, [0, 0, 0])  # all 100
    questions = list(survey.questions.all())
    codes = list(area_b.codes.all())
    # 青山镇: satisfaction 100, 80, 60, 不了解 → n = 3, mean 80
    for code, choice in zip(codes, [0, 1, 2, 4], strict=True):
        surveys.survey_answer_submit(code=code.code,
                                     values={questions[0].pk: choice, questions[1].pk: 0,
                                             questions[2].pk: 3})  # fmt: skip
    surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.CLOSED)
    results = {r.unit_name: r for r in survey_results(survey=survey)}
    qingshan = results["青山镇"]
    assert qingshan.answers == 4
    satisfaction = qingshan.indices["satisfaction"]
    assert (satisfaction.n, satisfaction.mean) == (3, Decimal("80.00"))
    # s = 20, half width 1.96 × 20 / √3 = 22.63
    assert (satisfaction.low, satisfaction.high) == (Decimal("57.37"), Decimal("100.00"))
    assert qingshan.indices["happiness"].mean == Decimal("100.00")
    assert qingshan.indices["security"].mean == Decimal("0.00")
    # composite 0.4 × 80 + 0.3 × 100 + 0.3 × 0 = 62; points 15 × 62 / 100 = 9.30
    assert qingshan.composite == Decimal("62.00")
    assert survey_scores(survey=survey) == {
        cast.unit_a.pk: Decimal("9.30"),
        cast.unit_b.pk: Decimal("15.00"),
    }


def test_an_open_survey_gives_no_scores_yet(cast):
    survey = f.survey([cast.unit_a], codes=2)
    f.answer_all(survey, survey.areas.get(), [0, 0, 0])
    assert survey_scores(survey=survey) == {}


def test_the_interval_is_none_below_two_answers_and_the_bands_map_points(cast):
    assert index_result("satisfaction", [Decimal(90)]).low is None
    assert index_result("satisfaction", []).mean is None
    survey = f.survey([cast.unit_a], status=SurveyStatus.DRAFT)
    survey.point_bands = [["90", "15"], ["80", "12"], ["0", "8"]]
    assert points_for(survey, Decimal("91")) == Decimal("15.00")
    assert points_for(survey, Decimal("85.5")) == Decimal("12.00")
    assert points_for(survey, Decimal("10")) == Decimal("8.00")
    survey.point_bands = []
    assert points_for(survey, Decimal("85.5")) == Decimal("12.83")  # 15 × 85.5 / 100 = 12.825


def test_weights_that_do_not_add_up_to_one_are_refused(cast):
    with pytest.raises(ValidationError) as error:
        surveys.survey_create(actor=None, year=f.year_2024(), name="x", kind="opinion",
                              index_weights={"satisfaction": "0.5", "happiness": "0.3"})  # fmt: skip
    assert error.value.error_dict["index_weights"][0].code == "weights_sum"


def test_a_survey_opens_only_with_questions_and_areas_and_then_is_frozen(cast):
    survey = surveys.survey_create(actor=None, year=f.year_2024(), name="x", kind="opinion")
    with pytest.raises(ValidationError) as error:
        surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.OPEN)
    assert error.value.code == "survey_incomplete"
    opened = f.survey([cast.unit_a])
    with pytest.raises(ValidationError):
        surveys.survey_question_add(actor=None, survey=opened, text="再加一题", index="security")


def _workbook(rows, survey):
    from kaohe.ballots.surveys_excel import answers_template

    book = load_workbook(BytesIO(answers_template(survey)))
    sheet = book["答卷"]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_phone_and_paper_answers_are_imported_all_or_nothing(cast):
    from kaohe.ballots.surveys_excel import answers_import

    survey = f.survey([cast.unit_a, cast.unit_b])
    good = ["青山镇", "电话调查", "2024-11-20", "满意", "幸福", "安全"]
    bad = ["东湖镇", "短信", "2099-01-01", "满意", "很好", "=1+1"]
    with pytest.raises(ImportFailed) as failed:
        answers_import(actor=cast.admin, survey=survey, file=_workbook([good, bad], survey))
    messages = [str(e) for e in failed.value.errors]
    assert any("第 3 行，A 列（单位）" in m and "不是本次调查的区域" in m for m in messages)
    assert any("B 列（方式）" in m and "电话调查、纸质问卷" in m for m in messages)
    assert any("E 列" in m and "很好" in m for m in messages)
    assert SurveyAnswerHolding.objects.count() == 0
    count = answers_import(actor=cast.admin, survey=survey,
                           file=_workbook([good, ["baishui", "纸质问卷", None, "不满意", "不幸福", "说不清"]], survey))  # fmt: skip
    assert count == 2
    assert set(SurveyAnswerHolding.objects.values_list("channel", flat=True)) == {"phone", "paper"}
    assert AuditEntry.objects.get(action="survey.answers_import").after == {"count": 2}


def test_codes_are_random_unique_and_limited_per_issue(cast):
    survey = f.survey([cast.unit_a], codes=50)
    codes = list(SurveyCode.objects.values_list("code", flat=True))
    assert len(set(codes)) == 50
    assert all(len(c) == 8 and not set(c) & set("01OIL") for c in codes)
    with pytest.raises(ValidationError):
        surveys.survey_codes_issue(actor=None, area=survey.areas.get(), count=5001)


def test_an_area_below_the_minimum_of_answers_shows_nothing_and_scores_nothing(cast):
    survey = f.survey([cast.unit_a, cast.unit_b], codes=5, min_answers=5)
    area_b, area_a = survey.areas.order_by("unit__name")  # 白水镇, 青山镇
    f.answer_all(survey, area_a, [0, 0, 0])  # 5 answers
    for code in list(area_b.codes.all())[:4]:  # 4 answers: one short
        surveys.survey_answer_submit(code=code.code,
                                     values={q.pk: 0 for q in survey.questions.all()})  # fmt: skip
    surveys.survey_set_status(actor=None, survey=survey, status=SurveyStatus.CLOSED)
    results = {r.unit_name: r for r in survey_results(survey=survey)}
    assert results["白水镇"].suppressed and results["白水镇"].indices == {}
    assert results["白水镇"].answers == 4 and results["白水镇"].points is None
    assert survey_scores(survey=survey) == {cast.unit_a.pk: Decimal("15.00")}
