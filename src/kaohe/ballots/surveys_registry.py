"""What the surveys and leader ratings add to core: audit labels and menu entries
(registered by ``BallotsConfig.ready``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import MenuItem
from kaohe.core.roles import Action

SURVEY_AUDIT_ACTIONS = {
    "survey.create": _("新建民意调查"),
    "survey.question_add": _("添加调查题目"),
    "survey.question_delete": _("删除调查题目"),
    "survey.area_set": _("设置调查区域和配额"),
    "survey.codes_issue": _("生成调查码"),
    "survey.status": _("民意调查状态变化"),
    "survey.code_use": _("调查码已使用"),
    "survey.answers_import": _("导入调查答卷"),
    "rating_round.create": _("发起领导评价"),
    "rating_round.status": _("领导评价状态变化"),
    "rating.save": _("保存领导评价打分"),
    "rating.remind": _("提醒领导评价"),
    "rating_round.targets": _("修改领导评价对象"),
}

# In the ballots drop-down (测评与评价) right after 民主测评 (71).
SURVEY_MENU = (
    MenuItem("ballots:survey_list", pgettext_lazy("menu", "民意调查"), Action.SURVEY_MANAGE, "survey", "ballots", 72),
    MenuItem("ballots:rating_round_list", pgettext_lazy("menu", "领导评价"), Action.RATING_ENTER, "rating", "ballots", 73),
)  # fmt: skip
