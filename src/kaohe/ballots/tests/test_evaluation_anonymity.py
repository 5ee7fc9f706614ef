"""Anonymity by construction (issue 10's threat model): whoever holds the database, a backup
or the logs after a session closes cannot join a sheet to a code, a person or a moment.

Each property on the schema, and on the rows stored by a real voting session through the
rater's pages: the sheets' columns, their random keys, the holding table emptied and
rewritten, the sheets' physical order (PostgreSQL's ``ctid``, SQLite's ``rowid``) not the
order of voting, their ``xmin`` shared by all and by no code or audit row, the audit log
and the addresses the rater's browser asked for free of the link.
"""

from __future__ import annotations

import itertools
import logging
import uuid

import pytest
from django.db import connection

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.models import Code, PendingSheet, Sheet
from kaohe.ballots.tests.conftest import SCAN, VOTE, make_session, new_code, scan
from kaohe.core.models import AuditEntry

pytestmark = pytest.mark.anonymity

VOTERS = 30
TIME_TYPES = ("date", "time", "timestamp", "datetime", "interval")


def _columns(model) -> dict[str, str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, model._meta.db_table)
    found = {}
    for column in description:
        kind = connection.introspection.get_field_type(column.type_code, column)
        found[column.name] = kind
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Sheet, PendingSheet])
def test_a_sheet_has_a_random_key_its_session_its_rater_class_and_its_marks_and_nothing_else(model):
    columns = _columns(model)
    assert set(columns) == {"id", "session_id", "rater_class_id", "marks"}
    assert not any(t.lower().startswith(TIME_TYPES) for t in columns.values())
    assert isinstance(model._meta.pk, type(Sheet._meta.pk)) and model._meta.pk.default is uuid.uuid4


@pytest.mark.django_db
def test_a_code_records_only_that_it_was_used():
    columns = _columns(Code)
    assert set(columns) == {"id", "session_id", "rater_class_id", "code", "used", "test"}
    assert not any(t.lower().startswith(TIME_TYPES) for t in columns.values())


def _distinct_marks(session) -> list[dict[str, str]]:
    """VOTERS different sheets (so that the test knows which is which)."""
    targets = list(session.targets.all())
    team = [t for t in targets if t.team_id]
    cadres = [t for t in targets if t.cadre_id]
    sheets = []
    combos = itertools.product(["称职", "基本称职", "不称职"], repeat=len(cadres))
    for combo in itertools.islice(combos, VOTERS):
        marks = {str(t.pk): "好" for t in team}
        marks |= {str(t.pk): choice for t, choice in zip(cadres, combo, strict=True)}
        sheets.append(marks)
    return sheets


def _vote_through_the_pages(client, session, marks_list) -> tuple[list[str], list[str]]:
    """Each rater scans a slip (``/ballots/scan/#CODE``: the browser asks for the scan page,
    its script posts the code), marks, reviews and confirms; returns the codes and every
    address the browsers asked for."""
    codes: list[str] = []
    paths: list[str] = []
    for marks in marks_list:
        code = new_code(session, ["上级", "同级", "下级"][len(codes) % 3])
        codes.append(code)
        client.cookies.clear()
        paths += [SCAN, VOTE]
        ballot = scan(client, code)
        assert ballot.status_code == 200
        data = {f"m-{k}": v for k, v in marks.items()}
        for step in ("review", "confirm"):
            paths.append(VOTE)
            response = client.post(VOTE, {"step": step, **data})
        assert response.status_code == 302, response.content.decode()[:500]
        paths.append(response["Location"])
    return codes, paths


def _physical_order(session) -> list[dict]:
    table = Sheet._meta.db_table
    position = "ctid" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT marks FROM {table} WHERE session_id = %s ORDER BY {position}", [session.pk]
        )
        rows = cursor.fetchall()
    import json

    return [json.loads(m) if isinstance(m, str) else m for (m,) in rows]


def _kendall_tau(order: list[int]) -> float:
    n = len(order)
    concordant = sum(1 if order[i] < order[j] else -1 for i in range(n) for j in range(i + 1, n))
    return concordant / (n * (n - 1) / 2)


