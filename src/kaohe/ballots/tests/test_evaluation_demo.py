"""The demo county's evaluations: a finished meeting with results, a test-mode round."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_the_demo_has_a_finished_meeting_with_results_and_a_test_mode_round():
    from kaohe.ballots.demo_evaluation import ballots_demo_load
    from kaohe.ballots.evaluation_tally import session_result
    from kaohe.ballots.models import PendingSheet, Session, SessionStatus, Sheet
    from kaohe.demo.services import demo_load

    demo_load(year=2024)
    summary = ballots_demo_load(year=2024)
    assert summary["sessions"] == 2
    meeting = Session.objects.get(status=SessionStatus.CLOSED)
    mutual = Session.objects.get(status=SessionStatus.TESTING)
    # 90% of 5, 12, 24 by phone, and two paper sheets of 下级
    assert Sheet.objects.filter(session=meeting).count() == 4 + 10 + 21 + 2
    result = session_result(meeting)
    rows = [row for part in result.parts for row in part.rows]
    assert rows and all(not row.hidden and row.value is not None for row in rows)
    assert all(row.invalid == 0 for row in rows)
    assert set(result.sheets_by_class) == {"上级", "同级", "下级"}
    assert PendingSheet.objects.filter(session=mutual).count() == 3
    test_result = session_result(mutual)
    assert test_result.test and len(test_result.parts[0].rows) >= 10
