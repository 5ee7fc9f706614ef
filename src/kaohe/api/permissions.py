"""The roles table decides what the API may do, as it does for the pages: each view names
the action a read needs and the action a write needs. Which rows: the selectors."""

from __future__ import annotations

from typing import Any

from rest_framework import permissions

from kaohe.core.roles import can


class RoleAllows(permissions.BasePermission):
    def has_permission(self, request: Any, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        safe = request.method in permissions.SAFE_METHODS
        action = view.read_action if safe else getattr(view, "write_action", None)
        return action is not None and can(request.user, action)
