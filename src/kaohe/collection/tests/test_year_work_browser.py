"""The rest of the year's work in a real browser (Debian's chromium driven by Playwright).

The demo county of 2024 on 2024-09-25 (calendars from the presets, the first two quarters
and the half-year evaluation closed and scored, the third quarter open). The office opens the
half-year circular and downloads it with its remarks; the liaison of 青山镇 follows its home
to-do to its unit's scores, sees the header's notice count and marks the notices read; the
scorer deletes an evidence file it attached; the office gives a hand-written scheme the
default calendar and adds a period by hand (a wrong key refused in Chinese).
Screenshots: ``collection-*.png``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PHONE = {"width": 390, "height": 844}
TODAY = dt.date(2024, 9, 25)
HAND = """\
id: quality
name: 高质量发展绩效考核
subject: unit
grades: [好, 较好, 一般, 差]
bands: {好: 90, 较好: 80, 一般: 60}
group_by: category
"""


@pytest.fixture
def site(live_server, settings):
    from kaohe.collection.demo_periods import periods_demo_load
    from kaohe.collection.demo_scoring import scoring_demo_load
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.schemes.services import schemes_demo_load

    plain_http(settings)
    demo_load(year=2024)
    schemes_demo_load(year=2024)
    periods_demo_load(year=2024, today=TODAY)
    scoring_demo_load(year=2024, today=TODAY)
    return live_server.url, DEMO_PASSWORD


def log_in(browser, url, username, password, viewport=None):
    page = browser.new_page(viewport=viewport or {"width": 1280, "height": 860}, locale="zh-CN")
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of data-confirm
    sign_in(page, url, username, password)
    return page


def test_the_office_downloads_the_half_year_circular(site, browser, shots):
    url, password = site
    admin = log_in(browser, url, "admin", password)
    admin.click("nav summary:has-text('日常考核')")
    admin.click("nav >> text=考核日历")
    admin.wait_for_load_state("networkidle")
    row = admin.locator("tr", has_text="党建工作成效考核").filter(has_not_text="述职评议")
    row.locator("a").first.click()
    admin.wait_for_load_state("networkidle")
    admin.locator("tr", has_text="半年评估").locator("a:has-text('半年评估通报')").click()
    admin.wait_for_load_state("networkidle")
    assert "半年评估通报" in admin.locator("h1").inner_text()
    assert admin.locator("table.circular").count() >= 2  # one table per category
    assert admin.locator("ol.circular-problems li").count() > 0
    admin.fill("#id_remarks", "一要对照问题抓整改\n二要压实主体责任")
    admin.screenshot(path=shots / "collection-circular.png", full_page=False)
    with admin.expect_download() as download:
        admin.click("button:has-text('下载通报（Word）')")
    path = download.value.path()
    with zipfile.ZipFile(path) as archive:
        text = archive.read("word/document.xml").decode()
    assert "二要压实主体责任" in text and "青山镇" in text
    with admin.expect_download() as download:
        admin.click("button:has-text('下载排名和问题（Excel）')")
    assert download.value.suggested_filename.endswith(".xlsx")
    admin.close()


def test_the_liaison_follows_its_todo_to_its_scores_and_reads_its_notices(site, browser, shots):
    from django.utils import timezone

    from kaohe.collection.models import Notice
    from kaohe.core.models import User

    url, password = site

    def notices() -> None:
        liaison = User.objects.get(username="liaison")
        for n in range(3):
            Notice.objects.create(
                user=liaison, key=f"browser:{n}", title=f"待办提醒 {n}",
                url="/collection/scores/", created_at=timezone.now(),
            )  # fmt: skip

    in_thread(notices)
    page = log_in(browser, url, "liaison", password)
    assert page.locator(".userbox a.notice-count .unread").inner_text() == "3"
    todo = page.locator("#todos li.todo", has_text="查看本单位").first
    assert "半年评估" in page.locator("#todos").inner_text()
    todo.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    assert "本单位得分：青山镇" in page.locator("h1").inner_text()
    assert page.locator("table.unit-scores tbody tr").count() > 3
    page.screenshot(path=shots / "collection-unit-scores.png", full_page=False)
    page.click(".userbox a.notice-count")
    page.wait_for_load_state("networkidle")
    assert "待办提醒 2" in page.locator(".notices").inner_text()
    page.click("button:has-text('全部标为已读')")
    page.wait_for_load_state("networkidle")
    assert page.locator(".userbox a.notice-count .unread").count() == 0
    page.close()

    phone = log_in(browser, url, "liaison", password, viewport=PHONE)
    phone.goto(f"{url}/collection/scores/")
    phone.wait_for_load_state("networkidle")
    phone.screenshot(path=shots / "collection-unit-scores-phone.png", full_page=False)
    phone.close()


def test_the_scorer_deletes_the_evidence_it_attached(site, browser, shots):
    from kaohe.collection.models import Period, ScoreEntry
    from kaohe.collection.scoring import score_set
    from kaohe.core.models import User

    url, password = site

    def attach() -> str:
        scorer = User.objects.get(username="scorer")
        q3 = Period.objects.get(scheme__code="party", key="Q3")
        entry = (
            ScoreEntry.objects.filter(period=q3, scorer_unit_id=scorer.unit_id, consolidated=False)
            .select_related("indicator", "target")
            .order_by("pk")
            .first()
        )
        assert entry is not None
        entry.indicator.evidence_required = True  # a deduction of it needs evidence
        entry.indicator.save(update_fields=["evidence_required"])
        score_set(
            actor=scorer, period=q3, unit=entry.scorer_unit, target=entry.target,
            indicator=entry.indicator, value=Decimal(1), reason="会议记录不全",
            uploads=[BytesIO(b"%PDF-1.4\n%demo\n"), BytesIO(b"%PDF-1.4\n%demo 2\n")],
        )  # fmt: skip
        return (
            f"/collection/scoring/{q3.pk}/{entry.scorer_unit_id}/detail/"
            f"{entry.target_id}/{entry.indicator_id}/"
        )

    detail = in_thread(attach)
    page = log_in(browser, url, "scorer", password)
    page.goto(url + detail)
    page.wait_for_load_state("networkidle")
    assert page.locator("button:has-text('删除')").count() == 2
    page.screenshot(path=shots / "collection-evidence.png", full_page=False)
    page.locator("button:has-text('删除')").first.click()
    page.wait_for_load_state("networkidle")
    assert "已删除佐证材料" in page.locator(".messages").inner_text()
    # the indicator requires evidence of a deduction: the last file stays
    page.locator("button:has-text('删除')").first.click()
    page.wait_for_load_state("networkidle")
    assert "该指标扣分须附佐证材料" in page.locator(".messages").inner_text()
    assert page.locator("button:has-text('删除')").count() == 1
    page.screenshot(path=shots / "collection-evidence-refused.png", full_page=False)
    page.close()


def test_the_office_gives_a_hand_written_scheme_a_calendar(site, browser, shots):
    from kaohe.orgs.models import AssessmentYear
    from kaohe.schemes.services import scheme_create

    url, password = site
    scheme = in_thread(
        lambda: scheme_create(
            actor=None, year=AssessmentYear.objects.get(year=2024), suite="高质量发展", text=HAND
        )
    )
    admin = log_in(browser, url, "admin", password)
    admin.goto(f"{url}/collection/periods/scheme/{scheme.pk}/")
    admin.click("button:has-text('生成默认日历')")
    admin.wait_for_load_state("networkidle")
    assert "已生成默认日历：6 个考核周期" in admin.locator(".messages").inner_text()
    assert admin.locator("table.periods tbody tr").count() == 6
    admin.screenshot(path=shots / "collection-calendar-default.png", full_page=True)
    admin.click("a:has-text('新增周期')")
    admin.wait_for_load_state("networkidle")
    admin.select_option("#id_kind", "monthly")
    admin.fill("#id_key", "Q9")
    admin.fill("#id_name", "7月工作进展")
    admin.fill("#id_starts_on", "2024-07-01")
    admin.fill("#id_ends_on", "2024-07-31")
    admin.fill("#id_report_due", "2024-08-05")
    admin.check("input[name=report_kinds][value=progress]")
    admin.click("button:has-text('新增')")
    admin.wait_for_load_state("networkidle")
    assert "月度调度的周期代码应为 M01…M12，不能是「Q9」" in admin.content()
    admin.screenshot(path=shots / "collection-period-add-error.png", full_page=True)
    admin.fill("#id_key", "M07")
    admin.click("button:has-text('新增')")
    admin.wait_for_load_state("networkidle")
    assert "已新增「7月工作进展」" in admin.locator(".messages").inner_text()
    assert admin.locator("table.periods tbody tr").count() == 7
    admin.close()
