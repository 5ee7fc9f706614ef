"""A smoke test in a real browser: Debian's chromium driven by Playwright.

Logs in as the office admin on the demo county, opens the units list and searches it,
looks at the main pages (desktop and phone width, Chinese and English), and checks that a
liaison of another unit sees nothing of 青山镇. Screenshots go to a temporary directory, or
to the directory named by ``KAOHE_SCREENSHOTS`` (``KAOHE_SCREENSHOTS=docs/screenshots``
refreshes the committed ones).
"""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, log_in, plain_http, shots

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name


@pytest.fixture
def site(live_server, settings):
    from kaohe.demo.services import DEMO_PASSWORD, demo_load

    plain_http(settings)
    demo_load()
    return live_server.url, DEMO_PASSWORD


@pytest.fixture
def qingshan_pk(site):
    # Queried before the browser starts: once Playwright's loop runs in this thread, a new
    # database connection would live in another context and outlive the test database.
    from kaohe.orgs.models import Unit

    return Unit.objects.get(name="青山镇").pk


def test_the_office_admin_logs_in_and_searches_the_units(site, browser, shots):
    url, password = site
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page.goto(f"{url}/login/")
    assert page.title().startswith("登录")
    page.screenshot(path=shots / "login.png")

    log_in(page, url, "admin", password)
    assert page.url.rstrip("/") == url
    assert page.locator("h1").inner_text().startswith("您好")
    page.screenshot(path=shots / "home.png", full_page=True)

    page.click("nav.nav >> text=单位")
    page.wait_for_selector("#results table")
    total = page.locator(".count").inner_text()
    assert "共 73 个单位" in total
    page.fill("input[name=q]", "镇")
    page.wait_for_function(
        "(before) => document.querySelector('.count').innerText !== before", arg=total
    )
    names = page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()
    assert names and all("镇" in name for name in names)
    assert "q=" in page.url  # htmx pushed the search into the address bar
    page.screenshot(path=shots / "units-search.png", full_page=True)

    page.goto(f"{url}/orgs/units/")
    page.screenshot(path=shots / "units.png")
    page.goto(f"{url}/orgs/cadres/?special=seconded")
    assert page.locator("#results tbody tr").count() >= 8
    page.screenshot(path=shots / "cadres-seconded.png", full_page=True)
    page.click("#results tbody tr:first-child a")
    page.wait_for_selector("text=任职经历")
    page.screenshot(path=shots / "cadre-detail.png", full_page=True)
    page.goto(f"{url}/audit/")
    page.screenshot(path=shots / "audit-log.png")
    page.goto(f"{url}/orgs/units/new/")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector(".errorlist")
    page.screenshot(path=shots / "unit-form-errors.png", full_page=True)

    page.goto(f"{url}/orgs/units/")
    page.select_option("#language-select", "en")
    page.wait_for_selector("text=Add unit")
    page.screenshot(path=shots / "units-english.png")


@pytest.fixture
def menus_by_user(site):
    """Each demo user's role and the menu entries its role allows, from the one roles table
    (read before the browser starts)."""
    from kaohe.core.models import User
    from kaohe.core.registry import menu_items
    from kaohe.core.roles import Action, can, role_of

    return {
        user.username: (
            str(role_of(user).label),
            [str(item.label) for item in menu_items() if can(user, Action(item.action))],
        )
        for user in User.objects.all()
    }


def test_every_role_logs_in_and_sees_the_menu_its_role_allows(site, menus_by_user, browser, shots):
    url, password = site
    assert len({role for role, _menu in menus_by_user.values()}) == 6  # every role has a user
    for username, (role, menu) in menus_by_user.items():
        context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
        page = context.new_page()
        log_in(page, url, username, password)
        assert page.locator(".userbox .role").inner_text() == role, username
        for group in page.locator("nav.nav details").all():
            group.locator("summary").click()
        shown = [text.strip() for text in page.locator("nav.nav a").all_inner_texts()]
        assert shown == menu, username
        bar = page.locator("header.topbar").bounding_box()
        if username == "admin":
            page.screenshot(path=shots / "menu-settings.png")
        assert bar is not None and bar["height"] < 70, f"{username}: the menu bar wraps"
        if username == "admin":
            page.screenshot(path=shots / "menu-settings.png")
        context.close()


def test_pages_work_at_phone_width(site, browser, shots):
    url, password = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    log_in(page, url, "admin", password)
    page.goto(f"{url}/orgs/cadres/")
    assert not page.locator("nav.nav").is_visible()
    page.screenshot(path=shots / "phone-cadres.png")
    page.click("label.nav-toggle-label")
    assert page.locator("nav.nav").is_visible()
    page.screenshot(path=shots / "phone-menu.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page itself must not scroll sideways (tables scroll inside)"


def test_a_liaison_of_another_unit_sees_nothing_of_qingshan(site, qingshan_pk, browser, shots):
    url, password = site
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    log_in(page, url, "liaison2", password)
    page.goto(f"{url}/orgs/units/")
    rows = page.locator("#results tbody tr").all_inner_texts()
    assert len(rows) == 1 and "白水镇" in rows[0]
    response = page.goto(f"{url}/orgs/units/{qingshan_pk}/")
    assert response.status == 404
    page.goto(f"{url}/orgs/cadres/")
    assert "青山镇" not in page.content()
    page.screenshot(path=shots / "liaison-cadres.png")
