"""The office's session and rating-round pages in a real browser (Debian's chromium via
Playwright): a session's targets edited with the cadre search, a paper sheet keyed in with
the keyboard and a workbook of paper sheets refused with its errors, a rating round's
cadres searched and added by category, and its workbook. Screenshots go to a temporary
directory, or to ``KAOHE_SCREENSHOTS`` (``docs/screenshots`` for the guide's
``ballots-admin-*.png``)."""

from __future__ import annotations

import io

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

DESK = {"viewport": {"width": 1280, "height": 860}, "locale": "zh-CN"}


@pytest.fixture
def office(live_server, settings, cast, browser):
    from kaohe.ballots.tests.conftest import PASSWORD_FOR_TESTS

    plain_http(settings)
    page = browser.new_page(**DESK)
    sign_in(page, live_server.url, "admin", PASSWORD_FOR_TESTS)
    return live_server.url, page


def test_the_office_edits_a_sessions_targets_with_the_cadre_search(office, shots, cast):
    from kaohe.ballots.tests.conftest import make_session

    url, page = office
    session = in_thread(lambda: make_session(cast, cadres=2, status="testing"))
    page.goto(f"{url}/ballots/sessions/{session.pk}/")
    page.click("a.button:has-text('测评对象和测评人类别')")
    page.fill("#cadre-q", "lbs")  # 李白水 by the initials
    page.wait_for_selector("#cadre-found >> text=李白水")
    assert "白水镇 副镇长" in page.locator("#cadre-found").inner_text()
    page.click("#cadre-found button:has-text('加入')")
    page.wait_for_selector("#targets >> text=李白水")
    assert "已加入「李白水」" in page.locator("#session-targets").inner_text()
    page.screenshot(path=shots / "ballots-admin-targets-search.png", full_page=True)
    page.locator("#targets tr", has_text="干部1").locator("button:has-text('移除')").click()
    page.wait_for_selector("text=已移除「干部1」")
    page.fill("#id_rater_classes", "上级=0.3\n同级=0.3\n下级=0.3\n服务对象=0.1")
    page.click("button:has-text('保存测评人类别')")
    page.wait_for_selector("#rater-classes >> text=服务对象")
    page.screenshot(path=shots / "ballots-admin-targets.png", full_page=True)
    labels = in_thread(lambda: list(session.targets.values_list("label", flat=True)))
    assert "李白水" in labels and "干部1" not in labels


def test_the_office_keys_in_a_paper_sheet_and_imports_a_workbook_with_errors(
    office, shots, cast, tmp_path
):
    from openpyxl import load_workbook

    from kaohe.ballots import evaluation_services as services
    from kaohe.ballots.models import PendingSheet
    from kaohe.ballots.tests.conftest import make_session

    url, page = office

    def live_session_with_codes():
        session = make_session(cast, cadres=2)
        services.codes_create(actor=None, session=session,
                              rater_class=session.rater_classes.get(name="下级"), count=3)  # fmt: skip
        return session

    session = in_thread(live_session_with_codes)
    page.goto(f"{url}/ballots/sessions/{session.pk}/")
    page.click("a.button:has-text('录入纸质票')")
    page.select_option("#paper-rater", label="下级")
    page.focus("#paper-form input[type=text]")
    for digit in ("1", "2", "2", "3"):  # 好, then 称职 称职 基本称职: Tab between marks
        page.keyboard.type(digit)
        page.keyboard.press("Tab")
    page.screenshot(path=shots / "ballots-admin-paper.png", full_page=True)
    with page.expect_navigation():  # the post, then its redirect to an empty form
        page.keyboard.press("Enter")
    page.wait_for_selector(".messages li:has-text('已录入一张纸质票')")
    marks = in_thread(lambda: PendingSheet.objects.get(session=session).marks)
    assert sorted(marks.values()) == ["基本称职", "好", "称职", "称职"]

    page.click("text=或用 Excel 批量导入")
    with page.expect_download() as download:
        page.click("text=下载本次测评的纸质票模板")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book["纸质票"]
    sheet.delete_rows(2, sheet.max_row)
    sheet.append(["下级", "好", "称职", "称职", "称职"])
    sheet.append(["旁听", "好", "优秀", "9", ""])
    path = tmp_path / "paper.xlsx"
    book.save(path)
    page.set_input_files("#id_file", str(path))
    page.click("button:has-text('导入')")
    page.wait_for_selector("#import-errors")
    errors = page.locator("#import-errors").inner_text()
    assert "旁听" in errors and "实际为“9”" in errors and "不能为空" in errors
    page.screenshot(path=shots / "ballots-admin-paper-import.png", full_page=True)
    assert in_thread(lambda: PendingSheet.objects.filter(session=session).count()) == 1


def test_the_office_chooses_a_rounds_cadres_and_downloads_its_workbook(office, shots, cast):
    from openpyxl import load_workbook

    from kaohe.ballots.tests import survey_factories as f

    url, page = office
    round_ = in_thread(lambda: f.rating_round([cast.leader], cadres=[cast.cadre_a]))
    page.goto(f"{url}/ballots/ratings/{round_.pk}/")
    page.click("a.button:has-text('评价对象')")
    page.fill("#cadre-q", "李")
    page.wait_for_selector("#cadre-found >> text=李白水")
    page.click("#cadre-found button:has-text('加入')")
    page.wait_for_selector("#round-target-list >> text=李白水")
    assert "李白水" in page.locator("#cadre-found").inner_text()  # the search stays
    page.select_option("#add-category", label=cast.town_category.name)
    page.locator("form:has(#add-category) button").click()
    page.wait_for_selector("text=已加入 0 个评价对象")  # both town cadres are in already
    page.screenshot(path=shots / "ballots-admin-rating-targets.png", full_page=True)
    page.goto(f"{url}/ballots/ratings/{round_.pk}/")
    with page.expect_download() as download:
        page.click("a:has-text('导出 Excel')")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert book.sheetnames == ["评价结果", "打分明细", "未完成"]
    assert book["未完成"]["D2"].value == "张青山、李白水"
