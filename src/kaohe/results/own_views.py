"""The cadre's own page: their published grades by year, each explained in plain Chinese
from the engine's trace, and how to file a 复核 before its deadline. Nothing before
publication."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from kaohe.core.roles import Action, require
from kaohe.results import appeals
from kaohe.results.explain import explain
from kaohe.results.selectors import own_grades


def own_entries(user: object) -> list[dict[str, Any]]:
    """The user's own published grades, each with its explanation and the 复核 deadline
    (also shown on a cadre's home page)."""
    today = timezone.localdate()
    entries = []
    for final in own_grades(user).order_by("-outcome__year__year", "scheme_id"):
        row = final.row
        version = row.run.versions.filter(scheme_id=row.scheme_id).first()
        steps = explain(
            row.trace,
            version.definition if version else {},
            version.notes if version else {},
            row.group,
        )
        deadline = appeals.review_deadline(final.outcome)
        entries.append(
            {
                "final": final,
                "row": row,
                "steps": steps,
                "changes": list(final.changes.all()),
                "deadline": deadline,
                "can_review": deadline is not None and today <= deadline,
            }
        )
    return entries


@login_required
def own_results(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULT_OWN_VIEW)
    return render(request, "results/own_results.html", {"entries": own_entries(request.user)})
