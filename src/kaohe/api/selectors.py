"""Which API tokens a user sees (the API's records come from the apps' selectors)."""

from __future__ import annotations

from django.db.models import QuerySet

from kaohe.api.models import ApiToken
from kaohe.core.roles import Action, can


def tokens_for_user(user: object) -> QuerySet[ApiToken]:
    if not can(user, Action.USER_MANAGE):
        return ApiToken.objects.none()
    return ApiToken.objects.select_related("user", "created_by")
