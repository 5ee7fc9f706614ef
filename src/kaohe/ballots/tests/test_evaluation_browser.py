"""The democratic evaluation in a real browser (Debian's chromium via Playwright).

A rater on a phone-sized screen opens a slip's address (``/ballots/scan/#CODE``: the code
stays in the fragment, which the page's script posts),
marks everyone, meets the 20% warning for 优秀, reviews, confirms, and later meets the
used-code message. The office looks at the session, makes and prints codes, watches the
turnout, closes the session and reads the results. Screenshots go to a temporary
directory, or to ``KAOHE_SCREENSHOTS`` (``KAOHE_SCREENSHOTS=docs/screenshots`` refreshes
the committed ``ballots-*.png`` the user guide shows).
"""

from __future__ import annotations

import io

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2,
         "is_mobile": True, "has_touch": True, "locale": "zh-CN"}  # fmt: skip


@pytest.fixture
def site(live_server, settings, cast):
    from kaohe.ballots.tests.conftest import make_session

    plain_http(settings)
    session = make_session(cast, cadres=4)
    return live_server.url, session


def _mark(page, label, choice):
    row = page.locator("fieldset.target", has_text=label)
    row.locator(f"label.mark:has(input[value='{choice}'])").click()


def test_a_rater_votes_on_a_phone_and_the_code_then_is_used(site, browser, shots, cast):
    from kaohe.ballots.models import PendingSheet
    from kaohe.ballots.tests.conftest import new_code

    url, session = site
    code = in_thread(lambda: new_code(session, "下级"))
    phone = browser.new_context(**PHONE).new_page()
    asked: list[str] = []
    phone.on("request", lambda request: asked.append(request.url))
    phone.goto(f"{url}/ballots/scan/#{code}")  # the slip's QR code
    phone.wait_for_url(f"{url}/ballots/vote/")  # the script posted the code
    phone.wait_for_selector("text=测评人类别：下级")
    assert code not in "".join(asked)  # the fragment never left the phone
    phone.screenshot(path=shots / "ballots-vote-phone.png")

    _mark(phone, "青山镇领导班子", "好")
    for label in ("张青山", "干部0", "干部1", "干部2", "干部3"):
        _mark(phone, label, "称职")
    _mark(phone, "张青山", "优秀")
    warning = phone.locator(".limit-warning")
    assert not warning.is_visible()
    _mark(phone, "干部0", "优秀")  # two of five: over 20%
    assert warning.is_visible()
    assert "已超过 1 个" in warning.inner_text()
    phone.screenshot(path=shots / "ballots-vote-warning.png", full_page=True)
    phone.click("button:has-text('下一步：核对')")
    assert phone.url == f"{url}/ballots/vote/"  # held back on the phone
    assert "确认提交" not in phone.content()

    _mark(phone, "干部0", "称职")
    assert not warning.is_visible()
    phone.click("button:has-text('下一步：核对')")
    phone.wait_for_load_state("networkidle")
    assert "请核对" in phone.locator("h1").inner_text()
    phone.screenshot(path=shots / "ballots-vote-review.png", full_page=True)
    phone.click("button:has-text('确认提交')")
    phone.wait_for_load_state("networkidle")
    assert "提交成功" in phone.locator("h1").inner_text()
    phone.screenshot(path=shots / "ballots-vote-done.png")
    assert in_thread(lambda: PendingSheet.objects.filter(session=session).count()) == 1

    phone.goto(f"{url}/ballots/scan/#{code}")
    phone.wait_for_selector("text=此测评码已经使用过")
    assert phone.url == f"{url}/ballots/vote/"
    phone.screenshot(path=shots / "ballots-vote-used.png")
    phone.fill("#id_code", "ABCD-EFGH")
    phone.click("button:has-text('开始测评')")
    assert "测评码无效" in phone.content()


