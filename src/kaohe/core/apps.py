from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    SETTINGS_GROUP,
    register_audit_actions,
    register_menu_group,
    register_menu_items,
)

AUDIT_ACTIONS = {
    "login.success": _("登录"),
    "login.fail": _("登录失败"),
    "login.lock": _("登录锁定"),
    "login.lock_address": _("登录地址锁定"),
    "logout": _("退出"),
    "user.create": _("新增用户"),
    "user.update": _("修改用户"),
    "user.password_reset": _("重置密码"),
    "job.submit": _("提交后台任务"),
    "job.status": _("后台任务状态变化"),
}


class CoreConfig(AppConfig):
    name = "kaohe.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from kaohe.core.context_processors import CORE_MENU

        register_audit_actions(AUDIT_ACTIONS)
        register_menu_items(CORE_MENU)
        register_menu_group(SETTINGS_GROUP, pgettext_lazy("menu", "设置"))
