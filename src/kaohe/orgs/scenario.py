"""Build the engine's ``entities`` section (``shared/spec/scenario-format.md``) from the
database, as of 12-31 of the assessment year (seed 004: posts held on that day count)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q

from kaohe.orgs.models import (
    Cadre,
    Investigation,
    Posting,
    Role,
    Secondment,
    Unit,
    VillageAssignment,
    active_on,
)


def full_months(start: dt.date, end: dt.date) -> int:
    """Whole months worked from ``start`` to ``end``, both days included:
    07-01 … 12-31 is 6 months, 07-02 … 12-31 is 5."""
    after = end + dt.timedelta(days=1)
    months = (after.year - start.year) * 12 + (after.month - start.month)
    if after.day < start.day:
        months -= 1
    return max(months, 0)


def scenario_entities(year: int) -> dict[str, list[dict[str, Any]]]:
    """Units and cadres with the attributes the engine's placement reads.

    Besides the format's keys, units carry ``supervisor`` and cadres ``entrusted_by`` (the
    supervising department's code) where 委托考核 applies.

    A cadre is listed with the primary post held on 12-31 (a cadre who retired during the
    year: the post held on the retirement day, so the engine excludes them visibly). Months
    of a secondment run from its start to its end or 12-31, whichever comes first.
    """
    year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)

    units = [
        {
            "id": unit.code,
            "name": unit.name,
            "category": unit.category.name,
            "flags": sorted(flag.name for flag in unit.flags.all()),
            **({"supervisor": unit.supervisor.code} if unit.supervisor else {}),
        }
        for unit in Unit.objects.all()
        .select_related("category", "supervisor")
        .prefetch_related("flags")
        .order_by("category__order", "order", "code")
    ]

    held_at_year_end = Q(end_date__isnull=True) | Q(end_date__gte=year_end)
    held_at_retirement = Q(
        cadre__retired_on__gte=year_start,
        cadre__retired_on__lte=year_end,
        end_date__gte=year_start,
    )
    postings = (
        Posting.objects.filter(is_primary=True, start_date__lte=year_end)
        .filter(held_at_year_end | held_at_retirement)
        .select_related("unit__supervisor")
        .order_by("cadre_id", "-start_date", "-id")
    )
    posting_of: dict[int, Posting] = {}
    for posting in postings:
        posting_of.setdefault(posting.cadre_id, posting)  # the latest one held

    secondment_of = {
        row.cadre_id: row
        for row in Secondment.objects.filter(active_on(year_end)).select_related("host")
    }
    on_village_team = set(
        VillageAssignment.objects.filter(active_on(year_end)).values_list("cadre_id", flat=True)
    )
    under_investigation = set(
        Investigation.objects.filter(opened_on__lte=year_end, closed_on__isnull=True).values_list(
            "cadre_id", flat=True
        )
    )

    cadres: list[dict[str, Any]] = []
    for cadre in Cadre.objects.filter(pk__in=posting_of).order_by("pk"):
        posting = posting_of[cadre.pk]
        entry: dict[str, Any] = {
            "id": cadre.entity_id,
            "name": cadre.name,
            "unit": posting.unit.code,
            # the engine knows principal and member; 一般干部 are placed as members are
            "role": Role.PRINCIPAL.value if posting.role == Role.PRINCIPAL else Role.MEMBER.value,
        }
        if posting.duties:
            entry["duties"] = list(posting.duties)
        if posting.unit.supervisor is not None:
            # 委托考核 (seed 004 (一)4): the supervising department organises it; an extra
            # attribute that rules may read with {entity: {entrusted_by: ...}}.
            entry["entrusted_by"] = posting.unit.supervisor.code
        secondment = secondment_of.get(cadre.pk)
        if secondment is not None:
            until = min(secondment.end_date or year_end, year_end)
            entry["secondment"] = {
                "level": secondment.level,
                "host": secondment.host.code,
                "months": full_months(secondment.start_date, until),
            }
        if cadre.pk in on_village_team:
            entry["village_team"] = True
        if cadre.retired_on is not None:
            entry["retired_on"] = cadre.retired_on
        if cadre.pk in under_investigation:
            entry["investigation"] = "open"
        cadres.append(entry)

    return {"units": units, "cadres": cadres}
