from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    SETTINGS_GROUP,
    MenuItem,
    header_counter,
    menu_group_label,
    menu_items,
)
from kaohe.core.roles import Action, can, role_of

SETTINGS = SETTINGS_GROUP
# Items of a group share one drop-down, so the bar fits one line at a laptop's width. Each
# app registers its own entries (``core.registry.register_menu_items`` in its ``ready``).
CORE_MENU = (
    MenuItem("core:user_list", pgettext_lazy("menu", "用户"), Action.USER_MANAGE, "user", SETTINGS, 930),
    MenuItem("core:audit_list", pgettext_lazy("menu", "操作日志"), Action.AUDIT_VIEW, "audit", SETTINGS, 940),
    MenuItem("core:job_list", pgettext_lazy("menu", "后台任务"), Action.UNIT_EDIT, "job", SETTINGS, 960),
)  # fmt: skip


HEADER_COUNT_ATTR = "_kaohe_header_count"


def header_count_remember(request: HttpRequest, count: int) -> None:
    """A page that has counted the same thing (the notices page) saves the header its query."""
    setattr(request, HEADER_COUNT_ATTR, count)


class HeaderBadge:
    """The top bar's counter (unread notices), counted when the template first asks and
    then kept on the request: one query at most per request, none for a page that never
    shows it (or an anonymous visitor)."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._counter = header_counter()

    @property
    def url(self) -> str:
        return self._counter.url if self._counter else ""

    @property
    def label(self) -> str:
        return str(self._counter.label) if self._counter else ""

    @property
    def count(self) -> int:
        cached = getattr(self._request, HEADER_COUNT_ATTR, None)
        if cached is not None:
            return int(cached)
        user = getattr(self._request, "user", None)
        found = 0
        if self._counter is not None and getattr(user, "is_authenticated", False):
            found = self._counter.count(user)
        header_count_remember(self._request, found)
        return found


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    items: list[dict[str, object]] = []
    groups: dict[str, dict[str, object]] = {}
    for entry in menu_items():
        if not can(user, Action(entry.action)):
            continue
        group = entry.group
        item = {
            "url": entry.url,
            "label": entry.label,
            "active": (current or "").startswith(entry.section),
        }
        if group is None:
            items.append(item)
            continue
        if group not in groups:
            groups[group] = {"label": menu_group_label(group), "items": [], "active": False}
            items.append({"group": groups[group]})
        entries = groups[group]["items"]
        assert isinstance(entries, list)
        entries.append(item)
        groups[group]["active"] = bool(groups[group]["active"]) or bool(item["active"])
    # A drop-down of one entry the role may open is that entry itself.
    for index, shown in enumerate(items):
        dropdown = shown.get("group")
        group_entries = dropdown.get("items") if isinstance(dropdown, dict) else None
        if isinstance(group_entries, list) and len(group_entries) == 1:
            items[index] = group_entries[0]
    role = role_of(user)
    return {
        "nav_items": items,
        "site_title": settings.SITE_TITLE or _("考核管理系统"),
        "user_role_label": role.label if role else "",
        # {% if allowed.unit_edit %}: the role table, for showing or hiding buttons only.
        "allowed": {action.name.lower(): can(user, action) for action in Action},
        "today": timezone.localdate(),
        "header_badge": HeaderBadge(request),
    }
