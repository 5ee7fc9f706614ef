"""Units, categories, leadership teams and cadres, kept with history.

A cadre's posting (unit, post, role, duties, dates) is its own row, so a cadre who moves
keeps last year's records where they were earned; secondments, village-team assignments
and investigations are dated rows for the same reason. Writes go through ``services``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class AssessmentYear(models.Model):
    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ("-year",)
        verbose_name = _("考核年度")
        verbose_name_plural = _("考核年度")

    def __str__(self) -> str:
        return self.name or f"{self.year}"

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.year, 12, 31)


class UnitCategory(models.Model):
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    description = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = (
            "order",
            "name",
        )
        verbose_name = _("单位类别")
        verbose_name_plural = _("单位类别")

    def __str__(self) -> str:
        return self.name


class UnitFlag(models.Model):
    """A mark a unit may carry (先进集体, 文明单位 …): rules and quotas can use it."""

    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = (
            "order",
            "name",
        )
        verbose_name = _("单位标记")
        verbose_name_plural = _("单位标记")

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    code = models.CharField(
        _("编码"),
        max_length=40,
        unique=True,
        help_text=_("在考核数据中标识单位，字母、数字、下划线或短横线"),
    )
    name = models.CharField(_("名称"), max_length=100)
    category = models.ForeignKey(
        UnitCategory, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("委托考核主管部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entrusted_units",
        help_text=_("学校、医院、国企等的县管干部由行政主管部门组织考核"),
    )
    flags = models.ManyToManyField(
        UnitFlag, verbose_name=_("标记"), blank=True, related_name="units"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = (
            "category__order",
            "order",
            "code",
        )
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        indexes = (models.Index(fields=["name"], name="orgs_unit_name_idx"),)

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:unit_detail", args=[self.pk])


class Team(models.Model):
    """A unit's leadership team (领导班子); in scenarios its id is the unit's code."""

    # the audit log's name of what ``team_order_set`` records
    AUDIT_LABELS: ClassVar = {"order": _("成员排序")}

    unit = models.OneToOneField(
        Unit, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="team"
    )
    name = models.CharField(_("班子名称"), max_length=120)
    is_assessed = models.BooleanField(
        _("参加班子考核"),
        default=True,
        help_text=_("派出所、司法所等在上级主管部门考核的班子不参加"),
    )

    class Meta:
        ordering = (
            "unit__category__order",
            "unit__order",
            "unit__code",
        )
        verbose_name = _("领导班子")
        verbose_name_plural = _("领导班子")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:team_detail", args=[self.pk])


class LeadershipLevel(models.TextChoices):
    """领导职务层次 (《公务员职务与职级并行规定》第七条), the levels a county's registers hold:
    厅局级、县处级、乡科级, each 正职 and 副职. Kept apart from the 职级 (``Rank``)."""

    BUREAU_CHIEF = "正厅级", _("正厅级")
    DEPUTY_BUREAU = "副厅级", _("副厅级")
    COUNTY_CHIEF = "正处级", _("正处级")
    DEPUTY_COUNTY = "副处级", _("副处级")
    SECTION_CHIEF = "正科级", _("正科级")
    DEPUTY_SECTION = "副科级", _("副科级")


class Rank(models.TextChoices):
    """职级 of the 综合管理类 (《公务员职务与职级并行规定》第八条), from the highest to the
    lowest: 一级、二级巡视员, 一级至四级调研员, 一级至四级主任科员, 一级、二级科员."""

    INSPECTOR_1 = "一级巡视员", _("一级巡视员")
    INSPECTOR_2 = "二级巡视员", _("二级巡视员")
    RESEARCHER_1 = "一级调研员", _("一级调研员")
    RESEARCHER_2 = "二级调研员", _("二级调研员")
    RESEARCHER_3 = "三级调研员", _("三级调研员")
    RESEARCHER_4 = "四级调研员", _("四级调研员")
    PRINCIPAL_1 = "一级主任科员", _("一级主任科员")
    PRINCIPAL_2 = "二级主任科员", _("二级主任科员")
    PRINCIPAL_3 = "三级主任科员", _("三级主任科员")
    PRINCIPAL_4 = "四级主任科员", _("四级主任科员")
    CLERK_1 = "一级科员", _("一级科员")
    CLERK_2 = "二级科员", _("二级科员")


class Gender(models.TextChoices):
    MALE = "男", _("男")
    FEMALE = "女", _("女")


class Cadre(models.Model):
    name = models.CharField(_("姓名"), max_length=50)
    id_number = models.CharField(
        _("身份证号"),
        max_length=18,
        blank=True,
        help_text=_("18 位公民身份号码；填写时不能与其他干部重复"),
    )
    gender = models.CharField(_("性别"), max_length=2, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    leadership_level = models.CharField(
        _("领导职务层次"), max_length=10, choices=LeadershipLevel.choices, blank=True
    )
    rank = models.CharField(_("职级"), max_length=20, choices=Rank.choices, blank=True)
    retired_on = models.DateField(_("退休日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    search = models.CharField(
        _("检索"),
        max_length=400,
        blank=True,
        editable=False,
        help_text=_("姓名、全拼和首字母，由服务层随姓名更新"),
    )

    class Meta:
        ordering = (
            "name",
            "id",
        )
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        indexes = (models.Index(fields=["name"], name="orgs_cadre_name_idx"),)
        # The natural key where it is given: two imports at once cannot create two.
        constraints = (
            models.UniqueConstraint(
                fields=["id_number"],
                condition=~Q(id_number=""),
                name="orgs_cadre_id_number_unique",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("orgs:cadre_detail", args=[self.pk])

    @property
    def entity_id(self) -> str:
        """The cadre's id in a scenario document."""
        return f"c{self.pk}"


