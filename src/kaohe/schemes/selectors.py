"""Which rows a user may see: one selector per model, used by every view.

- the office (who may edit schemes) sees everything, drafts included;
- a scorer sees the indicator systems in which its unit is a responsible or lead
  responsible unit, and the change requests its unit filed;
- a liaison sees the published systems of its own unit's category;
- leaders, assessment teams and the committee see what is published.
A published indicator system shows its scheme: whoever sees the system (published or
locked) also sees its scheme, read-only, even while the scheme is still a draft.
A row outside a user's selector is answered with 404.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from kaohe.core.roles import Action, Role, can, role_of
from kaohe.schemes.models import (
    ChangeRequest,
    Indicator,
    IndicatorSystem,
    IndicatorSystemVersion,
    Scheme,
    SchemeStatus,
    SchemeVersion,
    SystemStatus,
)


def schemes_for_user(user: object) -> QuerySet[Scheme]:
    if not can(user, Action.SCHEME_VIEW):
        return Scheme.objects.none()
    schemes = Scheme.objects.select_related("year", "current_version")
    if can(user, Action.SCHEME_EDIT):
        return schemes
    shown_by_system = (
        indicator_systems_for_user(user).exclude(status=SystemStatus.DRAFT).values("scheme_id")
    )
    return schemes.filter(~Q(status=SchemeStatus.DRAFT) | Q(pk__in=shown_by_system))


def scheme_versions_for_user(user: object) -> QuerySet[SchemeVersion]:
    return SchemeVersion.objects.filter(
        scheme__in=schemes_for_user(user).values("pk")
    ).select_related("created_by")


def indicator_systems_for_user(user: object) -> QuerySet[IndicatorSystem]:
    if not can(user, Action.INDICATOR_VIEW):
        return IndicatorSystem.objects.none()
    systems = IndicatorSystem.objects.select_related(
        "scheme", "scheme__year", "category", "current_version"
    )
    if can(user, Action.INDICATOR_EDIT):
        return systems
    unit_id = getattr(user, "unit_id", None)
    role = role_of(user)
    if role == Role.SCORER:
        if unit_id is None:
            return IndicatorSystem.objects.none()
        responsible = Indicator.objects.filter(system=OuterRef("pk")).filter(
            Q(responsible_unit_id=unit_id) | Q(lead_unit_id=unit_id)
        )
        return systems.filter(Exists(responsible))
    published = systems.exclude(status=SystemStatus.DRAFT)
    if role == Role.LIAISON:
        if unit_id is None:
            return IndicatorSystem.objects.none()
        return published.filter(category__units=unit_id)
    return published


def indicators_for_user(user: object) -> QuerySet[Indicator]:
    return Indicator.objects.filter(
        system__in=indicator_systems_for_user(user).values("pk")
    ).select_related("parent", "responsible_unit", "lead_unit")


def system_versions_for_user(user: object) -> QuerySet[IndicatorSystemVersion]:
    return IndicatorSystemVersion.objects.filter(
        system__in=indicator_systems_for_user(user).values("pk")
    ).select_related("created_by")


def change_requests_for_user(user: object) -> QuerySet[ChangeRequest]:
    if not can(user, Action.CHANGE_VIEW):
        return ChangeRequest.objects.none()
    requests = ChangeRequest.objects.select_related(
        "system",
        "system__category",
        "system__scheme",
        "system__scheme__year",
        "requested_by",
        "requested_unit",
        "decided_by",
        "base_version",
        "result_version",
    )
    if can(user, Action.CHANGE_DECIDE) or role_of(user) == Role.COMMITTEE_MEMBER:
        return requests
    # A unit's own requests, on systems it still sees.
    return requests.filter(
        requested_unit_id=getattr(user, "unit_id", None),
        system__in=indicator_systems_for_user(user).values("pk"),
    )
