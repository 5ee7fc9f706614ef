from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo county: a service that fills an empty database, and its command."""

    name = "kaohe.demo"
    label = "demo"
    verbose_name = _("示例数据")
