"""Which rows a user may see: one selector per model, used by every view.

A row outside a user's selector is answered with 404 (not 403), so that nobody learns
what exists in another unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.db.models import (
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from kaohe.core.roles import Action, Role, can, role_of
from kaohe.orgs.models import (
    TEAM_ROLES,
    AssessmentYear,
    Cadre,
    Investigation,
    Posting,
    Secondment,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
    VillageAssignment,
    active_on,
)


def today() -> dt.date:
    return timezone.localdate()


def years_for_user(user: object) -> QuerySet[AssessmentYear]:
    if not can(user, Action.DASHBOARD_VIEW):
        return AssessmentYear.objects.none()
    return AssessmentYear.objects.all()


def categories_for_user(user: object) -> QuerySet[UnitCategory]:
    if not can(user, Action.CATEGORY_VIEW):
        return UnitCategory.objects.none()
    return UnitCategory.objects.all()


def unit_categories_for_user(user: object) -> QuerySet[UnitCategory]:
    """The categories of the units a user sees (for filters); not the category pages."""
    return UnitCategory.objects.filter(pk__in=units_for_user(user).values("category_id"))


def flags_for_user(user: object) -> QuerySet[UnitFlag]:
    if not can(user, Action.UNIT_VIEW):
        return UnitFlag.objects.none()
    return UnitFlag.objects.all()


def units_for_user(user: object) -> QuerySet[Unit]:
    if not can(user, Action.UNIT_VIEW):
        return Unit.objects.none()
    units = Unit.objects.select_related("category", "parent", "supervisor")
    if role_of(user) == Role.LIAISON:
        unit_id = getattr(user, "unit_id", None)
        return units.filter(pk=unit_id) if unit_id is not None else units.none()
    return units


def teams_for_user(user: object) -> QuerySet[Team]:
    return Team.objects.filter(unit__in=units_for_user(user).values("pk")).select_related(
        "unit", "unit__category"
    )


def cadres_for_user(user: object) -> QuerySet[Cadre]:
    """Cadres the user may see; a liaison sees those currently posted in the own unit."""
    if not can(user, Action.CADRE_VIEW):
        return Cadre.objects.none()
    cadres = Cadre.objects.all()
    if role_of(user) == Role.LIAISON:
        unit_id = getattr(user, "unit_id", None)
        if unit_id is None:  # a liaison without a unit sees no one
            return Cadre.objects.none()
        here = Posting.objects.filter(active_on(today()), cadre=OuterRef("pk"), unit_id=unit_id)
        cadres = cadres.filter(Exists(here))
    return cadres


def with_current_state(cadres: QuerySet[Cadre], *, on: dt.date | None = None) -> QuerySet[Cadre]:
    """Prefetch what a cadre list shows: postings, secondment, village team and open
    investigation current on ``on`` (a fixed number of queries, whatever the page size)."""
    day = on or today()
    return cadres.prefetch_related(
        Prefetch(
            "postings",
            queryset=Posting.objects.filter(active_on(day))
            .select_related("unit")
            .order_by("-is_primary", "-start_date"),
            to_attr="current_postings",
        ),
        Prefetch(
            "secondments",
            queryset=Secondment.objects.filter(active_on(day)).select_related("host"),
            to_attr="current_secondments",
        ),
        Prefetch(
            "village_assignments",
            queryset=VillageAssignment.objects.filter(active_on(day)),
            to_attr="current_village_assignments",
        ),
        Prefetch(
            "investigations",
            queryset=Investigation.objects.filter(closed_on__isnull=True, opened_on__lte=day),
            to_attr="open_investigations",
        ),
    )


def cadre_filter(
    cadres: QuerySet[Cadre], *, special: str, on: dt.date | None = None
) -> QuerySet[Cadre]:
    """Narrow a cadre queryset to one special case of seed 004."""
    day = on or today()
    if special == "seconded":
        return cadres.filter(
            Exists(Secondment.objects.filter(active_on(day), cadre=OuterRef("pk")))
        )
    if special == "village":
        return cadres.filter(
            Exists(VillageAssignment.objects.filter(active_on(day), cadre=OuterRef("pk")))
        )
    if special == "investigation":
        return cadres.filter(
            Exists(
                Investigation.objects.filter(
                    cadre=OuterRef("pk"), closed_on__isnull=True, opened_on__lte=day
                )
            )
        )
    if special == "retired":
        return cadres.filter(retired_on__isnull=False, retired_on__lte=day)
    if special == "principal":
        return cadres.filter(
            Exists(Posting.objects.filter(active_on(day), cadre=OuterRef("pk"), role="principal"))
        )
    if special == "entrusted":
        return cadres.filter(
            Exists(
                Posting.objects.filter(
                    active_on(day), cadre=OuterRef("pk"), unit__supervisor__isnull=False
                )
            )
        )
    return cadres


def cadres_in_unit(
    cadres: QuerySet[Cadre], unit: Unit, *, on: dt.date | None = None
) -> QuerySet[Cadre]:
    day = on or today()
    return cadres.filter(
        Exists(Posting.objects.filter(active_on(day), cadre=OuterRef("pk"), unit=unit))
    )


def postings_for_user(user: object) -> QuerySet[Posting]:
    return Posting.objects.filter(cadre__in=cadres_for_user(user).values("pk")).select_related(
        "unit"
    )


def team_members(
    postings: QuerySet[Posting], team: Team, *, on: dt.date | None = None
) -> QuerySet[Posting]:
    """The team's members on ``on`` (党政正职 and 班子成员 posted in its unit, cross
    appointments included) among ``postings``, as a Chinese list orders them: 书记, 正职,
    the other members, each step in the office's order."""
    return (
        postings.filter(active_on(on or today()), unit=team.unit_id, role__in=TEAM_ROLES)
        .select_related("cadre", "unit")
        .order_by(*Posting.LIST_ORDER)
    )


