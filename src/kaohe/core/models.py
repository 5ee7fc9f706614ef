from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.core.registry import job_kind
from kaohe.core.roles import Role


class User(AbstractUser):
    """A person who logs in: one role and, for unit-bound roles, one unit (for a cadre, the
    cadre record)."""

    role = models.CharField(_("角色"), max_length=30, choices=Role.choices, blank=True)
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    # For cadre-bound roles (``roles.CADRE_BOUND_ROLES``): the cadre the user is.
    cadre = models.ForeignKey(
        "orgs.Cadre",
        verbose_name=_("干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class AuditEntry(models.Model):
    """One write, recorded in the same transaction as the write itself."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_name = models.CharField(_("操作人名称"), max_length=150, blank=True)
    at = models.DateTimeField(_("时间"), db_index=True)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True, db_index=True)
    object_id = models.CharField(_("对象编号"), max_length=60, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("修改后"), null=True, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        ordering = (
            "-at",
            "-id",
        )
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        indexes = (models.Index(fields=["object_type", "object_id"], name="core_audit_object_idx"),)

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action}"


class LoginThrottle(models.Model):
    """Failed logins from one address: for one username (whether or not such a user
    exists), or, with an empty ``username``, for every username together.

    A lock holds a username only at the address that failed (a stranger cannot lock the
    office out of its own account); the address row stops one address trying many
    usernames. See ``kaohe.core.services.login_failure_record``."""

    address = models.CharField(_("来源地址"), max_length=64)
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    failures = models.PositiveIntegerField(_("连续失败次数"), default=0)
    last_failure_at = models.DateTimeField(_("最近失败时间"), null=True, blank=True)
    locked_until = models.DateTimeField(_("锁定至"), null=True, blank=True)

    class Meta:
        verbose_name = _("登录限制")
        verbose_name_plural = _("登录限制")
        constraints = (
            models.UniqueConstraint(
                fields=["address", "username"], name="core_login_throttle_address_username"
            ),
        )

    def __str__(self) -> str:
        return f"{self.username or '*'}@{self.address}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


# The only moves a job makes (``job_set_status`` refuses the rest). A queued job fails
# without running when it cannot be handed to the queue.
JOB_TRANSITIONS = frozenset(
    {
        (JobStatus.QUEUED, JobStatus.RUNNING),
        (JobStatus.QUEUED, JobStatus.FAILED),
        (JobStatus.RUNNING, JobStatus.DONE),
        (JobStatus.RUNNING, JobStatus.FAILED),
    }
)


class Job(models.Model):
    """A piece of background work (an Excel import) and, once it ends, its outcome.

    The uploaded file is kept in the row (``file``) until the job ends: it is committed in
    the same transaction as the job, a worker on another host reads it without a shared
    disk, and the UPDATE that ends the job empties it. ``result`` holds the counts
    (``created``/``updated``/``unchanged``), the row errors (``errors``: row, column,
    header, message) or, when the code failed, ``message``."""

    # The key of a kind some app registered (``kaohe.core.registry``): no database choices,
    # so an app adds kinds without a core migration; ``job_submit`` refuses unknown keys.
    kind = models.CharField(_("类型"), max_length=40)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    unit = models.ForeignKey(
        "orgs.Unit",
        verbose_name=_("单位范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    file = models.BinaryField(_("文件"), null=True, blank=True)
    result = models.JSONField(_("结果"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("提交时间"), db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        """What the registered kind is called (its key, should no app register it now)."""
        try:
            return str(job_kind(self.kind).label)
        except LookupError:
            return self.kind

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.QUEUED, JobStatus.RUNNING)


class RejectedUpload(models.Model):
    """A workbook an import refused, kept so that its submitter can download it again
    with the bad cells marked (``kaohe.core.xlsx.marked_workbook``). Each user keeps only
    the newest few (``core.services.rejected_upload_keep``)."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.CASCADE,
        related_name="rejected_uploads",
    )
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    sheet = models.CharField(_("工作表"), max_length=60)
    file = models.BinaryField(_("文件"))
    errors = models.JSONField(_("错误"), default=list, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("提交时间"), db_index=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("未导入的工作簿")
        verbose_name_plural = _("未导入的工作簿")

    def __str__(self) -> str:
        return self.file_name
