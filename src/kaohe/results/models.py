"""Year-end grading: the components collected outside the site, the engine's runs and
their per-target rows.

A ``Run`` keeps the exact ``kaohe-scenario/1`` document it graded (``snapshot``, the JSON
text with exact decimals), the scheme versions it read and the engine's ``kaohe-result/1``
(``result``), so any stored result can be recomputed from its snapshot and compared.
``RunRow`` repeats each target's score, rank, grade and trace for querying.
Writes go through ``services``.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ComponentSource(models.TextChoices):
    EXCEL = "excel", _("Excel 导入")


class ComponentScore(models.Model):
    """One component of a target's score that was collected outside the site (a survey
    index, a leader rating on paper): the builder gives it to the engine as input
    ``input_name`` of ``scheme`` (the scheme belongs to a year). The target is a unit (unit
    and team schemes) or a cadre (cadre schemes)."""

    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核方案")
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    cadre = models.ForeignKey(
        "orgs.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("干部"),
    )  # fmt: skip
    input_name = models.CharField(_("分项"), max_length=40)
    value = models.DecimalField(_("分值"), max_digits=9, decimal_places=4)
    source = models.CharField(
        _("来源"), max_length=10, choices=ComponentSource.choices, default=ComponentSource.EXCEL
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("导入人"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("分项得分")
        verbose_name_plural = _("分项得分")
        ordering = ("scheme", "input_name", "unit", "cadre")
        constraints = (
            models.CheckConstraint(
                condition=Q(unit__isnull=False, cadre__isnull=True)
                | Q(unit__isnull=True, cadre__isnull=False),
                name="component_one_target",
            ),
            models.UniqueConstraint(
                fields=("scheme", "unit", "input_name"),
                condition=Q(unit__isnull=False),
                name="component_unique_unit",
            ),
            models.UniqueConstraint(
                fields=("scheme", "cadre", "input_name"),
                condition=Q(cadre__isnull=False),
                name="component_unique_cadre",
            ),
        )

    def __str__(self) -> str:
        return f"{self.input_name} {self.value}"

    @property
    def target_id(self) -> str:
        """The target's id in a scenario document."""
        return f"u{self.unit_id}" if self.unit_id else f"c{self.cadre_id}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class Run(models.Model):
    """One grading of a year's schemes (one suite, or every suite when ``suite`` is
    empty) by the engine."""

    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("年度")
    )
    suite = models.CharField(_("方案组"), max_length=100, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("后台任务"),
    )  # fmt: skip
    recomputed_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("重算自"),
    )  # fmt: skip
    versions = models.ManyToManyField(
        "schemes.SchemeVersion", blank=True, related_name="+", verbose_name=_("方案版本")
    )
    snapshot = models.TextField(_("输入快照"), blank=True, help_text=_("kaohe-scenario/1 JSON"))
    # The engine's result for the snapshot as compact JSON text in the engine's key order
    # (jsonb would reorder the keys), so that ``kaohe results export`` prints exactly what
    # ``kaohe evaluate --format json`` prints for the snapshot.
    result = models.TextField(_("计算结果"), blank=True, help_text=_("kaohe-result/1 JSON"))
    message = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("发起人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("发起时间"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核结果计算")
        verbose_name_plural = _("考核结果计算")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"#{self.pk} {self.year} {self.suite}"

    def get_absolute_url(self) -> str:
        return reverse("results:run_detail", args=[self.pk])

    @property
    def result_document(self) -> dict[str, Any]:
        return json.loads(self.result) if self.result else {}

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class RunRow(models.Model):
    """One target's result in one scheme of a run."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="rows")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核方案")
    )
    target = models.CharField(_("考核对象编号"), max_length=20)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    cadre = models.ForeignKey(
        "orgs.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("干部"),
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=100, blank=True)
    group = models.CharField(_("分组"), max_length=100, blank=True)
    score = models.DecimalField(_("得分"), max_digits=12, decimal_places=4, null=True)
    rank = models.PositiveIntegerField(_("名次"), null=True)
    status = models.CharField(_("状态"), max_length=10)
    grade = models.CharField(_("等次"), max_length=20, blank=True)
    band = models.CharField(_("分数段等次"), max_length=20, blank=True)
    needs_decision = models.BooleanField(_("需研究决定"), default=False)
    position = models.PositiveIntegerField(_("顺序"))
    trace = models.JSONField(_("计算过程"), default=list)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ("run", "scheme", "position")
        constraints = (
            models.UniqueConstraint(fields=("run", "scheme", "target"), name="run_row_unique"),
        )
        indexes = (models.Index(fields=("scheme", "target"), name="run_row_scheme_target"),)

    def __str__(self) -> str:
        return f"{self.name} {self.grade}"

    @property
    def score_text(self) -> str:
        """The score as the engine gave it (87.88, 90), "—" for none."""
        if self.score is None:
            return "—"
        return format(self.score.normalize(), "f")


class OutcomeStatus(models.TextChoices):
    """A year's result for a suite, from the computed grades to the published ones."""

    GRADED = "graded", _("已计算")  # a run is its basis; proposals may be made
    DECIDED = "decided", _("已审定")  # the committee decided; grades are locked
    PUBLICITY = "publicity", _("公示中")  # the 优秀 lists are on public display
    PUBLISHED = "published", _("已公布")  # final; the cadre sees their own


