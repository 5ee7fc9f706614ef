"""The demo's scores: past quarters scored and closed, the current one in part, rankings
that differ, field checks waiting for confirmation; a second load adds nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kaohe.collection.demo_scoring import scoring_demo_load
from kaohe.collection.models import FieldCheckDeduction, Period, PeriodStatus, ScoreEntry
from kaohe.collection.totals import period_totals


@pytest.fixture
def county(db):
    from kaohe.demo.services import demo_load
    from kaohe.schemes.services import schemes_demo_load

    demo_load(year=2024)
    schemes_demo_load(year=2024)


def test_the_demo_scores_the_past_quarters_with_a_realistic_spread(county):
    made = scoring_demo_load(year=2024, today=dt.date(2024, 9, 25))
    assert made["periods"] == 4 and made["entries"] > 500 and made["consolidated"] > 0
    assert made["field_checks"] == 2
    status = dict(Period.objects.values_list("key", "status"))
    assert status == {
        "Q1": PeriodStatus.CLOSED, "Q2": PeriodStatus.CLOSED,
        "Q3": PeriodStatus.OPEN, "Q4": PeriodStatus.PLANNED,
    }  # fmt: skip
    q1, q2 = Period.objects.get(key="Q1"), Period.objects.get(key="Q2")
    first, second = period_totals(period=q1), period_totals(period=q2)
    assert len(set(first.values())) >= 10  # rankings differ
    assert 60 < min(first.values()) <= max(first.values()) - 4 and max(first.values()) <= 100
    # a steady quality: the best of Q1 stays in the upper half in Q2
    best = max(first, key=first.__getitem__)
    assert second[best] >= sorted(second.values())[len(second) // 2]
    assert ScoreEntry.objects.filter(period__key="Q3").exists()
    # each entry is its indicator's responsible unit's, or the lead unit's consolidation
    for entry in ScoreEntry.objects.select_related("indicator"):
        expected = (
            entry.indicator.lead_unit_id
            if entry.consolidated
            else (entry.indicator.responsible_unit_id or entry.indicator.lead_unit_id)
        )
        assert entry.scorer_unit_id == expected
    assert FieldCheckDeduction.objects.filter(field_check__period__key="Q3").exists()
    again = scoring_demo_load(year=2024, today=dt.date(2024, 9, 25))
    assert again["entries"] == 0 and again["periods"] == 0


def test_the_demo_scores_the_quarters_of_the_real_calendar(county):
    from kaohe.collection.demo_periods import periods_demo_load

    periods_demo_load(year=2024, today=dt.date(2024, 9, 25))
    made = scoring_demo_load(year=2024, today=dt.date(2024, 9, 25))
    assert made["periods"] == 0 and made["entries"] > 500
    scored = set(ScoreEntry.objects.values_list("period__key", flat=True).distinct())
    quarters = Period.objects.filter(scheme__code="party", scheme__year__year=2024)
    started = {
        p.key
        for p in quarters.filter(
            kind__in=["quarterly", "half_year"], starts_on__lte=dt.date(2024, 9, 25)
        )
    }
    # the quarters and the half-year evaluation (its circular), not the monthly reports
    assert scored == started and "H1" in scored
