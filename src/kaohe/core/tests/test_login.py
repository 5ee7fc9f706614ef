from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.conftest import PASSWORD
from kaohe.core.models import AuditEntry, LoginThrottle


def login(client, username, password, address="127.0.0.1"):
    return client.post(
        reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


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


def test_a_wrong_password_shows_an_error_and_counts_a_failure_without_an_audit_row(client, cast):
    response = login(client, "liaison", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert LoginThrottle.objects.get(address="127.0.0.1", username="liaison").failures == 1
    assert LoginThrottle.objects.get(address="127.0.0.1", username="").failures == 1
    assert not AuditEntry.objects.filter(action__startswith="login.").exists()


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
    lock = AuditEntry.objects.get(action="login.lock")
    assert (lock.object_repr, lock.after["address"], lock.after["failures"]) == (
        "liaison", "127.0.0.1", 3
    )  # fmt: skip
    assert AuditEntry.objects.filter(action__startswith="login.").count() == 1


def test_a_locked_username_does_not_stop_another_user_at_the_same_address(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    login(client, "liaison", "wrong")
    login(client, "liaison", "wrong")
    assert login(client, "admin", PASSWORD).status_code == 302


def test_a_lock_runs_out_after_the_configured_period(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCK_MINUTES = 15
    login(client, "liaison", "wrong")
    login(client, "liaison", "wrong")
    row = LoginThrottle.objects.get(address="127.0.0.1", username="liaison")
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


def test_a_stranger_cannot_lock_the_office_admin_out_from_another_address(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 5
    for _ in range(5):
        login(client, "admin", "guess", address="203.0.113.9")
    assert login(client, "admin", PASSWORD, address="203.0.113.9").status_code == 429
    # The office's own address is not locked: the admin logs in.
    assert login(client, "admin", PASSWORD, address="10.0.0.8").status_code == 302


def test_one_address_trying_many_usernames_is_locked_as_a_whole(client, cast, settings):
    settings.LOGIN_MAX_FAILURES = 5
    settings.LOGIN_MAX_ADDRESS_FAILURES = 4
    for name in ("admin", "scorer", "liaison", "leader"):
        assert login(client, name, "guess", address="203.0.113.9").status_code in (200, 429)
    refused = login(client, "team", PASSWORD, address="203.0.113.9")
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    assert login(client, "team", PASSWORD, address="10.0.0.8").status_code == 302
    lock = AuditEntry.objects.get(action="login.lock_address")
    assert lock.object_repr == "203.0.113.9"
    assert not AuditEntry.objects.filter(action="login.lock").exists()


def test_a_success_does_not_reset_its_address_count(client, cast, settings):
    # A user with an account must not clear the address count between guesses at others.
    settings.LOGIN_MAX_ADDRESS_FAILURES = 3
    login(client, "admin", "guess")
    login(client, "scorer", "guess")
    assert login(client, "liaison", PASSWORD).status_code == 302
    client.logout()
    login(client, "admin", "guess")
    assert login(client, "leader", PASSWORD).status_code == 429


def test_address_failures_older_than_the_lock_period_start_a_fresh_count(client, cast, settings):
    settings.LOGIN_MAX_ADDRESS_FAILURES = 2
    login(client, "admin", "guess")
    row = LoginThrottle.objects.get(address="127.0.0.1", username="")
    row.last_failure_at -= dt.timedelta(minutes=settings.LOGIN_LOCK_MINUTES + 1)
    row.save(update_fields=["last_failure_at"])
    login(client, "scorer", "guess")
    assert login(client, "leader", PASSWORD).status_code == 302


def test_behind_a_proxy_the_address_is_the_last_one_the_proxy_added(client, cast, settings):
    settings.LOGIN_ADDRESS_HEADER = "X-Forwarded-For"
    client.post(
        reverse("core:login"),
        {"username": "admin", "password": "guess"},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7",
    )
    assert LoginThrottle.objects.filter(address="198.51.100.7", username="admin").exists()


def test_a_user_name_over_150_characters_is_refused_cleanly(client, cast):
    response = login(client, "x" * 10_000, "guess")
    assert response.status_code == 200
    assert "150" in response.content.decode()
    assert not LoginThrottle.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="login.").exists()


def test_a_user_name_with_a_control_character_is_refused_with_a_clear_message(client, cast):
    response = login(client, "ctl\x0bname", "guess")
    page = response.content.decode()
    assert response.status_code == 200
    assert "控制字符" in page and "U+000B" in page
    assert not LoginThrottle.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="login.").exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_refused_login_leaves_no_transaction_open_and_the_next_login_works(client):
    from django.db import connection

    from kaohe.core.roles import Role
    from kaohe.core.services import user_create

    user_create(actor=None, username="admin", password=PASSWORD, role=Role.OFFICE_ADMIN,
                validate=False)  # fmt: skip
    for hostile in ("ctl\x0bname", "nul\x00name", '=HYPERLINK("x")', "y" * 5000):
        assert login(client, hostile, "guess").status_code == 200, hostile
        assert not connection.in_atomic_block
    assert login(client, "admin", PASSWORD).status_code == 302
