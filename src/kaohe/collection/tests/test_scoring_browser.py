"""The scoring grid in a real browser (Debian's chromium driven by Playwright).

The scorer of 县委组织部 fills cells from the keyboard: a value, Tab to the next cell, a
deduction and its reason, Tab on; each cell saves as the focus leaves it and the target's
total follows. A value above the indicator's points shows its error in the cell; Enter
saves the corrected value. Then the same grid on a phone. Screenshots go to a temporary
directory, or to ``KAOHE_SCREENSHOTS`` (``docs/screenshots`` keeps ``scoring-*.png``).
"""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


@pytest.fixture
def site(live_server, settings, cast, town_system, party):
    from kaohe.collection.models import PeriodKind, PeriodStatus
    from kaohe.collection.services import period_create

    plain_http(settings)
    period = period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.HALF_YEAR, key="H1",
        name="半年评估", starts_on=dt.date(2024, 6, 10), ends_on=dt.date(2024, 6, 30),
        review_due=dt.date(2024, 6, 25), status=PeriodStatus.OPEN,
    )  # fmt: skip
    return live_server.url, period


def test_the_scorer_fills_the_grid_from_the_keyboard(site, browser, shots, cast):
    from playwright.sync_api import expect

    from kaohe.collection.models import ScoreEntry
    from kaohe.conftest import PASSWORD

    url, period = site
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(page, url, "scorer", PASSWORD)
    page.goto(f"{url}/collection/scoring/")  # 指标评分 (the lead puts it in the menu)
    page.click("a.button:has-text('去评分')")
    page.wait_for_selector("table.score-grid")

    # rows in code order: 白水镇 (baishui) first, then 青山镇 (qingshan)
    unit_a, unit_b = cast.unit_b.pk, cast.unit_a.pk
    first = page.locator(f"td[id^='cell-{unit_a}-'] input.cell-value").first
    first.click()
    page.keyboard.type("15")
    page.keyboard.press("Tab")  # → 1.2 of 白水镇 (a deduction)
    page.keyboard.type("3")
    page.keyboard.press("Tab")  # → its reason
    page.keyboard.type("意识形态工作被通报一次")
    page.keyboard.press("Tab")  # → 1.1 of 青山镇: 白水镇's 1.2 saves
    page.keyboard.type("25")
    page.keyboard.press("Tab")  # out of range

    total_a = page.locator(f"td[id$='-{unit_a}'].total")
    expect(total_a).to_have_text("32.00", timeout=5000)  # 15 + (20 − 3) of 100
    expect(page.locator("[data-empty]")).to_have_text("2")  # of four cells
    error = page.locator(f"td[id^='cell-{unit_b}-'].has-error .cell-error")
    error.wait_for(timeout=5000)
    assert "赋分不能超过本项分值 20 分" in error.inner_text()
    page.screenshot(path=str(shots / "scoring-grid.png"), full_page=True)

    # correct it and press Enter: saved, and 青山镇's total follows
    fix = page.locator(f"td[id^='cell-{unit_b}-'].has-error input.cell-value")
    fix.fill("18")
    fix.press("Enter")
    total_b = page.locator(f"td[id$='-{unit_b}'].total")
    expect(total_b).to_have_text("38.00", timeout=5000)
    expect(page.locator("[data-empty]")).to_have_text("1")
    values = in_thread(
        lambda: sorted(
            (e.target.name, e.indicator.code, str(e.value), e.reason)
            for e in ScoreEntry.objects.select_related("target", "indicator")
        )
    )
    assert values == [
        ("白水镇", "1.1", "15.00", ""),
        ("白水镇", "1.2", "3.00", "意识形态工作被通报一次"),
        ("青山镇", "1.1", "18.00", ""),
    ]

    # the cell's detail: the history of who changed what
    href = page.locator(f"td[id^='cell-{unit_a}-'] a.cell-more").nth(1).get_attribute("href")
    page.goto(url + href)
    page.wait_for_selector("text=修改记录")
    assert "意识形态工作被通报一次" in page.content()
    page.screenshot(path=str(shots / "scoring-detail.png"), full_page=True)
    page.close()

    # a phone: the same grid scrolls sideways, inputs bring up the decimal keypad
    phone = browser.new_page(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True, has_touch=True
    )
    sign_in(phone, url, "scorer", PASSWORD)
    phone.goto(f"{url}/collection/scoring/{period.pk}/{cast.responsible_unit.pk}/")
    phone.wait_for_selector("table.score-grid")
    assert phone.locator("input.cell-value").first.get_attribute("inputmode") == "decimal"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 400
    phone.screenshot(path=str(shots / "scoring-phone.png"), full_page=True)
    phone.close()


