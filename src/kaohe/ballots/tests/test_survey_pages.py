"""The survey and leader-rating pages: the office's forms, the public's answering, the
leader's sheet; who may see what; query counts of the list pages."""

from __future__ import annotations

from io import BytesIO

from django.urls import reverse
from openpyxl import Workbook

from kaohe.ballots.models import (
    Rating,
    RatingRound,
    Survey,
    SurveyAnswerHolding,
    SurveyArea,
    SurveyCode,
    SurveyQuestion,
    SurveyStatus,
)
from kaohe.ballots.ratings import ratings_save
from kaohe.ballots.surveys import survey_set_status
from kaohe.ballots.tests import survey_factories as f


def test_the_office_writes_a_questionnaire_sets_quotas_and_issues_codes(client, cast):
    client.force_login(cast.admin)
    year = f.year_2024()
    response = client.post(reverse("ballots:survey_create"), {
        "year": year.pk, "name": "2024年度民意调查", "kind": "opinion", "satisfaction": "0.4",
        "happiness": "0.3", "security": "0.3", "max_points": "15", "point_bands": "90=15\n0=8", "min_answers": "5",
    })  # fmt: skip
    survey = Survey.objects.get()
    assert response["Location"] == reverse("ballots:survey_detail", args=[survey.pk])
    assert survey.point_bands == [["90", "15"], ["0", "8"]]
    detail = reverse("ballots:survey_detail", args=[survey.pk])
    for index in ("satisfaction", "happiness", "security"):
        client.post(detail, {"what": "question", "q-text": f"{index}?", "q-index": index,
                             "q-weight": "1", "q-choices": ""})  # fmt: skip
    client.post(detail, {"what": "question", "q-text": "自定义", "q-index": "security",
                         "q-weight": "2", "q-choices": "好=100\n差=0\n不知道="})  # fmt: skip
    assert SurveyQuestion.objects.count() == 4
    assert SurveyQuestion.objects.get(text="自定义").choices == [
        ["好", 100],
        ["差", 0],
        ["不知道", None],
    ]
    client.post(detail, {"what": "area", "a-unit": cast.unit_a.pk, "a-quota": "30"})
    area = SurveyArea.objects.get()
    assert area.quota == 30
    client.post(reverse("ballots:survey_codes", args=[survey.pk]),
                {"area": area.pk, "count": "5"})  # fmt: skip
    assert SurveyCode.objects.filter(area=area).count() == 5
    printed = client.get(reverse("ballots:survey_codes_print", args=[survey.pk])).content.decode()
    assert printed.count("<svg") == 5
    assert all(code in printed for code in SurveyCode.objects.values_list("code", flat=True))
    client.post(reverse("ballots:survey_status", args=[survey.pk]), {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == SurveyStatus.OPEN
    page = client.get(detail).content.decode()
    assert "添加题目" not in page  # frozen once open


def test_a_bad_question_and_bad_weights_give_chinese_errors(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("ballots:survey_create"), {
        "year": f.year_2024().pk, "name": "x", "kind": "opinion", "satisfaction": "0.5",
        "happiness": "0.3", "security": "0.3", "max_points": "15", "point_bands": "九十=15", "min_answers": "5",
    })  # fmt: skip
    text = response.content.decode()
    assert "不是数字" in text
    survey = f.survey([cast.unit_a], status=SurveyStatus.DRAFT)
    response = client.post(reverse("ballots:survey_detail", args=[survey.pk]), {
        "what": "question", "q-text": "x\x00", "q-index": "security", "q-weight": "1",
        "q-choices": "只有一个=100",
    })  # fmt: skip
    assert response.status_code == 200
    assert SurveyQuestion.objects.filter(survey=survey).count() == 3


def test_a_phone_answers_by_typed_code_and_a_used_code_is_told_so(client, cast):
    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get().code
    page = client.get(reverse("ballots:survey_answer"))
    assert "请输入调查纸条上的调查码" in page.content.decode()
    response = client.post(reverse("ballots:survey_answer"), {"code": code.lower()})
    assert response["Location"] == reverse("ballots:survey_answer")
    form = client.get(reverse("ballots:survey_answer")).content.decode()
    assert "您对本镇政务服务满意吗？" in form and "青山镇" in form
    missing = client.post(reverse("ballots:survey_answer"), {})
    assert "还有题目没有回答" in missing.content.decode()
    values = {f"q{q.pk}": "1" for q in survey.questions.all()}
    assert client.post(reverse("ballots:survey_answer"), values).status_code == 302
    assert SurveyAnswerHolding.objects.count() == 1
    client.post(reverse("ballots:survey_answer"), {"code": code})
    again = client.get(reverse("ballots:survey_answer")).content.decode()
    assert "该调查码已经使用过" in again
    client.post(reverse("ballots:survey_answer"), {"code": "ZZZZ9999"})
    unknown = client.get(reverse("ballots:survey_answer"))
    assert "调查码不存在" in unknown.content.decode()


def test_the_slips_qr_codes_hold_the_scan_address_with_the_code_in_its_fragment(client, cast):
    from kaohe.ballots.evaluation_slips import qr_code, scan_address

    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get().code
    address = scan_address("http://testserver", code, page="ballots:survey_scan")
    assert address == f"http://testserver/ballots/s/scan/#{code}"
    client.force_login(cast.admin)
    page = client.get(reverse("ballots:survey_codes_print", args=[survey.pk])).content.decode()
    assert code in page  # the code printed to type
    # the QR code drawn is the fragment address's (segno draws the same paths for it)
    qr = qr_code(address).svg_inline(border=2, omitsize=True)
    assert qr in page
    old = qr_code(f"http://testserver/ballots/s/{code}/")
    assert old.svg_inline(border=2, omitsize=True) not in page


def test_the_old_scan_address_with_the_code_in_its_path_is_gone(client, cast):
    f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get().code
    assert client.get(f"/ballots/s/{code}/").status_code == 404
    assert "survey_code" not in client.session
    # the scan page itself names no code; a typed code still works without script
    scan = client.get(reverse("ballots:survey_scan")).content.decode()
    assert "data-scan" in scan and "ballots/vote.js" in scan and code not in scan


def test_the_results_page_shows_indices_with_intervals_after_closing(client, cast):
    survey = f.survey([cast.unit_a], codes=3)
    f.answer_all(survey, survey.areas.get(), [0, 1, 0])
    client.force_login(cast.admin)
    url = reverse("ballots:survey_results", args=[survey.pk])
    assert "调查结束后显示结果" in client.get(url).content.decode()
    survey_set_status(actor=cast.admin, survey=survey, status=SurveyStatus.CLOSED)
    page = client.get(url).content.decode()
    assert "满意度指数" in page and "n=3" in page and "未达配额" in page
    assert "14.10" in page  # 15 × (0.4 × 100 + 0.3 × 80 + 0.3 × 100) / 100
    Survey.objects.filter(pk=survey.pk).update(min_answers=5)
    page = client.get(url).content.decode()
    assert "样本不足 5 份" in page and "14.10" not in page


def test_the_import_page_lists_row_errors_and_imports_nothing(client, cast):
    survey = f.survey([cast.unit_a])
    client.force_login(cast.admin)
    template = client.get(reverse("ballots:survey_template", args=[survey.pk]))
    assert template.status_code == 200
    book = Workbook()
    sheet = book.active
    sheet.title = "答卷"
    sheet.append(
        ["单位", "方式", "日期", *(f"{q.order}. {q.text}" for q in survey.questions.all())]
    )
    sheet.append(["青山镇", "电话调查", None, "满意", "非常幸福", "安全"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "answers.xlsx"
    response = client.post(reverse("ballots:survey_import", args=[survey.pk]), {"file": buffer})
    text = response.content.decode()
    assert "导入失败" in text and "非常幸福" in text and "E（2. 您对生活感到幸福吗？）" in text
    assert SurveyAnswerHolding.objects.count() == 0


def test_list_pages_take_a_fixed_number_of_queries(client, cast, django_assert_max_num_queries):
    for _ in range(3):
        f.survey([cast.unit_a, cast.unit_b], codes=2)
        f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b])
    client.force_login(cast.admin)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("ballots:survey_list")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("ballots:rating_round_list")).status_code == 200
    survey = Survey.objects.first()
    with django_assert_max_num_queries(12):
        assert client.get(reverse("ballots:survey_detail", args=[survey.pk])).status_code == 200
    client.force_login(cast.leader)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("ballots:rating_round_list")).content.decode()
    assert page.count("0 / 2") == 3


