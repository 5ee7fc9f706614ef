"""Anonymity of survey answers, by construction (issue 10's threat model): whoever holds the
database, a backup or the logs after a survey closes cannot join an answer to a code, a
person or a moment."""

from __future__ import annotations

import itertools
import re

import pytest
from django.db import connection, models
from django.urls import reverse

from kaohe.ballots.models import (
    SurveyAnswer,
    SurveyAnswerHolding,
    SurveyCode,
    SurveyStatus,
)
from kaohe.ballots.surveys import survey_set_status
from kaohe.ballots.tests import survey_factories as f

pytestmark = pytest.mark.anonymity

ANSWER_COLUMNS = {"id", "area", "answered_on", "channel", "values"}


@pytest.mark.parametrize("model", [SurveyAnswer, SurveyAnswerHolding])
def test_the_answer_tables_have_no_column_that_links_to_a_code_a_person_or_a_moment(db, model):
    fields = {field.name: field for field in model._meta.get_fields()}
    assert set(fields) == ANSWER_COLUMNS
    assert isinstance(fields["id"], models.UUIDField)
    assert fields["id"].default.__name__ == "uuid4"  # random, not time-based (uuid1)
    assert type(fields["answered_on"]) is models.DateField  # a day, never a time
    assert fields["area"].related_model.__name__ == "SurveyArea"
    assert not any(isinstance(f, models.DateTimeField | models.GenericIPAddressField)
                   for f in fields.values())  # fmt: skip
    with connection.cursor() as cursor:
        columns = {c.name for c in connection.introspection.get_table_description(
            cursor, model._meta.db_table)}  # fmt: skip
    assert columns == {"id", "area_id", "answered_on", "channel", "values"}


def test_a_code_records_only_that_it_was_used():
    assert {field.name for field in SurveyCode._meta.get_fields()} == {"id", "area", "code", "used"}


def _scan(client, code):
    """A phone scans a slip: the QR code opens ``/ballots/s/scan/#CODE``; the browser sends
    no fragment, so the server sees the scan page alone; its script posts the code."""
    scan_page = client.get(reverse("ballots:survey_scan"))
    assert scan_page.status_code == 200 and "data-scan" in scan_page.content.decode()
    posted = client.post(reverse("ballots:survey_answer"), {"code": code})
    assert posted.status_code == 302
    assert posted["Location"] == reverse("ballots:survey_answer")
    return posted


def _answer_on_the_web(client, code, values):
    """A phone: the scan page, the posted code, the code-free answer page, then submit."""
    posted = _scan(client, code)
    assert code not in posted["Location"]
    page = client.get(posted["Location"])
    assert page.status_code == 200
    response = client.post(reverse("ballots:survey_answer"), values)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("ballots:survey_done")
    return response


def _answering_session(client, cast, n=12):
    """A real answering session: ``n`` phones answer with distinct answers, in a known order;
    then the survey closes. Returns the survey and the answers in the order given."""
    survey = f.survey([cast.unit_a], codes=n)
    questions = list(survey.questions.all())
    combos = list(itertools.product(range(5), repeat=len(questions)))[:n]
    codes = list(SurveyCode.objects.values_list("code", flat=True))
    given = []
    for code, combo in zip(codes, combos, strict=True):
        client.cookies.clear()  # another phone
        values = {f"q{q.pk}": str(c) for q, c in zip(questions, combo, strict=True)}
        _answer_on_the_web(client, code, values)
        given.append({str(q.pk): c for q, c in zip(questions, combo, strict=True)})
    assert SurveyCode.objects.filter(used=True).count() == n
    survey_set_status(actor=cast.admin, survey=survey, status=SurveyStatus.CLOSED)
    return survey, codes, given


def test_stored_answers_after_a_web_session_hold_no_code_and_no_time(client, cast):
    _survey, codes, given = _answering_session(client, cast)
    rows = list(SurveyAnswer.objects.values("id", "area_id", "answered_on", "channel", "values"))
    assert len(rows) == len(given)
    dump = repr(rows)
    assert not any(code in dump for code in codes)
    assert not re.search(r"\d{2}:\d{2}", dump)  # no time of day anywhere
    assert sorted(map(repr, (r["values"] for r in rows))) == sorted(map(repr, given))
    assert SurveyAnswerHolding.objects.count() == 0
    # The audit log knows which codes were used, and nothing of the answers.
    from kaohe.core.models import AuditEntry

    uses = AuditEntry.objects.filter(action="survey.code_use")
    assert uses.count() == len(given)
    answer_ids = {str(r["id"]) for r in rows}
    for entry in uses:
        assert entry.after == {"used": True}
        assert entry.object_id not in answer_ids


def test_the_session_forgets_the_code_once_it_is_used(client, cast):
    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get().code
    values = {f"q{q.pk}": "0" for q in survey.questions.all()}
    _answer_on_the_web(client, code, values)
    assert "survey_code" not in client.session
    _scan(client, code)
    again = client.get(reverse("ballots:survey_answer"))
    assert "已经使用过" in again.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_neither_xmin_nor_ctid_follows_the_answering(client, cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    _survey, _codes, given = _answering_session(client, cast, n=20)
    table = SurveyAnswer._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT xmin::text, "values"::text FROM {table} ORDER BY ctid')
        stored = cursor.fetchall()
        cursor.execute(f"SELECT DISTINCT xmin::text FROM {SurveyCode._meta.db_table}")
        code_xmins = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT count(*) FROM {SurveyAnswerHolding._meta.db_table}")
        held = cursor.fetchone()[0]
        cursor.execute(
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = %s",
            [SurveyAnswerHolding._meta.db_table],
        )
        dead = cursor.fetchone()
    # Every stored answer was written by the one transaction that closed the survey ...
    assert len({xmin for xmin, _values in stored}) == 1
    # ... which is none of the transactions that used a code.
    assert not {xmin for xmin, _values in stored} & code_xmins
    # The heap order is not the order of answering (20! orders; one is the given one).
    import json

    in_heap = [json.loads(values) for _xmin, values in stored]
    assert sorted(map(repr, in_heap)) == sorted(map(repr, given))
    assert in_heap != given
    # The holding table is empty and vacuumed (no dead rows keep the order).
    assert held == 0
    assert dead is None or dead[0] == 0


@pytest.mark.postgres
@pytest.mark.concurrency
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_same_code_submitted_at_once_from_many_threads_gives_one_answer(cast):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes one writer at a time anyway")
    import threading

    from django.db import connections

    from kaohe.ballots.surveys import AnswerRefused, survey_answer_submit

    survey = f.survey([cast.unit_a], codes=1)
    code = SurveyCode.objects.get().code
    values = {q.pk: 0 for q in survey.questions.all()}
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def submit() -> None:
        try:
            barrier.wait()
            survey_answer_submit(code=code, values=values)
            outcomes.append("ok")
        except AnswerRefused as refused:
            outcomes.append(str(refused.code))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", *["used"] * 5]
    assert SurveyAnswerHolding.objects.count() == 1
