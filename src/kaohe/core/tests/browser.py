"""What every browser test shares: Debian's chromium driven by Playwright's sync API.

A test module takes ``pytestmark = MARKS`` and imports the fixtures it uses (``browser``,
``shots``) by name. Screenshots go to a temporary directory, or to the directory named by
``KAOHE_SCREENSHOTS`` (``KAOHE_SCREENSHOTS=docs/screenshots`` refreshes the committed ones).
Never ``playwright install``: the browser is the system's. Without it the tests are skipped,
except under ``KAOHE_REQUIRE_TOOLS=1`` (CI), where they fail (``tools.py``).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from kaohe.core.tests.tools import require_installed, skip_unless_installed

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_NAME = "Debian's chromium (/usr/bin/chromium)"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]

MARKS = [
    pytest.mark.browser,
    skip_unless_installed(CHROMIUM.exists(), CHROMIUM_NAME),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Playwright's sync API keeps an event loop in the test's thread; the ORM calls are sync.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    target = Path(os.environ.get("KAOHE_SCREENSHOTS") or tmp_path)
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def browser() -> Any:
    from playwright import sync_api  # a dev dependency, always installed with the tests

    require_installed(CHROMIUM.exists(), CHROMIUM_NAME)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        # What the test did in the database after the browser started ran in Playwright's
        # context, on a connection of its own: close it here, in that context, or it
        # outlives the test database ("being accessed by other users" at its teardown).
        from django.db import connections

        connections.close_all()
        chromium.close()


def plain_http(settings: Any) -> None:
    """The live server speaks plain http (production keeps Secure cookies); a fast hasher."""
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


T = TypeVar("T")


def in_thread(work: Callable[[], T]) -> T:
    """Database work while the browser runs. Playwright's loop gives this thread another
    context, and a connection opened in it would outlive the test database; a short-lived
    thread opens its own connection and closes it."""
    from django.db import connections

    def run() -> T:
        try:
            return work()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def log_in(page: Any, url: str, username: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("form.stacked button[type=submit]")
    page.wait_for_load_state("networkidle")
