"""Result use and what-if in a real browser (Debian's chromium driven by Playwright).

The office grades the 2024 党建 suite; the committee's decision makes 白水镇 一般. The office
reads the result-use page and asks for the written explanation; 白水镇's liaison finds it
in the to-do list and hands it in. The office copies the 党建 scheme into a what-if, adds a
好 quota by YAML, lowers its ratio in the small form and sees 青山镇 move down; a weight
that breaks the sum is refused beside the field. Screenshots: ``results-use-*.png``,
``results-whatif-*.png``.
"""

from __future__ import annotations

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _decide(cast):
    from django.db import transaction

    from kaohe.results import outcomes
    from kaohe.results.models import FinalGrade, GradeSource, OutcomeStatus, Run

    run = Run.objects.order_by("-pk").first()
    outcome = outcomes.outcome_open(actor=cast.admin, run=run)
    final = FinalGrade.objects.get(outcome=outcome, unit=cast.unit_b, scheme__code="party")
    outcomes.final_grade_change(
        actor=cast.admin,
        final=final,
        grade="一般",
        source=GradeSource.DECISION,
        reason="考核委审定",
    )
    with transaction.atomic():
        outcomes.OUTCOME_WORKFLOW.move(outcome, OutcomeStatus.DECIDED, actor=cast.admin)
    return outcome.pk


def _grade(page, url):
    page.goto(f"{url}/results/new/")
    page.select_option("#id_suite", "党建工作成效考核")
    page.click("button:has-text('开始计算')")
    page.wait_for_selector("#run-progress[data-status=done]")


def test_the_office_reads_the_use_and_a_liaison_hands_in_the_explanation(
    live_server, settings, cast, year_data, browser, shots, tmp_path
):
    plain_http(settings)
    url = live_server.url
    admin = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    _grade(admin, url)
    in_thread(lambda: _decide(cast))

    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav a:has-text('结果运用')")
    admin.click("#outcomes a:has-text('党建工作成效考核')")
    admin.wait_for_selector("#units")
    assert "高质量发展" in admin.inner_text("#units")
    admin.click("button:has-text('要求报送书面说明')")
    admin.wait_for_selector("#units a:has-text('待报送')")
    admin.screenshot(path=str(shots / "results-use-page.png"), full_page=True)

    liaison = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    sign_in(liaison, url, "outsider", PASSWORD)  # 白水镇's liaison
    liaison.click("#todos a:has-text('报送书面说明')")
    document = tmp_path / "书面说明.pdf"
    document.write_bytes(PDF)
    liaison.set_input_files("input[type=file]", str(document))
    liaison.click("button:has-text('报送')")
    liaison.wait_for_selector("#state:has-text('已收到')")
    assert "书面说明.pdf" in liaison.inner_text("main")
    liaison.screenshot(path=str(shots / "results-use-explanation.png"), full_page=True)

    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav a:has-text('书面说明')")
    assert "已收到" in admin.inner_text("#explanations")


def test_a_whatif_with_a_lower_quota_shows_who_changes_grade(
    live_server, settings, cast, year_data, browser, shots
):
    from kaohe.results.models import FinalGrade, RunRow

    plain_http(settings)
    url = live_server.url
    admin = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    sign_in(admin, url, "admin", PASSWORD)
    _grade(admin, url)
    before = in_thread(lambda: list(RunRow.objects.values_list("pk", "grade", "score")))

    admin.click("nav summary:has-text('考核结果')")
    admin.click("nav a:has-text('模拟测算')")
    admin.select_option("#id_scheme", label="2024 党建工作成效考核")
    admin.click("button:has-text('复制方案并模拟')")
    admin.wait_for_selector("#whatif-changes")
    assert "模拟结果与正式结果相同" in admin.inner_text("#whatif-changes")

    admin.click("#yaml summary")
    text = admin.input_value("#id_text")
    admin.fill("#id_text", text + "quotas:\n- grade: 好\n  ratio: 0.5\n")
    admin.click("button:has-text('保存并模拟')")
    admin.wait_for_selector("#knobs legend:has-text('等次名额比例')")

    ratio = admin.locator("#knobs fieldset:has(legend:has-text('等次名额比例')) input")
    ratio.fill("0.1")
    admin.click("button:has-text('重新模拟')")
    admin.wait_for_selector("#changes tr.grade-changed")
    changes = admin.inner_text("#changes")
    assert "青山镇" in changes and "较好" in changes
    admin.screenshot(path=str(shots / "results-whatif-quota.png"), full_page=True)

    weight = admin.locator("#knobs fieldset:has(legend:has-text('计分权重')) input").nth(1)
    weight.fill("0.3")
    admin.click("button:has-text('重新模拟')")
    admin.wait_for_selector("#knobs .has-error .errorlist")
    admin.screenshot(path=str(shots / "results-whatif-error.png"), full_page=True)

    after = in_thread(lambda: list(RunRow.objects.values_list("pk", "grade", "score")))
    assert after == before
    assert in_thread(lambda: FinalGrade.objects.count()) == 0
