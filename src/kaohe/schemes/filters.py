"""The filters of the schemes lists (schemes, indicator systems, change requests)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.core.filters import for_user, per_request, search_filter
from kaohe.core.roles import Action, can
from kaohe.orgs.selectors import categories_for_user, unit_categories_for_user, years_for_user
from kaohe.schemes.models import (
    ChangeRequest,
    ChangeStatus,
    IndicatorSystem,
    Scheme,
    SchemeStatus,
    SystemStatus,
)


class SchemeFilter(django_filters.FilterSet):
    q = search_filter(_("名称、编号或方案组"), "name", "code", "suite")
    year = django_filters.ModelChoiceFilter(
        label=_("年度"), queryset=for_user(years_for_user), empty_label=_("全部年度")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=SchemeStatus.choices, empty_label=_("全部状态")
    )

    class Meta:
        model = Scheme
        fields: tuple[str, ...] = ()


def _system_categories(request: Any) -> QuerySet[Any]:
    """Every category for those who see the category pages, else those of their units."""
    if can(request.user, Action.CATEGORY_VIEW):
        return categories_for_user(request.user)
    return unit_categories_for_user(request.user)


class SystemFilter(django_filters.FilterSet):
    q = search_filter(_("体系或方案名称"), "name", "scheme__name")
    year = django_filters.ModelChoiceFilter(
        label=_("年度"),
        field_name="scheme__year",
        queryset=for_user(years_for_user),
        empty_label=_("全部年度"),
    )
    category = django_filters.ModelChoiceFilter(
        label=_("单位类别"), queryset=per_request(_system_categories), empty_label=_("全部类别")
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=SystemStatus.choices, empty_label=_("全部状态")
    )

    class Meta:
        model = IndicatorSystem
        fields: tuple[str, ...] = ()


class ChangeFilter(django_filters.FilterSet):
    q = search_filter(
        _("指标体系、理由或申请单位"), "system__name", "reason", "requested_unit__name"
    )
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=ChangeStatus.choices, empty_label=_("全部状态")
    )

    class Meta:
        model = ChangeRequest
        fields: tuple[str, ...] = ()