class Outcome(models.Model):
    """The result of one suite in one year that people act on: the run it rests on, its
    status, the decision and the publicity. ``FinalGrade`` holds each target's grade as
    decided and as later changed (objections, 复核, 申诉, a closed investigation), with
    ``GradeChange`` as its history; a recomputation makes a new ``Run`` and changes
    ``run`` here, never an older run's rows."""

    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("年度")
    )
    suite = models.CharField(_("方案组"), max_length=100, blank=True)
    run = models.ForeignKey(
        Run, on_delete=models.PROTECT, related_name="outcomes", verbose_name=_("依据的计算")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=OutcomeStatus.choices, default=OutcomeStatus.GRADED
    )
    decided_at = models.DateTimeField(_("审定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审定录入人"),
    )  # fmt: skip
    decision_ref = models.CharField(
        _("审定依据"), max_length=200, blank=True, help_text=_("会议名称、日期或文号")
    )
    publicity_start = models.DateField(_("公示开始"), null=True, blank=True)
    publicity_end = models.DateField(_("公示结束"), null=True, blank=True)
    publicity_contact = models.TextField(
        _("异议受理方式"), blank=True, help_text=_("受理异议的单位、电话、地址，在公示页面显示")
    )
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("考核结果审定")
        verbose_name_plural = _("考核结果审定")
        ordering = ("-year__year", "suite")
        constraints = (
            models.UniqueConstraint(fields=("year", "suite"), name="outcome_year_suite"),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.suite}".strip()

    @property
    def is_locked(self) -> bool:
        """Grades change only through a recorded change (objection, appeal, case closed)."""
        return self.status != OutcomeStatus.GRADED


class GradeSource(models.TextChoices):
    COMPUTED = "computed", _("计算结果")
    PROPOSAL = "proposal", _("等次建议")
    DECISION = "decision", _("审定")
    OBJECTION = "objection", _("公示异议")
    REVIEW = "review", _("复核")
    APPEAL = "appeal", _("申诉")
    INVESTIGATION = "investigation", _("审查结案")


