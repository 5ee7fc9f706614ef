"""The liaison's page of its own unit's scores (``unit_scores``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kaohe.collection.unit_scores import unit_period_scores, unit_score_periods
from kaohe.core.roles import Action, require
from kaohe.orgs.models import Unit


@login_required
def unit_scores(request: HttpRequest) -> HttpResponse:
    """The unit's final scores, one closed period at a time (``?period=``, by default the
    latest); a user without a unit (the office) is told it has none."""
    require(request.user, Action.UNIT_SCORES_VIEW)
    unit_id = getattr(request.user, "unit_id", None)
    if unit_id is None:
        return render(request, "collection/unit_scores.html", {"unit": None})
    unit = get_object_or_404(Unit.objects.select_related("category"), pk=unit_id)
    periods = list(unit_score_periods(unit))
    chosen = request.GET.get("period", "")
    if chosen:
        period = next((p for p in periods if str(p.pk) == chosen), None)
        if period is None:
            raise Http404
    else:
        period = periods[0] if periods else None
    scores = unit_period_scores(period=period, unit=unit) if period is not None else None
    return render(
        request,
        "collection/unit_scores.html",
        {"unit": unit, "periods": periods, "period": period, "scores": scores},
    )
