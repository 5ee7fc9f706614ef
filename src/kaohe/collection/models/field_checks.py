"""Field checks (实地考核: 调阅资料、走访调研、个别访谈, seed 000 三(2)) and the deductions
they propose.

An assessment team member or the office records a check of one target in one period: how
it was done, when, what was found, evidence. A deduction the check finds is recorded here
as *proposed* (indicator, points, reason); the indicator's responsible unit (or its lead
unit, or the office) confirms it, which adds the points to that unit's score entry of the
indicator. The responsible unit stays the one whose entry counts (001 第十一条(五)(六));
the check and its confirmation are both audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FieldCheckMethod(models.TextChoices):
    DOCUMENTS = "documents", _("调阅资料")
    VISIT = "visit", _("走访调研")
    INTERVIEW = "interview", _("个别访谈")


class FieldCheck(models.Model):
    period = models.ForeignKey(
        "collection.Period", on_delete=models.PROTECT, related_name="field_checks",
        verbose_name=_("考核周期"),
    )  # fmt: skip
    target = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核对象")
    )
    method = models.CharField(_("方式"), max_length=12, choices=FieldCheckMethod.choices)
    checked_on = models.DateField(_("日期"))
    findings = models.TextField(_("发现的问题与情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("记录人"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("记录时间"))

    class Meta:
        verbose_name = _("实地考核")
        verbose_name_plural = _("实地考核")
        ordering = ("period", "-checked_on", "-pk")

    def __str__(self) -> str:
        return f"{self.target} · {self.get_method_display()} · {self.checked_on}"


class DeductionStatus(models.TextChoices):
    PROPOSED = "proposed", _("待责任单位确认")
    CONFIRMED = "confirmed", _("已计入评分")


class FieldCheckDeduction(models.Model):
    field_check = models.ForeignKey(
        FieldCheck, on_delete=models.CASCADE, related_name="deductions",
        verbose_name=_("实地考核"),
    )  # fmt: skip
    indicator = models.ForeignKey(
        "schemes.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    points = models.DecimalField(_("扣分"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("扣分理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=DeductionStatus.choices,
        default=DeductionStatus.PROPOSED,
    )  # fmt: skip
    entry = models.ForeignKey(
        "collection.ScoreEntry", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("计入的评分"),
    )  # fmt: skip
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("确认人"),
    )  # fmt: skip
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("实地考核扣分")
        verbose_name_plural = _("实地考核扣分")
        ordering = ("field_check", "pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(points__gt=0), name="field_check_deduction_positive"
            ),
        )

    def __str__(self) -> str:
        return f"{self.indicator} −{self.points}"
