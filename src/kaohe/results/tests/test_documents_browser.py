"""The forms page in a real browser: the office picks forms and a scope, the batch runs in
the background (on commit, eagerly, in tests), the page shows its progress and then the
download; a batch for a year without results shows the Chinese reason. Screenshots:
``results-forms-*.png``."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, plain_http, shots
from kaohe.core.tests.browser import log_in as sign_in
from kaohe.results.tests.test_documents import year

pytestmark = MARKS
__all__ = ["browser", "shots", "year"]  # fixtures used by name


def test_the_office_makes_a_batch_of_forms_and_downloads_the_zip(
    live_server, settings, cast, year, browser, shots
):
    from kaohe.orgs.services import year_create

    year_create(actor=None, year=2025, name="2025年度")
    plain_http(settings)
    url = live_server.url
    page = browser.new_page(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    sign_in(page, url, "admin", PASSWORD)
    page.click("nav summary:has-text('考核结果')")  # the results' drop-down
    page.click("nav >> text=表格与报告")
    page.wait_for_selector("#templates")
    assert page.locator("#templates tbody tr").count() == 7
    page.screenshot(path=str(shots / "results-forms-page.png"), full_page=True)

    page.select_option("#id_year", label="2024年度")
    for label in ("县管干部年度考核登记表", "考核等次建议名单", "年度考核工作报告"):
        page.check(f"#batch-form label:has-text('{label}') input")
    page.select_option("#id_scope", "unit")
    page.select_option("#id_unit", label="白水镇")
    page.click("button:has-text('开始生成')")
    page.wait_for_selector("#batch-progress[data-status=done]")
    assert "共 6 个文件" in page.inner_text("#batch-done")
    page.screenshot(path=str(shots / "results-forms-batch.png"), full_page=True)
    with page.expect_download() as caught:
        page.click("#batch-download")
    data = Path(caught.value.path()).read_bytes()
    names = zipfile.ZipFile(BytesIO(data)).namelist()
    assert "县管干部年度考核登记表/白水镇/王一.docx" in names and len(names) == 6

    page.goto(f"{url}/results/documents/")
    page.select_option("#id_year", label="2025年度")
    page.check("#batch-form label:has-text('年度考核工作报告') input")
    page.click("button:has-text('开始生成')")
    page.wait_for_selector("#batch-progress[data-status=failed]")
    assert "2025 年度还没有完成的考核结果计算" in page.inner_text("#batch-message")
    page.screenshot(path=str(shots / "results-forms-failed.png"), full_page=True)

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(phone, url, "admin", PASSWORD)
    phone.goto(f"{url}/results/documents/")
    phone.screenshot(path=str(shots / "results-forms-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
