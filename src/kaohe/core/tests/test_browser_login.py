"""In the browser: the login form refuses a user name with a control character with a
clear message (no 500, nothing stored), and the password page says in Chinese why a
guessable password is refused. Screenshots: login-control-character.png,
password-too-guessable.png."""

from __future__ import annotations

import pytest

from kaohe.core.tests.browser import MARKS, browser, log_in, plain_http, shots

pytestmark = MARKS
__all__ = ["browser", "shots"]  # fixtures used by name

PASSWORD = "Zb7#kq2Lm9pW"


@pytest.fixture
def site(live_server, settings):
    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    plain_http(settings)
    user_create(actor=None, username="admin", password=PASSWORD, role=Role.OFFICE_ADMIN,
                display_name="考核办 王主任")  # fmt: skip
    leader = user_create(actor=None, username="leader", password=PASSWORD, role=Role.LEADER)
    return live_server.url, leader.pk


def test_a_hostile_user_name_and_a_guessable_password_are_refused_in_chinese(site, browser, shots):
    url, leader_pk = site
    page = browser.new_page(viewport={"width": 1280, "height": 760}, locale="zh-CN")
    log_in(page, url, "ctl\x0bname", "guess")
    assert "第 4 个字符是不允许的控制字符（U+000B）" in page.content()
    page.screenshot(path=shots / "login-control-character.png")

    log_in(page, url, "admin", PASSWORD)
    page.goto(f"{url}/users/{leader_pk}/password/")
    page.fill("#id_password1", "passwordpassword")
    page.fill("#id_password2", "passwordpassword")
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "密码太容易被猜到" in page.content() and "重复的字符或词" in page.content()
    page.screenshot(path=shots / "password-too-guessable.png")
