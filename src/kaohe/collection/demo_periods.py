"""The demo county's calendars (called by the demo loader, ``kaohe.demo``): every preset
scheme of the demo year gets its preset calendar; the periods that ended before ``today``
are closed, those running on ``today`` open, the later ones planned. Idempotent: what is
already there is left alone (a period is only moved forward: planned → open → closed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from kaohe.collection.calendar import calendar_for
from kaohe.collection.models import Period, PeriodStatus
from kaohe.collection.services import calendar_create, period_set_status


def _wanted(period: Period, today: dt.date) -> str:
    if period.ends_on < today:
        return PeriodStatus.CLOSED
    if period.starts_on <= today:
        return PeriodStatus.OPEN
    return PeriodStatus.PLANNED


@transaction.atomic
def periods_demo_load(*, year: int, today: dt.date, actor: Any = None) -> dict[str, int]:
    """Counts: ``schemes`` given a calendar, ``periods`` created, ``open`` and ``closed``
    (periods moved there by this call)."""
    from kaohe.schemes.models import Scheme

    made = {"schemes": 0, "periods": 0, "open": 0, "closed": 0}
    schemes = Scheme.objects.filter(year__year=year).exclude(preset="").select_related("year")
    for scheme in schemes.order_by("pk"):
        if not calendar_for(scheme.preset, scheme.code, year):
            continue
        created = calendar_create(actor=actor, scheme=scheme)
        made["schemes"] += bool(created)
        made["periods"] += len(created)
        for period in Period.objects.filter(scheme=scheme).order_by("starts_on", "key"):
            wanted = _wanted(period, today)
            if period.status == PeriodStatus.PLANNED and wanted != PeriodStatus.PLANNED:
                period = period_set_status(actor=actor, period=period, status=PeriodStatus.OPEN)
                made["open"] += wanted == PeriodStatus.OPEN
            if period.status == PeriodStatus.OPEN and wanted == PeriodStatus.CLOSED:
                period_set_status(actor=actor, period=period, status=PeriodStatus.CLOSED)
                made["closed"] += 1
    return made
