"""The results pages in a real browser (Debian's chromium driven by Playwright).

The office admin grades the 2024 党建 suite (the job runs on commit, eagerly, in tests),
reads the tables and one target's trace, grades again after a leader rating changed on
paper, and compares the two runs; a county leader reads the run on a phone. Screenshots go
to a temporary directory, or to ``KAOHE_SCREENSHOTS`` (``results-*.png``).
"""

from __future__ import annotations

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


def test_the_office_grades_reads_a_trace_and_compares_two_runs(
    live_server, settings, cast, year_data, browser, shots
):
    from kaohe.results.models import ComponentScore, Run

    plain_http(settings)
    url = live_server.url
    admin = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    admin.click("nav summary:has-text('考核结果')")  # the results' drop-down
    admin.click("nav >> text=结果计算")
    admin.click("a.button:has-text('计算考核结果')")
    admin.select_option("#id_suite", "党建工作成效考核")
    admin.click("button:has-text('开始计算')")
    admin.wait_for_selector("#run-progress[data-status=done]")
    assert admin.locator("table.scheme-results").count() == 2
    assert "91.05" in admin.inner_text("main")
    admin.screenshot(path=str(shots / "results-run.png"), full_page=True)

    admin.click("table.scheme-results >> nth=1 >> text=白水镇")
    admin.wait_for_selector("ol.trace li")
    assert "较好" in admin.inner_text("main")
    admin.screenshot(path=str(shots / "results-trace.png"), full_page=True)

    in_thread(
        lambda: ComponentScore.objects.filter(
            scheme=year_data.party, unit=cast.unit_a, input_name="leader"
        ).update(value=20)
    )
    admin.goto(f"{url}/results/new/")
    admin.select_option("#id_suite", "党建工作成效考核")
    admin.click("button:has-text('开始计算')")
    admin.wait_for_selector("#run-progress[data-status=done]")
    admin.click("a.button:has-text('比较')")
    first, second = in_thread(lambda: list(Run.objects.order_by("pk").values_list("pk", flat=True)))
    admin.select_option("#id_old", str(first))
    admin.select_option("#id_new", str(second))
    admin.click("form.filters button[type=submit]")
    admin.wait_for_selector("#changes")
    assert "分项 leader：90 → 20" in admin.inner_text("#changes")
    admin.screenshot(path=str(shots / "results-compare.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(phone, url, "leader", PASSWORD)
    phone.goto(f"{url}/results/{second}/")
    assert phone.locator("table.scheme-results").count() == 2
    phone.screenshot(path=str(shots / "results-run-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
