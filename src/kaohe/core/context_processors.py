from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.roles import Action, can, role_of

SETTINGS = "settings"
# (url name, label, action required, section matched against the url name, menu group):
# items of a group share one drop-down, so the bar fits one line at a laptop's width.
NAV_ITEMS = (
    ("home:index", pgettext_lazy("menu", "首页"), Action.DASHBOARD_VIEW, "home", None),
    ("orgs:unit_list", pgettext_lazy("menu", "单位"), Action.UNIT_VIEW, "unit", None),
    ("orgs:cadre_list", pgettext_lazy("menu", "干部"), Action.CADRE_VIEW, "cadre", None),
    ("orgs:team_list", pgettext_lazy("menu", "领导班子"), Action.UNIT_VIEW, "team", None),
    ("schemes:scheme_list", pgettext_lazy("menu", "考核方案"), Action.SCHEME_VIEW, "scheme", None),
    (
        "schemes:system_list",
        pgettext_lazy("menu", "指标体系"),
        Action.INDICATOR_VIEW,
        "system",
        None,
    ),
    ("schemes:change_list", pgettext_lazy("menu", "变更申请"), Action.CHANGE_VIEW, "change", None),
    (
        "orgs:category_list",
        pgettext_lazy("menu", "单位类别"),
        Action.CATEGORY_VIEW,
        "category",
        SETTINGS,
    ),
    ("orgs:year_list", pgettext_lazy("menu", "考核年度"), Action.YEAR_EDIT, "year", SETTINGS),
    ("core:user_list", pgettext_lazy("menu", "用户"), Action.USER_MANAGE, "user", SETTINGS),
    ("core:audit_list", pgettext_lazy("menu", "操作日志"), Action.AUDIT_VIEW, "audit", SETTINGS),
    (
        "orgs:workbook_import",
        pgettext_lazy("menu", "Excel 导入导出"),
        Action.UNIT_EDIT,
        "workbook",
        SETTINGS,
    ),
    ("core:job_list", pgettext_lazy("menu", "后台任务"), Action.UNIT_EDIT, "job", SETTINGS),
)
GROUP_LABELS = {SETTINGS: pgettext_lazy("menu", "设置")}


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    items: list[dict[str, object]] = []
    groups: dict[str, dict[str, object]] = {}
    for url, label, action, section, group in NAV_ITEMS:
        if not can(user, action):
            continue
        item = {"url": url, "label": label, "active": (current or "").startswith(section)}
        if group is None:
            items.append(item)
            continue
        if group not in groups:
            groups[group] = {"label": GROUP_LABELS[group], "items": [], "active": False}
            items.append({"group": groups[group]})
        entries = groups[group]["items"]
        assert isinstance(entries, list)
        entries.append(item)
        groups[group]["active"] = bool(groups[group]["active"]) or bool(item["active"])
    role = role_of(user)
    return {
        "nav_items": items,
        "site_title": settings.SITE_TITLE or _("考核管理系统"),
        "user_role_label": role.label if role else "",
        # {% if allowed.unit_edit %}: the role table, for showing or hiding buttons only.
        "allowed": {action.name.lower(): can(user, action) for action in Action},
        "today": timezone.localdate(),
    }
