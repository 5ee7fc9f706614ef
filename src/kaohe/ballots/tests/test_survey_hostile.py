"""Hostile input on the survey pages: formulas in exported text, control characters, an
oversized or false workbook, a scan URL with a very long code."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from kaohe.ballots import surveys
from kaohe.ballots.models import SurveyAnswerHolding, SurveyQuestion, SurveyStatus
from kaohe.ballots.surveys_excel import answers_template
from kaohe.ballots.tests import survey_factories as f


def test_a_question_that_looks_like_a_formula_is_text_in_the_template(cast):
    survey = f.survey([cast.unit_a], status=SurveyStatus.DRAFT)
    surveys.survey_question_add(actor=None, survey=survey, text='=HYPERLINK("http://x","y")',
                                index="security", choices=[["=1+1", 100], ["@SUM(A1)", 0]])  # fmt: skip
    book = load_workbook(BytesIO(answers_template(survey)))
    sheet = book["答卷"]
    example = next(c for c in sheet[2] if c.value == "=1+1")  # the sample row's first option
    assert example.data_type == "s" and example.quotePrefix
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_control_characters_are_refused_on_the_office_forms(client, cast):
    survey = f.survey([cast.unit_a], status=SurveyStatus.DRAFT)
    client.force_login(cast.admin)
    response = client.post(reverse("ballots:survey_detail", args=[survey.pk]), {
        "what": "question", "q-text": "题目\x07", "q-index": "security", "q-weight": "1",
        "q-choices": "",
    })  # fmt: skip
    assert response.status_code == 200
    assert not SurveyQuestion.objects.filter(text__contains="\x07").exists()


def test_a_file_that_is_no_workbook_is_refused_in_chinese(client, cast):
    survey = f.survey([cast.unit_a])
    client.force_login(cast.admin)
    upload = BytesIO(b"PK\x03\x04 not really a zip")
    upload.name = "answers.xlsx"
    response = client.post(reverse("ballots:survey_import", args=[survey.pk]), {"file": upload})
    assert "不是有效的 Excel 工作簿" in response.content.decode()
    assert SurveyAnswerHolding.objects.count() == 0


def test_a_long_or_strange_code_posted_or_in_the_old_scan_path_is_only_refused(client, cast):
    f.survey([cast.unit_a], codes=1)
    assert client.get(f"/ballots/s/{'X' * 5000}/").status_code == 404
    response = client.post(reverse("ballots:survey_answer"), {"code": "X" * 5000})
    assert response.status_code == 200
    assert "survey_code" not in client.session
    response = client.post(reverse("ballots:survey_answer"), {"code": "ZZZZ9999"}, follow=True)
    assert response.status_code == 200
    assert "调查码不存在" in response.content.decode()
    response = client.post(reverse("ballots:survey_answer"), {"code": "ab\x00cd"})
    assert response.status_code == 200
    assert "survey_code" not in client.session


def test_a_rating_score_with_a_formula_or_a_huge_number_is_refused(client, cast):
    round_ = f.rating_round([cast.leader], units=[cast.unit_a])
    client.force_login(cast.leader)
    url = reverse("ballots:rating_enter", args=[round_.pk])
    for bad in ("=1+1", "9" * 400, "1e999", "-0"):
        page = client.post(url, {f"t{cast.unit_a.pk}": bad}).content.decode()
        assert "0–100" in page, bad
