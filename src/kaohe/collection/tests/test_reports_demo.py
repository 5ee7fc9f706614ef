"""The demo's reports: every state, the demo liaison's to-dos, idempotent."""

from __future__ import annotations

import datetime as dt

import pytest

TODAY = dt.date(2024, 11, 20)


@pytest.fixture
def demo(db):
    from kaohe.collection.demo_reports import reports_demo_load
    from kaohe.demo.services import demo_site_load

    demo_site_load(year=2024)
    return reports_demo_load(year=2024, today=TODAY)


def test_the_demo_has_reports_in_every_state_and_loads_once(demo):
    from kaohe.collection.demo_reports import reports_demo_load
    from kaohe.collection.models import Period, Report, ReportEvent

    assert demo["periods_made"] == 15  # M01–M11, Q1–Q3, H1 (started by 11-20)
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "accepted"}
    assert Report.objects.filter(late=True).exists()
    assert ReportEvent.objects.filter(kind="returned").exclude(reason="").exists()
    # Monthly reports only for the latest months; the past periods closed again.
    assert not Report.objects.filter(period__key="M01").exists()
    assert Period.objects.get(key="M01").status == "closed"
    before = Report.objects.count()
    again = reports_demo_load(year=2024, today=TODAY)
    assert again["periods_made"] == 0 and Report.objects.count() == before


def test_the_demo_liaison_has_a_returned_report_and_one_due(demo):
    from kaohe.collection.todos import TodoState, todos_for
    from kaohe.core.models import User

    liaison = User.objects.get(username="liaison")
    states = {todo.state for todo in todos_for(liaison, TODAY)}
    assert TodoState.RETURNED in states and TodoState.DUE in states
    admin = User.objects.get(username="admin")
    assert any(t.state == TodoState.WAITING for t in todos_for(admin, TODAY))
