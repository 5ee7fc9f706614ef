from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import MenuItem, register_menu_items
from kaohe.core.roles import Action


class HomeConfig(AppConfig):
    """The home page: a summary drawn from every app, so it comes last in the import order
    (like ``api`` and ``demo``), and ``core`` stays free of domain imports."""

    name = "kaohe.home"
    label = "home"
    verbose_name = _("首页")

    def ready(self) -> None:
        from kaohe.collection.todos import register_todo_provider
        from kaohe.home.todos import explanation_todos, rating_todos

        register_todo_provider(rating_todos)
        register_todo_provider(explanation_todos)
        register_menu_items(
            [
                MenuItem(
                    "home:index",
                    pgettext_lazy("menu", "首页"),
                    Action.DASHBOARD_VIEW,
                    "home",
                    None,
                    0,
                )
            ]
        )
