from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    SETTINGS_GROUP,
    JobKind,
    MenuItem,
    register_audit_actions,
    register_job_kinds,
    register_menu_items,
)
from kaohe.core.roles import Action

# The Excel imports that run as background jobs (``kaohe.orgs.jobs``).
UNITS_IMPORT = JobKind("orgs.units_import", _("导入单位"), "kaohe.orgs.jobs.units_import_run")
TEAMS_IMPORT = JobKind("orgs.teams_import", _("导入领导班子"), "kaohe.orgs.jobs.teams_import_run")
CADRES_IMPORT = JobKind("orgs.cadres_import", _("导入干部"), "kaohe.orgs.jobs.cadres_import_run")
ASSIGNMENTS_IMPORT = JobKind(
    "orgs.assignments_import",
    _("导入挂职、驻村与立案审查"),
    "kaohe.orgs.jobs.assignments_import_run",
)

AUDIT_ACTIONS = {
    "year.create": _("新增考核年度"),
    "year.update": _("修改考核年度"),
    "category.create": _("新增单位类别"),
    "category.update": _("修改单位类别"),
    "category.delete": _("删除单位类别"),
    "flag.create": _("新增单位标记"),
    "unit.create": _("新增单位"),
    "unit.update": _("修改单位"),
    "team.update": _("修改领导班子"),
    "team.order": _("调整班子成员排序"),
    "cadre.create": _("新增干部"),
    "cadre.update": _("修改干部"),
    "cadre.transfer": _("职务变动"),
    "posting.start": _("新增任职"),
    "posting.end": _("结束任职"),
    "secondment.create": _("登记挂职"),
    "secondment.end": _("结束挂职"),
    "village.create": _("登记驻村"),
    "village.end": _("结束驻村"),
    "investigation.open": _("登记立案审查"),
    "investigation.close": _("立案审查结案"),
}


MENU = (
    MenuItem("orgs:unit_list", pgettext_lazy("menu", "单位"), Action.UNIT_VIEW, "unit", None, 10),
    MenuItem("orgs:cadre_list", pgettext_lazy("menu", "干部"), Action.CADRE_VIEW, "cadre", None, 20),
    MenuItem("orgs:team_list", pgettext_lazy("menu", "领导班子"), Action.UNIT_VIEW, "team", None, 30),
    MenuItem("orgs:category_list", pgettext_lazy("menu", "单位类别"), Action.CATEGORY_VIEW, "category", SETTINGS_GROUP, 910),
    MenuItem("orgs:year_list", pgettext_lazy("menu", "考核年度"), Action.YEAR_EDIT, "year", SETTINGS_GROUP, 920),
    MenuItem("orgs:workbook_import", pgettext_lazy("menu", "Excel 导入导出"), Action.UNIT_EDIT, "workbook", SETTINGS_GROUP, 950),
)  # fmt: skip


class OrgsConfig(AppConfig):
    name = "kaohe.orgs"
    label = "orgs"
    verbose_name = _("单位与干部")

    def ready(self) -> None:
        register_job_kinds((UNITS_IMPORT, TEAMS_IMPORT, CADRES_IMPORT, ASSIGNMENTS_IMPORT))
        register_audit_actions(AUDIT_ACTIONS)
        register_menu_items(MENU)
