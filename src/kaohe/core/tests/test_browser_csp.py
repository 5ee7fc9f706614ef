"""In a real browser, as the office admin: every page of every walked app (the permission
walk's tables), the API's documentation (Swagger UI), an htmx search, the language switch
and the error pages keep the content security policy: no inline script or style, no eval,
nothing refused. Chromium reports each refusal as a ``securitypolicyviolation`` event and a
console error; either fails the test. Also the Chinese 404 page, with its screenshot."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from kaohe.conftest import PASSWORD
from kaohe.core.tests.browser import MARKS, browser, log_in, plain_http, shots
from kaohe.core.tests.test_permissions import TABLE, walk_objects

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

ADMIN = 1  # the admin's column in the walk's tables
LISTEN = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective}`
    + ` ${event.blockedURI || "inline"} at ${event.sourceFile || location.pathname}:${event.lineNumber}`);
});
"""


@pytest.fixture
def pages(live_server, settings, cast):
    """The URLs of every HTML page the admin may open (files and JSON left out), found
    before the browser starts: its event loop would keep a new database connection open."""
    plain_http(settings)
    objects = walk_objects(cast)
    client = Client()
    client.force_login(cast.admin)
    found = []
    for name, args, codes in TABLE:
        if codes[ADMIN] != 200:
            continue
        path = reverse(name, args=[objects[arg].pk for arg in args])
        response = client.get(path)
        if response["Content-Type"].startswith("text/html") and path not in found:
            found.append(path)
    return live_server.url, found


def _watch(page, problems):
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))


def test_every_page_keeps_the_content_security_policy(pages, browser, shots):
    url, paths = pages
    assert len(paths) > 40
    page = browser.new_page(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    problems: list[str] = []
    _watch(page, problems)
    log_in(page, url, "admin", PASSWORD)

    # The watch works: an inline style set from a script is refused and reported.
    page.evaluate("document.body.setAttribute('style', 'color: red')")
    page.wait_for_timeout(200)
    assert any("style-src" in problem for problem in problems), problems
    problems.clear()

    for path in paths:
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
    page.goto(f"{url}/api/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20000)

    page.goto(f"{url}/orgs/units/")  # htmx swaps the results in
    total = page.locator(".count").inner_text()
    page.fill("input[name=q]", "青山")
    page.wait_for_function(
        "(before) => document.querySelector('.count').innerText !== before", arg=total
    )
    page.select_option("#language-select", "en")  # core/kaohe.js submits the form
    page.wait_for_selector("text=Add unit")
    page.goto(f"{url}/no-such-page/")
    assert page.locator("h1").inner_text() == "Page not found"
    page.select_option("#language-select", "zh-hans")
    page.wait_for_selector("h1:text('页面不存在')")
    assert problems == []


def test_the_chinese_404_page_in_the_sites_layout(live_server, settings, cast, browser, shots):
    plain_http(settings)
    page = browser.new_page(viewport={"width": 1280, "height": 700}, locale="zh-CN")
    problems: list[str] = []
    _watch(page, problems)
    log_in(page, live_server.url, "liaison", PASSWORD)
    response = page.goto(f"{live_server.url}/orgs/cadres/{cast.cadre_b.pk}/")  # 白水镇's
    assert response.status == 404
    assert page.title().startswith("页面不存在")
    assert page.locator("h1").inner_text() == "页面不存在"
    assert page.locator(".error-page .code").inner_text() == "404"
    assert page.locator("a.button", has_text="返回首页").is_visible()
    assert page.locator("nav.nav").is_visible()  # the menu of the signed-in liaison
    assert "李白水" not in page.content()
    page.screenshot(path=shots / "error-404.png")
    assert problems == []


def test_the_500_page_is_styled_without_the_request(live_server, settings, browser, shots, db):
    plain_http(settings)
    settings.ROOT_URLCONF = "kaohe.core.tests.error_urls"
    page = browser.new_page(viewport={"width": 1280, "height": 600}, locale="zh-CN")
    problems: list[str] = []
    _watch(page, problems)
    response = page.goto(f"{live_server.url}/test-fail/")
    assert response.status == 500
    assert page.locator("h1").inner_text() == "服务器出错"
    assert page.locator("header .brand").inner_text().endswith("考核管理系统")
    assert page.locator(".error-page").evaluate("node => getComputedStyle(node).textAlign") == (
        "center"
    )  # the stylesheet loaded
    page.screenshot(path=shots / "error-500.png")
    assert problems == []
