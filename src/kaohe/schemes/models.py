"""Schemes (考核方案), indicator systems (指标体系) and their change requests.

A scheme is one engine scheme (``kaohe-scenario/1``, without targets); every saved
definition is a ``SchemeVersion``. An indicator system is a tree of indicators for one
unit category under one scheme; each publication and each approved change request keeps
the whole tree as an ``IndicatorSystemVersion`` (both are ``Version``s). Status pipelines
are tables of allowed transitions (``*_TRANSITIONS``), which the services move along with
``kaohe.core.workflow``.
Writes go through ``services``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    LOCKED = "locked", _("已锁定")


# (from, to) → the label of the button that makes the move. Nothing else is allowed.
SCHEME_TRANSITIONS: dict[tuple[str, str], StrPromise] = {
    (SchemeStatus.DRAFT, SchemeStatus.PUBLISHED): _("发布"),
    (SchemeStatus.PUBLISHED, SchemeStatus.DRAFT): _("撤回为草稿"),
    (SchemeStatus.PUBLISHED, SchemeStatus.LOCKED): _("锁定"),
    (SchemeStatus.LOCKED, SchemeStatus.PUBLISHED): _("解锁"),
}
# Moves that need a written reason (kept in the audit row).
SCHEME_REASON_REQUIRED = frozenset({(SchemeStatus.LOCKED, SchemeStatus.PUBLISHED)})


class Subject(models.TextChoices):
    UNIT = "unit", _("单位")
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")


class Scheme(models.Model):
    """One engine scheme of an assessment year. Schemes of one ``suite`` are evaluated
    together and may refer to each other's grades (``grade_of``)."""

    year = models.ForeignKey(
        AssessmentYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="schemes"
    )
    suite = models.CharField(
        _("方案组"),
        max_length=100,
        help_text=_("同一组内的方案一起计算，可以相互引用等次，如“党建工作成效考核”"),
    )
    code = models.CharField(_("方案编号"), max_length=40, help_text=_("引擎方案中的 id"))
    name = models.CharField(_("名称"), max_length=200)
    subject = models.CharField(_("考核对象"), max_length=10, choices=Subject.choices)
    preset = models.CharField(_("来源预置方案"), max_length=40, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "SchemeVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ("-year__year", "suite", "id")
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = (
            models.UniqueConstraint(
                fields=("year", "suite", "code"), name="schemes_scheme_unique_code_in_suite"
            ),
        )

    def __str__(self) -> str:
        return f"{self.year} {self.label}"

    @property
    def label(self) -> str:
        """The name, with the suite when it differs: two suites of a year may both hold a
        领导班子年度考核 (presets 002 and 004), and a name is unique within a suite."""
        return self.name if self.suite == self.name else f"{self.name}（{self.suite}）"


class Version(models.Model):
    """A numbered copy of what its owner was at one moment, never edited afterwards. A
    subclass adds the foreign key to its owner (named by ``owner_field``, with
    ``related_name="versions"``), what it keeps, and its ordering and unique number."""

    owner_field: ClassVar[str]

    number = models.PositiveIntegerField(_("版本号"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.owner_field)} v{self.number}"


class SchemeVersion(Version):
    owner_field = "scheme"

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="versions"
    )
    definition = models.JSONField(_("方案定义"), help_text=_("引擎格式，不含考核对象"))
    policy = models.JSONField(_("计算策略"), default=dict, blank=True)
    source_text = models.TextField(_("方案文本"), blank=True)
    notes = models.JSONField(
        _("条款依据"),
        default=dict,
        blank=True,
        help_text=_("每个要素所依据的条款，按位置（如 bands.好、rules[0]）记录；引擎不读取"),
    )

    class Meta:
        ordering = ("scheme", "-number")
        verbose_name = _("方案版本")
        verbose_name_plural = _("方案版本")
        constraints = (
            models.UniqueConstraint(
                fields=("scheme", "number"), name="schemes_schemeversion_unique_number"
            ),
        )


class SystemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    LOCKED = "locked", _("已锁定")


SYSTEM_TRANSITIONS: dict[tuple[str, str], StrPromise] = {
    (SystemStatus.DRAFT, SystemStatus.PUBLISHED): _("发布"),
    (SystemStatus.PUBLISHED, SystemStatus.LOCKED): _("锁定"),
}


