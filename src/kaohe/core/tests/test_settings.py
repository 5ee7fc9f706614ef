"""Settings come only from the environment; the parsing helpers and secure defaults."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from unittest import mock

import pytest

from kaohe.config.env import database_from_url, envbool, envint, envlist


def test_envbool_reads_yes_and_no_words(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", True) is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", True) is True


def test_envbool_refuses_a_word_it_does_not_know(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ValueError, match="FLAG"):
        envbool("FLAG", False)


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("N", "7")
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert envint("N", 1) == 7
    assert envint("MISSING", 3) == 3
    assert envlist("HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("N", "seven")
    with pytest.raises(ValueError, match="N"):
        envint("N", 1)


def test_a_postgresql_url_becomes_a_django_database():
    config = database_from_url(
        "postgresql://kaohe:p%40ss@db.internal:5433/kaohe_prod?sslmode=require", base_dir=Path(".")
    )
    assert config["ENGINE"] == "kaohe.core.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("kaohe_prod", "kaohe", "p@ss")
    assert (config["HOST"], config["PORT"]) == ("db.internal", "5433")
    assert config["OPTIONS"] == {"sslmode": "require"}


def test_a_postgres_url_without_password_or_port_works():
    config = database_from_url("postgres://postgres@127.0.0.1/kaohe_ci", base_dir=Path("."))
    assert (config["USER"], config["PASSWORD"], config["PORT"]) == ("postgres", "", "")


def test_a_sqlite_url_is_relative_to_the_project_unless_absolute(tmp_path):
    assert database_from_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)["NAME"] == str(
        tmp_path / "var" / "x.sqlite3"
    )
    assert (
        database_from_url("sqlite:////srv/k.sqlite3", base_dir=tmp_path)["NAME"] == "/srv/k.sqlite3"
    )


@pytest.mark.parametrize("url", ["mysql://x@y/z", "postgresql://x@y/"])
def test_an_unsupported_or_incomplete_url_is_refused(url):
    with pytest.raises(ValueError, match="DATABASE_URL"):
        database_from_url(url, base_dir=Path("."))


def _fresh_settings(monkeypatch, **env):
    for key in ("DEBUG", "SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL",
                "PYTEST_VERSION"):  # fmt: skip
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    import kaohe.config.settings as module

    return importlib.reload(module)


@pytest.fixture
def restore_settings_module():
    saved = dict(os.environ)
    yield
    import kaohe.config.settings as module

    with mock.patch.dict(os.environ, saved, clear=True):
        importlib.reload(module)


def test_production_refuses_to_start_without_a_secret_key(restore_settings_module, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        _fresh_settings(monkeypatch)


def test_production_defaults_are_secure(restore_settings_module, monkeypatch):
    module = _fresh_settings(monkeypatch, SECRET_KEY="x" * 50)
    assert module.DEBUG is False
    assert module.SESSION_COOKIE_SECURE and module.CSRF_COOKIE_SECURE
    assert module.SESSION_COOKIE_HTTPONLY
    assert module.ALLOWED_HOSTS == []
    assert module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert module.DATABASES["default"]["NAME"].endswith("kaohe.sqlite3")
    assert module.CELERY_TASK_ALWAYS_EAGER is True
    assert (module.LANGUAGE_CODE, module.TIME_ZONE, module.USE_TZ) == (
        "zh-hans",
        "Asia/Shanghai",
        True,
    )
    assert "django.middleware.locale.LocaleMiddleware" in module.MIDDLEWARE
    assert module.SECURE_HSTS_SECONDS == 31536000
    assert module.STORAGES["staticfiles"]["BACKEND"].endswith(
        "CompressedManifestStaticFilesStorage"
    )
    assert module.WHITENOISE_USE_FINDERS is False
    policy = repr(module.CONTENT_SECURITY_POLICY)
    assert "unsafe" not in policy and "'none'" in policy


def test_debug_gets_a_dev_only_key_and_a_broker_turns_eager_off(
    restore_settings_module, monkeypatch
):
    module = _fresh_settings(
        monkeypatch,
        DEBUG="1",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgresql://u@h:5432/n",
    )
    assert "dev-only" in module.SECRET_KEY
    assert module.SESSION_COOKIE_SECURE is False
    assert module.CELERY_TASK_ALWAYS_EAGER is False
    assert module.DATABASES["default"]["ENGINE"] == "kaohe.core.postgresql"
    assert module.DATABASES["default"]["CONN_MAX_AGE"] == 60
    # the broker's Redis is the cache the web processes share with the workers
    assert module.CACHES["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert module.CACHES["default"]["BACKEND"].endswith("RedisCache")


def test_the_cache_is_redis_when_named_and_each_process_own_without_it(
    restore_settings_module, monkeypatch
):
    module = _fresh_settings(monkeypatch, DEBUG="1", CACHE_URL="redis://cache.internal:6379/2")
    assert module.CACHES["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    module = _fresh_settings(monkeypatch, DEBUG="1")  # the embedded default
    assert module.CACHES["default"]["BACKEND"].endswith("LocMemCache")  # per process


def test_two_processes_share_the_redis_cache(tmp_path):
    """What a Celery worker writes (a forms batch's progress) the web process reads."""
    import socket
    import subprocess
    import sys
    import uuid

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("Redis does not answer at 127.0.0.1:6379")
    key = f"test-shared-{uuid.uuid4().hex}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL")} | {
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15", "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "kaohe.config.settings", "KAOHE_VAR_DIR": str(tmp_path),
    }  # fmt: skip
    code = "import django, sys; django.setup(); from django.core.cache import cache; "

    def run(script: str) -> str:
        done = subprocess.run([sys.executable, "-c", code + script], env=env, timeout=60,
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout.strip()

    run(f"cache.set({key!r}, 42, 60)")
    assert run(f"print(cache.get({key!r})); cache.delete({key!r})") == "42"


def test_the_celery_app_runs_tasks_eagerly_without_a_broker():
    from kaohe.config.celery import app

    @app.task
    def add(a, b):
        return a + b

    assert app.conf.task_always_eager is True
    assert add.delay(2, 3).get() == 5


def test_argon2_hashes_the_passwords_in_production_settings():
    import kaohe.config.settings as module

    assert module.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert (
        Argon2PasswordHasher()
        .encode("secret-pass", Argon2PasswordHasher().salt())
        .startswith("argon2")
    )


def test_password_rules_refuse_short_and_common_passwords():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("short", "password123", "1234567890123"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def test_the_app_serves_its_own_vendored_assets_without_debug(client, settings):
    assert settings.DEBUG is False
    for path in ("/static/core/kaohe.css", "/static/core/htmx.min.js", "/static/core/favicon.svg"):
        response = client.get(path)
        assert response.status_code == 200, path
        b"".join(response.streaming_content)


def test_gunicorn_reads_the_production_settings_and_their_environment():
    """``gunicorn -c python:kaohe.config.gunicorn``: synchronous workers, their number from
    ``WEB_CONCURRENCY`` (else two per core and one), the address from ``KAOHE_BIND``."""
    import subprocess
    import sys

    def printed(**env: str) -> dict[str, str]:
        answer = subprocess.run(
            [sys.executable, "-m", "gunicorn", "--print-config", "-c",
             "python:kaohe.config.gunicorn", "kaohe.config.wsgi:application"],
            env={k: v for k, v in os.environ.items() if k not in ("WEB_CONCURRENCY",)} | env,
            capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        pairs = (line.split("=", 1) for line in answer.stdout.splitlines() if "=" in line)
        return {key.strip(): value.strip() for key, value in pairs}

    chosen = printed(WEB_CONCURRENCY="3", KAOHE_BIND="127.0.0.1:8123")
    assert (chosen["worker_class"], chosen["threads"], chosen["workers"]) == ("sync", "1", "3")
    assert chosen["bind"] == "['127.0.0.1:8123']"
    assert chosen["accesslog"] == "None"
    assert printed()["workers"] == str(2 * (os.cpu_count() or 1) + 1)


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_health_check_pings_only_a_connection_idle_for_a_second(monkeypatch):
    """``kaohe.core.postgresql``: no ``SELECT 1`` before a request whose connection ran a
    query less than a second ago; one before a request on a connection idle longer."""
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    from kaohe.core.postgresql import base

    assert isinstance(connection, base.DatabaseWrapper) and connection.health_check_enabled
    pings: list[bool] = []
    usable = connection.is_usable

    def counted() -> bool:
        pings.append(usable())
        return pings[-1]

    monkeypatch.setattr(connection, "is_usable", counted)

    def request() -> None:
        connection.health_check_done = False  # as at the start of each request
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")

    request()
    request()
    assert pings == []  # used just now
    connection._used_at -= base.HEALTH_CHECK_IDLE_SECONDS + 1  # idle a while
    request()
    assert pings == [True]
    request()
    assert pings == [True]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_connection_that_died_while_idle_is_replaced_before_the_next_query():
    """PostgreSQL restarted (here: the backend terminated) while the connection was idle:
    the next request's health check finds it dead and opens another."""
    import psycopg
    from django.db import connections

    connection = connections["default"]
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    from kaohe.core.postgresql import base

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    connection._used_at -= base.HEALTH_CHECK_IDLE_SECONDS + 1
    connection.health_check_done = False  # a new request
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (again,) = cursor.fetchone()
    assert again != pid
