"""The cadre's own page: their published grades by year, each explained in plain Chinese
from the engine's trace, the 复核 and 申诉 filed and what may still be filed by when.
Nothing before publication."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kaohe.core.roles import Action, require
from kaohe.results import appeals
from kaohe.results.explain import explain
from kaohe.results.models import Appeal, AppealKind, AppealStatus
from kaohe.results.selectors import own_grades


def own_entries(user: object, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The user's own published grades, each with its explanation, its 复核 and 申诉 so far
    and what may still be filed by when (also shown on a cadre's home page)."""
    today = today or timezone.localdate()
    entries = []
    filed_of = Prefetch(
        "appeals",
        queryset=Appeal.objects.filter(kind__in=(AppealKind.REVIEW, AppealKind.APPEAL)).order_by(
            "filed_on", "pk"
        ),
        to_attr="filed",
    )
    grades = own_grades(user).prefetch_related(filed_of)
    for final in grades.order_by("-outcome__year__year", "scheme_id"):
        row = final.row
        version = row.run.versions.filter(scheme_id=row.scheme_id).first()
        steps = explain(
            row.trace,
            version.definition if version else {},
            version.notes if version else {},
            row.group,
        )
        filed = final.filed  # the prefetch's list
        review = next((a for a in filed if a.kind == AppealKind.REVIEW), None)
        appeal = next((a for a in filed if a.kind == AppealKind.APPEAL), None)
        deadline = appeals.review_deadline(final.outcome)
        # 公务员法 第95条: one 复核 within 30 days of the publication; against its decision a
        # 申诉 within 15 days (or a 申诉 without a 复核 within the 30 days)
        appeal_deadline = None
        if review is not None and review.decided_on is not None and appeal is None:
            appeal_deadline = review.decided_on + dt.timedelta(days=appeals.APPEAL_FILE_DAYS)
        entries.append(
            {
                "final": final,
                "row": row,
                "steps": steps,
                "changes": list(final.changes.all()),
                "deadline": deadline,
                "filed": filed,
                "pending": next((a for a in filed if a.status != AppealStatus.DECIDED), None),
                "can_review": not filed and deadline is not None and today <= deadline,
                "appeal_deadline": appeal_deadline,
                "can_appeal": appeal_deadline is not None and today <= appeal_deadline,
            }
        )
    return entries


@login_required
def own_results(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULT_OWN_VIEW)
    return render(request, "results/own_results.html", {"entries": own_entries(request.user)})
