"""Paper sheets keep the anonymity of the phone's: keyed in one at a time through the
office's page, then closed by the periodic task, no stored row or log joins a sheet to the
code it consumed, to the person who keyed it or to the moment: new random keys, a shuffled
physical order, on PostgreSQL an ``xmin`` shared by all sheets and by no code or audit row,
and an audit log that says how many paper sheets were entered, nothing of any one."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_office_services import sessions_close_due
from kaohe.ballots.models import Code, PendingSheet, Sheet
from kaohe.ballots.tests.conftest import make_session
from kaohe.ballots.tests.test_evaluation_anonymity import (
    VOTERS,
    _distinct_marks,
    _kendall_tau,
    _physical_order,
)
from kaohe.core.models import AuditEntry

pytestmark = pytest.mark.anonymity


def _paper_session(client, cast, caplog):
    session = make_session(cast, cadres=4)
    classes = list(session.rater_classes.all())
    for rater in classes:
        services.codes_create(actor=None, session=session, rater_class=rater, count=VOTERS)
    codes = set(Code.objects.filter(session=session).values_list("code", flat=True))
    marks_list = _distinct_marks(session)
    caplog.set_level(logging.DEBUG)
    client.force_login(cast.admin)
    url = reverse("ballots:session_paper", args=[session.pk])
    for i, marks in enumerate(marks_list):
        data = {"rater": classes[i % 3].pk, **{f"m-{k}": v for k, v in marks.items()}}
        assert client.post(url, data).status_code == 302
    assert PendingSheet.objects.filter(session=session).count() == VOTERS
    held_keys = {str(k) for k in PendingSheet.objects.values_list("id", flat=True)}
    assert sessions_close_due(now=session.closes_at + dt.timedelta(minutes=1)) == [session.pk]
    return session, marks_list, codes, held_keys


def _prove(session, marks_list, codes, held_keys, caplog, cast):
    assert not PendingSheet.objects.exists()
    sheets = list(Sheet.objects.filter(session=session))
    keys = {str(s.id) for s in sheets}
    assert len(sheets) == VOTERS and all(uuid.UUID(k).version == 4 for k in keys)
    assert not keys & held_keys
    order = [marks_list.index(m) for m in _physical_order(session)]
    assert sorted(order) == list(range(VOTERS))
    assert abs(_kendall_tau(order)) < 0.6, order
    # a code was used per sheet, of its class; the log names none of them
    assert Code.objects.filter(session=session, used=True).count() == VOTERS
    entries = AuditEntry.objects.filter(action="ballot_paper.enter")
    assert entries.count() == VOTERS
    for entry in entries:
        assert entry.after == {"paper_sheets": 1, "test": False}
        assert entry.actor_id == cast.admin.pk  # who keyed a sheet in, not which one
        text = f"{entry.object_id} {entry.object_repr} {entry.before} {entry.after}"
        assert not any(k in text for k in keys | held_keys | codes) and "称职" not in text
    assert not AuditEntry.objects.filter(action="ballot_code.use").exists()
    assert not any(code in record.getMessage() for code in codes for record in caplog.records)


@pytest.mark.django_db
def test_paper_sheets_keyed_in_one_by_one_leave_no_link_to_their_codes_or_order(
    client, cast, caplog
):
    _prove(*_paper_session(client, cast, caplog), caplog, cast)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_the_paper_sheets_xmin_is_none_of_their_codes_nor_audit_rows(
    client, cast, caplog
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    session, marks_list, codes, held_keys = _paper_session(client, cast, caplog)
    _prove(session, marks_list, codes, held_keys, caplog, cast)
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
            f"SELECT xmin::text FROM {AuditEntry._meta.db_table} "
            "WHERE action = 'ballot_paper.enter'"
        )
        audit_xmins = {x for (x,) in cursor.fetchall()}
        cursor.execute("SELECT pg_relation_size(%s)", [PendingSheet._meta.db_table])
        (holding_size,) = cursor.fetchone()
    assert len(sheet_xmins) == 1
    assert len(code_xmins) == VOTERS
    assert not sheet_xmins & code_xmins and not sheet_xmins & audit_xmins
    assert holding_size == 0
