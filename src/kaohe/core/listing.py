"""What every list page shares: paging and the htmx partial switch."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


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
    request: HttpRequest, form: Form, queryset: QuerySet, full: str, partial: str
) -> HttpResponse:
    """A list page: its filter ``form`` and one page of ``queryset``, in the whole page
    (``full``) or only the results (``partial``) as ``list_template`` chooses."""
    page = paginate(request, queryset)
    return render(request, list_template(request, full, partial), {"form": form, "page": page})
