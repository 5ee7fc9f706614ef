"""In a real browser (Debian's chromium), on a phone-sized viewport: a resident scans a
survey's QR code (``/ballots/s/scan/#CODE``: the script posts the fragment's code; without
script the resident types it), answers with large choice buttons, is told a used code cannot
answer again; a county leader rates units and cadres on a phone and edits the ratings. Also
the office's survey, code-printing, results and round pages (``KAOHE_SCREENSHOTS=docs/
screenshots`` keeps the screenshots for the user guide)."""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, log_in, plain_http, shots

__all__ = ["browser", "shots"]  # fixtures used by name

pytestmark = MARKS
PASSWORD = "Browser-test-pass-9"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server, settings):
    from kaohe.ballots.models import SurveyCode
    from kaohe.ballots.tests import survey_factories as f
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.orgs import services
    from kaohe.orgs.models import Role as PostRole
    from kaohe.orgs.models import UnitCategory

    plain_http(settings)
    town = UnitCategory.objects.get(name="镇街")
    units = [services.unit_create(actor=None, code=c, name=n, category=town)
             for c, n in (("qingshan", "青山镇"), ("baishui", "白水镇"), ("donghu", "东湖镇"))]  # fmt: skip
    import datetime as dt

    cadres = [
        services.cadre_create(actor=None, name=name, first_posting={
            "unit": unit, "post": post, "role": PostRole.PRINCIPAL if i == 0 else PostRole.MEMBER,
            "start_date": dt.date(2021, 1, 1)})
        for i, (name, unit, post) in enumerate([("张青山", units[0], "党委书记"),
                                                ("李白水", units[1], "镇长"),
                                                ("王东湖", units[2], "副镇长")])
    ]  # fmt: skip
    admin = user_create(actor=None, username="admin", password=PASSWORD, role=Role.OFFICE_ADMIN,
                        display_name="考核办", validate=False)  # fmt: skip
    leader = user_create(actor=None, username="leader", password=PASSWORD, role=Role.LEADER,
                         display_name="刘县长", validate=False)  # fmt: skip
    survey = f.survey(units, codes=3, quota=3)
    survey.intro = "本调查匿名进行，不记录您的身份。请根据您的真实感受作答。"
    survey.save(update_fields=["intro"])
    codes = list(SurveyCode.objects.filter(area__unit=units[0]).values_list("code", flat=True))
    unit_round = f.rating_round([leader], units=units, trimmed=True, period="Y")
    cadre_round = f.rating_round([leader], cadres=cadres, period="Q4")
    return {"url": live_server.url, "survey": survey, "codes": codes, "admin": admin,
            "unit_round": unit_round, "cadre_round": cadre_round, "units": units}  # fmt: skip


def test_a_resident_answers_a_survey_on_a_phone(site, browser, shots):
    url, code = site["url"], site["codes"][0]
    page = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{url}/ballots/s/scan/#{code}")  # the slip's QR code
    page.wait_for_url(f"{url}/ballots/s/")  # the script posted the code
    assert code not in page.content()
    page.wait_for_selector("h1:has-text('群众满意度调查')")
    assert code not in "".join(asked)  # the fragment never left the phone
    page.screenshot(path=str(shots / "survey-phone-answer.png"), full_page=True)
    page.click("button:has-text('提交答卷')")  # nothing chosen
    page.wait_for_selector(".nonfield:has-text('还有题目没有回答')")
    page.screenshot(path=str(shots / "survey-phone-missing.png"), full_page=False)
    for i, question in enumerate(page.locator(".question").all()):
        question.locator("span.choice").nth(i % 3).click()
    assert page.locator("input[type=radio]:checked").count() == 3
    page.screenshot(path=str(shots / "survey-phone-marked.png"), full_page=True)
    page.click("button:has-text('提交答卷')")
    page.wait_for_selector("#done")
    assert page.url == f"{url}/ballots/s/done/"
    page.screenshot(path=str(shots / "survey-phone-done.png"))
    page.goto(f"{url}/ballots/s/scan/#{code}")
    page.wait_for_selector("#refused")
    assert "已经使用过" in page.inner_text("#refused")
    page.screenshot(path=str(shots / "survey-phone-used.png"))

    from kaohe.ballots.models import SurveyAnswerHolding

    assert in_thread(SurveyAnswerHolding.objects.count) == 1


def test_without_script_the_survey_scan_page_asks_for_the_code_on_the_slip(site, browser, shots):
    url, code = site["url"], site["codes"][1]
    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True,
                                  has_touch=True, java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.goto(f"{url}/ballots/s/scan/#{code}")
    assert "请输入调查纸条上的调查码" in page.content()
    assert "群众满意度调查" not in page.content()  # nothing posted the fragment
    page.fill("#id_code", code.lower())
    page.screenshot(path=str(shots / "survey-phone-code.png"))
    page.click("button:has-text('开始答卷')")
    page.wait_for_selector("h1:has-text('群众满意度调查')")
    assert page.url == f"{url}/ballots/s/"
    context.close()


