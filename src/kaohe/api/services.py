"""Write services of the API app: tokens are created and revoked by the office."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.api.models import ApiToken
from kaohe.core.audit import audit_record


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: Any, user: Any, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; returns it with its key (shown once, stored hashed)."""
    if not user.is_active:
        raise ValidationError({"user": _("该用户已停用")}, code="user_inactive")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        key_hash=key_hash(key),
        created_by=actor,
        created_at=timezone.now(),
    )
    audit_record(
        actor=actor,
        action="token.create",
        obj=token,
        after={"user": user.username, "name": name, "prefix": token.prefix},
    )
    return token, key


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已吊销"), code="already_revoked")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="token.revoke", obj=token, after={"revoked_at": token.revoked_at}
    )
    return token