def test_a_field_check_proposes_a_deduction_the_scorer_confirms(site, browser, shots, cast):
    from playwright.sync_api import expect

    from kaohe.collection.models import ScoreEntry
    from kaohe.conftest import PASSWORD

    url, period = site
    team = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(team, url, "team", PASSWORD)
    team.goto(f"{url}/collection/field-checks/")  # 实地考核
    team.click(f"a:has-text('{period.name}')")
    team.click("a.button:has-text('记录实地考核')")
    team.select_option("#id_target", label="青山镇")
    team.select_option("#id_method", label="走访调研")
    team.fill("#id_checked_on", "2024-06-18")
    team.fill("#id_findings", "走访三个村党组织，其中一个软弱涣散整顿台账不全")
    team.set_input_files(
        "#id_evidence",
        files=[
            {"name": "走访记录.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n%x\n"}
        ],
    )
    team.click("button:has-text('保存')")
    team.wait_for_selector("text=已记录实地考核")
    team.select_option("#id_indicator", index=1)
    team.fill("#id_points", "1.5")
    team.fill("#id_reason", "软弱涣散整顿台账不全")
    team.click("button:has-text('提出扣分')")
    team.wait_for_selector("text=已提出扣分，待责任单位确认")
    assert "走访记录.pdf" in team.content()
    team.screenshot(path=str(shots / "scoring-field-check.png"), full_page=True)
    team.close()

    scorer = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(scorer, url, "scorer", PASSWORD)
    scorer.goto(f"{url}/collection/scoring/{period.pk}/{cast.responsible_unit.pk}/")
    badge = scorer.locator(f"td[id^='cell-{cast.unit_a.pk}-'] .badge.amber")
    expect(badge).to_have_text("实地扣分待确认 1")
    badge.locator("xpath=..").locator("a.cell-more").click()
    scorer.click("button:has-text('确认计入')")
    scorer.wait_for_selector("text=扣分已计入评分")
    scorer.screenshot(path=str(shots / "scoring-confirm.png"), full_page=True)
    entry = in_thread(lambda: ScoreEntry.objects.get())
    assert entry.value == 1 + 0.5 and "走访调研" in entry.reason
    scorer.close()


def test_the_demo_countys_scorer_sees_the_quarter_in_progress(
    live_server, settings, browser, shots
):
    from kaohe.collection.demo_scoring import scoring_demo_load
    from kaohe.collection.models import Period
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.schemes.services import schemes_demo_load

    plain_http(settings)

    def load() -> Period:
        demo_load(year=2024)
        schemes_demo_load(year=2024)
        scoring_demo_load(year=2024, today=dt.date(2024, 9, 25))
        return Period.objects.get(key="Q3")

    # The browser fixture runs already: the ORM goes through a short-lived thread, or its
    # connection (in Playwright's context) outlives the test and holds the test database.
    q3 = in_thread(load)
    page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "scorer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/collection/scoring/")
    assert page.locator("tbody tr").count() == 3  # Q1, Q2 closed, Q3 open (Q4 not started)
    page.screenshot(path=str(shots / "scoring-periods.png"), full_page=True)
    page.click(f"tr:has-text('{q3.name}') a.button")
    page.wait_for_selector("table.score-grid")
    assert page.locator("td.cell.blank").count() > 0  # still being scored
    assert page.locator(".badge.blue").count() > 0  # the others' entries beside the lead's
    page.screenshot(path=str(shots / "scoring-demo-grid.png"))
    page.close()
