"""The API's error bodies: DRF's, except that a 404 never names a model (DRF passes on
Django's ``No Cadre matches the given query.``) and a Django ``PermissionDenied`` never
shows the internal action code it carries (``cadre.view``): a generic message in the
request's language instead."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("找不到这条记录，或它不在您可以查看的范围内。"))
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(_("您的账号无权进行这项操作。"))
    return drf_exception_handler(exc, context)