class FinalGrade(models.Model):
    """One target's grade in one scheme of an outcome: the engine's (``computed_grade``,
    from ``row``) and the one that stands (``grade``), with where it came from."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="grades")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核方案")
    )
    target = models.CharField(_("考核对象编号"), max_length=20)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    cadre = models.ForeignKey(
        "orgs.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("干部"),
    )  # fmt: skip
    row = models.ForeignKey(
        RunRow, on_delete=models.PROTECT, related_name="+", verbose_name=_("计算结果")
    )
    status = models.CharField(_("状态"), max_length=10)  # graded | pending | excluded
    computed_grade = models.CharField(_("计算等次"), max_length=20, blank=True)
    grade = models.CharField(_("确定等次"), max_length=20, blank=True)
    source = models.CharField(
        _("来源"), max_length=14, choices=GradeSource.choices, default=GradeSource.COMPUTED
    )
    reason = models.TextField(_("说明"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"))

    class Meta:
        verbose_name = _("确定等次")
        verbose_name_plural = _("确定等次")
        ordering = ("outcome", "scheme", "row__position")
        constraints = (
            models.UniqueConstraint(
                fields=("outcome", "scheme", "target"), name="final_grade_unique"
            ),
        )

    def __str__(self) -> str:
        return f"{self.target} {self.grade}"


class GradeChange(models.Model):
    """A change of a ``FinalGrade`` (history is never rewritten): by whom, when, why, and
    the run that recomputed it where there was one."""

    final = models.ForeignKey(FinalGrade, on_delete=models.CASCADE, related_name="changes")
    source = models.CharField(_("来源"), max_length=14, choices=GradeSource.choices)
    old_grade = models.CharField(_("原等次"), max_length=20, blank=True)
    new_grade = models.CharField(_("新等次"), max_length=20, blank=True)
    reason = models.TextField(_("理由"))
    run = models.ForeignKey(
        Run, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("重算"),
    )  # fmt: skip
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("操作人"),
    )  # fmt: skip
    changed_at = models.DateTimeField(_("时间"))

    class Meta:
        verbose_name = _("等次变更")
        verbose_name_plural = _("等次变更")
        ordering = ("final", "changed_at", "id")

    def __str__(self) -> str:
        return f"{self.old_grade} → {self.new_grade}"


class ProposalStatus(models.TextChoices):
    """A group's proposal, from the first grade typed to the committee's decision."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已采纳")


