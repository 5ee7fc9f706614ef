"""Evidence files: checked by their content (never by their name), stored outside the web
root under a random name, read back only through ``attachment_download`` after the
selector said the reader may see them.

Allowed: PDF, Word (.docx), Excel (.xlsx), JPEG, PNG, at most ``EVIDENCE_MAX_MB``. A .docx or
.xlsx is a zip: it must hold the members of its kind, no macros, and must not expand into
a zip bomb.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
import zipfile
from io import BytesIO
from pathlib import Path, PurePath
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaohe.collection.models import Attachment, FileKind, OwnerType, Report, ReportStatus
from kaohe.core.audit import audit_record
from kaohe.core.roles import Action, can
from kaohe.core.text import strip_control_characters
from kaohe.orgs.selectors import units_for_user

CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.JPG: "image/jpeg",
    FileKind.PNG: "image/png",
}
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"
# A real office document has some dozens of members; it expands a few times at most.
MAX_MEMBERS = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM = 1024 * 1024
NAME_MAX = 200


class EvidenceRefused(ValidationError):
    """An upload refused, with a Chinese message for the form's ``file`` field."""


def max_bytes() -> int:
    return int(settings.EVIDENCE_MAX_MB) * 1024 * 1024


def _zip_kind(data: bytes) -> FileKind:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise EvidenceRefused(_("文件已损坏或不是有效的 Word/Excel 文件"), code="bad_zip") from None
    names = {m.filename for m in members}
    if (
        len(members) > MAX_MEMBERS
        or sum(m.file_size for m in members) > MAX_UNCOMPRESSED
        or any(
            m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1)
            for m in members
        )
    ):
        raise EvidenceRefused(_("文件解压后过大，可能是恶意构造的文件"), code="zip_bomb")
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise EvidenceRefused(_("文件含有宏，请另存为不含宏的 .docx 或 .xlsx"), code="macro")
    if "[Content_Types].xml" in names and "word/document.xml" in names:
        return FileKind.DOCX
    if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
        return FileKind.XLSX
    raise EvidenceRefused(
        _("只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG 文件"), code="kind"
    )


def sniff_kind(data: bytes) -> FileKind:
    """The file's type read from its content; ``EvidenceRefused`` for any other."""
    if data.startswith(b"%PDF-"):
        return FileKind.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if data.startswith(b"\xff\xd8\xff"):
        return FileKind.JPG
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    raise EvidenceRefused(
        _("只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG 文件"), code="kind"
    )


def clean_name(name: str, kind: FileKind) -> str:
    """The name shown and offered on download: no path, no control characters, within the
    column, ending in the extension of the type found (a .exe renamed .pdf is not a PDF,
    and a real PDF named .exe is offered as .pdf)."""
    base = PurePath(unicodedata.normalize("NFC", name or "").replace("\\", "/")).name
    base = strip_control_characters(base, multiline=False).strip().strip(".") or _("附件")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    extension = "." + kind.value
    return stem[: NAME_MAX - len(extension)] + extension


def evidence_root() -> Path:
    return Path(settings.EVIDENCE_ROOT)


def stored_path(attachment: Attachment) -> Path:
    return evidence_root() / attachment.stored_name[:2] / attachment.stored_name


def _read(upload: IO[bytes] | bytes) -> bytes:
    data = upload if isinstance(upload, bytes) else upload.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise EvidenceRefused(
            _("文件不能超过 %(n)s MB") % {"n": settings.EVIDENCE_MAX_MB}, code="too_large"
        )
    if not data:
        raise EvidenceRefused(_("文件是空的"), code="empty")
    return data


