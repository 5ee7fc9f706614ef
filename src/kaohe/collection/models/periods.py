"""A scheme's calendar: the periods of a year (seed 000 三; seed 001 第十一条–第十三条).

A period is one round of work with its dates: when it opens, by when the assessed units
report (``report_due``), by when the responsible units score or review (``review_due``) and
when it ends. Its ``key`` is what the engine calls the period (``Q1`` … ``Q4`` for the
quarterly rankings, ``M01`` … ``M12``, ``H1``, ``Y``). Closing a period makes its scores
final; a change after that needs a written reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", _("月度调度")
    QUARTERLY = "quarterly", _("季度监测")
    HALF_YEAR = "half_year", _("半年评估")
    YEAR_END = "year_end", _("年终考核")


class PeriodStatus(models.TextChoices):
    PLANNED = "planned", _("未开始")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已关闭")


class ReportKind(models.TextChoices):
    """What an assessed unit submits in a period."""

    # 000 三(1): 各项任务推进情况、特色亮点、典型案例、存在问题, by a set day each month.
    PROGRESS = "progress", _("月度工作进展")
    # 000 三(1): 每季度末 重点任务和职能任务完成情况.
    QUARTER_TASKS = "quarter_tasks", _("季度任务完成情况")
    # 001 第十二条(五): 半年工作总结, by 06-20.
    HALF_YEAR_SUMMARY = "half_year_summary", _("半年工作总结")
    # The year-end 工作总结 and the 述职述法报告 (004: about 2,500 characters).
    WORK_SUMMARY = "work_summary", _("年度工作总结")
    WORK_REPORT = "work_report", _("述职述法报告")


class Period(models.Model):
    scheme = models.ForeignKey(
        "schemes.Scheme", on_delete=models.PROTECT, related_name="periods",
        verbose_name=_("考核方案"),
    )  # fmt: skip
    kind = models.CharField(_("类型"), max_length=12, choices=PeriodKind.choices)
    key = models.CharField(
        _("周期代码"), max_length=8, help_text=_("引擎中的周期名：M01…M12、Q1…Q4、H1、Y")
    )
    name = models.CharField(_("名称"), max_length=60)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    report_due = models.DateField(_("报送截止"), null=True, blank=True)
    review_due = models.DateField(_("评分、审核截止"), null=True, blank=True)
    report_kinds = models.JSONField(
        _("报送材料"), default=list, blank=True, help_text=_("ReportKind 的值的列表")
    )
    # Quarterly monitoring ranks each category (000 三(3)); 001 第十一条 records deductions only.
    ranked = models.BooleanField(_("排名并预警"), default=False)
    deductions_only = models.BooleanField(_("只扣分"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.PLANNED
    )
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("关闭人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("考核周期")
        verbose_name_plural = _("考核周期")
        ordering = ("scheme", "starts_on", "key")
        constraints = (
            models.UniqueConstraint(fields=("scheme", "key"), name="period_unique_key"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="period_ends_after_start",
            ),
        )

    def __str__(self) -> str:
        return f"{self.scheme.name} · {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.status == PeriodStatus.CLOSED