class Proposal(models.Model):
    """The proposed grades of one group of one scheme of an outcome: a unit's party
    committee for its cadres (the group is the unit), an assessment team for the teams,
    the office for any group (on a committee's behalf, or the 单列 list). ``ProposalItem``
    holds each target's grade, the written reason a warning needs and, for the best grade,
    the place in the ordered recommendation list."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="proposals")
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核方案")
    )
    group = models.CharField(_("分组"), max_length=100)
    status = models.CharField(
        _("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    note = models.TextField(_("说明"), blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("填写人"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("更新时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("提交人"),
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("等次建议")
        verbose_name_plural = _("等次建议")
        ordering = ("outcome", "scheme", "group")
        constraints = (
            models.UniqueConstraint(
                fields=("outcome", "scheme", "group"), name="proposal_outcome_scheme_group"
            ),
        )

    def __str__(self) -> str:
        return f"{self.outcome} {self.group}"

    @property
    def is_editable(self) -> bool:
        return self.status in (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


class ProposalItem(models.Model):
    """One target's proposed grade (blank: none proposed), with the reason a warning needs
    and its place in the ordered list of the best grade (优秀 推荐顺序)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    final = models.ForeignKey(
        FinalGrade, on_delete=models.CASCADE, related_name="proposal_items",
        verbose_name=_("确定等次"),
    )  # fmt: skip
    grade = models.CharField(_("建议等次"), max_length=20, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    order = models.PositiveIntegerField(_("推荐顺序"), null=True, blank=True)

    class Meta:
        verbose_name = _("等次建议明细")
        verbose_name_plural = _("等次建议明细")
        ordering = ("proposal", "final__row__position")
        constraints = (
            models.UniqueConstraint(fields=("proposal", "final"), name="proposal_item_unique"),
        )

    def __str__(self) -> str:
        return f"{self.final.target} {self.grade}"


# ---- official forms (``kaohe.results.documents``) ---------------------------------------


class DocumentForm(models.TextChoices):
    """The official forms the office generates (seed 004 附件1/5/6/8, the circular, the
    report)."""

    REGISTRATION = "registration", _("县管干部年度考核登记表")
    SECONDMENT = "secondment", _("挂职干部年度考核登记表")
    DAILY = "daily", _("领导干部日常考核评价表")
    PROPOSAL = "proposal", _("考核等次建议名单")
    RANKING_XLSX = "ranking_xlsx", _("排名通报（Excel）")
    RANKING_DOCX = "ranking_docx", _("排名通报（Word）")
    REPORT = "report", _("年度考核工作报告")


class DocumentTemplate(models.Model):
    """A template the office uploaded to replace the one shipped with the app
    (``results/doc_templates/``) for one form. The latest upload of a form is used;
    deleting a form's uploads goes back to the shipped file."""

    form = models.CharField(_("表格"), max_length=20, choices=DocumentForm.choices)
    content = models.BinaryField(_("模板文件"))
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("上传人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("表格模板")
        verbose_name_plural = _("表格模板")
        ordering = ("form", "-uploaded_at", "-pk")

    def __str__(self) -> str:
        return f"{self.get_form_display()} · {self.original_name}"


class BatchScope(models.TextChoices):
    ALL = "all", _("全县")
    CATEGORY = "category", _("一个类别")
    UNIT = "unit", _("一个单位")


class DocumentBatch(models.Model):
    """One batch of forms the office asked for: which forms, for which year and scope; the
    zip the background job made (kept in the row), or why it failed."""

    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="+", verbose_name=_("年度")
    )
    forms = models.JSONField(_("表格"), default=list)
    scope = models.CharField(_("范围"), max_length=10, choices=BatchScope.choices)
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    category = models.ForeignKey(
        "orgs.UnitCategory", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("类别"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("文件数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    content = models.BinaryField(_("压缩包"), null=True, blank=True)
    size = models.PositiveIntegerField(_("大小"), default=0)
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("后台任务"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("发起人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("发起时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量生成表格")
        verbose_name_plural = _("批量生成表格")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"#{self.pk} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("results:document_batch", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)

    @property
    def form_labels(self) -> list[str]:
        labels = dict(DocumentForm.choices)
        return [str(labels.get(form, form)) for form in self.forms]


class WrittenExplanation(models.Model):
    """A written explanation (书面说明) a unit owes for a standing grade the scheme asks one
    for (seed 001 第十八条: "一般"和"差" → 党委向县委写出书面说明): due, received, and the
    document (an evidence file of the unit, ``collection.evidence``, owner ``explanation``)."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="explanations")
    final = models.OneToOneField(
        FinalGrade, on_delete=models.CASCADE, related_name="explanation", verbose_name=_("等次")
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    grade = models.CharField(_("等次"), max_length=20)
    clause = models.CharField(_("依据"), max_length=200)
    due_on = models.DateField(_("报送期限"))
    received_on = models.DateField(_("收到日期"), null=True, blank=True)
    attachment = models.ForeignKey(
        "collection.Attachment", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("书面说明文件"),
    )  # fmt: skip
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("书面说明")
        verbose_name_plural = _("书面说明")
        ordering = ("outcome", "due_on", "unit")

    def __str__(self) -> str:
        return f"{self.unit} {self.grade}"


class WhatIfDraft(models.Model):
    """A what-if copy (模拟测算) of a scheme's current version: its definition may be changed
    freely and graded against a stored run's snapshot; it never becomes a version and never
    writes a run."""

    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.CASCADE, related_name="+", verbose_name=_("考核方案")
    )
    base_version = models.ForeignKey(
        "schemes.SchemeVersion", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("复制自版本"),
    )  # fmt: skip
    run = models.ForeignKey(
        Run, on_delete=models.PROTECT, related_name="+", verbose_name=_("对照的计算")
    )
    name = models.CharField(_("名称"), max_length=100)
    definition = models.JSONField(_("模拟方案定义"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("创建人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("模拟测算")
        verbose_name_plural = _("模拟测算")
        ordering = ("-updated_at", "-id")

    def __str__(self) -> str:
        return self.name


class ObjectionResult(models.TextChoices):
    PENDING = "pending", _("待处理")
    REJECTED = "rejected", _("不成立")
    UPHELD = "upheld", _("成立")


class Objection(models.Model):
    """An objection received during publicity (公示异议) about one person on the 优秀 list,
    as the office records it, with its handling."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="objections")
    final = models.ForeignKey(
        FinalGrade, on_delete=models.CASCADE, related_name="objections", verbose_name=_("对象")
    )
    received_on = models.DateField(_("收到日期"))
    channel = models.CharField(
        _("来源"), max_length=100, blank=True, help_text=_("来信、来电、来访")
    )
    content = models.TextField(_("异议内容"))
    result = models.CharField(
        _("处理结果"), max_length=10, choices=ObjectionResult.choices,
        default=ObjectionResult.PENDING,
    )  # fmt: skip
    handling = models.TextField(_("核查和处理情况"), blank=True)
    new_grade = models.CharField(_("调整后等次"), max_length=20, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("登记时间"))
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    # an objection submitted on the public page: a keyed digest of the sender's address
    # (never the address), to limit how many one source may send a day
    address_key = models.CharField(_("来源摘要"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ("outcome", "received_on", "id")

    def __str__(self) -> str:
        return f"{self.final} · {self.received_on}"


class AppealKind(models.TextChoices):
    REVIEW = "review", _("复核")
    APPEAL = "appeal", _("申诉")
    INVESTIGATION = "investigation", _("审查结案定等次")


class AppealStatus(models.TextChoices):
    FILED = "filed", _("已受理")
    RECOMPUTING = "recomputing", _("已重算")
    DECIDED = "decided", _("已决定")


class AppealDecision(models.TextChoices):
    UPHELD = "upheld", _("维持原等次")
    CHANGED = "changed", _("变更等次")


class Appeal(models.Model):
    """A 复核 or 申诉 of one standing grade (公务员法 第95条), or the grading of a cadre
    whose 立案审查 closed (004): each may correct data and grade again (``run``), and its
    decision changes the grade through ``final_grade_change`` with the history kept."""

    final = models.ForeignKey(
        FinalGrade, on_delete=models.CASCADE, related_name="appeals", verbose_name=_("等次")
    )
    kind = models.CharField(_("类型"), max_length=14, choices=AppealKind.choices)
    review = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="appeals",
        verbose_name=_("所不服的复核"),
    )  # fmt: skip
    investigation = models.ForeignKey(
        "orgs.Investigation", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("立案审查"),
    )  # fmt: skip
    appellant = models.CharField(_("申请人"), max_length=100, blank=True)
    filed_on = models.DateField(_("提出日期"))
    due_on = models.DateField(_("应决定日期"))
    reason = models.TextField(_("理由"))
    status = models.CharField(
        _("状态"), max_length=12, choices=AppealStatus.choices, default=AppealStatus.FILED
    )
    run = models.ForeignKey(
        Run, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("重新计算"),
    )  # fmt: skip
    correction = models.TextField(_("更正的数据"), blank=True)
    decision = models.CharField(
        _("决定"), max_length=10, choices=AppealDecision.choices, blank=True
    )
    decision_reason = models.TextField(_("决定理由"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("登记时间"))

    class Meta:
        verbose_name = _("复核和申诉")
        verbose_name_plural = _("复核和申诉")
        ordering = ("-filed_on", "-id")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.appellant or self.final.target}"

    def get_absolute_url(self) -> str:
        return reverse("results:appeal_detail", args=[self.pk])
