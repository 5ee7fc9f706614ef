"""Leader ratings (领导评价): county leaders rate units 0–100 each period (seed 001 第十四条,
seed 003 五 领导评价) and cadres each quarter with a grade (seed 004 一(三)5: a year without a
quarterly 优秀 bars 优秀, a rule of the engine; this app only provides the grades).

Ratings are not anonymous to the assessment office, and visible to nobody else: a leader
sees and edits only their own, until the round closes (``ballots.selectors_ratings``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RatingSubject(models.TextChoices):
    UNIT = "unit", _("单位（0–100 分）")
    CADRE = "cadre", _("干部（等次）")


class RatingStatus(models.TextChoices):
    OPEN = "open", _("评价中")
    CLOSED = "closed", _("已结束")


class RatingGrade(models.TextChoices):
    """The quarterly grades of a cadre (seed 004 日常考核: 优秀、良好、一般、较差), best first."""

    EXCELLENT = "优秀", _("优秀")
    GOOD = "良好", _("良好")
    FAIR = "一般", _("一般")
    POOR = "较差", _("较差")


class RatingRound(models.Model):
    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("考核年度"),
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=100)
    subject = models.CharField(_("评价对象"), max_length=8, choices=RatingSubject.choices)
    period = models.CharField(
        _("周期代码"), max_length=8, default="Y", help_text=_("引擎中的周期名：Q1…Q4、H1、Y")
    )
    trimmed = models.BooleanField(
        _("去掉最高分和最低分"), default=False,
        help_text=_("单位得分取平均时去掉一个最高分和一个最低分（评价人不少于 3 人时）"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=8, choices=RatingStatus.choices, default=RatingStatus.OPEN
    )
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    raters = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("评价的领导")
    )
    units = models.ManyToManyField(
        "orgs.Unit", related_name="+", blank=True, verbose_name=_("评价的单位")
    )
    cadres = models.ManyToManyField(
        "orgs.Cadre", related_name="+", blank=True, verbose_name=_("评价的干部")
    )

    class Meta:
        verbose_name = _("领导评价")
        verbose_name_plural = _("领导评价")
        ordering = ("-year__year", "period", "name", "id")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == RatingStatus.OPEN


class Rating(models.Model):
    """One leader's rating of one unit (a score) or one cadre (a grade) in a round."""

    round = models.ForeignKey(
        RatingRound, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("评价")
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("评价的领导"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"),
    )  # fmt: skip
    cadre = models.ForeignKey(
        "orgs.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("干部"),
    )  # fmt: skip
    score = models.DecimalField(
        _("得分"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )  # fmt: skip
    grade = models.CharField(_("等次"), max_length=4, choices=RatingGrade.choices, blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("领导评价打分")
        verbose_name_plural = _("领导评价打分")
        constraints = (
            models.UniqueConstraint(
                fields=("round", "rater", "unit"), name="rating_unique_unit",
                condition=models.Q(unit__isnull=False),
            ),
            models.UniqueConstraint(
                fields=("round", "rater", "cadre"), name="rating_unique_cadre",
                condition=models.Q(cadre__isnull=False),
            ),
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False, cadre__isnull=True, score__isnull=False)
                           | models.Q(unit__isnull=True, cadre__isnull=False) & ~models.Q(grade="")),
                name="rating_one_target_and_value",
            ),
        )  # fmt: skip

    def __str__(self) -> str:
        return f"{self.round} · {self.unit or self.cadre}"