class Role(models.TextChoices):
    """A posting's place: 党政正职 and 班子成员 form the leadership team; 一般干部 do not."""

    PRINCIPAL = "principal", _("党政正职")
    MEMBER = "member", _("班子成员")
    STAFF = "staff", _("一般干部")


TEAM_ROLES = (Role.PRINCIPAL, Role.MEMBER)


class Duty(models.TextChoices):
    SECRETARY = "secretary", _("党委(党组)书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("党委副书记")
    HEAD = "head", _("行政正职")
    PARTY_BUILDING = "party_building", _("分管党建")
    DISCIPLINE = "discipline", _("纪检监察")
    ORGANISATION = "organisation", _("组织委员")


class Precedence(models.IntegerChoices):
    """Where a posting stands in a Chinese list of people (书记, 正职, the other members of
    the team, 一般干部); within one step the office's ``Posting.order`` decides."""

    SECRETARY = 10, _("书记")
    PRINCIPAL = 20, _("正职")
    MEMBER = 30, _("班子成员")
    STAFF = 40, _("一般干部")


def precedence_of(role: str, duties: Sequence[str]) -> Precedence:
    """The step of a posting with ``role`` and ``duties``: a 党委(党组)书记 first, then the
    other 党政正职, then the team's members, then 一般干部."""
    if Duty.SECRETARY in duties and role != Role.STAFF:
        return Precedence.SECRETARY
    return {
        Role.PRINCIPAL: Precedence.PRINCIPAL,
        Role.MEMBER: Precedence.MEMBER,
    }.get(Role(role), Precedence.STAFF)


def active_on(day: dt.date, prefix: str = "") -> Q:
    """Rows with ``start_date <= day`` and no ``end_date`` before ``day``."""
    return Q(**{f"{prefix}start_date__lte": day}) & (
        Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day})
    )


def one_open(name: str, **condition: object) -> models.UniqueConstraint:
    """At most one row per cadre without an ``end_date`` (among those matching
    ``condition``): a partial unique index, on SQLite as on PostgreSQL. The services also
    refuse overlapping periods, which an index cannot express portably."""
    return models.UniqueConstraint(
        fields=["cadre"], condition=Q(end_date__isnull=True, **condition), name=name
    )


def ends_after_start(name: str) -> models.CheckConstraint:
    """A dated row's ``end_date``, when it has one, is not before its ``start_date``."""
    return models.CheckConstraint(
        condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")), name=name
    )


