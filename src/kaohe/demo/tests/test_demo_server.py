"""``kaohe demo`` as a person starts it from a fresh clone: no environment at all. The
real command runs in a child process (its own settings, not the tests'), and answers on
the loopback as production would: DEBUG off, Kaohe's Chinese 404 page rather than
Django's, static files with hashed names from WhiteNoise, the security headers."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

CLEARED = ("SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS", "PYTEST_VERSION")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> tuple[int, dict[str, str], str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


@pytest.fixture
def demo_site(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in CLEARED}
    env["KAOHE_VAR_DIR"] = str(tmp_path)
    port = _free_port()
    log = (tmp_path / "demo.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "kaohe.cli", "demo", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                _get(f"{url}/login/")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail((tmp_path / "demo.log").read_text())
                time.sleep(0.5)
        yield url, tmp_path
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


def test_the_demo_serves_the_chinese_404_and_hashed_static_files_without_debug(demo_site):
    url, var = demo_site
    status, headers, page = _get(f"{url}/no-such-page/")
    assert status == 404
    assert "页面不存在" in page and "/no-such-page/" in page
    assert "Django" not in page and "DEBUG" not in page  # not the technical page
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"

    stylesheet = re.search(r'href="(/static/core/kaohe\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the page links a hashed stylesheet"
    status, headers, css = _get(url + stylesheet.group(1))
    assert status == 200 and ".error-page" in css
    assert "immutable" in headers["Cache-Control"]

    key = (var / "demo-secret-key").read_text(encoding="ascii")
    assert len(key) >= 50
    assert (var / "static" / "staticfiles.json").exists()
