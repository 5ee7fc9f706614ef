"""What every list page shares: its filters (``kaohe.core.filters``), paging and the htmx
partial switch."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_filters import FilterSet


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def paginate(request: HttpRequest, queryset: QuerySet, per_page: int | None = None) -> Page:
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def list_template(request: HttpRequest, full: str, partial: str) -> str:
    """The whole page, or only the results when htmx asks for them (search as you type)."""
    return (
        partial
        if is_htmx(request) and not request.headers.get("HX-History-Restore-Request")
        else full
    )


def list_page(
    request: HttpRequest,
    filters: FilterSet,
    full: str,
    partial: str,
    *,
    lines: Callable[[Iterable[Any]], Any] | None = None,
) -> HttpResponse:
    """A list page: the form of its ``filters`` (a django-filter ``FilterSet``) and one page
    of what they let through, in the whole page (``full``) or only the results
    (``partial``) as ``list_template`` chooses. ``lines`` turns the page's rows into what
    the template shows (``lines`` in the context)."""
    page = paginate(request, filters.qs)
    context: dict[str, Any] = {"form": filters.form, "page": page}
    if lines is not None:
        context["lines"] = lines(page.object_list)
    return render(request, list_template(request, full, partial), context)
