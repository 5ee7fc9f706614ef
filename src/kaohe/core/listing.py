"""What every list page shares: paging and the htmx partial switch."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


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
