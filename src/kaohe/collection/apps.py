from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    HeaderCounter,
    MenuItem,
    register_audit_actions,
    register_header_counter,
    register_menu_group,
    register_menu_items,
)
from kaohe.core.roles import Action

AUDIT_ACTIONS = {
    "period.create": _("新增考核周期"),
    "period.update": _("修改考核周期"),
    "period.status": _("考核周期状态变化"),
    "attachment.upload": _("上传佐证材料"),
    "attachment.delete": _("删除佐证材料"),
    "attachment.share": _("引用佐证材料"),
    "period.calendar_create": _("按预置日历建立考核周期"),
    "period.calendar_default": _("为手工方案生成默认日历"),
    "notice.send": _("发送待办提醒和逾期通知"),
    "ranking.run": _("季度排名并预警"),
    "rectification.submit": _("提交整改反馈"),
    "rectification.return": _("退回整改反馈"),
    "rectification.sign_off": _("整改销号"),
    "rectification.escalate": _("整改逾期督办"),
    "letter_template.upload": _("上传督办函模板"),
    "letter_template.reset": _("恢复默认督办函模板"),
    "score.set": _("指标评分"),
    "score.clear": _("清空指标评分"),
    "score.correct": _("更正已确定的评分"),
    "score.fill_zero": _("空白评分记 0 分"),
    "score.import": _("批量导入评分"),
    "field_check.create": _("记录实地考核"),
    "field_check.deduct": _("实地考核提出扣分"),
    "field_check.confirm": _("确认实地考核扣分"),
}

MENU = (
    MenuItem("collection:period_list", pgettext_lazy("menu", "考核日历"), Action.PERIOD_VIEW, "period", "work", 61),
    MenuItem("collection:report_list", pgettext_lazy("menu", "报送材料"), Action.REPORT_VIEW, "report", "work", 62),
    # Warnings and rectification: one entry, the two lists link to each other.
    MenuItem("collection:own_scores", pgettext_lazy("menu", "本单位得分"), Action.UNIT_SCORES_VIEW, "own_scores", "work", 65),
    MenuItem("collection:warning_list", pgettext_lazy("menu", "预警整改"), Action.WARNING_VIEW, "warning", "work", 66),
    MenuItem("collection:scoring_index", pgettext_lazy("menu", "指标评分"), Action.SCORE_ENTER, "scoring", "work", 63),
    MenuItem("collection:field_check_index", pgettext_lazy("menu", "实地考核"), Action.SCORE_VIEW, "field_check", "work", 64),
    MenuItem("collection:progress", pgettext_lazy("menu", "考核进度"), Action.PROGRESS_VIEW, "progress", "work", 69),
)  # fmt: skip


class CollectionConfig(AppConfig):
    """The year's work between a scheme and its grading (seeds 000 三, 001 第十一条–第十三条)."""

    name = "kaohe.collection"
    label = "collection"
    verbose_name = _("日常考核")

    def ready(self) -> None:
        from kaohe.collection.period_todos import period_todos
        from kaohe.collection.rectification import rectification_todos
        from kaohe.collection.reports import AUDIT_ACTIONS as REPORT_AUDIT_ACTIONS
        from kaohe.collection.reports import reports_todos
        from kaohe.collection.scoring import scoring_todos
        from kaohe.collection.selectors import unread_notice_count
        from kaohe.collection.todos import register_todo_provider
        from kaohe.collection.unit_scores import unit_scores_todos

        register_audit_actions(AUDIT_ACTIONS)
        register_audit_actions(REPORT_AUDIT_ACTIONS)
        register_menu_items(MENU)
        register_menu_group("work", pgettext_lazy("menu", "日常考核"))
        register_todo_provider(period_todos)
        register_todo_provider(reports_todos)
        register_todo_provider(rectification_todos)
        register_todo_provider(scoring_todos)
        register_todo_provider(unit_scores_todos)
        register_header_counter(
            HeaderCounter(unread_notice_count, "collection:notice_list", _("通知"))
        )
