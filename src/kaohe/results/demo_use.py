"""Demo data of result use: the written explanations the decided outcomes ask for, and a
what-if copy of a graded scheme, so that the pages show content. Nothing is made when the
demo has no decided outcome or no finished run (``kaohe demo`` grades nothing yet)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from kaohe.results import use, whatif
from kaohe.results.models import Outcome, RunRow, WhatIfDraft
from kaohe.schemes.models import Scheme


def use_demo_load(*, year: int, today: dt.date | None = None) -> tuple[int, int]:
    """(explanations opened, what-if drafts made) for ``year``."""
    today = today or timezone.localdate()
    opened = 0
    for outcome in Outcome.objects.filter(year__year=year, status__in=use.USED_STATUSES):
        opened += len(
            use.explanations_open(actor=None, outcome=outcome, due_on=today + dt.timedelta(days=30))
        )
    made = 0
    if not WhatIfDraft.objects.exists():
        graded = RunRow.objects.filter(run__year__year=year, run__status="done").values("scheme")
        scheme = (
            Scheme.objects.filter(pk__in=graded, current_version__isnull=False)
            .order_by("pk")
            .first()
        )
        if scheme is not None:
            whatif.whatif_create(actor=None, scheme=scheme, name="演示：调整分数线")
            made = 1
    return opened, made
