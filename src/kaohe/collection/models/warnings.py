"""Quarterly rankings, warnings and rectification (seed 000 三(3); seed 001 第十一条(七)(八)).

- ``Ranking``: one per ranked period: when it was ranked, by whom, with which scheme
  version, and the engine document it was computed from (so it can be recomputed).
- ``RankEntry``: a target's score and rank in its category for that period (the engine's).
- ``PeriodWarning``: a red or yellow warning (预警) the engine gave a target for the period,
  with the number of its 预警督办函 (letter). Re-ranking keeps a warning that still applies
  and withdraws one that no longer does (``withdrawn_at``); a withdrawn warning that
  applies again is reinstated with its number.
- ``Rectification``: the warned unit's rectification (整改) of one warning: due one calendar
  month after issue (001 第十一条(八)); the unit's feedback, the office's verification,
  sign-off (销号), escalation when late.
"""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class Ranking(models.Model):
    period = models.OneToOneField(
        "collection.Period", on_delete=models.PROTECT, related_name="ranking",
        verbose_name=_("考核周期"),
    )  # fmt: skip
    scheme_version = models.ForeignKey(
        "schemes.SchemeVersion", on_delete=models.PROTECT, related_name="+",
        verbose_name=_("方案版本"),
    )  # fmt: skip
    document = models.JSONField(
        _("引擎输入"), encoder=DjangoJSONEncoder, help_text=_("排名所用的 kaohe-scenario/1 文档")
    )
    ranked_at = models.DateTimeField(_("排名时间"))
    ranked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("排名人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("季度排名")
        verbose_name_plural = _("季度排名")
        ordering = ("period",)

    def __str__(self) -> str:
        return str(self.period)


class RankEntry(models.Model):
    ranking = models.ForeignKey(
        Ranking, on_delete=models.CASCADE, related_name="entries", verbose_name=_("排名")
    )
    target = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("考核对象")
    )
    group = models.CharField(_("类别"), max_length=50)
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    rank = models.PositiveIntegerField(_("名次"))
    group_size = models.PositiveIntegerField(_("同类单位数"))

    class Meta:
        verbose_name = _("排名结果")
        verbose_name_plural = _("排名结果")
        ordering = ("ranking", "group", "rank", "target__code")
        constraints = (
            models.UniqueConstraint(fields=("ranking", "target"), name="rank_entry_unique"),
        )

    def __str__(self) -> str:
        return f"{self.target} · {self.rank}"


class PeriodWarning(models.Model):
    period = models.ForeignKey(
        "collection.Period", on_delete=models.PROTECT, related_name="warnings",
        verbose_name=_("考核周期"),
    )  # fmt: skip
    target = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("被预警单位")
    )
    level = models.CharField(_("预警等级"), max_length=10)
    group = models.CharField(_("类别"), max_length=50)
    rank = models.PositiveIntegerField(_("名次"))
    group_size = models.PositiveIntegerField(_("同类单位数"))
    score = models.DecimalField(_("得分"), max_digits=7, decimal_places=2)
    year = models.PositiveSmallIntegerField(_("年度"))
    serial = models.PositiveIntegerField(_("督办函序号"))
    issued_on = models.DateField(_("发出日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("发出人"),
    )  # fmt: skip
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("预警")
        verbose_name_plural = _("预警")
        ordering = ("period", "group", "-rank", "target__code")
        constraints = (
            models.UniqueConstraint(fields=("period", "target"), name="warning_unique_target"),
            models.UniqueConstraint(fields=("year", "serial"), name="warning_unique_number"),
        )

    def __str__(self) -> str:
        return f"{self.target} · {self.period.name} · {self.level}"

    @property
    def number(self) -> str:
        """The letter's number, e.g. 预督〔2024〕3号 (the prefix is a setting)."""
        prefix = getattr(settings, "WARNING_LETTER_PREFIX", "") or "预督"
        return f"{prefix}〔{self.year}〕{self.serial}号"

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def colour(self) -> str:
        return {"红": "red", "黄": "amber"}.get(self.level, "grey")


class RectificationStatus(models.TextChoices):
    OPEN = "open", _("待整改")
    SUBMITTED = "submitted", _("待核实")
    RETURNED = "returned", _("已退回")
    SIGNED_OFF = "signed_off", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


class Rectification(models.Model):
    warning = models.OneToOneField(
        PeriodWarning, on_delete=models.PROTECT, related_name="rectification",
        verbose_name=_("预警"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("整改单位")
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=RectificationStatus.choices,
        default=RectificationStatus.OPEN,
    )  # fmt: skip
    due_on = models.DateField(_("整改期限"))
    escalated_on = models.DateField(_("逾期督办日期"), null=True, blank=True)
    feedback = models.TextField(_("整改情况"), blank=True)
    submitted_at = models.DateTimeField(_("反馈时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("反馈人"),
    )  # fmt: skip
    return_reason = models.TextField(_("退回理由"), blank=True)
    verify_note = models.TextField(_("核实意见"), blank=True)
    verified_at = models.DateTimeField(_("核实时间"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("核实人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("整改")
        verbose_name_plural = _("整改")
        ordering = ("due_on", "pk")
        indexes = (models.Index(fields=("status", "due_on"), name="rectification_status_due"),)

    def __str__(self) -> str:
        return f"{self.unit} · {self.warning.period.name}"

    @property
    def is_open(self) -> bool:
        return self.status in (RectificationStatus.OPEN, RectificationStatus.RETURNED)


class LetterTemplate(models.Model):
    """A Word template the office uploaded to replace one shipped with the app
    (``collection/templates_docx/warning_letter.docx``, ``half_year_circular.docx``). The
    latest upload of a kind is used; deleting them goes back to the shipped one."""

    # Which document it makes: the warning letter, or the half-year circular (circular.py).
    kind = models.CharField(
        _("用途"), max_length=20, default="warning_letter",
        choices=(("warning_letter", _("预警督办函")), ("half_year_circular", _("半年评估通报"))),
    )  # fmt: skip
    content = models.BinaryField(_("模板文件"))
    original_name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("上传人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("督办函模板")
        verbose_name_plural = _("督办函模板")
        ordering = ("-uploaded_at", "-pk")

    def __str__(self) -> str:
        return self.original_name
