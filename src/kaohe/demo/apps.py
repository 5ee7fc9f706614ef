from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import register_audit_actions


class DemoConfig(AppConfig):
    """The demo county: a service that fills an empty database, and its command."""

    name = "kaohe.demo"
    label = "demo"
    verbose_name = _("示例数据")

    def ready(self) -> None:
        register_audit_actions({"demo.load": _("加载示例数据")})
