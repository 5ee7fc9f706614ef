"""The API's pages: its documentation (Swagger UI, served from our own static files) and
the office's list of tokens, where a token is created (its key shown once) or revoked."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.api import services
from kaohe.api.forms import TokenForm
from kaohe.api.selectors import tokens_for_user
from kaohe.core.forms import apply_service_error
from kaohe.core.listing import paginate
from kaohe.core.roles import Action, require
from kaohe.core.selectors import users_for_user


def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.USER_MANAGE)
    form = TokenForm(
        request.POST or None, users=users_for_user(request.user).filter(is_active=True)
    )
    key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, key = services.token_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新建令牌：%(name)s") % {"name": token.name})
            form = TokenForm(users=users_for_user(request.user).filter(is_active=True))
    page = paginate(request, tokens_for_user(request.user))
    return render(request, "api/token_list.html", {"form": form, "page": page, "key": key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.USER_MANAGE)
    token = get_object_or_404(tokens_for_user(request.user), pk=pk)
    try:
        services.token_revoke(actor=request.user, token=token)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已吊销令牌：%(name)s") % {"name": token.name})
    return redirect("api:token_list")
