"""Evidence files (佐证材料): the attachments of reports, deductions, field checks and
rectification feedback. The file lives outside the web root under a random name; the row
keeps the name the user gave, the type found in the content and the unit it concerns."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (.docx)"
    XLSX = "xlsx", "Excel (.xlsx)"
    JPG = "jpg", "JPEG"
    PNG = "png", "PNG"


class OwnerType(models.TextChoices):
    """What an attachment belongs to (the owner's table is named by the area that owns it)."""

    REPORT = "report", _("报送材料")
    SCORE = "score", _("评分")
    FIELD_CHECK = "field_check", _("实地考核")
    RECTIFICATION = "rectification", _("整改")


class Attachment(models.Model):
    unit = models.ForeignKey(
        "orgs.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属单位")
    )
    owner_type = models.CharField(_("所属"), max_length=20, choices=OwnerType.choices)
    owner_id = models.PositiveBigIntegerField(_("所属编号"))
    # Several rows may name one stored file: a field check's evidence referenced by the
    # score entries its deductions caused (``source``: the row it was taken from). The file
    # goes with the last row that names it.
    stored_name = models.CharField(_("存储名"), max_length=64, db_index=True)
    source = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("引用自"),
    )  # fmt: skip
    original_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=8, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("上传人"),
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ("owner_type", "owner_id", "uploaded_at", "pk")
        indexes = (models.Index(fields=("owner_type", "owner_id"), name="attachment_owner"),)

    def __str__(self) -> str:
        return self.original_name
