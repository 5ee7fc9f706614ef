"""The entry points ``kaohe demo`` and ``kaohe manage`` call."""

from __future__ import annotations

import os
from unittest import mock

import pytest

from kaohe.config import launcher


def test_manage_runs_a_django_command(capsys):
    assert launcher.manage(["diffsettings", "--output", "unified"]) == 0
    assert "LANGUAGE_CODE" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_migrates_loads_once_prints_and_serves_on_the_given_port(capsys, tmp_path):
    calls = []

    def fake_call_command(name, *args, **kwargs):
        calls.append((name, args))
        if name in ("migrate", "collectstatic", "runserver"):
            return None
        raise AssertionError(name)

    with (
        mock.patch.dict(os.environ, {"KAOHE_VAR_DIR": str(tmp_path)}),
        mock.patch("django.core.management.call_command", fake_call_command),
    ):
        assert launcher.demo(["--port", "8123", "--year", "2019"]) == 0
        first = capsys.readouterr().out
        assert launcher.demo(["--port", "8123", "--no-serve"]) == 0
        second = capsys.readouterr().out
    names = [name for name, _ in calls]
    assert names == ["migrate", "collectstatic", "runserver", "migrate", "collectstatic"]
    assert calls[2][1] == ("127.0.0.1:8123",)
    assert "http://127.0.0.1:8123/" in first and "kaohe-demo-2019" in first
    assert "admin" in second  # the second start reads the users from the database


def test_the_demo_runs_without_debug_on_a_key_of_its_own_made_once(tmp_path):
    environment = {"KAOHE_VAR_DIR": str(tmp_path), "DEBUG": "1", "SECRET_KEY": "from-the-shell"}
    with mock.patch.dict(os.environ, environment):
        launcher._demo_environment()
        first = dict(os.environ)
        launcher._demo_environment()
        second = dict(os.environ)
    key_file = tmp_path / launcher.DEMO_KEY_FILE
    assert first["DEBUG"] == "0"
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == key_file.read_text(encoding="ascii")
    assert len(first["SECRET_KEY"]) >= 50 and "insecure" not in first["SECRET_KEY"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert first["ALLOWED_HOSTS"] == "127.0.0.1,localhost"
    # Plain http on the loopback: the cookies cannot be Secure there.
    assert first["SESSION_COOKIE_SECURE"] == first["CSRF_COOKIE_SECURE"] == "0"


def test_another_demo_folder_gets_another_key(tmp_path):
    from kaohe.config.env import secret_key_from_file

    one = secret_key_from_file(tmp_path / "a" / "key")
    two = secret_key_from_file(tmp_path / "b" / "key")
    assert one != two
    (tmp_path / "short").write_text("abc", encoding="ascii")
    with pytest.raises(ValueError, match="too short"):
        secret_key_from_file(tmp_path / "short")