@transaction.atomic
def attachment_save(
    *,
    actor: Any,
    unit: Any,
    owner_type: OwnerType | str,
    owner_id: int,
    upload: IO[bytes] | bytes,
    name: str | None = None,
) -> Attachment:
    """Check and store one evidence file for ``unit``, owned by (``owner_type``, ``owner_id``).
    Refused files leave nothing behind; the file is removed again if the transaction fails."""
    data = _read(upload)
    kind = sniff_kind(data)
    original = clean_name(name if name is not None else getattr(upload, "name", ""), kind)
    stored_name = f"{secrets.token_hex(16)}.{kind.value}"
    attachment = Attachment(
        unit=unit, owner_type=owner_type, owner_id=owner_id, stored_name=stored_name,
        original_name=original, kind=kind, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor, uploaded_at=timezone.now(),
    )  # fmt: skip
    path = stored_path(attachment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    try:
        attachment.save()
        audit_record(
            actor=actor,
            action="attachment.upload",
            obj=attachment,
            after={
                "unit": unit.pk, "owner": f"{owner_type}:{owner_id}", "name": original,
                "kind": kind.value, "size": len(data), "sha256": attachment.sha256,
            },
        )  # fmt: skip
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor: Any, attachment: Attachment) -> None:
    """Remove an attachment (its owner's service checks that it may still change); the file
    goes once the row's deletion is committed, unless another row still names it (evidence
    shared by ``attachment_share``)."""
    path = stored_path(attachment)
    audit_record(
        actor=actor,
        action="attachment.delete",
        obj=attachment,
        before={"owner": f"{attachment.owner_type}:{attachment.owner_id}",
                "name": attachment.original_name, "sha256": attachment.sha256},
    )  # fmt: skip
    attachment.delete()
    if not Attachment.objects.filter(stored_name=attachment.stored_name).exists():
        transaction.on_commit(lambda: path.unlink(missing_ok=True))


@transaction.atomic
def attachment_share(
    *, actor: Any, source: Attachment, owner_type: OwnerType | str, owner_id: int
) -> Attachment | None:
    """Let another owner reference ``source``'s file (no second copy on disk): a new row
    naming the same stored file, ``source`` kept. None when the owner references it already.
    One audit row."""
    if Attachment.objects.filter(
        owner_type=owner_type, owner_id=owner_id, stored_name=source.stored_name
    ).exists():
        return None
    shared = Attachment.objects.create(
        unit_id=source.unit_id, owner_type=owner_type, owner_id=owner_id,
        stored_name=source.stored_name, original_name=source.original_name, kind=source.kind,
        size=source.size, sha256=source.sha256, source=source, uploaded_by=actor,
        uploaded_at=timezone.now(),
    )  # fmt: skip
    audit_record(
        actor=actor,
        action="attachment.share",
        obj=shared,
        after={"owner": f"{owner_type}:{owner_id}", "name": shared.original_name,
               "source": f"{source.owner_type}:{source.owner_id}", "sha256": shared.sha256},
    )  # fmt: skip
    return shared


def attachments_for_user(user: object) -> QuerySet[Attachment]:
    """Evidence the user may read: that of the units the user sees (a liaison: the own
    unit's), for roles that read reports."""
    if not can(user, Action.REPORT_VIEW):
        return Attachment.objects.none()
    found = Attachment.objects.filter(unit__in=units_for_user(user).values("pk"))
    # A draft report is its unit's own until submitted: so are its files.
    unit_id = getattr(user, "unit_id", None)
    drafts = Report.objects.filter(status=ReportStatus.DRAFT).exclude(
        unit_id=unit_id if unit_id is not None else 0
    )
    return found.exclude(owner_type=OwnerType.REPORT, owner_id__in=drafts.values("pk"))


def attachments_of(
    owner_type: OwnerType | str, owner_ids: list[int]
) -> dict[int, list[Attachment]]:
    """The attachments of several owners of one type, in one query (for list pages)."""
    found: dict[int, list[Attachment]] = {pk: [] for pk in owner_ids}
    for attachment in Attachment.objects.filter(owner_type=owner_type, owner_id__in=owner_ids):
        found.setdefault(attachment.owner_id, []).append(attachment)
    return found


def _help_text() -> str:
    return _("PDF、Word、Excel、JPG、PNG，每个不超过 %(n)s MB") % {"n": settings.EVIDENCE_MAX_MB}


def evidence_file_field(*, required: bool = False) -> forms.FileField:
    """The upload field of evidence: its type is checked again from the content on save."""
    return forms.FileField(
        label=gettext_lazy("佐证材料"),
        required=required,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text=lazy(_help_text, str)(),
    )
