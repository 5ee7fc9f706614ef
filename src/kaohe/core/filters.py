"""List filters (django-filter): each list page's query parameters, declared once. The
filter sets take ``request`` so that choices come from what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.core.audit_display import actions_matching, object_type_label
from kaohe.core.models import AuditEntry
from kaohe.core.registry import audit_actions
from kaohe.core.roles import Role

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

DATE = forms.DateInput(attrs={"type": "date"})


def search_filter(
    placeholder: str | StrPromise, *fields: str, method: str = ""
) -> django_filters.CharFilter:
    """The search box (``q``) of a list page: any of ``fields`` contains the text (or the
    filter set's ``method`` decides)."""

    def contains(queryset: QuerySet[Any], _name: str, value: str) -> QuerySet[Any]:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__icontains": value})
        return queryset.filter(query)

    return django_filters.CharFilter(
        label=_("搜索"),
        method=method or contains,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": placeholder}),
    )


def per_request(choices: Callable[[Any], QuerySet[Any]]) -> QuerySet[Any]:
    """A filter's choices made per request: django-filter calls a callable ``queryset``
    with the request (QuerySetRequestMixin.get_queryset); its stubs allow only a QuerySet
    there, so the callable is typed as what it stands for."""
    return choices  # type: ignore[return-value]


def for_user(selector: Callable[[object], QuerySet[Any]]) -> QuerySet[Any]:
    """A filter's choices: what ``selector`` gives the requesting user."""
    return per_request(lambda request: selector(request.user))


class AuditFilter(django_filters.FilterSet):
    q = search_filter(_("对象或操作"), method="search")
    action = django_filters.ChoiceFilter(label=_("操作"), empty_label=_("全部操作"))
    object_type = django_filters.ChoiceFilter(label=_("对象类型"), empty_label=_("全部"))
    actor = django_filters.CharFilter(
        label=_("操作人"), field_name="actor_name", max_length=150, lookup_expr="icontains"
    )
    date_from = django_filters.DateFilter(label=_("起始日期"), method="since", widget=DATE)
    date_to = django_filters.DateFilter(label=_("截止日期"), method="until", widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = AuditEntry.objects.order_by().values_list("object_type", flat=True).distinct()
        self.filters["action"].extra["choices"] = [
            (code, str(label)) for code, label in audit_actions().items()
        ]
        self.filters["object_type"].extra["choices"] = sorted(
            ((t, object_type_label(t)) for t in types if t), key=lambda choice: choice[1]
        )

    def search(self, queryset: QuerySet[AuditEntry], _name: str, text: str) -> QuerySet:
        """The object's name, the action's code or its Chinese label contains ``text``."""
        return queryset.filter(
            Q(object_repr__icontains=text)
            | Q(action__icontains=text)
            | Q(action__in=actions_matching(text, list(audit_actions())))
        )

    @staticmethod
    def _midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())

    def since(self, queryset: QuerySet[AuditEntry], _name: str, day: dt.date) -> QuerySet:
        return queryset.filter(at__gte=self._midnight(day))

    def until(self, queryset: QuerySet[AuditEntry], _name: str, day: dt.date) -> QuerySet:
        return queryset.filter(at__lt=self._midnight(day + dt.timedelta(days=1)))


class UserFilter(django_filters.FilterSet):
    q = search_filter(_("用户名或姓名"), "username", "display_name")
    role = django_filters.ChoiceFilter(
        label=_("角色"), choices=Role.choices, empty_label=_("全部角色")
    )
