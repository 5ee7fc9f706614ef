from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from kaohe.conftest import PASSWORD
from kaohe.core.models import AuditEntry, LoginThrottle


def login(client, username, password):
    return client.post(reverse("core:login"), {"username": username, "password": password})


def test_a_user_logs_in_and_lands_on_the_home_page(client, cast):
    response = login(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("home:index")
    assert AuditEntry.objects.filter(action="login.success", actor=cast.admin).exists()


def test_login_follows_a_safe_next_url_only(client, cast):
    url = reverse("core:login")
    ok = client.post(url, {"username": "admin", "password": PASSWORD, "next": "/orgs/units/"})
    assert ok["Location"] == "/orgs/units/"
    client.logout()
    evil = client.post(
        url, {"username": "admin", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert evil["Location"] == reverse("home:index")


def test_a_wrong_password_shows_an_error_and_counts_a_failure(client, cast):
    response = login(client, "liaison", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert LoginThrottle.objects.get(username="liaison").failures == 1
    assert AuditEntry.objects.filter(action="login.fail", object_repr="liaison").exists()


def test_it_locks_a_username_after_repeated_failures(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert login(client, "liaison", "wrong").status_code == 200
    locked = login(client, "liaison", "wrong")
    assert locked.status_code == 429
    assert "已暂时锁定" in locked.content.decode()
    # Even the right password is refused while locked.
    assert login(client, "liaison", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login.lock").count() == 1


def test_the_lock_counts_per_username_not_per_client(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    login(client, "liaison", "wrong")
    login(client, "liaison", "wrong")
    assert login(client, "admin", PASSWORD).status_code == 302


def test_a_lock_runs_out_after_the_configured_period(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCK_MINUTES = 15
    login(client, "liaison", "wrong")
    login(client, "liaison", "wrong")
    row = LoginThrottle.objects.get(username="liaison")
    assert row.locked_until - row.last_failure_at == dt.timedelta(minutes=15)
    row.locked_until = timezone.now() - dt.timedelta(seconds=1)
    row.save(update_fields=["locked_until"])
    assert login(client, "liaison", PASSWORD).status_code == 302
    assert not LoginThrottle.objects.filter(username="liaison").exists()


def test_a_success_resets_the_failure_count(client, cast):
    login(client, "liaison", "wrong")
    login(client, "liaison", PASSWORD)
    assert not LoginThrottle.objects.filter(username="liaison").exists()


def test_unknown_usernames_are_throttled_like_real_ones(client, db, settings):
    settings.LOGIN_MAX_FAILURES = 2
    login(client, "ghost", "x")
    assert login(client, "ghost", "x").status_code == 429


def test_usernames_are_throttled_case_insensitively(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    login(client, "Liaison", "wrong")
    login(client, "LIAISON", "wrong")
    assert login(client, "liaison", PASSWORD).status_code == 429


def test_logout_needs_a_post_and_is_audited(client, cast):
    client.force_login(cast.leader)
    response = client.post(reverse("core:logout"))
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="logout", actor=cast.leader).exists()
    assert client.get(reverse("home:index")).status_code == 302


def test_the_login_page_is_in_chinese_and_switches_to_english(client, db):
    page = client.get(reverse("core:login")).content.decode()
    assert "登录" in page and 'lang="zh-CN"' in page
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    english = client.get(reverse("core:login")).content.decode()
    assert "Log in" in english and "Username" in english
    assert 'lang="en"' in english
