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

AUDIT_ACTIONS: dict[str, object] = {
    # democratic evaluation (evaluation_services)
    "ballot_form.create": _("新建测评表"),
    "ballot_session.create": _("新建民主测评"),
    "ballot_session.status": _("民主测评状态变化"),
    "ballot_code.create": _("生成测评码"),
    "ballot_code.use": _("测评码已使用"),
    # the office's edits and paper sheets (evaluation_office_services)
    "ballot_session.targets": _("修改民主测评对象"),
    "ballot_session.rater_classes": _("修改测评人类别"),
    "ballot_paper.enter": _("录入纸质测评票"),
}

MENU = (
    MenuItem("ballots:session_list", pgettext_lazy("menu", "民主测评"), Action.BALLOT_RESULTS, "session", "ballots", 71),
)  # fmt: skip


class BallotsConfig(AppConfig):
    """民主测评, 民意调查 and 领导评价: the votes and ratings that feed the scores."""

    name = "kaohe.ballots"
    label = "ballots"
    verbose_name = _("测评与评价")

    def ready(self) -> None:
        register_audit_actions(AUDIT_ACTIONS)  # type: ignore[arg-type]
        register_menu_items(MENU)
        register_menu_group("ballots", pgettext_lazy("menu", "测评与评价"))
        from kaohe.ballots.surveys_registry import SURVEY_AUDIT_ACTIONS, SURVEY_MENU

        register_audit_actions(SURVEY_AUDIT_ACTIONS)
        register_menu_items(SURVEY_MENU)
