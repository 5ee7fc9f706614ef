"""民主测评 (democratic evaluation, seeds 003 and 004): ballot forms, sessions, rater classes,
one-time codes and sheets.

Anonymity by construction. A sheet (``Sheet``) has a random UUID key, the session and the
rater class it counts in, and its marks: no column links it to a code, a user, an address,
a cookie or a moment. A code (``Code``) records only that it was used. While a session is
open, sheets wait in a holding table (``PendingSheet``), where the database's own metadata
(PostgreSQL's ``xmin``, shared with the code's update; the heap order, following the order
of voting) would betray them; closing the session copies them into ``Sheet`` in a shuffled
order with fresh keys, in one transaction, and deletes them from the holding table, which
is then rewritten (``VACUUM FULL`` on PostgreSQL; SQLite's ``secure_delete``). See
``kaohe.ballots.evaluation_services.session_close`` and ``docs/guide/ballots.md``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Subject(models.TextChoices):
    TEAM = "team", _("领导班子")
    CADRE = "cadre", _("领导干部")


class BallotForm(models.Model):
    """A ballot form (测评表): the choices and their points, best first; optional areas
    (seed 004's five areas of a team, or 德、能、勤、绩、廉 of a cadre), each marked with the
    same choices; the largest share of one choice a sheet may give (seed 004: 优秀 20%)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    subject = models.CharField(_("测评对象"), max_length=10, choices=Subject.choices)
    # [{"name": "优秀", "points": "100"}, ...], best first
    choices = models.JSONField(_("选项及分值"), default=list)
    # [] : one overall mark per target; else the names of the areas, each marked
    areas = models.JSONField(_("测评项目"), default=list, blank=True)
    max_share_choice = models.CharField(_("限制比例的选项"), max_length=20, blank=True)
    max_share = models.DecimalField(
        _("一张测评表中该选项的最高比例"), max_digits=4, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
    )  # fmt: skip

    class Meta:
        verbose_name = _("测评表")
        verbose_name_plural = _("测评表")
        ordering = ("subject", "name")

    def __str__(self) -> str:
        return self.name

    def choice_names(self) -> list[str]:
        return [str(choice["name"]) for choice in self.choices]

    def points(self) -> dict[str, Decimal]:
        return {str(choice["name"]): Decimal(str(choice["points"])) for choice in self.choices}


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("准备中")
    TESTING = "testing", _("测试中")
    OPEN = "open", _("正式测评中")
    CLOSED = "closed", _("已结束")


class Session(models.Model):
    """One democratic evaluation: a unit's meeting, or a county-wide round (no unit)."""

    name = models.CharField(_("名称"), max_length=120)
    year = models.ForeignKey(
        "orgs.AssessmentYear", on_delete=models.PROTECT, related_name="ballot_sessions",
        verbose_name=_("年度"),
    )  # fmt: skip
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("单位"), help_text=_("单位的测评会议；空：全县范围的测评"),
    )  # fmt: skip
    team_form = models.ForeignKey(
        BallotForm, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("班子测评表"),
    )  # fmt: skip
    cadre_form = models.ForeignKey(
        BallotForm, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("干部测评表"),
    )  # fmt: skip
    status = models.CharField(
        _("状态"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("创建人"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("民主测评")
        verbose_name_plural = _("民主测评")
        ordering = ("-opens_at", "-pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="ballot_session_closes_after_opening",
            ),
        )

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_codes(self) -> bool:
        return self.status in (SessionStatus.TESTING, SessionStatus.OPEN)


class SessionTarget(models.Model):
    """Who is marked on the session's sheets: a team or a cadre, with the name printed."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="targets")
    team = models.ForeignKey(
        "orgs.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cadre = models.ForeignKey(
        "orgs.Cadre", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(_("名称"), max_length=120)
    note = models.CharField(_("职务"), max_length=120, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评对象")
        verbose_name_plural = _("测评对象")
        ordering = ("order", "pk")
        constraints = (
            models.CheckConstraint(
                condition=models.Q(team__isnull=True, cadre__isnull=False)
                | models.Q(team__isnull=False, cadre__isnull=True),
                name="ballot_target_team_or_cadre",
            ),
        )

    def __str__(self) -> str:
        return self.label

    @property
    def subject(self) -> str:
        return Subject.TEAM if self.team_id else Subject.CADRE


class RaterClass(models.Model):
    """A class of raters with its weight (上级/同级/下级; 单位测评/县级领导评价/单位互评)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="rater_classes")
    name = models.CharField(_("测评人类别"), max_length=30)
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001")), MaxValueValidator(Decimal(1))],
    )  # fmt: skip
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("测评人类别")
        verbose_name_plural = _("测评人类别")
        ordering = ("order", "pk")
        constraints = (
            models.UniqueConstraint(fields=("session", "name"), name="ballot_rater_class_unique"),
        )

    def __str__(self) -> str:
        return self.name


class Code(models.Model):
    """A one-time code (测评码). It records only that it was used: no time, no sheet."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="codes")
    rater_class = models.ForeignKey(RaterClass, on_delete=models.CASCADE, related_name="codes")
    code = models.CharField(_("测评码"), max_length=12, unique=True)
    used = models.BooleanField(_("已使用"), default=False)
    # made in test mode: wiped with the test data
    test = models.BooleanField(_("测试码"), default=False)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")
        indexes = (models.Index(fields=("session", "rater_class", "used")),)

    def __str__(self) -> str:
        return self.code


class SheetBase(models.Model):
    """What a sheet is: a random key, its session and rater class, the marks. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    rater_class = models.ForeignKey(RaterClass, on_delete=models.CASCADE, related_name="+")
    # {"<target id>": "优秀"} or, on a form with areas, {"<target id>": {"<area>": "好"}}
    marks = models.JSONField(_("评价"))

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self.id)


class PendingSheet(SheetBase):
    """The holding table: sheets of sessions still open (or in test mode)."""

    class Meta:
        verbose_name = _("待归档测评票")
        verbose_name_plural = _("待归档测评票")


class Sheet(SheetBase):
    """A sheet of a closed session, written in shuffled order when the session closed."""

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
