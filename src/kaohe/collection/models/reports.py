"""Reports (报送材料) of the assessed units: one per period, unit and report kind.

A report is written in sections (the monthly progress report of seed 000 三(1) has four:
任务推进情况、特色亮点、典型案例、存在问题), saved as a draft, then submitted. The office
accepts it or sends it back with a reason; the unit then resubmits. ``ReportEvent`` keeps
the history: every submission with the text and the files it had, every return with its
reason, every acceptance, shown as the report's timeline.

Late: the first submission came after the period's ``report_due`` (it is still accepted;
only a closed period refuses a submission).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.collection.models.periods import ReportKind


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审核")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已通过")


class Report(models.Model):
    period = models.ForeignKey(
        "collection.Period", on_delete=models.PROTECT, related_name="reports",
        verbose_name=_("考核周期"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("报送单位")
    )
    kind = models.CharField(_("材料类型"), max_length=20, choices=ReportKind.choices)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    # section key → text (the sections of the kind: ``kaohe.collection.reports.SECTIONS``)
    sections = models.JSONField(_("正文"), default=dict, blank=True)
    first_submitted_at = models.DateTimeField(_("首次报送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("报送人"),
    )  # fmt: skip
    late = models.BooleanField(_("逾期报送"), default=False)
    submissions = models.PositiveSmallIntegerField(_("报送次数"), default=0)
    return_reason = models.TextField(_("退回理由"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("审核人"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("报送材料")
        verbose_name_plural = _("报送材料")
        ordering = ("period", "unit", "kind")
        constraints = (
            models.UniqueConstraint(fields=("period", "unit", "kind"), name="report_unique"),
        )
        indexes = (models.Index(fields=("status", "period"), name="report_status_period"),)

    def __str__(self) -> str:
        return f"{self.unit.name} · {self.get_kind_display()}"


class ReportEventKind(models.TextChoices):
    SUBMITTED = "submitted", _("报送")
    RETURNED = "returned", _("退回")
    ACCEPTED = "accepted", _("通过")


class ReportEvent(models.Model):
    """One step of a report's history: a submission (``number``, the text and files as
    they were), a return (its reason) or an acceptance."""

    report = models.ForeignKey(
        Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("报送材料")
    )
    kind = models.CharField(_("事项"), max_length=10, choices=ReportEventKind.choices)
    number = models.PositiveSmallIntegerField(_("第几次报送"), default=0)
    sections = models.JSONField(_("报送的正文"), default=dict, blank=True)
    # [{"id": attachment id, "name": file name}] as the submission had them
    files = models.JSONField(_("报送的附件"), default=list, blank=True)
    late = models.BooleanField(_("逾期"), default=False)
    reason = models.TextField(_("理由"), blank=True)
    at = models.DateTimeField(_("时间"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("操作人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ("report", "at", "pk")

    def __str__(self) -> str:
        return f"{self.report_id} · {self.get_kind_display()}"
