from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaohe.core.registry import (
    JobKind,
    MenuItem,
    register_audit_actions,
    register_job_kinds,
    register_menu_group,
    register_menu_items,
)
from kaohe.core.roles import Action

AUDIT_ACTIONS = {
    "run.create": _("发起考核结果计算"),
    "run.status": _("考核结果计算状态变化"),
    "component.import": _("导入分项得分"),
    "outcome.open": _("确定考核结果依据"),
    "outcome.status": _("考核结果状态变化"),
    "final_grade.change": _("变更确定等次"),
    "proposal.save": _("保存等次建议"),
    "proposal.status": _("等次建议状态变化"),
    "proposal.discard": _("作废等次建议（更换依据的计算）"),
    "document_template.upload": _("上传表格模板"),
    "document_template.reset": _("恢复默认表格模板"),
    "document_batch.create": _("批量生成表格"),
    "document_batch.status": _("批量生成表格完成"),
    "explanation.open": _("要求报送书面说明"),
    "explanation.submit": _("报送书面说明"),
    "explanation.receive": _("登记收到书面说明"),
    "outcome.party_flags": _("按党建考核结果标记单位"),
    "whatif.create": _("新建模拟测算"),
    "whatif.update": _("修改模拟测算方案"),
    "whatif.delete": _("删除模拟测算"),
    "objection.record": _("登记公示异议"),
    "objection.handle": _("处理公示异议"),
    "appeal.file": _("登记复核、申诉"),
    "appeal.status": _("复核、申诉状态变化"),
    "appeal.recompute": _("复核、申诉重新计算"),
}

GRADE_RUN = JobKind("results.grade", _("计算考核结果"), "kaohe.results.jobs.grade_run")
DOCUMENTS = JobKind("results.documents", _("批量生成表格"), "kaohe.results.jobs.documents_build")

MENU = (
    MenuItem("results:run_list", pgettext_lazy("menu", "结果计算"), Action.RESULTS_VIEW, "run", "results", 80),
    MenuItem("results:outcome_list", pgettext_lazy("menu", "等次建议与审定"), Action.RESULTS_PROPOSE, "outcome", "results", 81),
    MenuItem("results:documents", pgettext_lazy("menu", "表格与报告"), Action.RESULTS_RUN, "document", "results", 88),
    MenuItem("results:use_list", pgettext_lazy("menu", "结果运用"), Action.RESULTS_VIEW, "use", "results", 85),
    MenuItem("results:whatif_list", pgettext_lazy("menu", "模拟测算"), Action.RESULTS_VIEW, "whatif", "results", 87),
    MenuItem("results:explanation_list", pgettext_lazy("menu", "书面说明"), Action.REPORT_SUBMIT, "explanation", "results", 86),
    MenuItem("results:publicity_index", pgettext_lazy("menu", "公示与公布"), Action.RESULTS_PUBLISH, "publicity", "results", 82),
    MenuItem("results:appeal_list", pgettext_lazy("menu", "复核与申诉"), Action.APPEAL_HANDLE, "appeal", "results", 83),
    MenuItem("results:investigation_list", pgettext_lazy("menu", "审查待定干部"), Action.APPEAL_HANDLE, "investigation", "results", 84),
    MenuItem("results:own_results", pgettext_lazy("menu", "我的考核结果"), Action.RESULT_OWN_VIEW, "own_results", "results", 91),
)  # fmt: skip


class ResultsConfig(AppConfig):
    """Year-end grading: the scenario builder, engine runs and their comparison."""

    name = "kaohe.results"
    label = "results"
    verbose_name = _("考核结果")

    def ready(self) -> None:
        register_audit_actions(AUDIT_ACTIONS)
        register_job_kinds([GRADE_RUN, DOCUMENTS])
        register_menu_items(MENU)
        register_menu_group("results", pgettext_lazy("menu", "考核结果"))