def _voting_session(client, cast, caplog):
    session = make_session(cast, cadres=4)
    marks_list = _distinct_marks(session)
    caplog.set_level(logging.DEBUG)
    codes, paths = _vote_through_the_pages(client, session, marks_list)
    assert PendingSheet.objects.filter(session=session).count() == VOTERS
    held_keys = {str(k) for k in PendingSheet.objects.values_list("id", flat=True)}
    services.session_set_status(actor=cast.admin, session=session, status="closed")
    return session, marks_list, codes, paths, held_keys


def _prove_the_stored_rows(session, marks_list, codes, paths, held_keys, caplog):
    # the sheets left the holding table, with new random keys
    assert not PendingSheet.objects.exists()
    sheets = list(Sheet.objects.filter(session=session))
    assert len(sheets) == VOTERS
    keys = {str(s.id) for s in sheets}
    assert all(uuid.UUID(k).version == 4 for k in keys)
    assert not keys & held_keys
    # their physical order is not the order of voting
    stored = _physical_order(session)
    order = [marks_list.index(m) for m in stored]
    assert sorted(order) == list(range(VOTERS))
    assert order != list(range(VOTERS)) and order != list(reversed(range(VOTERS)))
    assert abs(_kendall_tau(order)) < 0.6, order
    # the audit log says that each code was used, never which sheet (nor its marks)
    uses = AuditEntry.objects.filter(action="ballot_code.use")
    assert uses.count() == VOTERS
    for entry in uses:
        text = f"{entry.object_id} {entry.object_repr} {entry.before} {entry.after}"
        assert not any(k in text for k in keys | held_keys)
        assert "称职" not in text
        assert entry.actor_id is None
    # no address a rater's browser asked for carries the code (the slip's is in the fragment)
    assert paths and not any(code in path for code in codes for path in paths)
    assert not any(code in record.getMessage() for code in codes for record in caplog.records)


@pytest.mark.django_db
def test_after_a_real_voting_session_no_stored_row_or_log_joins_a_sheet_to_its_code_or_moment(
    client, cast, caplog
):
    stored = _voting_session(client, cast, caplog)
    _prove_the_stored_rows(*stored, caplog)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_xmin_and_ctid_betray_neither_the_voting_order_nor_a_code(
    client, cast, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    session, marks_list, codes, paths, held_keys = _voting_session(client, cast, caplog)
    _prove_the_stored_rows(session, marks_list, codes, paths, held_keys, caplog)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT xmin::text FROM {Sheet._meta.db_table} WHERE session_id = %s",
            [session.pk],
        )
        sheet_xmins = {x for (x,) in cursor.fetchall()}
        cursor.execute(
            f"SELECT xmin::text FROM {Code._meta.db_table} WHERE session_id = %s AND used",
            [session.pk],
        )
        code_xmins = {x for (x,) in cursor.fetchall()}
        cursor.execute(
            f"SELECT xmin::text FROM {AuditEntry._meta.db_table} WHERE action = 'ballot_code.use'"
        )
        audit_xmins = {x for (x,) in cursor.fetchall()}
        # the holding table was truncated at the close (no other session held sheets)
        cursor.execute("SELECT pg_relation_size(%s)", [PendingSheet._meta.db_table])
        (holding_size,) = cursor.fetchone()
    # every sheet was written by the one closing transaction ...
    assert len(sheet_xmins) == 1
    # ... which is none of the votes' transactions (each code's update, each audit row)
    assert len(code_xmins) == VOTERS
    assert not sheet_xmins & code_xmins
    assert not sheet_xmins & audit_xmins
    # its file is empty: not a live or dead row of a vote is left in it
    assert holding_size == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_a_close_while_another_session_votes_deletes_only_its_own_held_sheets(
    cast, vote
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    first = make_session(cast, cadres=1, name="甲")
    second = make_session(cast, cadres=1, name="乙")
    for _ in range(3):
        vote(first, "上级")
        vote(second, "下级")
    services.session_set_status(actor=cast.admin, session=first, status="closed")
    assert Sheet.objects.filter(session=first).count() == 3
    assert PendingSheet.objects.filter(session=second).count() == 3
    assert not PendingSheet.objects.filter(session=first).exists()
    services.session_set_status(actor=cast.admin, session=second, status="closed")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_relation_size(%s)", [PendingSheet._meta.db_table])
        assert cursor.fetchone() == (0,)
