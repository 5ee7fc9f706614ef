from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import JobKind, register_audit_actions, register_job_kinds

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


class OrgsConfig(AppConfig):
    name = "kaohe.orgs"
    label = "orgs"
    verbose_name = _("单位与干部")

    def ready(self) -> None:
        register_job_kinds((UNITS_IMPORT, TEAMS_IMPORT, CADRES_IMPORT, ASSIGNMENTS_IMPORT))
        register_audit_actions(AUDIT_ACTIONS)
