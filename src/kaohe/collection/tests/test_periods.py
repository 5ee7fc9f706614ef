import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from kaohe.collection.models import PeriodStatus
from kaohe.collection.services import period_set_status
from kaohe.collection.todos import Todo, TodoState, register_todo_provider, todos_for
from kaohe.core.models import AuditEntry


def test_closing_a_period_records_who_and_when_and_audits_it(cast, q1):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    q1.refresh_from_db()
    assert q1.is_closed and q1.closed_by == cast.admin and q1.closed_at is not None
    entry = AuditEntry.objects.filter(action="period.status").latest("pk")
    assert entry.before == {"status": "open"} and entry.after == {"status": "closed"}


def test_reopening_a_closed_period_needs_a_reason(cast, q1):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError) as refused:
        period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.OPEN)
    assert refused.value.error_dict["reason"][0].code == "reason_required"
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.OPEN, reason="补录扣分")
    q1.refresh_from_db()
    assert q1.status == PeriodStatus.OPEN and q1.closed_at is None


def test_a_closed_period_cannot_go_back_to_planned(cast, q1):
    period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.CLOSED)
    with pytest.raises(ValidationError):
        period_set_status(actor=cast.admin, period=q1, status=PeriodStatus.PLANNED)


def test_todos_come_returned_first_then_late_then_by_due_date():
    day = dt.date(2024, 6, 1)

    def provider(user, today):
        yield Todo("b", "B", "/b", TodoState.DUE, dt.date(2024, 6, 20))
        yield Todo("a", "A", "/a", TodoState.DUE, dt.date(2024, 6, 5))
        yield Todo("c", "C", "/c", TodoState.LATE, dt.date(2024, 5, 1))
        yield Todo("d", "D", "/d", TodoState.RETURNED, None)

    register_todo_provider(provider)
    try:
        assert [t.key for t in todos_for(object(), day)] == ["d", "c", "a", "b"]
    finally:
        from kaohe.collection import todos

        todos._PROVIDERS.remove(provider)
