from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The home page: a summary drawn from every app, so it comes last in the import order
    (like ``api`` and ``demo``), and ``core`` stays free of domain imports."""

    name = "kaohe.home"
    label = "home"
    verbose_name = _("首页")
