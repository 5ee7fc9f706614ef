import datetime as dt

from kaohe.collection.demo_warnings import warnings_demo_load
from kaohe.collection.models import PeriodWarning, Rectification, RectificationStatus
from kaohe.collection.tests.warning_helpers import one_indicator_system, quarter, set_score
from kaohe.core.models import AuditEntry


def test_the_demo_ranks_the_past_quarters_and_leaves_tasks_in_every_state(cast, party):
    from kaohe.orgs.services import unit_create

    scheme = party["party"]
    towns = [cast.unit_a, cast.unit_b] + [
        unit_create(actor=None, code=f"t{i}", name=f"镇{i}", category=cast.town_category)
        for i in range(4)
    ]
    depts = [cast.responsible_unit] + [
        unit_create(actor=None, code=f"d{i}", name=f"局{i}", category=cast.dept_category)
        for i in range(3)
    ]
    one_indicator_system(scheme, cast.town_category)
    one_indicator_system(scheme, cast.dept_category)
    q1, q2 = quarter(scheme, "Q1"), quarter(scheme, "Q2")
    quarter(scheme, "Q3", status="open")  # not over yet on the demo's day: not ranked
    quarter(scheme, "Q4", status="planned")
    for period, shift in ((q1, 0), (q2, 3)):
        for i, unit in enumerate(towns + depts):
            set_score(period, unit, 70 + (i * 7 + shift) % 25)

    today = dt.date(2024, 8, 15)
    summary = warnings_demo_load(year=2024, today=today)

    assert summary["periods"] == 2
    assert set(PeriodWarning.objects.values_list("period__key", flat=True)) == {"Q1", "Q2"}
    assert PeriodWarning.objects.get(period=q1, group="镇街").issued_on == dt.date(2024, 4, 1)
    statuses = set(Rectification.objects.values_list("status", flat=True))
    assert statuses == {
        RectificationStatus.SIGNED_OFF,
        RectificationStatus.SUBMITTED,
        RectificationStatus.RETURNED,
        RectificationStatus.OPEN,
    }
    assert summary["escalated"] >= 1  # a Q1 task still open in August is late
    assert Rectification.objects.filter(escalated_on=today).exists()

    before = AuditEntry.objects.exclude(action="ranking.run").count()
    again = warnings_demo_load(year=2024, today=today)
    assert again["warnings"] == summary["warnings"] and again["escalated"] == 0
    assert AuditEntry.objects.exclude(action="ranking.run").count() == before


def test_the_demo_leaves_a_period_without_scores_unranked(cast, party):
    one_indicator_system(party["party"], cast.town_category)
    quarter(party["party"], "Q1")
    summary = warnings_demo_load(year=2024, today=dt.date(2024, 8, 15))
    assert summary["periods"] == 0 and not PeriodWarning.objects.exists()
