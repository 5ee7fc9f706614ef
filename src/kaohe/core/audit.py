"""The audit log helper. Every write service calls ``audit_record`` inside its own
transaction, so the write and its audit row are committed (or rolled back) together."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.core.models import AuditEntry

# What the audit log page calls each action (the code stays in the row and the export).
ACTION_LABELS = {
    "login.success": _("登录"),
    "login.fail": _("登录失败"),
    "login.lock": _("登录锁定"),
    "login.lock_address": _("登录地址锁定"),
    "logout": _("退出"),
    "user.create": _("新增用户"),
    "user.update": _("修改用户"),
    "user.password_reset": _("重置密码"),
    "token.create": _("新建接口令牌"),
    "token.revoke": _("吊销接口令牌"),
    "year.create": _("新增考核年度"),
    "year.update": _("修改考核年度"),
    "category.create": _("新增单位类别"),
    "category.update": _("修改单位类别"),
    "category.delete": _("删除单位类别"),
    "flag.create": _("新增单位标记"),
    "unit.create": _("新增单位"),
    "unit.update": _("修改单位"),
    "team.update": _("修改领导班子"),
    "team.order": _("调整班子成员排序"),
    "cadre.create": _("新增干部"),
    "cadre.update": _("修改干部"),
    "cadre.transfer": _("职务变动"),
    "posting.start": _("新增任职"),
    "posting.end": _("结束任职"),
    "secondment.create": _("登记挂职"),
    "secondment.end": _("结束挂职"),
    "village.create": _("登记驻村"),
    "village.end": _("结束驻村"),
    "investigation.open": _("登记立案审查"),
    "investigation.close": _("立案审查结案"),
    "demo.load": _("加载示例数据"),
    "job.submit": _("提交后台任务"),
    "job.status": _("后台任务状态变化"),
}


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of ``instance`` as JSON-ready values (foreign keys by id)."""
    result: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        if isinstance(field, models.ForeignKey):
            result[name] = getattr(instance, field.attname)
        else:
            result[name] = _plain(getattr(instance, name))
    return result


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the write's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEntry.objects.create(
        actor=actor if authenticated else None,
        actor_name=str(actor) if authenticated else "",
        at=timezone.now(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_plain(before) if before is not None else None,
        after=_plain(after) if after is not None else None,
    )


def apply_changes(
    instance: models.Model, changes: dict[str, Any], allowed: Iterable[str]
) -> tuple[list[str], dict[str, Any], dict[str, Any]]:
    """Set ``changes`` on ``instance``; return the fields that really changed with their
    values before and after (for ``save(update_fields=...)`` and the audit row)."""
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {sorted(unknown)} of {instance._meta.label}")
    changed = [
        name for name, value in changes.items() if snapshot(instance, [name])[name] != _plain(value)
    ]
    before = snapshot(instance, changed)
    for name in changed:
        setattr(instance, name, changes[name])
    return changed, before, snapshot(instance, changed)
