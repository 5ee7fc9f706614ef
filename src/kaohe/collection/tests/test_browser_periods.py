"""The calendar and the to-dos in a real browser (Debian's chromium driven by Playwright).

The office admin builds the 党建工作成效考核 calendar from its preset with one click, types
an end before the start (refused in Chinese), moves the half-year evaluation's dates, opens
and closes the first quarter's monitoring and reopens it with a reason. The liaison of 青山镇
opens the site on a phone: the to-dos come first (the reports area's provider is stood in
for by a test provider: a returned report, a late one and one due in two days), with the
notice bell after the reminders ran. Screenshots: ``periods-*.png``.
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def site(live_server, settings):
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.schemes.services import schemes_demo_load

    plain_http(settings)
    demo_load(year=2024)
    schemes_demo_load(year=2024)
    return live_server.url, DEMO_PASSWORD


def log_in(browser, url, username, password, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(page, url, username, password)
    return page


def test_the_office_builds_and_runs_a_schemes_calendar(site, browser, shots):
    from kaohe.collection.models import Period

    url, password = site
    admin = log_in(browser, url, "admin", password)
    admin.click("nav summary:has-text('日常考核')")  # the year's work's drop-down
    admin.click("nav >> text=考核日历")
    admin.wait_for_load_state("networkidle")
    assert "考核日历 · 2024年度" in admin.locator("h1").inner_text()
    row = admin.locator("tr", has_text="党建工作成效考核").filter(has_not_text="述职评议")
    row.locator("button:has-text('按预置日历建立')").click()
    admin.wait_for_load_state("networkidle")
    assert "已按预置日历建立 6 个考核周期" in admin.locator(".messages").inner_text()
    assert admin.locator("table.periods tbody tr").count() == 6
    admin.screenshot(path=shots / "periods-calendar.png", full_page=True)

    # the half-year evaluation: an end before the start is refused, then new dates saved
    admin.locator("tr", has_text="半年评估").locator("a:has-text('修改')").click()
    admin.fill("#id_ends_on", "2024-06-01")
    admin.fill("#id_review_due", "2025-06-25")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    errors = admin.locator(".errorlist").all_inner_texts()
    assert any("结束日期不能早于开始日期" in e for e in errors)
    assert any("须在 2024-01-01 至 2025-03-31 之间" in e for e in errors)
    admin.screenshot(path=shots / "periods-edit-error.png", full_page=True)
    admin.fill("#id_ends_on", "2024-06-30")
    admin.fill("#id_review_due", "2024-06-26")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "已保存「半年评估」" in admin.locator(".messages").inner_text()

    # Q1: open, close (confirmed), reopen with a reason
    admin.locator("tr", has_text="第一季度监测").locator("a:has-text('开启')").click()
    admin.click("button:has-text('确认开启')")
    admin.wait_for_load_state("networkidle")
    admin.locator("tr", has_text="第一季度监测").locator("a:has-text('关闭')").click()
    assert "本周期的评分成为最终结果" in admin.locator("#move-confirm").inner_text()
    admin.screenshot(path=shots / "periods-close-confirm.png", full_page=True)
    admin.click("button:has-text('确认关闭')")
    admin.wait_for_load_state("networkidle")
    admin.locator("tr", has_text="第一季度监测").locator("a:has-text('重新打开')").click()
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert (
        "请填写理由" in admin.locator(".errorlist").inner_text()
        or admin.locator(".errorlist").count()
    )
    admin.fill("#id_reason", "补录一项扣分")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "已重新打开" in admin.locator(".messages").inner_text()
    statuses = in_thread(
        lambda: dict(Period.objects.filter(scheme__code="party").values_list("key", "status"))
    )
    assert statuses["Q1"] == "open" and statuses["H1"] == "planned"

    # the office's home: the periods that started and are not open yet, late first
    admin.goto(f"{url}/")
    todos = admin.locator("#todos").inner_text()
    assert (
        "开启「党建工作成效考核 · 半年评估」" in todos
        and "关闭「党建工作成效考核 · 第一季度监测」" in todos
    )
    admin.screenshot(path=shots / "periods-office-home.png", full_page=False)


def test_the_liaison_sees_the_todos_first_on_a_phone(site, browser, shots, monkeypatch):
    from kaohe.collection import todos
    from kaohe.collection.reminders import reminders_send
    from kaohe.collection.reports import reports_todos
    from kaohe.collection.todos import Todo, TodoState
    from kaohe.core.models import User

    url, password = site
    today = dt.date.today()
    liaison_pk = in_thread(lambda: User.objects.get(username="liaison").pk)

    def reports(user, day):  # stands in for the reports area's provider
        if user.pk == liaison_pk:
            yield Todo("demo:may", "报送 5 月工作进展", "/collection/periods/", TodoState.DUE,
                       day + dt.timedelta(days=2), "党建工作成效考核 · 月度调度")  # fmt: skip
            yield Todo("demo:april", "报送 4 月工作进展", "/collection/periods/", TodoState.LATE,
                       day - dt.timedelta(days=4))  # fmt: skip
            yield Todo("demo:q1", "修改后重新报送一季度任务完成情况", "/collection/periods/",
                       TodoState.RETURNED, None, "退回理由：缺少典型案例")  # fmt: skip

    from kaohe.collection.demo_periods import periods_demo_load

    in_thread(lambda: periods_demo_load(year=2024, today=dt.date(2024, 6, 22)))
    # The stand-in replaces the reports area's own provider for this test.
    monkeypatch.setattr(
        todos, "_PROVIDERS", [p for p in todos._PROVIDERS if p is not reports_todos]
    )
    todos.register_todo_provider(reports)
    try:
        in_thread(lambda: reminders_send(today=today))
        phone = log_in(browser, url, "liaison", password, viewport=PHONE)
        first = phone.locator("main section.panel").first
        assert first.get_attribute("id") == "todos"
        items = phone.locator("#todos li.todo").all_inner_texts()
        assert "修改后重新报送" in items[0] and "逾期 4 天" in items[1] and "还有 2 天" in items[2]
        assert phone.locator("#notice-bell .count-badge").inner_text() == "2"
        assert phone.locator("#todos").bounding_box()["y"] < PHONE["height"]  # on the first screen
        phone.screenshot(path=shots / "periods-phone-todos.png", full_page=False)
        phone.click("#notice-bell")
        phone.wait_for_load_state("networkidle")
        assert "待办提醒：报送 5 月工作进展" in phone.locator(".notices").inner_text()
        phone.screenshot(path=shots / "periods-phone-notices.png", full_page=True)
        phone.locator("li", has_text="已逾期").locator("button:has-text('去办理')").click()
        phone.wait_for_load_state("networkidle")
        assert "/collection/periods/" in phone.url
        phone.screenshot(path=shots / "periods-phone-list.png", full_page=True)
        phone.click("text=党建工作成效考核")
        phone.wait_for_load_state("networkidle")
        assert "第一季度监测" in phone.locator("table.periods").inner_text()
        assert phone.locator("a:has-text('修改')").count() == 0  # read-only
        phone.screenshot(path=shots / "periods-phone-calendar.png", full_page=True)
    finally:
        todos._PROVIDERS.remove(reports)
