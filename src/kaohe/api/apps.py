from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import register_audit_actions

AUDIT_ACTIONS = {
    "token.create": _("新建接口令牌"),
    "token.revoke": _("吊销接口令牌"),
}


class ApiConfig(AppConfig):
    name = "kaohe.api"
    label = "api"
    verbose_name = _("数据接口")

    def ready(self) -> None:
        from kaohe.api import schema  # noqa: F401  (registers the OpenAPI extension)

        register_audit_actions(AUDIT_ACTIONS)
