"""Tests that need a program of the system: Debian's chromium, LibreOffice.

A laptop without the program skips them. CI exports ``KAOHE_REQUIRE_TOOLS=1`` (``.ci/run``):
there a missing program fails these tests instead, so that a green run has run them.
"""

from __future__ import annotations

import os

import pytest


def tools_required() -> bool:
    return os.environ.get("KAOHE_REQUIRE_TOOLS", "") not in ("", "0")


def skip_unless_installed(present: bool, what: str) -> pytest.MarkDecorator:
    """Skip the test when ``what`` is missing, unless the tools are required: then the test
    runs, and ``require_installed`` (in its fixture or helper) fails it."""
    return pytest.mark.skipif(
        not present and not tools_required(), reason=f"{what} is not installed"
    )


def require_installed(present: bool, what: str) -> None:
    if not present:
        pytest.fail(f"{what} is not installed, and KAOHE_REQUIRE_TOOLS is set: CI must run this")
