"""The password rules refuse what is easy to guess (zxcvbn's estimate, with the site's
and the user's words and common Chinese ones) and say why in Chinese."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaohe.core.passwords import StrengthValidator

LIAISON = SimpleNamespace(username="liaison", display_name="青山镇 联络员")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("passwordpassword", "重复的字符或词"),
        ("Kaohe2019!", "本系统名称"),
        ("Kaohe2019!", "年份或日期"),
        ("abcdefghijklmn", "连续的字母或数字"),
        ("1qaz2wsx3edc", "常见密码"),
        ("asdfghjkl;'zx", "键盘上相邻的按键"),
        ("zhangsan1990", "常见拼音"),
        ("woaini1314520", "常见拼音"),
        ("liaison2024!", "用户名"),
    ],
)
def test_a_guessable_password_is_refused_with_the_reason_in_chinese(password, reason):
    with pytest.raises(ValidationError) as error:
        StrengthValidator().validate(password, LIAISON)
    assert error.value.code == "password_too_guessable"
    assert reason in error.value.messages[0] and "密码太容易被猜到" in error.value.messages[0]


@pytest.mark.parametrize(
    "password", ["Zb7#kq2Lm9pW", "tiger-lamp-9-cloud", "correct horse battery", "kaohe-demo-2019"]
)
def test_a_hard_to_guess_password_is_accepted(password):
    StrengthValidator().validate(password, LIAISON)


def test_the_settings_apply_the_rule_and_a_very_long_password_is_quick(settings):
    with pytest.raises(ValidationError):
        validate_password("Kaohe2019!")
    validate_password("Zb7#kq2Lm9pW" + "x" * 10_000)  # only the first characters are scored


def test_the_reset_page_shows_why_a_password_is_refused(client, cast):
    client.force_login(cast.admin)
    url = reverse("core:user_password", args=[cast.leader.pk])
    page = client.post(url, {"password1": "passwordpassword", "password2": "passwordpassword"})
    assert "重复的字符或词" in page.content.decode()
    cast.leader.refresh_from_db()
    assert not cast.leader.check_password("passwordpassword")


def test_the_demo_users_password_passes_the_rules():
    from kaohe.demo.services import DEMO_PASSWORD

    validate_password(
        DEMO_PASSWORD, SimpleNamespace(username="admin", display_name="考核办 王主任")
    )
