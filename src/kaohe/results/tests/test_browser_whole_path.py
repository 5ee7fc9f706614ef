"""Issue 11's whole path in one real browser session, on one set of data.

The seed-004 year (``test_proposals.annual_year`` and ``annual_inputs``: the same people
and scores as the proposals tests' written snapshot, entered as the office enters them)
is graded on the web (结果计算 → 计算考核结果); the office bases the outcome on the run;
青山镇's party committee proposes one 优秀 too many, sees the quota error beside the row,
fixes it and submits; the office decides, starts the publicity and publishes; a 复核 of
干部m8 (测评分值 55 entered wrongly: 65) recomputes and changes 基本称职 to 称职; the cadre
logs in and reads the changed grade. Screenshots: ``results-path-*.png``.
"""

from __future__ import annotations

import datetime as dt

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in
from kaohe.results.tests.browser_steps import propose_fix_and_submit, review_with_recompute
from kaohe.results.tests.test_proposals import annual_inputs, annual_year

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


def _year(cast):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    made = annual_year(cast)
    annual_inputs(cast, made)
    user_create(actor=None, username="ganbu8", password=PASSWORD, role=Role.CADRE,
                cadre=made.cadres["m8"], validate=False)  # fmt: skip
    return made


def test_grade_propose_fix_decide_publish_review_and_the_cadre_reads_the_changed_grade(
    live_server, settings, cast, browser, shots
):
    from django.utils import timezone

    from kaohe.results.models import FinalGrade, Outcome

    plain_http(settings)
    url = live_server.url
    made = in_thread(lambda: _year(cast))
    today = timezone.localdate()

    admin = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav >> text=结果计算")
    admin.click("a.button:has-text('计算考核结果')")
    admin.select_option("#id_suite", made.schemes["cadre"].suite)
    admin.click("button:has-text('开始计算')")
    admin.wait_for_selector("#run-progress[data-status=done]")
    assert "干部m4" in admin.inner_text("main")
    admin.screenshot(path=str(shots / "results-path-run.png"), full_page=True)
    admin.click("button:has-text('以此计算为依据')")
    admin.wait_for_selector("table.outcome-groups")
    assert "青山镇" in admin.inner_text("main") and "单列" in admin.inner_text("main")

    m4, m8 = in_thread(lambda: [FinalGrade.objects.get(cadre=made.cadres[n]) for n in ("m4", "m8")])
    assert (m4.grade, m8.grade) == ("称职", "基本称职")  # m4: beyond 青山镇's two 优秀
    committee = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(committee, url, "dangwei", PASSWORD)
    committee.click("nav >> text=等次建议与审定")
    committee.click("#my-groups >> text=填写建议")
    committee.wait_for_selector("#proposal-rows")
    propose_fix_and_submit(committee, m4.pk, shots / "results-path-quota-error.png")

    outcome = in_thread(lambda: Outcome.objects.get().pk)
    admin.goto(f"{url}/results/outcomes/{outcome}/")
    admin.fill("#id_decision_ref", "县委常委会 2025 年第 2 次会议")
    admin.click("#decision button:has-text('审定')")
    admin.wait_for_selector("#outcome-status:has-text('已审定')")
    admin.screenshot(path=str(shots / "results-path-decided.png"), full_page=True)

    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav >> text=公示与公布")
    admin.click("#outcomes >> text=2024")
    admin.fill("#id_start", (today - dt.timedelta(days=6)).isoformat())
    admin.fill("#id_end", today.isoformat())
    admin.fill("#id_contact", "县委组织部干部科，电话 0000-12380")
    admin.click("#publicity-start button[type=submit]")
    admin.wait_for_selector("#public-link")
    listed = admin.inner_text("main")
    assert "公示中" in listed and "干部m1" in listed and "干部m3" in listed
    admin.click("#publish")
    admin.wait_for_selector("text=已公布考核结果")
    admin.screenshot(path=str(shots / "results-path-published.png"), full_page=True)

    review_with_recompute(
        admin, url, m8.pk, "民主测评得分录入有误，应为 65 分", "score", "65",
        "核对原始测评表，得分应为 65 分，等次变更为称职",
    )  # fmt: skip
    assert "分项 score：55 → 65" in admin.inner_text("#recompute")
    assert "称职" in admin.inner_text("#final-grade")
    assert "基本称职" in admin.inner_text("table.grade-history")
    admin.screenshot(path=str(shots / "results-path-review.png"), full_page=True)
    assert in_thread(lambda: FinalGrade.objects.get(pk=m8.pk).grade) == "称职"

    cadre = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(cadre, url, "ganbu8", PASSWORD)
    cadre.click("nav >> text=我的考核结果")
    own = cadre.inner_text("main")
    assert "等次\n称职 （" in own and "复核：基本称职 → 称职" in own, own
    assert "得分 65.00" in own and "干部m7" not in own
    cadre.screenshot(path=str(shots / "results-path-own.png"), full_page=True)
