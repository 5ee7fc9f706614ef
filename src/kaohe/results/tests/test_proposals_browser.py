"""Proposals and the decision in a real browser (Debian's chromium driven by Playwright).

The 2024 seed-004 suite is graded from a written snapshot (``test_proposals.annual_outcome``:
the run is stored as a grading job stores it); the office bases the outcome on the run;
青山镇's party committee proposes one 优秀 too many (the quota: it sees the error beside
the row), fixes it, submits; the office records the standing committee's decision.
Screenshots: ``results-propose-*.png`` (``KAOHE_SCREENSHOTS``).
"""

from __future__ import annotations

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in
from kaohe.results.tests.browser_steps import propose_fix_and_submit
from kaohe.results.tests.test_proposals import annual_outcome

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


def test_a_party_committee_proposes_fixes_a_quota_error_submits_and_the_office_decides(
    live_server, settings, cast, browser, shots
):
    from kaohe.results.models import FinalGrade, Outcome

    plain_http(settings)
    url = live_server.url
    annual = annual_outcome(cast, open_outcome=False)

    admin = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    admin.goto(f"{url}/results/{annual.run.pk}/")
    admin.click("button:has-text('以此计算为依据')")
    admin.wait_for_selector("table.outcome-groups")
    assert "青山镇" in admin.inner_text("main") and "单列" in admin.inner_text("main")
    admin.screenshot(path=str(shots / "results-propose-outcome.png"), full_page=True)

    m4 = in_thread(lambda: FinalGrade.objects.get(cadre=annual.cadres["m4"]).pk)
    committee = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(committee, url, "dangwei", PASSWORD)
    committee.click("nav >> text=等次建议与审定")
    committee.click("#my-groups >> text=填写建议")
    committee.wait_for_selector("#proposal-rows")
    assert "干部n1" not in committee.inner_text("main")  # another unit's cadre
    propose_fix_and_submit(committee, m4, shots / "results-propose-error.png")
    committee.screenshot(path=str(shots / "results-propose-submitted.png"), full_page=True)

    outcome = in_thread(lambda: Outcome.objects.get().pk)
    admin.goto(f"{url}/results/outcomes/{outcome}/")
    admin.fill("#id_decision_ref", "县委常委会 2025 年第 2 次会议")
    admin.click("#decision button:has-text('审定')")
    admin.wait_for_selector("#outcome-status:has-text('已审定')")
    assert in_thread(lambda: Outcome.objects.get().status) == "decided"
    admin.screenshot(path=str(shots / "results-propose-decided.png"), full_page=True)
