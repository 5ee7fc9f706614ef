"""Public surveys (民意调查, seed 002 突出民评考核; 公众评议, seed 003 五).

A survey asks the residents of each area (an assessed unit, e.g. a town) a questionnaire of
weighted questions; each question feeds one index (满意度、幸福感、安全感). Answers come from
the web (one one-time code per answer, no account) or from a survey team's workbook
(telephone or paper).

Anonymity (the same rules as the democratic evaluation's sheets): an answer row has no column
that links it to a code, a user, an IP address or a time finer than the day; its key is a
random UUID; a code records only that it was used. While the survey is open answers are
written to ``SurveyAnswerHolding``; closing the survey moves them to ``SurveyAnswer`` in
shuffled order in one transaction (so on PostgreSQL neither ``xmin`` nor the heap order of
the stored answers follows the order of answering) and empties the holding rows.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class SurveyKind(models.TextChoices):
    OPINION = "opinion", _("民意调查")  # seed 002: 幸福感、满意度、安全感指数
    PUBLIC_REVIEW = "public_review", _("公众评议")  # seed 003 五: 问卷调查


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("调查中")
    CLOSED = "closed", _("已结束")


class SurveyIndex(models.TextChoices):
    """The three indices of seed 002 (幸福感指数、满意度指数、安全感指数)."""

    SATISFACTION = "satisfaction", _("满意度指数")
    HAPPINESS = "happiness", _("幸福感指数")
    SECURITY = "security", _("安全感指数")


class AnswerChannel(models.TextChoices):
    WEB = "web", _("网上答卷")
    PHONE = "phone", _("电话调查")
    PAPER = "paper", _("纸质问卷")


def default_index_weights() -> dict[str, str]:
    # Choice: seed 002 names the three indices without weights; equal thirds would not add
    # up to exactly 1, so satisfaction (the one the seed puts first in 群众满意) weighs 0.4.
    return {"satisfaction": "0.4", "happiness": "0.3", "security": "0.3"}


class Survey(models.Model):
    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("考核年度"),
    )  # fmt: skip
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=SurveyKind.choices,
                            default=SurveyKind.OPINION)  # fmt: skip
    intro = models.TextField(_("致受访群众"), blank=True, max_length=2000)
    status = models.CharField(
        _("状态"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    index_weights = models.JSONField(
        _("指数权重"), default=default_index_weights,
        help_text=_("综合指数中各指数的权重，合计为 1"),
    )  # fmt: skip
    # The score the scheme reads (seed 002: 民评 8 → 15 分): points = max_points × index / 100,
    # unless ``point_bands`` ([[minimum index, points], ...], best first) says otherwise.
    max_points = models.DecimalField(
        _("民评满分"), max_digits=6, decimal_places=2, default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text=_("方案读取的民评得分 = 满分 × 综合指数 ÷ 100（苏仙区：15 分；班子考核的 survey 输入：100 分）"),
    )  # fmt: skip
    point_bands = models.JSONField(
        _("分档赋分"), default=list, blank=True,
        help_text=_("可选：按综合指数分档赋分，如 [[90, 15], [80, 12], [0, 8]]；留空按比例折算"),
    )  # fmt: skip
    # As the ballots' minimum of valid sheets: an area with fewer answers shows no result
    # (and gives the scheme no points), so a small sample cannot be unmasked.
    min_answers = models.PositiveSmallIntegerField(
        _("最少样本"), default=5, validators=[MinValueValidator(1)],
        help_text=_("答卷少于此数的区域不显示结果、不计民评得分"),
    )  # fmt: skip
    closed_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("民意调查")
        verbose_name_plural = _("民意调查")
        ordering = ("-year__year", "name", "id")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == SurveyStatus.OPEN


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="questions", verbose_name=_("调查")
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("题目"), max_length=300)
    index = models.CharField(_("计入指数"), max_length=16, choices=SurveyIndex.choices)
    weight = models.DecimalField(
        _("权重"), max_digits=6, decimal_places=3, default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.001"))],
    )  # fmt: skip
    # [[label, points or null], ...]: null marks an option that counts nowhere (不了解).
    choices = models.JSONField(_("选项"))

    class Meta:
        verbose_name = _("调查题目")
        verbose_name_plural = _("调查题目")
        ordering = ("survey", "order", "id")

    def __str__(self) -> str:
        return self.text


class SurveyArea(models.Model):
    """An area sampled (a town, a department's public): its unit and its sampling quota."""

    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="areas", verbose_name=_("调查")
    )
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    quota = models.PositiveIntegerField(
        _("样本配额"), validators=[MinValueValidator(1), MaxValueValidator(100000)]
    )

    class Meta:
        verbose_name = _("调查区域")
        verbose_name_plural = _("调查区域")
        ordering = ("survey", "unit__order", "unit__name")
        constraints = (
            models.UniqueConstraint(fields=("survey", "unit"), name="survey_area_unique_unit"),
        )

    def __str__(self) -> str:
        return str(self.unit)


class SurveyCode(models.Model):
    """A one-time code of a survey's area. It records only that it was used: never when,
    by whom, or which answer it gave."""

    area = models.ForeignKey(
        SurveyArea, on_delete=models.CASCADE, related_name="codes", verbose_name=_("调查区域")
    )
    code = models.CharField(_("调查码"), max_length=16, unique=True)
    used = models.BooleanField(_("已使用"), default=False)

    class Meta:
        verbose_name = _("调查码")
        verbose_name_plural = _("调查码")
        # No ordering by creation: codes are printed in shuffled order.

    def __str__(self) -> str:
        return self.code


class AnswerFields(models.Model):
    """What an answer holds: its area, the day (never the time), the channel, and the
    chosen option of each question ({question id: option index})."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    area = models.ForeignKey(
        SurveyArea, on_delete=models.CASCADE, related_name="+", verbose_name=_("调查区域")
    )
    answered_on = models.DateField(_("日期"))
    channel = models.CharField(_("方式"), max_length=8, choices=AnswerChannel.choices)
    values = models.JSONField(_("答案"))

    class Meta:
        abstract = True


class SurveyAnswerHolding(AnswerFields):
    """Answers of an open survey, until it closes (then moved, shuffled, and deleted)."""

    class Meta:
        verbose_name = _("待归集答卷")
        verbose_name_plural = _("待归集答卷")

    def __str__(self) -> str:
        return f"待归集答卷 {self.answered_on}"


class SurveyAnswer(AnswerFields):
    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")

    def __str__(self) -> str:
        return f"答卷 {self.answered_on}"
