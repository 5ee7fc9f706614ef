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
