from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import register_audit_actions

AUDIT_ACTIONS: dict[str, object] = {}


class BallotsConfig(AppConfig):
    """民主测评, 民意调查 and 领导评价: the votes and ratings that feed the scores."""

    name = "kaohe.ballots"
    label = "ballots"
    verbose_name = _("测评与评价")

    def ready(self) -> None:
        register_audit_actions(AUDIT_ACTIONS)  # type: ignore[arg-type]
