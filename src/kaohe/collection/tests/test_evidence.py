import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.collection.evidence import (
    EvidenceRefused,
    attachment_delete,
    attachment_save,
    attachments_for_user,
    stored_path,
)
from kaohe.collection.models import Attachment, OwnerType
from kaohe.core.models import AuditEntry

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def office_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = office_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = office_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})


def save(cast, data, name="材料.pdf"):
    return attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=7,
        upload=data, name=name,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("data", "name", "kind", "shown"),
    [
        (PDF, "自查报告.pdf", "pdf", "自查报告.pdf"),
        (PNG, "现场照片.PNG", "png", "现场照片.png"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 16, "photo.jpeg", "jpg", "photo.jpg"),
        (DOCX, "台账.docx", "docx", "台账.docx"),
        (XLSX, "统计表.xlsx", "xlsx", "统计表.xlsx"),
        # The type comes from the content: a PDF named .exe is offered as a PDF.
        (PDF, "report.exe", "pdf", "report.pdf"),
        # No path, no control characters reach the stored name.
        (PDF, "../../etc/pa\x07sswd.pdf", "pdf", "passwd.pdf"),
    ],
)
def test_it_keeps_the_files_it_accepts_by_their_content(cast, data, name, kind, shown):
    attachment = save(cast, data, name)
    assert attachment.kind == kind and attachment.original_name == shown
    assert attachment.size == len(data)
    path = stored_path(attachment)
    assert path.read_bytes() == data and shown not in str(path)
    assert len(attachment.stored_name) == 32 + 1 + len(kind)
    entry = AuditEntry.objects.get(action="attachment.upload")
    assert entry.after["sha256"] == attachment.sha256


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"MZ\x90\x00 this is a program", "kind"),
        (b"<html><script>alert(1)</script></html>", "kind"),
        (b"", "empty"),
        (b"PK\x03\x04 not really a zip", "bad_zip"),
        (office_zip({"[Content_Types].xml": b"x", "word/document.xml": b"x",
                     "word/vbaProject.bin": b"x"}), "macro"),
        (office_zip({"a.txt": b"hello"}), "kind"),
        (office_zip({"[Content_Types].xml": b"x", "word/document.xml": b"\x00" * (8 << 20)}),
         "zip_bomb"),
    ],
)  # fmt: skip
def test_it_refuses_other_files_and_leaves_nothing_behind(cast, settings, data, code):
    with pytest.raises(EvidenceRefused) as refused:
        save(cast, data, "x.pdf")
    assert refused.value.code == code
    assert not Attachment.objects.exists()
    root = settings.EVIDENCE_ROOT
    assert not root.exists() or not any(p.is_file() for p in root.rglob("*"))


def test_it_refuses_a_file_over_the_limit(cast, settings):
    settings.EVIDENCE_MAX_MB = 1
    with pytest.raises(EvidenceRefused) as refused:
        save(cast, PDF + b"\x00" * (1 << 20))
    assert refused.value.code == "too_large" and "1 MB" in refused.value.message


def test_a_failed_save_removes_the_file_it_wrote(cast, settings, monkeypatch):
    from kaohe.collection import evidence

    def fail(**kwargs):
        raise RuntimeError("audit failed")

    monkeypatch.setattr(evidence, "audit_record", fail)
    with pytest.raises(RuntimeError):
        save(cast, PDF)
    assert not any(p.is_file() for p in settings.EVIDENCE_ROOT.rglob("*"))


def test_a_deleted_attachment_takes_its_file_along(cast, django_capture_on_commit_callbacks):
    attachment = save(cast, PDF)
    path = stored_path(attachment)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=cast.admin, attachment=attachment)
    assert not path.exists() and not Attachment.objects.exists()


def test_each_reader_sees_the_evidence_of_the_units_it_may_see(cast):
    own = save(cast, PDF)
    other = attachment_save(
        actor=cast.outsider, unit=cast.unit_b, owner_type=OwnerType.REPORT, owner_id=8,
        upload=PDF, name="b.pdf",
    )  # fmt: skip
    assert set(attachments_for_user(cast.liaison)) == {own}
    assert set(attachments_for_user(cast.outsider)) == {other}
    assert set(attachments_for_user(cast.admin)) == {own, other}
    assert set(attachments_for_user(cast.scorer)) == {own, other}


def test_the_download_is_an_attachment_with_a_safe_name_and_no_sniffing(client, cast):
    attachment = save(cast, PDF, '自查"报告.pdf')
    client.force_login(cast.liaison)
    response = client.get(reverse("collection:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=utf-8''" in disposition
    assert '"' not in disposition.split("filename*=")[1]
    assert "sandbox" in response["Content-Security-Policy"]
    client.force_login(cast.outsider)
    assert (
        client.get(reverse("collection:attachment_download", args=[attachment.pk])).status_code
        == 404
    )


def test_the_files_of_a_draft_report_are_its_units_own(cast, q1):
    from kaohe.collection.models import Period, Report, ReportKind, ReportStatus

    period = Period.objects.get(pk=q1.pk)
    draft = Report.objects.create(
        period=period, unit=cast.unit_a, kind=ReportKind.PROGRESS, status=ReportStatus.DRAFT,
        updated_at=timezone.now(),
    )  # fmt: skip
    evidence = attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=draft.pk,
        upload=PDF, name="草稿附件.pdf",
    )  # fmt: skip
    assert evidence in attachments_for_user(cast.liaison)
    assert evidence not in attachments_for_user(cast.admin)
    assert evidence not in attachments_for_user(cast.scorer)
    draft.status = ReportStatus.SUBMITTED
    draft.save(update_fields=["status"])
    assert evidence in attachments_for_user(cast.admin)
