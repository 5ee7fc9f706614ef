from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    MenuItem,
    register_audit_actions,
    register_menu_group,
    register_menu_items,
)
from kaohe.core.roles import Action

AUDIT_ACTIONS = {
    "scheme.create_from_preset": _("由预置方案新建考核方案"),
    "scheme.create": _("新建考核方案"),
    "scheme.update": _("修改考核方案"),
    "scheme.status": _("考核方案状态变化"),
    "indicator_system.create": _("新建指标体系"),
    "indicator_system.update": _("修改指标体系"),
    "indicator_system.status": _("指标体系状态变化"),
    "indicator_system.import": _("导入指标体系"),
    "indicator.create": _("新增指标"),
    "indicator.update": _("修改指标"),
    "indicator.delete": _("删除指标"),
    "change_request.create": _("提交指标变更申请"),
    "change_request.approve": _("批准指标变更申请"),
    "change_request.reject": _("驳回指标变更申请"),
}


MENU = (
    MenuItem("schemes:scheme_list", pgettext_lazy("menu", "考核方案"), Action.SCHEME_VIEW, "scheme", "schemes", 40),
    MenuItem("schemes:system_list", pgettext_lazy("menu", "指标体系"), Action.INDICATOR_VIEW, "system", "schemes", 50),
    MenuItem("schemes:change_list", pgettext_lazy("menu", "变更申请"), Action.CHANGE_VIEW, "change", "schemes", 60),
)  # fmt: skip


class SchemesConfig(AppConfig):
    name = "kaohe.schemes"
    label = "schemes"
    verbose_name = _("考核方案与指标体系")

    def ready(self) -> None:
        register_audit_actions(AUDIT_ACTIONS)
        register_menu_items(MENU)
        register_menu_group("schemes", pgettext_lazy("menu", "方案"))