class IndicatorSystem(models.Model):
    """The indicators one unit category is assessed on under one scheme (001 第八条)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="systems"
    )
    category = models.ForeignKey(
        UnitCategory,
        verbose_name=_("单位类别"),
        on_delete=models.PROTECT,
        related_name="indicator_systems",
    )
    name = models.CharField(_("名称"), max_length=200)
    total_points = models.DecimalField(
        _("总分"), max_digits=7, decimal_places=2, default=Decimal(100)
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=SystemStatus.choices, default=SystemStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "IndicatorSystemVersion",
        verbose_name=_("当前版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"))
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ("-scheme__year__year", "scheme_id", "category__order", "id")
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        constraints = (
            models.UniqueConstraint(
                fields=("scheme", "category"), name="schemes_system_one_per_category"
            ),
        )

    def __str__(self) -> str:
        return self.name


class Method(models.TextChoices):
    AWARD = "award", _("赋分")
    DEDUCTION = "deduction", _("扣分")
    BONUS = "bonus", _("加分")


class Indicator(models.Model):
    """One node of the tree as it stands now (the draft, or the last applied version).

    ``points``: 赋分 and 扣分 indicators make up their parent's points (the top level: the
    system's total); a 加分 indicator stands outside the total. ``cap``: the most a 加分
    indicator adds, or a 扣分 indicator takes (empty: its points)."""

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("指标体系"),
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级指标"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("编码"), max_length=20)
    name = models.CharField(_("指标名称"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=7, decimal_places=2)
    method = models.CharField(
        _("计分方式"), max_length=10, choices=Method.choices, default=Method.AWARD
    )
    cap = models.DecimalField(_("上限"), max_digits=7, decimal_places=2, null=True, blank=True)
    rule = models.TextField(_("计分规则"), blank=True)
    evidence_required = models.BooleanField(_("需要佐证材料"), default=False)
    evidence_text = models.CharField(_("佐证材料要求"), max_length=300, blank=True)
    responsible_unit = models.ForeignKey(
        Unit,
        verbose_name=_("考核责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_indicators",
    )
    lead_unit = models.ForeignKey(
        Unit,
        verbose_name=_("主要考核责任单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_indicators",
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ("system", "order", "code")
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = (
            models.UniqueConstraint(
                fields=("system", "code"), name="schemes_indicator_unique_code"
            ),
        )

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndicatorSystemVersion(Version):
    """The whole tree at one publication or approved change: a list of indicator dicts."""

    owner_field = "system"

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("指标体系"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    total_points = models.DecimalField(_("总分"), max_digits=7, decimal_places=2)
    indicators = models.JSONField(_("指标"))

    class Meta:
        ordering = ("system", "-number")
        verbose_name = _("指标体系版本")
        verbose_name_plural = _("指标体系版本")
        constraints = (
            models.UniqueConstraint(
                fields=("system", "number"), name="schemes_systemversion_unique_number"
            ),
        )


class ChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


CHANGE_TRANSITIONS: dict[tuple[str, str], StrPromise] = {
    (ChangeStatus.PENDING, ChangeStatus.APPROVED): _("批准"),
    (ChangeStatus.PENDING, ChangeStatus.REJECTED): _("驳回"),
}


class ChangeOp(models.TextChoices):
    ADD = "add", _("新增指标")
    UPDATE = "update", _("修改指标")
    REMOVE = "remove", _("删除指标")


class ChangeRequest(models.Model):
    """A request to change a published indicator system (001 第八条: 确需调整的, 由责任单位
    按程序报县考核办研究). ``changes`` is a list of ``{op, code, fields}``."""

    system = models.ForeignKey(
        IndicatorSystem,
        verbose_name=_("指标体系"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    base_version = models.ForeignKey(
        IndicatorSystemVersion,
        verbose_name=_("依据版本"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("变更理由"))
    changes = models.JSONField(_("拟变更内容"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_unit = models.ForeignKey(
        Unit,
        verbose_name=_("申请单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    result_version = models.ForeignKey(
        IndicatorSystemVersion,
        verbose_name=_("生成版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ("-requested_at", "-id")
        verbose_name = _("指标变更申请")
        verbose_name_plural = _("指标变更申请")

    def __str__(self) -> str:
        return f"#{self.pk} {self.system}"
