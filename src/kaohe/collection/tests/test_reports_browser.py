"""Reports in a real browser (Debian's chromium via Playwright), on the demo county.

The liaison of 青山镇, on a phone, fills in this month's progress report with a PDF and
submits it; the office sends it back, first without a reason (refused), then with one; the
liaison sees it returned with the reason, corrects it and resubmits; the office reads the
history and looks at the progress page. Screenshots go to a temporary directory, or to
``KAOHE_SCREENSHOTS`` (``KAOHE_SCREENSHOTS=docs/screenshots`` refreshes ``reports-*.png``).
"""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 860}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def site(live_server, settings):
    from django.utils import timezone

    from kaohe.collection.demo_reports import reports_demo_load
    from kaohe.demo.services import DEMO_PASSWORD, demo_site_load

    plain_http(settings)
    today = timezone.localdate()
    demo_site_load(year=today.year)
    reports_demo_load(year=today.year, today=today)
    return live_server.url, DEMO_PASSWORD


def log_in(browser, url, username, password, viewport):
    page = browser.new_page(viewport=viewport, locale="zh-CN")
    sign_in(page, url, username, password)
    return page


def test_a_liaison_submits_on_a_phone_the_office_sends_it_back_and_it_comes_again(
    site, browser, shots, tmp_path
):
    from kaohe.collection.models import Report

    url, password = site
    evidence = tmp_path / "会议记录.pdf"
    evidence.write_bytes(PDF)

    # The liaison, on a phone: what is owed, then this month's progress report.
    liaison = log_in(browser, url, "liaison", password, PHONE)
    liaison.goto(f"{url}/collection/reports/")
    owed = liaison.locator("section.owed")
    assert "被退回" in owed.inner_text()  # the demo's returned report
    liaison.screenshot(path=shots / "reports-owed-phone.png", full_page=True)
    liaison.locator(".owed-item.state-due a.button:has-text('填写')").first.click()
    liaison.wait_for_load_state("networkidle")
    assert "月度工作进展" in liaison.locator("h1").inner_text()
    liaison.fill("#id_section_tasks", "召开党委会专题研究党建工作3次，完成党员集中轮训120人次。")
    liaison.fill("#id_section_highlights", "推行“党建+网格”，组建党员先锋队8支。")
    liaison.fill("#id_section_cases", "")
    liaison.fill("#id_section_problems", "个别支部会议记录不规范。")
    liaison.set_input_files("#id_file_1", str(evidence))
    liaison.click("button[value=submit]")
    liaison.wait_for_load_state("networkidle")
    # A section left empty: refused beside the field; the draft and the file are kept.
    assert "请填写「典型案例」" in liaison.locator(".field.has-error").inner_text()
    assert "会议记录.pdf" in liaison.locator("ul.files").inner_text()
    liaison.screenshot(path=shots / "reports-form-error-phone.png", full_page=True)
    liaison.fill("#id_section_cases", "某村党支部领办合作社，带动群众增收。")
    liaison.click("button[value=submit]")
    liaison.wait_for_load_state("networkidle")
    assert "待审核" in liaison.locator("h1").inner_text()
    assert "会议记录.pdf" in liaison.locator(".report-text").inner_text()
    liaison.screenshot(path=shots / "reports-submitted-phone.png", full_page=True)
    report = in_thread(
        lambda: (
            Report.objects.filter(unit__name="青山镇", status="submitted")
            .order_by("-submitted_at")
            .first()
        )
    )
    assert report is not None and report.sections["cases"].startswith("某村党支部")

    # The office sends it back: a reason is required.
    admin = log_in(browser, url, "admin", password, DESKTOP)
    admin.goto(f"{url}/collection/reports/{report.pk}/")
    admin.check("input[name=decision][value=return]")
    admin.click("section.review button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "请填写理由" in admin.locator("section.review").inner_text()
    admin.check("input[name=decision][value=return]")
    admin.fill("#id_reason", "典型案例请补充具体做法和成效")
    admin.screenshot(path=shots / "reports-review.png", full_page=True)
    admin.click("section.review button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "已退回" in admin.locator("h1").inner_text()

    # The liaison sees it returned with the reason, corrects it and resubmits.
    liaison.goto(f"{url}/collection/reports/")
    assert "典型案例请补充具体做法和成效" in liaison.locator("section.owed").inner_text()
    liaison.goto(f"{url}/collection/reports/{report.pk}/")
    assert "典型案例请补充具体做法和成效" in liaison.locator(".returned-note").inner_text()
    liaison.screenshot(path=shots / "reports-returned-phone.png", full_page=True)
    liaison.click("a.button:has-text('修改后重新报送')")
    liaison.wait_for_load_state("networkidle")
    liaison.fill("#id_section_cases", "某村党支部领办合作社：流转土地300亩，村集体增收12万元。")
    liaison.click("button[value=submit]")
    liaison.wait_for_load_state("networkidle")
    timeline = liaison.locator("ol.timeline").inner_text()
    assert "第 2 次报送" in timeline and "第 1 次报送" in timeline and "退回" in timeline
    liaison.screenshot(path=shots / "reports-resubmitted-phone.png", full_page=True)

    # The office reads the history and the progress of the period.
    admin.goto(f"{url}/collection/reports/{report.pk}/")
    assert "第 2 次报送" in admin.locator("ol.timeline").inner_text()
    admin.screenshot(path=shots / "reports-detail.png", full_page=True)
    admin.goto(f"{url}/collection/progress/?period={report.period_id}")
    assert "青山镇" in admin.locator("table.progress-table").inner_text()
    # A period past its due day: late units and sent-back reports.
    past = in_thread(
        lambda: (
            Report.objects.filter(late=True, period__kind="monthly")
            .order_by("-period__starts_on")
            .values_list("period_id", flat=True)
            .first()
        )
    )
    admin.goto(f"{url}/collection/progress/?period={past}")
    assert admin.locator(".card.warn .number").inner_text() != "0"
    admin.screenshot(path=shots / "reports-progress.png")
    admin.goto(f"{url}/collection/reports/?status=submitted")
    admin.screenshot(path=shots / "reports-list.png")