def in_list_order(
    cadres: QuerySet[Cadre], *, unit: Unit | None = None, on: dt.date | None = None
) -> QuerySet[Cadre]:
    """``cadres`` as a Chinese list orders people: by the unit of their current primary
    post (its category's and its own order), then within the unit by post (书记, 正职,
    班子成员, 一般干部) and the office's order; not by surname. With ``unit``: by the post
    held in that unit. Cadres with no current post come last."""
    held = Posting.objects.filter(active_on(on or today()), cadre=OuterRef("pk"))
    held = held.filter(unit=unit) if unit is not None else held.filter(is_primary=True)
    # one posting per cadre, joined (a correlated subquery in the join's condition; five
    # subqueries in the ORDER BY took three times as long)
    first = Subquery(held.order_by("-start_date", "-id").values("pk")[:1])
    keys = ["held__precedence", "held__order"]
    if unit is None:
        keys = ["held__unit__category__order", "held__unit__order", "held__unit__code", *keys]
    return cadres.annotate(
        held=FilteredRelation("postings", condition=Q(postings__pk=first))
    ).order_by(*(F(key).asc(nulls_last=True) for key in keys), "pk")


# A dated record of a cadre's career outside the postings (挂职, 驻村, 立案审查).
CadreRecord = Secondment | VillageAssignment | Investigation
# each kind of record: the relations selected with it
RECORD_RELATED: dict[type[CadreRecord], tuple[str, ...]] = {
    Secondment: ("cadre", "host"),
    VillageAssignment: ("cadre",),
    Investigation: ("cadre",),
}


def records_of(model: type[CadreRecord], cadres: QuerySet[Cadre]) -> QuerySet[Any]:
    """The ``model`` records of ``cadres``: seen with the cadre, as on the cadre's page."""
    return model.objects.filter(cadre__in=cadres.values("pk")).select_related(
        *RECORD_RELATED[model]
    )


def secondments_for_user(user: object) -> QuerySet[Secondment]:
    return records_of(Secondment, cadres_for_user(user))


def village_assignments_for_user(user: object) -> QuerySet[VillageAssignment]:
    return records_of(VillageAssignment, cadres_for_user(user))


def investigations_for_user(user: object) -> QuerySet[Investigation]:
    return records_of(Investigation, cadres_for_user(user))


def cadre_records(
    cadres: QuerySet[Cadre], *, only: Mapping[type[CadreRecord], Collection[int]] | None = None
) -> list[CadreRecord]:
    """The secondments, village-team stints and investigations of ``cadres`` (with the
    cadre and the host unit selected), by cadre (in list order: ``in_list_order``), type
    and start; ``only`` narrows each table to the listed ids (then by cadre id: no list
    order is read)."""
    place: dict[int, int] = {}
    if only is None:
        place = {pk: n for n, pk in enumerate(in_list_order(cadres).values_list("pk", flat=True))}
    found: list[tuple[Any, ...]] = []
    for order, model in enumerate(RECORD_RELATED):
        if only is not None and not only.get(model):
            continue
        rows = records_of(model, cadres)
        if only is not None:
            rows = rows.filter(pk__in=only[model])
        for row in rows:
            start = row.opened_on if isinstance(row, Investigation) else row.start_date
            found.append((place.get(row.cadre_id, 0), row.cadre_id, order, start, row.pk, row))
    return [key[-1] for key in sorted(found, key=lambda key: key[:-1])]
