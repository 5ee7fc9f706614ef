"""The filters of the orgs lists (units, leadership teams, cadres)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from kaohe.core.filters import for_user, search_filter
from kaohe.orgs.models import Cadre, LeadershipLevel, Posting, Rank, Team, Unit, active_on
from kaohe.orgs.pinyin import search_key
from kaohe.orgs.selectors import (
    cadre_filter,
    cadres_in_unit,
    flags_for_user,
    today,
    unit_categories_for_user,
    units_for_user,
)


def category_filter(field_name: str) -> django_filters.ModelChoiceFilter:
    """The units' category (``field_name`` leads to it), among those of the user's units."""
    return django_filters.ModelChoiceFilter(
        label=_("类别"),
        field_name=field_name,
        queryset=for_user(unit_categories_for_user),
        empty_label=_("全部类别"),
    )


class UnitFilter(django_filters.FilterSet):
    q = search_filter(_("名称或编码"), "name", "code")
    category = category_filter("category")
    flag = django_filters.ModelChoiceFilter(
        label=_("标记"),
        field_name="flags",
        queryset=for_user(flags_for_user),
        empty_label=_("全部标记"),
    )

    class Meta:
        model = Unit
        fields: tuple[str, ...] = ()


class TeamFilter(django_filters.FilterSet):
    q = search_filter(_("班子或单位名称"), "name", "unit__name")
    category = category_filter("unit__category")

    class Meta:
        model = Team
        fields: tuple[str, ...] = ()


SPECIAL_CHOICES = (
    ("principal", _("党政正职")),
    ("seconded", _("挂职")),
    ("village", _("驻村工作队")),
    ("entrusted", _("委托考核")),
    ("investigation", _("立案审查")),
    ("retired", _("已退休")),
)


class CadreFilter(django_filters.FilterSet):
    """Cadres by name (汉字, 全拼 or 首字母: 张青山, zhangqingshan, zqs), current post,
    unit, level, rank and special case."""

    q = search_filter(_("姓名、拼音或首字母"), method="by_name")
    post = django_filters.CharFilter(
        label=_("职务"),
        method="by_post",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("如 镇长、副局长")}),
    )
    unit = django_filters.ModelChoiceFilter(
        label=_("单位"), queryset=for_user(units_for_user), empty_label=_("全部单位"),
        method="by_unit",
    )  # fmt: skip
    level = django_filters.ChoiceFilter(
        label=_("领导职务层次"),
        field_name="leadership_level",
        choices=LeadershipLevel.choices,
        empty_label=_("全部层次"),
    )
    rank = django_filters.ChoiceFilter(
        label=_("职级"), choices=Rank.choices, empty_label=_("全部职级")
    )
    special = django_filters.ChoiceFilter(
        label=_("情形"), choices=SPECIAL_CHOICES, empty_label=_("全部情形"), method="by_special"
    )

    class Meta:
        model = Cadre
        fields: tuple[str, ...] = ()

    def by_name(self, cadres: QuerySet[Cadre], _name: str, text: str) -> QuerySet[Cadre]:
        key = search_key(text)
        return cadres.filter(search__contains=key) if key else cadres

    def by_post(self, cadres: QuerySet[Cadre], _name: str, text: str) -> QuerySet[Cadre]:
        held = Posting.objects.filter(
            active_on(today()), cadre=OuterRef("pk"), post__icontains=text.strip()
        )
        return cadres.filter(Exists(held))

    def by_unit(self, cadres: QuerySet[Cadre], _name: str, unit: Unit) -> QuerySet[Cadre]:
        return cadres_in_unit(cadres, unit)

    def by_special(self, cadres: QuerySet[Cadre], _name: str, special: str) -> QuerySet[Cadre]:
        return cadre_filter(cadres, special=special)
