"""The error pages: 400, 403, 404, 500 and the CSRF failure, in the site's layout and the
request's language (Chinese, or English), never Django's technical pages.

403, 404 and the CSRF page render with the request (menu, user box). 400 and 500 render
without it: no context processor runs, no database query is made, and the request's host
is not read (a 400 may be a bad ``Host`` header). If even that fails, a fixed page in the
same words is returned, so the 500 handler itself never fails.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)
from django.template import loader
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)
TEMPLATE = "core/error.html"
CSRF = "csrf"
# Each page's heading and message (translated when the page is rendered).
WORDS: dict[int | str, tuple[Promise, Promise]] = {
    400: (
        gettext_lazy("请求有误"),
        gettext_lazy("系统无法处理这个请求。请检查网址是否正确，或回到首页重新操作。"),
    ),
    403: (
        gettext_lazy("没有权限"),
        gettext_lazy("您的账号无权进行这项操作。如需开通，请联系考核办的系统管理员。"),
    ),
    404: (
        gettext_lazy("页面不存在"),
        gettext_lazy("您要找的页面不存在，或者不在您可以查看的范围内。"),
    ),
    500: (
        gettext_lazy("服务器出错"),
        gettext_lazy(
            "系统处理这个请求时出错，错误已记录。请稍后重试；问题持续时请联系系统管理员。"
        ),
    ),
    CSRF: (
        gettext_lazy("页面已过期"),
        gettext_lazy(
            "为保护您的账号，系统没有接受这次提交：页面打开太久、已在别处退出登录，"
            "或浏览器禁用了 Cookie。请返回上一页，刷新后重新提交。"
        ),
    ),
}


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _bare(HttpResponseBadRequest, *WORDS[400])


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _page(request, HttpResponseForbidden, *WORDS[403])


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    # The exception's text is not shown: it may name a model ("No Cadre matches ...").
    return _page(request, HttpResponseNotFound, *WORDS[404], request_path=request.path)


def server_error(request: HttpRequest) -> HttpResponse:
    return _bare(HttpResponseServerError, *WORDS[500])


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Django's ``CSRF_FAILURE_VIEW``. Rendering with the request gives the browser a new
    token, so going back, reloading and submitting again works."""
    return _page(request, HttpResponseForbidden, *WORDS[CSRF])


def _page(
    request: HttpRequest,
    response_class: type[HttpResponse],
    heading: Promise,
    message: Promise,
    **extra: object,
) -> HttpResponse:
    context = {"code": response_class.status_code, "heading": heading, "message": message}
    return response_class(loader.render_to_string(TEMPLATE, context | extra, request=request))


def _bare(response_class: type[HttpResponse], heading: Promise, message: Promise) -> HttpResponse:
    site_title = settings.SITE_TITLE or _("考核管理系统")
    context = {
        "code": response_class.status_code,
        "heading": heading,
        "message": message,
        "site_title": site_title,
        "bare": True,
    }
    body: str
    try:
        body = loader.render_to_string(TEMPLATE, context)
    except Exception:  # the error page must not fail in turn
        logger.exception("the error page %s could not be rendered", response_class.status_code)
        body = (
            '<!doctype html><meta charset="utf-8">'
            f"<title>{escape(heading)} · {escape(site_title)}</title>"
            f"<h1>{escape(heading)}</h1><p>{escape(message)}</p>"
        )
    return response_class(body)