def test_a_leader_rates_on_one_page_and_another_leader_sees_nothing(client, cast):
    other = f.leader("leader2")
    round_ = f.rating_round([cast.leader], units=[cast.unit_a, cast.unit_b])
    url = reverse("ballots:rating_enter", args=[round_.pk])
    client.force_login(cast.leader)
    response = client.post(url, {f"t{cast.unit_a.pk}": "91.5", f"t{cast.unit_b.pk}": "101"})
    assert "0–100" in response.content.decode()
    assert not Rating.objects.exists()
    client.post(url, {f"t{cast.unit_a.pk}": "91.5", f"t{cast.unit_b.pk}": "88"})
    assert sorted(Rating.objects.values_list("score", flat=True)) == [88, 91.5]
    page = client.get(url).content.decode()
    assert 'value="91.5"' in page
    client.force_login(other)
    assert client.get(url).status_code == 404
    assert client.post(url, {f"t{cast.unit_a.pk}": "1"}).status_code == 404
    assert client.get(reverse("ballots:rating_round_detail", args=[round_.pk])).status_code == 403
    assert "91.5" not in client.get(reverse("ballots:rating_round_list")).content.decode()
    remind = reverse("ballots:rating_remind", args=[round_.pk])
    assert client.post(remind, {"rater": cast.leader.pk}).status_code == 403


