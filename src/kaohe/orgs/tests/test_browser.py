"""In a real browser (Debian's chromium): the office imports the LibreOffice cadre workbook
through the Excel page (a background job: its page shows the outcome) and again (nothing
doubles), sees a bad workbook's errors by row and column and downloads it with the bad
cells marked, and a liaison of
another unit sees none of the imported cadres. Also screenshots of the users, teams, years,
token and API documentation pages (``KAOHE_SCREENSHOTS=docs/screenshots`` keeps them)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kaohe.core.tests.browser import MARKS, browser, log_in, plain_http, shots

__all__ = ["browser", "shots"]  # fixtures used by name

FIXTURE = Path(__file__).parent / "fixtures" / "cadres-libreoffice.xlsx"

pytestmark = MARKS
PASSWORD = "Browser-test-pass-9"


@pytest.fixture
def site(live_server, settings):
    """The units of the cast and two liaisons, made before the browser starts."""
    from kaohe.api.services import token_create
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create
    from kaohe.orgs import services
    from kaohe.orgs.models import UnitCategory

    plain_http(settings)
    town = UnitCategory.objects.get(name="镇街")
    dept = UnitCategory.objects.get(name="县直部门")
    qingshan = services.unit_create(actor=None, code="qingshan", name="青山镇", category=town)
    baishui = services.unit_create(actor=None, code="baishui", name="白水镇", category=town)
    services.unit_create(actor=None, code="zuzhibu", name="县委组织部", category=dept)
    services.year_create(actor=None, year=2024, name="2024年度")

    def user(name, role, unit=None, display=""):
        return user_create(actor=None, username=name, password=PASSWORD, role=role, unit=unit,
                           display_name=display, validate=False)  # fmt: skip

    admin = user("admin", Role.OFFICE_ADMIN, display="考核办")
    user("liaison", Role.LIAISON, qingshan, "青山镇联络员")
    user("liaison2", Role.LIAISON, baishui, "白水镇联络员")
    bot = user("ganbu-system", Role.LEADER, display="干部信息系统")
    token_create(actor=admin, user=bot, name="干部信息系统")
    return live_server.url


def _bad_workbook(tmp_path):
    from kaohe.orgs.workbooks import CADRES

    book = Workbook()
    sheet = book.active
    sheet.title = CADRES.sheet
    sheet.append(CADRES.headers)
    sheet.append([None, "某人", "男", "去年", "处长", None, "nowhere", None, "科员"])
    sheet.append([None, "", None, None, None, None, "qingshan", None, None, None, "扫地"])
    path = tmp_path / "bad-cadres.xlsx"
    buffer = BytesIO()
    book.save(buffer)
    path.write_bytes(buffer.getvalue())
    return path


def test_the_office_imports_cadres_and_another_unit_sees_none(site, browser, shots, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, site, "admin", PASSWORD)
    page.goto(f"{site}/orgs/cadres/")
    page.click("main a:has-text('Excel 导入导出')")
    page.wait_for_selector("h1:has-text('Excel 导入导出')")
    assert page.locator("#id_kind").input_value() == "cadres"

    page.set_input_files("#id_file", str(_bad_workbook(tmp_path)))
    page.click("form.stacked button[type=submit]")
    page.wait_for_url("**/jobs/*/")  # the import is a background job with its own page
    page.wait_for_selector("#import-errors")
    rows = page.locator("#import-errors tbody tr").all_inner_texts()
    assert any("D（出生日期）" in r and "去年" in r for r in rows)
    assert any(r.startswith("3") and "B（姓名）" in r for r in rows)
    assert "未导入任何数据" in page.content()
    page.screenshot(path=shots / "orgs-import-errors.png", full_page=True)
    with page.expect_download() as download:  # the workbook back, its bad cells marked
        page.click("#rejected-download")
    marked = load_workbook(BytesIO(Path(download.value.path()).read_bytes()))["干部"]
    assert "去年" in marked["D2"].comment.text and marked["D2"].fill.fgColor.rgb.endswith("FFC7CE")

    page.click("main a:has-text('Excel 导入导出')")
    page.select_option("#id_kind", "cadres")
    page.set_input_files("#id_file", str(FIXTURE))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#job-state[data-status=done] .messages .success")
    assert "新增 4 条" in page.locator(".messages").inner_text()
    assert "已完成" in page.locator("#job-state").inner_text()
    page.screenshot(path=shots / "orgs-import-done.png", full_page=True)

    page.click("main a:has-text('Excel 导入导出')")  # the same workbook again: no doubles
    page.select_option("#id_kind", "cadres")
    page.set_input_files("#id_file", str(FIXTURE))
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#job-state[data-status=done] .messages .success")
    assert "新增 0 条，修改 0 条，未变 4 条" in page.locator(".messages").inner_text()
    page.screenshot(path=shots / "orgs-reimport.png", full_page=True)
    page.click("main a:has-text('后台任务')")
    page.wait_for_selector("h1:has-text('后台任务')")
    assert page.locator("table.list tbody tr").count() == 3
    page.screenshot(path=shots / "job-list.png", full_page=True)
    page.goto(f"{site}/orgs/cadres/?q=赵青禾")
    assert "青山镇" in page.locator("#results tbody").inner_text()

    for name, path in (("users.png", "/users/"), ("teams.png", "/orgs/teams/"),
                       ("years.png", "/orgs/years/"), ("api-tokens.png", "/api/tokens/")):  # fmt: skip
        page.goto(f"{site}{path}")
        page.screenshot(path=shots / name, full_page=True)
    page.goto(f"{site}/api/")
    page.wait_for_selector(".swagger-ui .opblock")
    page.screenshot(path=shots / "api-doc.png")

    other = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(other, site, "liaison2", PASSWORD)
    other.goto(f"{site}/orgs/cadres/")
    text = other.content()
    for name in ("赵青禾", "钱山岚", "孙溪远", "李组宣"):
        assert name not in text
    response = other.goto(f"{site}/api/cadres/")
    assert response.status == 200 and "赵青禾" not in other.content()
    assert other.goto(f"{site}/orgs/excel/").status == 403

    mine = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(mine, site, "liaison", PASSWORD)
    mine.goto(f"{site}/orgs/cadres/")
    assert "赵青禾" in mine.content()
