"""Headers Django's own middleware does not set, on every response.

- ``Permissions-Policy``: the site needs no camera, microphone, location, payment or USB.
- ``Cache-Control: no-store`` (with ``private`` and an ``Expires`` in the past) on every
  response to a signed-in user and on every file or download, whoever asks: a shared
  computer's browser cache or a proxy must not keep a page of cadres or an exported
  workbook. Static files (WhiteNoise, under ``STATIC_URL``) keep their own long caching.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if not request.path_info.startswith(self.static_prefix) and (
            _is_download(response) or _signed_in(request)
        ):
            add_never_cache_headers(response)
        return response


def _is_download(response: HttpResponseBase) -> bool:
    disposition = response.headers.get("Content-Disposition", "")
    return isinstance(response, FileResponse) or disposition.lower().startswith("attachment")


def _signed_in(request: HttpRequest) -> bool:
    """Whether the request carries a signed-in user. The lazy user is read at most once per
    request (``AuthenticationMiddleware`` caches it); when reading it fails (the database is
    down behind a 500), the answer is yes: not caching is the safe side."""
    user = getattr(request, "user", None)
    if user is None:
        return False
    try:
        return bool(user.is_authenticated)
    except Exception:  # any failure: treat as signed in, never cache
        return True
