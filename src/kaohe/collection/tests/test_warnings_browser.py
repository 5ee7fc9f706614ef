"""Warnings and rectification in a real browser (Debian's chromium through Playwright).

On the demo county with the first quarter's monitoring scored (deductions only; 青山镇 has
lost the most of the towns): the office ranks the quarter and issues the warnings; 青山镇's
liaison, on a phone, opens the task, writes the feedback with a PDF of evidence and submits;
the office sends it back with a reason; the liaison answers again; the office signs it off.
Screenshots go to a temporary directory, or to ``KAOHE_SCREENSHOTS``
(``KAOHE_SCREENSHOTS=docs/screenshots`` refreshes the committed ``warnings-*.png``).
"""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def site(live_server, settings, tmp_path):
    from kaohe.collection.tests.warning_helpers import deduct, quarter
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.orgs.models import Unit
    from kaohe.schemes.models import Scheme
    from kaohe.schemes.services import schemes_demo_load

    plain_http(settings)
    demo_load(year=2024)
    schemes_demo_load(year=2024)
    party = Scheme.objects.get(year__year=2024, code="party")
    q1 = quarter(party, "Q1", deductions_only=True)
    units = Unit.objects.filter(category__name__in=["镇街", "县直部门"]).order_by("code")
    for index, unit in enumerate(units):
        deduct(q1, unit, (index * 3) % 8 + 1)
    deduct(q1, Unit.objects.get(name="青山镇"), 12)  # the last of the towns
    evidence = tmp_path / "整改台账.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%demo evidence\n")
    return live_server.url, DEMO_PASSWORD, q1, evidence


def open_page(browser, url, username, password, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of data-confirm
    sign_in(page, url, username, password)
    return page


def test_the_office_warns_and_the_unit_answers_on_a_phone(site, browser, shots):
    from kaohe.collection.models import PeriodWarning, Rectification, RectificationStatus

    url, password, q1, evidence = site

    # the office ranks the quarter
    admin = open_page(browser, url, "admin", password, DESKTOP)
    admin.click("nav summary:has-text('日常考核')")
    admin.click("nav a:has-text('预警整改')")
    admin.click(f"a[href='/collection/warnings/periods/{q1.pk}/']")
    assert "本周期还没有排名" in admin.content()
    admin.click("#rank-button")
    admin.wait_for_load_state("networkidle")
    assert "已排名" in admin.locator(".messages").inner_text()
    towns = admin.locator("section.panel", has_text="镇街")
    assert "青山镇" in towns.locator("tr", has_text="红灯").inner_text()
    admin.screenshot(path=shots / "warnings-ranking.png", full_page=True)
    admin.goto(f"{url}/collection/warnings/")
    admin.screenshot(path=shots / "warnings-list.png", full_page=True)
    # with its rectification: a lazy load here, in Playwright's context, would open a
    # connection that outlives the test and holds the PostgreSQL test database
    warning = in_thread(
        lambda: PeriodWarning.objects.select_related("rectification").get(
            period=q1, target__name="青山镇"
        )
    )
    task_url = f"{url}/collection/rectifications/{warning.rectification.pk}/"

    # 青山镇's liaison answers on a phone
    phone = open_page(browser, url, "liaison", password, PHONE)
    phone.goto(f"{url}/collection/rectifications/")
    assert phone.locator("table.list tbody tr").count() == 1
    phone.screenshot(path=shots / "warnings-phone-list.png", full_page=True)
    phone.click("table.list a:has-text('青山镇')")
    with phone.expect_download() as download:
        phone.click("a:has-text('下载督办函')")
    assert download.value.suggested_filename.endswith(".docx")
    phone.fill("#id_feedback", "召开专题会议分析原因，建立整改台账，逐项整改到位。")
    phone.set_input_files("#id_evidence", str(evidence))
    phone.screenshot(path=shots / "warnings-phone-feedback.png", full_page=True)
    phone.click("#feedback-form button[type=submit]")
    phone.wait_for_load_state("networkidle")
    assert "待核实" in phone.locator("h1").inner_text()
    assert "整改台账.pdf" in phone.content()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width  # nothing wider than the phone

    # the office sends it back with a reason, the unit answers again, the office signs off
    admin.goto(task_url)
    admin.click("#verify-form button[value=return]")
    assert "请填写理由" in admin.content()
    admin.fill("#id_note", "请补充整改台账中各项措施的完成时限")
    admin.click("#verify-form button[value=return]")
    admin.wait_for_load_state("networkidle")
    assert "已退回" in admin.locator("h1").inner_text()

    phone.goto(task_url)
    assert "请补充整改台账中各项措施的完成时限" in phone.content()
    phone.screenshot(path=shots / "warnings-phone-returned.png", full_page=True)
    phone.fill("#id_feedback", "已补充各项措施的完成时限，详见整改台账。")
    phone.click("#feedback-form button[type=submit]")
    phone.wait_for_load_state("networkidle")

    admin.goto(task_url)
    admin.fill("#id_note", "整改到位")
    admin.click("#verify-form button[value=sign_off]")
    admin.wait_for_load_state("networkidle")
    assert "已销号" in admin.locator("h1").inner_text()
    admin.screenshot(path=shots / "warnings-signed-off.png", full_page=True)
    status = in_thread(lambda: Rectification.objects.get(pk=warning.rectification.pk).status)
    assert status == RectificationStatus.SIGNED_OFF

    # the office's list of tasks and the letter template page
    admin.goto(f"{url}/collection/rectifications/")
    assert "已销号" in admin.locator("table.list").inner_text()
    admin.screenshot(path=shots / "warnings-tasks.png", full_page=True)
    admin.click("text=预警督办 >> nth=-1")
    admin.click("a:has-text('督办函模板')")
    assert "{{ unit }}" in admin.content()
    admin.screenshot(path=shots / "warnings-template.png", full_page=True)

    # another town's liaison cannot open it
    other = open_page(browser, url, "liaison2", password, PHONE)
    assert other.goto(task_url).status == 404
