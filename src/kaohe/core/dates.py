"""The plausible range of a date typed by a person (forms, imports, the API): one rule,
so 9999-12-31 or 0001-01-01 is refused everywhere with the same Chinese message."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import timezone
from django.utils.translation import gettext as _

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 10  # a planned date (a retirement, a term's end) may lie this far ahead


def latest(today: dt.date | None = None) -> dt.date:
    return _latest(today or timezone.localdate())


@functools.lru_cache(maxsize=16)  # an import checks every date of every row on one day
def _latest(today: dt.date) -> dt.date:
    return today.replace(year=today.year + YEARS_AHEAD, day=28 if today.month == 2 else today.day)


def date_problem(value: dt.date, *, today: dt.date | None = None) -> str | None:
    """A Chinese message when ``value`` lies outside 1900-01-01 … ten years from today."""
    if value < EARLIEST:
        return _("日期不能早于 %(date)s") % {"date": EARLIEST.isoformat()}
    last = latest(today)
    if value > last:
        return _("日期不能晚于 %(date)s") % {"date": last.isoformat()}
    return None
