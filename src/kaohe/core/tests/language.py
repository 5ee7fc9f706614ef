"""A fixture for tests that assert Chinese messages, whatever language an earlier test's
request left active in the thread: ``from kaohe.core.tests.language import chinese``."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        yield
