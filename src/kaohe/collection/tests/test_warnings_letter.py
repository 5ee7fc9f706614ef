import datetime as dt
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from docx import Document

from kaohe.collection import letters
from kaohe.collection.models import LetterTemplate
from kaohe.collection.ranking import period_rank
from kaohe.collection.tests.warning_helpers import quarter
from kaohe.core.models import AuditEntry
from kaohe.core.tests.tools import require_installed, skip_unless_installed

SOFFICE = shutil.which("soffice")


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(BytesIO(content)).paragraphs)


@pytest.fixture
def warning(cast, party, town_system):
    """青山镇 last of the two towns in Q1 (issued 03-31): a red warning, due 04-30."""
    q1 = quarter(party["party"], "Q1")
    scores = {cast.unit_a.pk: Decimal("71.5"), cast.unit_b.pk: Decimal(88)}
    outcome = period_rank(
        actor=cast.admin, period=q1, today=dt.date(2024, 3, 31), totals=lambda period: scores
    )
    return outcome.issued[0]


def test_the_shipped_template_holds_every_placeholder():
    text = docx_text(letters.SHIPPED.read_bytes())
    for name in letters.PLACEHOLDERS:
        assert "{{ " + name + " }}" in text, name


def test_the_letter_names_the_unit_rank_level_and_the_deadline(warning):
    text = docx_text(letters.letter_render(warning))
    assert "红灯预警督办函" in text
    assert "青山镇：" in text
    assert "2024年4月30日前" in text  # 03-31 + one calendar month
    assert "镇街类别2个单位中排名第2名（得分71.50分）" in text
    assert "预督〔2024〕1号" in text
    assert "2024年3月31日" in text and "县考核办" in text
    assert "{{" not in text


def test_unit_names_are_escaped_in_the_letters_xml(warning):
    warning.target.name = "青山镇<&>"
    text = docx_text(letters.letter_render(warning))
    assert "青山镇<&>：" in text


@skip_unless_installed(SOFFICE is not None, "LibreOffice (soffice)")
def test_libreoffice_opens_the_letter(warning, tmp_path):
    require_installed(SOFFICE is not None, "LibreOffice (soffice)")
    assert SOFFICE is not None
    source = tmp_path / "letter.docx"
    source.write_bytes(letters.letter_render(warning))
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    text = (tmp_path / "letter.txt").read_text(encoding="utf-8-sig")
    assert "青山镇" in text and "2024年4月30日" in text and "红灯预警督办函" in text


def test_the_office_replaces_the_template_and_goes_back_to_the_shipped_one(cast, warning):
    document = Document()
    document.add_paragraph("新模板 {{ unit }} 限 {{ due_on }} 前反馈")
    out = BytesIO()
    document.save(out)
    letters.letter_template_upload(actor=cast.admin, upload=out.getvalue(), name="新模板.docx")
    assert "新模板 青山镇 限 2024年4月30日 前反馈" in docx_text(letters.letter_render(warning))
    assert AuditEntry.objects.filter(action="letter_template.upload").count() == 1
    letters.letter_template_reset(actor=cast.admin)
    assert not LetterTemplate.objects.exists()
    assert "红灯预警督办函" in docx_text(letters.letter_render(warning))


def test_a_template_that_does_not_render_or_is_not_docx_is_refused(cast):
    document = Document()
    document.add_paragraph("{{ unit ")  # an unclosed placeholder
    out = BytesIO()
    document.save(out)
    with pytest.raises(ValidationError) as refused:
        letters.letter_template_upload(actor=cast.admin, upload=out.getvalue(), name="坏.docx")
    assert "模板不能填写" in refused.value.message_dict["file"][0]
    with pytest.raises(ValidationError):
        letters.letter_template_upload(actor=cast.admin, upload=b"%PDF-1.4\n", name="a.docx")
    macro = BytesIO()
    with zipfile.ZipFile(macro, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("word/vbaProject.bin", b"\0")
    with pytest.raises(ValidationError) as refused:
        letters.letter_template_upload(actor=cast.admin, upload=macro.getvalue(), name="m.docx")
    assert "宏" in refused.value.message_dict["file"][0]
    assert not LetterTemplate.objects.exists()


def test_the_warned_unit_downloads_its_letter_and_another_unit_gets_404(client, cast, warning):
    client.force_login(cast.liaison)
    response = client.get(f"/collection/warnings/{warning.pk}/letter/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "2024年4月30日" in docx_text(response.content)
    client.force_login(cast.outsider)
    assert client.get(f"/collection/warnings/{warning.pk}/letter/").status_code == 404


def test_the_template_page_uploads_and_refuses_with_a_message(client, cast):
    client.force_login(cast.admin)
    upload = BytesIO(b"not a docx")
    upload.name = "x.docx"
    response = client.post("/collection/warnings/template/", {"op": "upload", "file": upload})
    assert response.status_code == 200
    assert "只接受" in response.content.decode()
    response = client.post("/collection/warnings/template/", {"op": "download"})
    assert response.status_code == 200 and response.content[:2] == b"PK"


def test_an_oversized_template_is_refused(cast):
    with pytest.raises(ValidationError) as refused:
        letters.letter_template_upload(
            actor=cast.admin, upload=b"PK\x03\x04" + b"\0" * letters.TEMPLATE_MAX_BYTES, name="x"
        )
    assert "2 MB" in refused.value.message_dict["file"][0]
