"""In-app notices: a reminder before a deadline, a notice when late (``reminders_send``).

Each notice carries a ``key`` unique per user (``remind:<to-do key>``, ``late:<to-do
key>``), so the same reminder is never sent twice, however often the daily task runs. The
e-mail copy is sent once too: ``emailed_at`` records it (a failed send is tried again on the
next run).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices",
        verbose_name=_("用户"),
    )  # fmt: skip
    key = models.CharField(_("去重键"), max_length=200)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ("-created_at", "-id")
        constraints = (
            models.UniqueConstraint(fields=("user", "key"), name="notice_unique_key_per_user"),
        )
        indexes = (models.Index(fields=("user", "read_at"), name="notice_user_unread"),)

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
