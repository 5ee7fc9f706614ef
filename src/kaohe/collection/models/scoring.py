"""Indicator scores (赋分、扣分、加分) that responsible units enter for each target and period.

One row per period, target unit, indicator and scoring unit. ``value`` is positive and means
what the indicator's method says: the points given (赋分), the points taken (扣分) or the
points added (加分). Where several responsible units share an indicator, the lead
responsible unit's ``consolidated`` row is the one that counts (001 第十一条(六)).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScoreEntry(models.Model):
    period = models.ForeignKey(
        "collection.Period", on_delete=models.PROTECT, related_name="scores",
        verbose_name=_("考核周期"),
    )  # fmt: skip
    target = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核对象")
    )
    indicator = models.ForeignKey(
        "schemes.Indicator", on_delete=models.PROTECT, related_name="+", verbose_name=_("指标")
    )
    scorer_unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("评分单位")
    )
    value = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    reason = models.TextField(_("理由"), blank=True)
    consolidated = models.BooleanField(_("牵头单位汇总"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("修改人"),
    )  # fmt: skip
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("指标评分")
        verbose_name_plural = _("指标评分")
        ordering = ("period", "target", "indicator", "scorer_unit")
        constraints = (
            models.UniqueConstraint(
                fields=("period", "target", "indicator", "scorer_unit"), name="score_entry_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="score_entry_not_negative"
            ),
        )

    def __str__(self) -> str:
        return f"{self.target} · {self.indicator} · {self.value}"
