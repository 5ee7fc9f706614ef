from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaohe.core.roles import Action, can, role_of

# (url name, label, action required, section matched against the resolver's namespace/url)
NAV_ITEMS = (
    ("core:home", _("首页"), Action.DASHBOARD_VIEW, "home"),
    ("orgs:unit_list", _("单位"), Action.UNIT_VIEW, "unit"),
    ("orgs:cadre_list", _("干部"), Action.CADRE_VIEW, "cadre"),
    ("orgs:team_list", _("领导班子"), Action.UNIT_VIEW, "team"),
    ("orgs:category_list", _("单位类别"), Action.CATEGORY_VIEW, "category"),
    ("orgs:year_list", _("考核年度"), Action.YEAR_EDIT, "year"),
    ("schemes:scheme_list", _("考核方案"), Action.SCHEME_VIEW, "scheme"),
    ("schemes:system_list", _("指标体系"), Action.INDICATOR_VIEW, "system"),
    ("schemes:change_list", _("变更申请"), Action.CHANGE_VIEW, "change"),
    ("core:audit_list", _("操作日志"), Action.AUDIT_VIEW, "audit"),
    ("core:user_list", _("用户"), Action.USER_MANAGE, "user"),
)


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    items = [
        {"url": url, "label": label, "active": (current or "").startswith(section)}
        for url, label, action, section in NAV_ITEMS
        if can(user, action)
    ]
    role = role_of(user)
    return {
        "nav_items": items,
        "site_title": settings.SITE_TITLE or _("考核管理系统"),
        "user_role_label": role.label if role else "",
        # {% if allowed.unit_edit %}: the role table, for showing or hiding buttons only.
        "allowed": {action.name.lower(): can(user, action) for action in Action},
        "today": timezone.localdate(),
    }