def test_the_office_runs_a_session_prints_codes_watches_turnout_and_reads_results(
    site, browser, shots, cast
):
    from docx import Document

    from kaohe.ballots import evaluation_services as services
    from kaohe.ballots.tests.conftest import PASSWORD_FOR_TESTS, marks_for, new_code

    url, session = site
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(page, url, "admin", PASSWORD_FOR_TESTS)
    page.click("nav summary:has-text('测评与评价')")  # the drop-down (surveys, ratings beside)
    page.click("nav >> text=民主测评")
    assert "青山镇年度民主测评" in page.content()
    page.screenshot(path=shots / "ballots-session-list.png", full_page=True)
    page.click("text=青山镇年度民主测评")
    page.click("a.button:has-text('生成测评码')")
    page.select_option("#id_rater_class", label="下级")
    page.fill("#id_count", "12")
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "已生成 12 个测评码" in page.content()
    page.screenshot(path=shots / "ballots-session.png", full_page=True)

    with page.expect_download() as download:
        page.click("a:has-text('打印测评码')")
    document = Document(io.BytesIO(download.value.path().read_bytes()))
    assert len(document.inline_shapes) == 12

    def six_votes():
        for _ in range(6):
            services.ballot_submit(code=new_code(session, "下级"), marks=marks_for(session, {}))

    in_thread(six_votes)
    page.goto(f"{url}/ballots/sessions/{session.pk}/turnout/")
    assert "6" in page.locator("#turnout").inner_text()
    page.screenshot(path=shots / "ballots-turnout.png", full_page=True)

    page.goto(f"{url}/ballots/sessions/{session.pk}/")
    questions = []
    page.on("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.click("button:has-text('结束测评')")
    page.wait_for_load_state("networkidle")
    assert "打乱顺序归档" in questions[0]
    page.click("a:has-text('测评结果')")
    page.wait_for_load_state("networkidle")
    assert "80.00" in page.content()
    page.screenshot(path=shots / "ballots-results.png", full_page=True)


def test_the_five_areas_form_on_a_phone_marks_each_area(site, browser, shots, cast):
    from kaohe.ballots.models import BallotForm, PendingSheet, Session
    from kaohe.ballots.tests.conftest import new_code

    url, session = site

    def use_area_forms() -> str:
        Session.objects.filter(pk=session.pk).update(
            team_form=BallotForm.objects.get(name="领导班子分项评价（五个方面）"),
            cadre_form=BallotForm.objects.get(name="领导干部德能勤绩廉测评"),
        )
        return new_code(session, "同级")

    code = in_thread(use_area_forms)
    phone = browser.new_context(**PHONE).new_page()
    phone.goto(f"{url}/ballots/scan/#{code}")
    phone.wait_for_url(f"{url}/ballots/vote/")
    groups = phone.locator(".marks")
    assert groups.count() == 5 + 5 * 5  # the team's five areas, 德能勤绩廉 of five cadres
    for i in range(groups.count()):
        group = groups.nth(i)
        choice = "好" if group.locator("input[value='好']").count() else "称职"
        group.locator(f"label.mark:has(input[value='{choice}'])").click()
    phone.screenshot(path=shots / "ballots-vote-areas.png")
    phone.click("button:has-text('下一步：核对')")
    phone.click("button:has-text('确认提交')")
    phone.wait_for_load_state("networkidle")
    assert "提交成功" in phone.locator("h1").inner_text()
    marks = in_thread(lambda: PendingSheet.objects.get(session=session).marks)
    assert all(len(areas) == 5 for areas in marks.values())


def test_without_script_the_scan_page_asks_for_the_code_printed_on_the_slip(site, browser, shots):
    from kaohe.ballots.tests.conftest import new_code

    url, session = site
    code = in_thread(lambda: new_code(session, "同级"))
    phone = browser.new_context(**PHONE, java_script_enabled=False).new_page()
    phone.goto(f"{url}/ballots/scan/#{code}")
    assert phone.url.endswith("/ballots/scan/") or phone.url.endswith(f"#{code}")
    assert "测评人类别" not in phone.content()  # nothing posted the fragment
    phone.fill("#id_code", f"{code[:4]}-{code[4:]}".lower())
    phone.screenshot(path=shots / "ballots-vote-code.png")
    phone.click("button:has-text('开始测评')")
    assert "测评人类别：同级" in phone.content()