class Posting(models.Model):
    """A post held by a cadre in a unit between two dates (任职)."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="postings"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="postings"
    )
    post = models.CharField(_("职务"), max_length=100)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    duties = models.JSONField(_("分工"), default=list, blank=True)
    is_primary = models.BooleanField(
        _("主要职务"), default=True, help_text=_("交叉任职的，在承担主要工作职责的单位考核")
    )
    start_date = models.DateField(_("任职日期"))
    end_date = models.DateField(_("免职日期"), null=True, blank=True)
    precedence = models.PositiveSmallIntegerField(
        _("职务次序"),
        choices=Precedence.choices,
        default=Precedence.MEMBER,
        editable=False,
        help_text=_("由角色和分工得出：书记、正职、班子成员、一般干部"),
    )
    order = models.PositiveSmallIntegerField(
        _("排序"), default=0, help_text=_("同一职务次序内，数字小的排在前面（由考核办设定）")
    )

    class Meta:
        ordering = (
            "-start_date",
            "-id",
        )
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = (
            ends_after_start("orgs_posting_ends_after_start"),
            one_open("orgs_posting_one_open_primary", is_primary=True),
        )
        indexes = (models.Index(fields=["unit", "end_date"], name="orgs_posting_unit_end_idx"),)

    # How people are listed (书记, 正职, members, 一般干部; then the office's order).
    LIST_ORDER = ("precedence", "order", "start_date", "id")

    def __str__(self) -> str:
        return f"{self.cadre} · {self.unit} · {self.post}"

    def get_absolute_url(self) -> str:
        """The cadre's page, where this record is listed."""
        return reverse("orgs:cadre_detail", args=[self.cadre_id])

    @property
    def duty_labels(self) -> list[str]:
        return self.labels_of_duties(self.duties)

    @staticmethod
    def labels_of_duties(duties: Sequence[str]) -> list[str]:
        labels = dict(Duty.choices)
        return [str(labels.get(duty, duty)) for duty in duties]

    @classmethod
    def audit_text(cls, name: str, value: object) -> str | None:
        """The audit log shows the duties by their labels."""
        if name == "duties" and isinstance(value, list):
            return "、".join(cls.labels_of_duties(value))
        return None


class SecondmentLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")


class Assignment(models.Model):
    """A cadre's time somewhere else than the home unit, from ``start_date`` to ``end_date``
    (open while it has none): a secondment or a village team."""

    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        abstract = True
        ordering = (
            "-start_date",
            "-id",
        )


class Secondment(Assignment):
    """挂职: a cadre sent to work in a host unit for a period."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="secondments"
    )
    level = models.CharField(_("派出层级"), max_length=10, choices=SecondmentLevel.choices)
    host = models.ForeignKey(
        Unit, verbose_name=_("挂职单位"), on_delete=models.PROTECT, related_name="secondees"
    )

    class Meta(Assignment.Meta):
        verbose_name = _("挂职")
        verbose_name_plural = _("挂职")
        constraints = (
            ends_after_start("orgs_secondment_ends_after_start"),
            one_open("orgs_secondment_one_open"),
        )

    def __str__(self) -> str:
        return f"{self.cadre} → {self.host}"

    def get_absolute_url(self) -> str:
        """The cadre's page, where this record is listed."""
        return reverse("orgs:cadre_detail", args=[self.cadre_id])


class VillageAssignment(Assignment):
    """驻村工作队: assessed with the team, not in the home unit."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="village_assignments"
    )
    village = models.CharField(_("驻村"), max_length=100)

    class Meta(Assignment.Meta):
        verbose_name = _("驻村工作队")
        verbose_name_plural = _("驻村工作队")
        constraints = (
            ends_after_start("orgs_village_ends_after_start"),
            one_open("orgs_village_one_open"),
        )

    def __str__(self) -> str:
        return f"{self.cadre} · {self.village}"

    def get_absolute_url(self) -> str:
        """The cadre's page, where this record is listed."""
        return reverse("orgs:cadre_detail", args=[self.cadre_id])


class Investigation(models.Model):
    """立案审查调查: while open the cadre is assessed but given no grade."""

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="investigations"
    )
    opened_on = models.DateField(_("立案日期"))
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    outcome = models.CharField(_("处理结果"), max_length=200, blank=True)

    class Meta:
        ordering = (
            "-opened_on",
            "-id",
        )
        verbose_name = _("立案审查")
        verbose_name_plural = _("立案审查")

    def __str__(self) -> str:
        return f"{self.cadre} · {self.opened_on}"

    def get_absolute_url(self) -> str:
        """The cadre's page, where this record is listed."""
        return reverse("orgs:cadre_detail", args=[self.cadre_id])
