"""A missing chromium or LibreOffice skips its tests on a laptop and fails them in CI."""

from __future__ import annotations

import pytest

from kaohe.core.tests.tools import require_installed, skip_unless_installed


def _skips(mark: pytest.MarkDecorator) -> bool:
    return bool(mark.args[0])


def test_a_laptop_without_the_program_skips(monkeypatch):
    monkeypatch.delenv("KAOHE_REQUIRE_TOOLS", raising=False)
    assert _skips(skip_unless_installed(False, "LibreOffice"))
    assert not _skips(skip_unless_installed(True, "LibreOffice"))


def test_ci_without_the_program_runs_the_test_and_fails_it(monkeypatch):
    monkeypatch.setenv("KAOHE_REQUIRE_TOOLS", "1")
    assert not _skips(skip_unless_installed(False, "LibreOffice"))
    with pytest.raises(pytest.fail.Exception, match="LibreOffice is not installed"):
        require_installed(False, "LibreOffice")
    require_installed(True, "LibreOffice")
