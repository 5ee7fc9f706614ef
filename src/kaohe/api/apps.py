from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "kaohe.api"
    label = "api"
    verbose_name = _("数据接口")

    def ready(self) -> None:
        from kaohe.api import schema  # noqa: F401  (registers the OpenAPI extension)
