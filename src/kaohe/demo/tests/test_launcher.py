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
def test_demo_migrates_loads_once_prints_and_serves_on_the_given_port(capsys):
    calls = []

    def fake_call_command(name, *args, **kwargs):
        calls.append((name, args))
        if name == "migrate":
            return None
        if name == "runserver":
            return None
        raise AssertionError(name)

    with (
        mock.patch.dict(os.environ),
        mock.patch("django.core.management.call_command", fake_call_command),
    ):
        assert launcher.demo(["--port", "8123", "--year", "2019"]) == 0
        first = capsys.readouterr().out
        assert launcher.demo(["--port", "8123", "--no-serve"]) == 0
        second = capsys.readouterr().out
    assert [name for name, _ in calls] == ["migrate", "runserver", "migrate"]
    assert calls[1][1] == ("127.0.0.1:8123",)
    assert "http://127.0.0.1:8123/" in first and "kaohe-demo-2019" in first
    assert "admin" in second  # the second start reads the users from the database
