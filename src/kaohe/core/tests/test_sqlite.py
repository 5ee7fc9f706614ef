"""The embedded SQLite database takes one writer at a time without turning readers or a
second writer away: write-ahead log, a busy timeout, and BEGIN IMMEDIATE for every
transaction. Checked on a real file database with two connections, as two requests of the
web process (or a request and the job thread) would hold them."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import OperationalError
from django.db.utils import ConnectionHandler

from kaohe.core.tests.test_settings import _fresh_settings, restore_settings_module  # noqa: F401


def _sqlite_settings(monkeypatch, tmp_path, **env):
    return _fresh_settings(
        monkeypatch, SECRET_KEY="x" * 50, KAOHE_VAR_DIR=str(tmp_path), **env
    ).DATABASES["default"]


def _two_connections(database):
    handlers = [ConnectionHandler({"default": dict(database)}) for _ in range(2)]
    return handlers[0]["default"], handlers[1]["default"]


@pytest.fixture(autouse=True)
def _own_files(django_db_blocker):
    """These tests open their own database files, never the test database."""
    with django_db_blocker.unblock():
        yield


@pytest.fixture
def database(restore_settings_module, monkeypatch, tmp_path):  # noqa: F811
    database = _sqlite_settings(monkeypatch, tmp_path, SQLITE_TIMEOUT="3")
    first, _second = _two_connections(database)
    with first.cursor() as cursor:
        cursor.execute("CREATE TABLE t (n INTEGER)")
        cursor.execute("INSERT INTO t VALUES (1)")
    first.close()
    return database


def test_the_default_database_is_sqlite_in_wal_mode_with_immediate_transactions(database):
    connection, _other = _two_connections(database)
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert cursor.execute("PRAGMA busy_timeout").fetchone() == (3000,)
    connection.close()


def test_a_reader_is_not_blocked_while_a_writer_holds_its_transaction(database):
    writer, reader = _two_connections(database)
    with writer.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO t VALUES (2)")
        started = time.monotonic()
        with reader.cursor() as read:
            assert read.execute("SELECT count(*) FROM t").fetchone() == (1,)
        assert time.monotonic() - started < 1
        cursor.execute("COMMIT")
    writer.close()
    reader.close()


def test_a_second_writer_waits_for_the_lock_instead_of_failing(database):
    writing = threading.Event()

    def hold_then_commit():
        first, _unused = _two_connections(database)  # a connection of this thread
        with first.cursor() as cursor:
            cursor.execute("BEGIN IMMEDIATE")  # what Django sends for every transaction
            cursor.execute("INSERT INTO t VALUES (2)")
            writing.set()
            time.sleep(1)
            cursor.execute("COMMIT")
        first.close()

    holder = threading.Thread(target=hold_then_commit)
    holder.start()
    assert writing.wait(5)
    _unused, second = _two_connections(database)
    with second.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")  # waits (busy timeout) while the first writes
        cursor.execute("INSERT INTO t VALUES (3)")
        cursor.execute("COMMIT")
        holder.join()
        assert cursor.execute("SELECT count(*) FROM t").fetchone() == (3,)
    second.close()


def test_a_writer_that_waits_past_the_timeout_fails_cleanly(database):
    first, second = _two_connections(database)
    with first.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(OperationalError, match="locked"), second.cursor() as other:
            other.execute("BEGIN IMMEDIATE")
        cursor.execute("ROLLBACK")
    first.close()
    second.close()


def _left_mid_iteration(connection):
    """A read cursor left open after its first rows, as an export that failed half-way
    through ``QuerySet.iterator()`` leaves it until the connection closes."""
    cursor = connection.cursor()
    cursor.execute("INSERT INTO t SELECT n + 1 FROM t")  # two rows, then read one
    cursor.execute("SELECT n FROM t")
    cursor.fetchone()
    return cursor


def test_a_read_left_open_by_a_failed_export_does_not_lock_writers_out(database):
    reader, writer = _two_connections(database)
    open_read = _left_mid_iteration(reader)
    started = time.monotonic()
    with writer.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO t VALUES (9)")
        cursor.execute("COMMIT")  # in WAL mode a reader never holds a writer back
    assert time.monotonic() - started < 1
    open_read.close()
    reader.close()
    writer.close()


def test_without_wal_the_same_open_read_locked_every_writer(database):
    # What the site did before: the rollback journal, where a reader's lock keeps a
    # writer from committing ("database is locked" for every login until it closed).
    reader, writer = _two_connections(database | {"OPTIONS": {"timeout": 1}})
    with reader.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=DELETE")
    open_read = _left_mid_iteration(reader)
    with pytest.raises(OperationalError, match="locked"), writer.cursor() as cursor:
        cursor.execute("BEGIN IMMEDIATE")
        cursor.execute("INSERT INTO t VALUES (9)")
        cursor.execute("COMMIT")
    open_read.close()
    reader.close()
    writer.close()