def test_the_office_sees_who_has_not_rated_and_reminds_them(client, cast):
    other = f.leader("leader2")
    round_ = f.rating_round([cast.leader, other], cadres=[cast.cadre_a])
    ratings_save(actor=cast.leader, round=round_, values={cast.cadre_a.pk: "优秀"})
    client.force_login(cast.admin)
    url = reverse("ballots:rating_round_detail", args=[round_.pk])
    page = client.get(url).content.decode()
    assert "1 人未完成" in page and "leader2" in page
    response = client.post(reverse("ballots:rating_remind", args=[round_.pk]), {"rater": other.pk})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "已提醒 leader2" in page
    client.post(reverse("ballots:rating_round_status", args=[round_.pk]), {"status": "closed"})
    assert RatingRound.objects.get().status == "closed"
    client.force_login(cast.leader)
    closed = client.get(reverse("ballots:rating_enter", args=[round_.pk])).content.decode()
    assert "本轮评价已结束" in closed


def test_the_office_starts_a_round_of_cadre_ratings(client, cast):
    client.force_login(cast.admin)
    response = client.post(reverse("ballots:rating_round_create"), {
        "year": f.year_2024().pk, "name": "第一季度干部评价", "subject": "cadre", "period": "q1",
        "raters": [cast.leader.pk], "cadre_category": cast.town_category.pk,
    })  # fmt: skip
    round_ = RatingRound.objects.get()
    assert response["Location"] == reverse("ballots:rating_round_detail", args=[round_.pk])
    assert round_.period == "Q1" and round_.cadres.count() == 2
    bad = client.post(reverse("ballots:rating_round_create"), {
        "year": f.year_2024().pk, "name": "x", "subject": "unit", "period": "Q5",
        "raters": [cast.leader.pk],
    })  # fmt: skip
    text = bad.content.decode()
    assert "应为 Q1…Q4" in text


def test_the_pages_link_the_guide_chapter_and_it_is_served(client, cast):
    client.force_login(cast.leader)
    page = client.get(reverse("ballots:rating_round_list")).content.decode()
    assert reverse("core:guide", args=["surveys"]) in page
    chapter = client.get(reverse("core:guide", args=["surveys"])).content.decode()
    assert "民意调查与领导评价" in chapter and "正态近似" in chapter


def test_the_results_are_exported_for_the_units_feedback(client, cast):
    from openpyxl import load_workbook

    survey = f.survey([cast.unit_a, cast.unit_b], codes=3, min_answers=3)
    f.answer_all(survey, survey.areas.get(unit=cast.unit_a), [0, 1, 0])
    client.force_login(cast.admin)
    url = reverse("ballots:survey_results_export", args=[survey.pk])
    assert client.get(url).status_code == 404  # not before closing
    survey_set_status(actor=cast.admin, survey=survey, status=SurveyStatus.CLOSED)
    response = client.get(url)
    sheet = load_workbook(BytesIO(response.content))["调查结果"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    header = [c.value for c in sheet[1]]
    assert rows["青山镇"][header.index("民评得分")] == 14.1
    assert rows["青山镇"][header.index("满意度指数样本量")] == 3
    assert rows["白水镇"][header.index("说明")] == "样本不足 3 份，不计得分"
