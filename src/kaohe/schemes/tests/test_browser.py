"""The schemes pages in a real browser: Debian's chromium driven by Playwright.

The office admin creates the 党建 schemes from a preset and publishes one, tries the
LibreOffice workbook on a 镇街 system (the demo county has no unit coded ``zuzhibu``, so
the page lists that row's error), edits an indicator of the draft and publishes it; the
scorer of 县委组织部 files a change request; a scorer of another unit cannot open the
request nor the system; the admin approves it and looks at the diff. Screenshots go to a
temporary directory, or to ``KAOHE_SCREENSHOTS`` (``KAOHE_SCREENSHOTS=docs/screenshots``
refreshes the committed ``schemes-*.png``).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaohe.core.tests.browser import MARKS, browser, in_thread, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in

FIXTURE = Path(__file__).parent / "fixtures" / "indicators-libreoffice.xlsx"

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


@pytest.fixture
def site(live_server, settings):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.demo.services import DEMO_PASSWORD, demo_load
    from kaohe.orgs.models import Unit

    plain_http(settings)
    demo_load(year=2024)
    user_create(
        actor=None, username="jiwei", password=DEMO_PASSWORD, role=Role.SCORER,
        unit=Unit.objects.get(name="县纪委监委"), display_name="纪委 评分人",
    )  # fmt: skip
    return live_server.url, DEMO_PASSWORD


def log_in(browser, url, username, password):
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    sign_in(page, url, username, password)
    return page


def test_schemes_from_preset_to_an_approved_change(site, browser, shots):
    from kaohe.orgs.models import Unit
    from kaohe.schemes.models import ChangeRequest, IndicatorSystem, Scheme
    from kaohe.schemes.tests.factories import build_tree

    url, password = site
    admin = log_in(browser, url, "admin", password)

    # a scheme from a preset, published
    admin.click("nav summary:has-text('方案')")  # the schemes' drop-down
    admin.click("nav >> text=考核方案")
    admin.click("a.button:has-text('由预置方案创建')")
    admin.select_option("#id_year", label="2024年度")
    admin.wait_for_load_state("networkidle")  # htmx redraws the presets for the year
    admin.check("input[value='seed001-party']")
    admin.screenshot(path=shots / "schemes-preset.png", full_page=True)
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("h1").inner_text().startswith("党建工作成效考核")
    admin.click("button:has-text('发布')")
    admin.wait_for_load_state("networkidle")
    assert "已发布" in admin.locator("h1").inner_text()
    admin.screenshot(path=shots / "schemes-detail.png", full_page=True)
    admin.goto(f"{url}/schemes/")
    admin.screenshot(path=shots / "schemes-list.png", full_page=True)

    # a 镇街 system: the LibreOffice workbook is refused row by row (no unit zuzhibu here)
    party = in_thread(lambda: Scheme.objects.get(code="party"))
    admin.goto(f"{url}/schemes/systems/new/?scheme={party.pk}")
    admin.select_option("#id_category", label="镇街")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    admin.click("a.button:has-text('从 Excel 导入')")
    admin.set_input_files("#id_file", str(FIXTURE))
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    errors = admin.locator("table.errors-table").inner_text()
    assert re.search(r"6\s+J（考核责任单位）\s+没有名称或编码为“zuzhibu”的单位", errors)
    admin.screenshot(path=shots / "schemes-import-errors.png", full_page=True)

    def draft_system():
        system = IndicatorSystem.objects.get(category__name="镇街")
        build_tree(system, responsible=Unit.objects.get(name="县委组织部"))
        return system

    system = in_thread(draft_system)

    # edit an indicator of the draft, then publish
    admin.goto(f"{url}/schemes/systems/{system.pk}/")
    admin.click("#indicator-1\\.1 >> text=编辑")
    admin.fill("#id_name", "党委理论学习中心组学习")
    admin.fill("#id_rule", "全年专题学习不少于12次，每少1次扣1分")
    admin.check("#id_evidence_required")
    admin.fill("#id_evidence_text", "学习计划、会议记录")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "党委理论学习中心组学习" in admin.locator("#indicator-1\\.1").inner_text()
    admin.screenshot(path=shots / "schemes-system-draft.png", full_page=True)
    admin.click("button:has-text('发布')")
    admin.wait_for_load_state("networkidle")
    assert "已发布" in admin.locator("h1").inner_text()
    admin.screenshot(path=shots / "schemes-system-published.png", full_page=True)

    # the scorer of 县委组织部 files a change request
    scorer = log_in(browser, url, "scorer", password)
    scorer.goto(f"{url}/schemes/systems/")
    scorer.click(f"text={system.name}")
    scorer.click("#indicator-1\\.1 >> text=申请变更")
    scorer.fill("#id_reason", "按县委部署，中心组学习改为每季度专题研讨")
    scorer.fill("#id_change-0-name", "党委理论学习中心组专题研讨")
    assert scorer.locator("fieldset.op").count() == 2  # the indicator's item and one empty
    scorer.click("#change-op-add")  # one more item, numbered on
    assert scorer.locator("fieldset.op").count() == 3
    assert "第 3 项" in scorer.locator("fieldset.op").nth(2).inner_text()
    assert scorer.evaluate("document.activeElement.id") == "id_change-2-op"
    scorer.select_option("#id_change-2-op", "update")
    scorer.fill("#id_change-2-code", "1.1")
    scorer.fill("#id_change-2-evidence_text", "专题研讨记录")
    scorer.screenshot(path=shots / "schemes-change-form.png", full_page=True)
    scorer.evaluate("document.getElementById('id_change-MAX_NUM_FORMS').value = '4'")
    scorer.click("#change-op-add")  # the fourth, left empty, is the last the formset takes
    assert scorer.locator("fieldset.op").count() == 4
    assert not scorer.locator("#change-op-add").is_visible()
    scorer.click("button:has-text('提交申请')")
    scorer.wait_for_load_state("networkidle")
    change = in_thread(ChangeRequest.objects.get)
    assert scorer.url.endswith(f"/schemes/changes/{change.pk}/")
    assert [c["fields"] for c in change.changes] == [
        {"name": "党委理论学习中心组专题研讨"}, {"evidence_text": "专题研讨记录"}
    ]  # fmt: skip

    # a scorer of another unit cannot open the request nor the system
    other = log_in(browser, url, "jiwei", password)
    for path in (f"/schemes/changes/{change.pk}/", f"/schemes/systems/{system.pk}/"):
        response = other.goto(f"{url}{path}")
        assert response.status == 404
    other.goto(f"{url}/schemes/changes/")
    assert "党委理论学习中心组" not in other.content()
    other.goto(f"{url}/schemes/systems/")
    assert system.name not in other.content()

    # the office approves it: version 2, and the diff shows the change
    admin.goto(f"{url}/schemes/changes/")
    admin.screenshot(path=shots / "schemes-changes.png", full_page=True)
    admin.click(f"text=#{change.pk}")
    admin.check("input[value='approved']")
    admin.fill("#id_note", "同意")
    admin.screenshot(path=shots / "schemes-change-decide.png", full_page=True)
    admin.click("button:has-text('提交审批结果')")
    admin.wait_for_load_state("networkidle")
    assert "已批准" in admin.locator("h1").inner_text()
    admin.click("dd >> text=v2")
    admin.wait_for_load_state("networkidle")
    diff = admin.locator("section.diff").inner_text()
    assert "党委理论学习中心组学习" in diff and "党委理论学习中心组专题研讨" in diff
    admin.screenshot(path=shots / "schemes-diff.png", full_page=True)

    # the same system on a phone
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.context.add_cookies(admin.context.cookies())
    phone.goto(f"{url}/schemes/systems/{system.pk}/")
    phone.screenshot(path=shots / "schemes-system-phone.png", full_page=True)


def test_the_scheme_form_shows_an_engine_error_beside_its_field_then_locking_and_unlocking(
    site, browser, shots
):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import AssessmentYear
    from kaohe.schemes import services
    from kaohe.schemes.models import Scheme

    url, password = site

    def cadre_scheme():
        year = AssessmentYear.objects.get(year=2024)
        made = services.scheme_create_from_preset(actor=None, year=year, preset_id="seed004-annual")
        return made[1]

    scheme = in_thread(cadre_scheme)
    admin = log_in(browser, url, "admin", password)

    # the preset form says what the open year already has; another year (htmx) has nothing
    admin.goto(f"{url}/schemes/from-preset/")
    made = admin.locator("li.made")
    assert (
        "2024年度已由此创建：领导班子年度考核（草稿）、领导干部年度考核（草稿）"
        in made.inner_text()
    )
    assert admin.locator("input[value='seed004-annual']").is_disabled()
    admin.screenshot(path=shots / "schemes-preset-made.png", full_page=True)
    admin.select_option("#id_year", label="2023年度")
    admin.wait_for_selector("li.made", state="detached")
    assert admin.locator("input[value='seed004-annual']").is_enabled()

    admin.goto(f"{url}/schemes/{scheme.pk}/")
    admin.click("a.button:has-text('修改方案')")
    admin.wait_for_load_state("networkidle")
    rules = admin.locator("#section-rules").inner_text()
    assert "等次限制：是党政正职（单列），且（所在单位有「辖区内群体性事件」标记" in rules
    assert "004 一(三)5: 本辖区内出现群体性事件的" in admin.content()  # a condition's clause
    admin.screenshot(path=shots / "schemes-form.png", full_page=True)

    # one more grade line, added by htmx; a grade the scheme does not have
    rows = admin.locator("#rows-bands tr").count()
    admin.click("#section-bands button:has-text('添加一行')")
    admin.wait_for_selector(f"#id_bands-{rows}-grade")
    assert admin.input_value("#id_bands-TOTAL_FORMS") == str(rows + 1)
    admin.fill(f"#id_bands-{rows}-grade", "良好")
    admin.fill(f"#id_bands-{rows}-minimum", "75")
    admin.fill(f"#id_bands-{rows}-note", "试填")
    admin.click("button:has-text('校验并保存')")
    admin.wait_for_load_state("networkidle")
    beside = admin.locator(f"#id_bands-{rows}-minimum_errors")
    assert beside.inner_text() == "未知的等次 良好"
    assert beside.is_visible()
    admin.locator(f"#id_bands-{rows}-minimum").scroll_into_view_if_needed()
    admin.screenshot(path=shots / "schemes-form-error.png")
    admin.check(f"#id_bands-{rows}-DELETE")  # drop the line; change a clause note instead
    admin.fill("#id_quotas-0-ratio", "0.18")
    rule = admin.locator(".rule-block").count()  # a new rule and its condition, by htmx
    admin.click("button:has-text('添加规则')")
    admin.wait_for_selector(f"#id_rules-{rule}-id")
    admin.fill(f"#id_rules-{rule}-id", "incident")
    admin.fill(f"#id_rules-{rule}-value", "基本称职")
    condition = int(admin.input_value("#id_conditions-TOTAL_FORMS"))
    admin.locator(".rule-block").last.locator("button:has-text('添加条件')").click()
    admin.wait_for_selector(f"#id_conditions-{condition}-kind")
    admin.select_option(f"#id_conditions-{condition}-kind", "unit_flag")
    admin.fill(f"#id_conditions-{condition}-name", "群体性事件")
    admin.fill("#id_note", "优秀比例下调")
    admin.click("button:has-text('校验并保存')")
    admin.wait_for_load_state("networkidle")
    assert "已保存为新版本" in admin.content()
    assert "v2" in admin.locator(".page-head p.muted").inner_text()
    summary = admin.locator("#scheme-summary").inner_text()
    assert "等次限制：所在单位有「群体性事件」标记 → 等次不高于 基本称职" in summary
    admin.screenshot(path=shots / "schemes-detail-summary.png", full_page=True)

    # publish, then lock after reading what locking means
    admin.click("button:has-text('发布')")
    admin.wait_for_load_state("networkidle")
    admin.click("a.button:has-text('锁定')")
    admin.wait_for_load_state("networkidle")
    confirm = admin.locator("#lock-confirm").inner_text()
    assert "锁定意味着" in confirm and "计算考核结果时使用本方案的当前版本 v2" in confirm
    assert in_thread(lambda: Scheme.objects.get(pk=scheme.pk).status) == "published"
    admin.screenshot(path=shots / "schemes-lock.png", full_page=True)
    admin.click("button:has-text('确认锁定')")
    admin.wait_for_load_state("networkidle")
    assert "已锁定" in admin.locator("h1").inner_text()

    # unlock: a reason is required, and the audit row keeps it
    admin.click("a.button:has-text('解锁')")
    admin.wait_for_load_state("networkidle")
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert admin.locator("#id_reason_errors").is_visible()
    admin.fill("#id_reason", "县委常委会决定调整单列名单的比例")
    admin.screenshot(path=shots / "schemes-unlock.png", full_page=True)
    admin.click("form.stacked button[type=submit]")
    admin.wait_for_load_state("networkidle")
    assert "已发布" in admin.locator("h1").inner_text()
    entry = in_thread(lambda: AuditEntry.objects.filter(action="scheme.status").latest("pk"))
    assert entry.after == {"status": "published", "reason": "县委常委会决定调整单列名单的比例"}
