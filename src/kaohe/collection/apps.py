from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import register_audit_actions

AUDIT_ACTIONS = {
    "period.create": _("新增考核周期"),
    "period.update": _("修改考核周期"),
    "period.status": _("考核周期状态变化"),
    "attachment.upload": _("上传佐证材料"),
    "attachment.delete": _("删除佐证材料"),
}


class CollectionConfig(AppConfig):
    """The year's work between a scheme and its grading (seeds 000 三, 001 第十一条–第十三条)."""

    name = "kaohe.collection"
    label = "collection"
    verbose_name = _("日常考核")

    def ready(self) -> None:
        register_audit_actions(AUDIT_ACTIONS)