def test_a_leader_rates_units_and_cadres_on_a_phone(site, browser, shots):
    url = site["url"]
    page = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    log_in(page, url, "leader", PASSWORD)
    page.goto(f"{url}/ballots/ratings/")
    page.screenshot(path=str(shots / "rating-phone-list.png"))
    page.click(f"a[href='/ballots/ratings/{site['unit_round'].pk}/rate/']")
    page.wait_for_selector("input.score")
    scores = ["92", "85.5", "101"]
    for box, score in zip(page.locator("input.score").all(), scores, strict=True):
        box.fill(score)
    page.click("button:has-text('保存')")
    page.wait_for_selector(".rate-item.has-error")
    page.screenshot(path=str(shots / "rating-phone-error.png"), full_page=True)
    page.locator("input.score").nth(2).fill("78")
    page.click("button:has-text('保存')")
    page.wait_for_selector(".messages li:has-text('已保存')")
    page.screenshot(path=str(shots / "rating-phone-units.png"), full_page=True)

    page.goto(f"{url}/ballots/ratings/{site['cadre_round'].pk}/rate/")
    for i, item in enumerate(page.locator(".rate-item").all()):
        item.locator("span.choice").nth(i).click()
    page.click("button:has-text('保存')")
    page.wait_for_selector(".messages li:has-text('已保存')")
    page.screenshot(path=str(shots / "rating-phone-cadres.png"), full_page=True)

    from kaohe.ballots.models import Rating

    assert sorted(in_thread(lambda: list(Rating.objects.exclude(grade="").values_list(
        "grade", flat=True)))) == sorted(["优秀", "良好", "一般"])  # fmt: skip
    assert in_thread(Rating.objects.filter(score__isnull=False).count) == 3


def test_the_office_pages_of_a_survey_and_a_round(site, browser, shots):
    from kaohe.ballots import ratings as rating_services
    from kaohe.ballots import surveys as survey_services
    from kaohe.ballots.models import SurveyStatus
    from kaohe.ballots.tests import survey_factories as f

    survey = site["survey"]

    def answer_and_close():
        for area in survey.areas.all():
            f.answer_all(survey, area, [0, 1, 1])
        survey_services.survey_set_status(
            actor=None, survey=survey, status=SurveyStatus.OPEN
        ) if survey.status == SurveyStatus.DRAFT else None
        rating_services.ratings_save(actor=site["unit_round"].raters.get(),
                                     round=site["unit_round"],
                                     values={site["units"][0].pk: "90"})  # fmt: skip

    url = site["url"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, url, "admin", PASSWORD)
    page.goto(f"{url}/ballots/surveys/{survey.pk}/codes/print/")
    page.wait_for_selector(".slip svg")
    page.screenshot(path=str(shots / "survey-codes-print.png"))
    in_thread(answer_and_close)
    page.goto(f"{url}/ballots/surveys/{survey.pk}/")
    page.wait_for_selector("#progress")
    page.screenshot(path=str(shots / "survey-detail.png"), full_page=True)
    page.click("button:has-text('结束调查')")
    page.wait_for_selector(".messages li")
    page.goto(f"{url}/ballots/surveys/{survey.pk}/results/")
    page.wait_for_selector("#results")
    assert "95%" in page.content()
    page.screenshot(path=str(shots / "survey-results.png"), full_page=True)
    page.goto(f"{url}/ballots/ratings/{site['unit_round'].pk}/")
    page.wait_for_selector("#raters")
    page.click("#raters button:has-text('提醒')")
    page.wait_for_selector(".messages li:has-text('已提醒')")
    page.screenshot(path=str(shots / "rating-round-office.png"), full_page=True)


def test_the_office_writes_a_survey_and_starts_a_round_in_the_browser(site, browser, shots):
    url = site["url"]
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, url, "admin", PASSWORD)
    page.goto(f"{url}/ballots/surveys/")
    page.click("a:has-text('新建民意调查')")
    page.select_option("#id_year", index=1)
    page.fill("#id_name", "2024年度公众评议问卷")
    page.select_option("#id_kind", "public_review")
    page.fill("#id_max_points", "15")
    page.fill("#id_security", "0.4")  # 0.4 + 0.3 + 0.4: refused
    page.screenshot(path=str(shots / "survey-create.png"), full_page=True)
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector(".nonfield:has-text('合计应为 1')")
    page.fill("#id_security", "0.3")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("h2:has-text('样本进度')")
    page.fill("#id_q-text", "您对县直部门的服务态度满意吗？")
    page.select_option("#id_q-index", "satisfaction")
    page.click("button:has-text('添加题目')")
    page.wait_for_selector("td:has-text('您对县直部门的服务态度满意吗？')")
    page.select_option("#id_a-unit", label="青山镇")
    page.fill("#id_a-quota", "40")
    page.click("button:has-text('添加区域或修改配额')")
    page.wait_for_selector("#progress td:has-text('青山镇')")
    page.screenshot(path=str(shots / "survey-questions.png"), full_page=True)
    page.click("a:has-text('调查码和二维码')")
    page.select_option("#id_area", label="青山镇")
    page.fill("#id_count", "40")
    page.click("button:has-text('生成')")
    page.wait_for_selector(".messages li:has-text('已生成 40 个调查码')")
    page.screenshot(path=str(shots / "survey-codes.png"), full_page=True)

    page.goto(f"{url}/ballots/ratings/new/")
    page.fill("#id_name", "2024年第一季度县领导评价（干部）")
    page.select_option("#id_year", index=1)
    page.select_option("#id_subject", "cadre")
    page.fill("#id_period", "Q1")
    page.check("input[name=raters]")
    page.select_option("#id_cadre_units", label="青山镇")  # its cadres in office
    page.screenshot(path=str(shots / "rating-round-create.png"), full_page=True)
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#raters")
    assert "1 人未完成" in page.content()

    phone = browser.new_page(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    log_in(phone, url, "admin", PASSWORD)
    phone.goto(f"{url}/ballots/surveys/{site['survey'].pk}/")
    phone.wait_for_selector("#progress")
    phone.screenshot(path=str(shots / "survey-detail-phone.png"), full_page=True)
