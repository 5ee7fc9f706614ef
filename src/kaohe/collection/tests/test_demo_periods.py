import datetime as dt

import pytest

from kaohe.collection.demo_periods import periods_demo_load
from kaohe.collection.models import Period, PeriodStatus


@pytest.mark.django_db
def test_the_demo_year_has_its_past_periods_closed_and_the_current_one_open():
    from kaohe.schemes.services import schemes_demo_load

    schemes_demo_load(year=2024)
    made = periods_demo_load(year=2024, today=dt.date(2024, 6, 22))
    # 000 style: 12 + 4 + 1; 001 party: 6, review: 1; 002 and 004: 1 per scheme (2 each)
    assert made["periods"] == Period.objects.count() == 17 + 6 + 1 + 2 + 2
    style = {p.key: p.status for p in Period.objects.filter(scheme__code="style")}
    assert style["M05"] == PeriodStatus.CLOSED and style["M06"] == PeriodStatus.OPEN
    assert style["M07"] == PeriodStatus.PLANNED and style["Q2"] == PeriodStatus.OPEN
    party = {p.key: p.status for p in Period.objects.filter(scheme__code="party")}
    assert party == {"Q1": "closed", "H1": "open", "Q2": "open", "Q3": "planned",
                     "Q4": "planned", "Y": "planned"}  # fmt: skip
    closed = Period.objects.filter(status=PeriodStatus.CLOSED)
    assert all(p.ends_on < dt.date(2024, 6, 22) and p.closed_at for p in closed)
    # again, later in the year: nothing new, the periods move on
    again = periods_demo_load(year=2024, today=dt.date(2024, 7, 2))
    assert again["periods"] == 0 and again["closed"] >= 3  # M06, Q2 of both, H1
    assert Period.objects.get(scheme__code="party", key="H1").status == PeriodStatus.CLOSED
