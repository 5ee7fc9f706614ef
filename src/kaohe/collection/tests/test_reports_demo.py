"""The demo's reports: every state, the demo liaison's to-dos, idempotent."""

from __future__ import annotations

import pytest


@pytest.fixture
def today():
    from django.utils import timezone

    return timezone.localdate()


@pytest.fixture
def demo(db, today):
    """The demo county of this year, its calendar (the current periods open), the reports."""
    from kaohe.collection.demo_reports import reports_demo_load
    from kaohe.demo.services import demo_site_load

    demo_site_load(year=today.year)
    return reports_demo_load(year=today.year, today=today)


def test_the_demo_has_reports_in_every_state_and_loads_once(demo, today):
    from kaohe.collection.demo_reports import RECENT_MONTHS, reports_demo_load
    from kaohe.collection.models import Period, Report, ReportEvent

    assert Period.objects.filter(reports__isnull=False).distinct().count() >= 5
    statuses = set(Report.objects.values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "returned", "accepted"}
    assert Report.objects.filter(late=True).exists()
    assert ReportEvent.objects.filter(kind="returned").exclude(reason="").exists()
    # Monthly reports only for the latest months.
    monthly = Period.objects.filter(kind="monthly", reports__isnull=False).distinct()
    assert 1 <= monthly.count() <= RECENT_MONTHS
    before = Report.objects.count()
    again = reports_demo_load(year=today.year, today=today)
    assert again["periods_made"] == 0 and Report.objects.count() == before


def test_the_demo_liaison_has_a_returned_report_and_one_due(demo, today):
    from kaohe.collection.todos import TodoState, todos_for
    from kaohe.core.models import User

    liaison = User.objects.get(username="liaison")
    states = {todo.state for todo in todos_for(liaison, today)}
    assert TodoState.RETURNED in states and TodoState.DUE in states
    admin = User.objects.get(username="admin")
    assert any(t.state == TodoState.WAITING for t in todos_for(admin, today))
