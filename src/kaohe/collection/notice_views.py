"""The user's notices (reminders and late notices): a list, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.collection.reminders import notices_mark_read
from kaohe.collection.selectors import notices_for_user, unread_notice_count
from kaohe.core.context_processors import header_count_remember
from kaohe.core.listing import paginate
from kaohe.core.roles import Action, actor, require


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.DASHBOARD_VIEW)
    notices = notices_for_user(request.user)
    page = paginate(request, notices)
    unread = unread_notice_count(request.user)
    header_count_remember(request, unread)
    return render(request, "collection/notice_list.html", {"page": page, "unread": unread})


@login_required
@require_POST
def notice_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read and go where it points (a page of this site only)."""
    require(request.user, Action.DASHBOARD_VIEW)
    notice = get_object_or_404(notices_for_user(request.user), pk=pk)
    notices_mark_read(user=actor(request), notices=notices_for_user(request.user).filter(pk=pk))
    target = notice.url if request.POST.get("go") else ""
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return redirect(target if target and safe else "collection:notice_list")


@login_required
@require_POST
def notice_read_all(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.DASHBOARD_VIEW)
    count = notices_mark_read(user=actor(request), notices=notices_for_user(request.user))
    messages.success(request, _("已将 %(count)d 条通知标为已读") % {"count": count})
    return redirect("collection:notice_list")
