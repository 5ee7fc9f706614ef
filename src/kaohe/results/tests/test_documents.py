"""The official forms: each form's content read back with python-docx / openpyxl, the
登记表 on one A4 page through LibreOffice, the batch's zip, its scope and its failure, the
templates the office replaces.

The year: the 2024 seed-004 suite graded by one finished run (rows written directly):
青山镇 (优秀) and 白水镇 (良好) as teams; 张青山 (青山镇's secretary, 单列), four cadres of
白水镇 (two 优秀, ranked 2 and 1 by score, one whose name looks like a formula) and a city
secondee hosted by 青山镇."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from kaohe.core.tests.tools import require_installed, skip_unless_installed
from kaohe.results import documents
from kaohe.results.models import DocumentForm

SOFFICE = shutil.which("soffice")
LONG_SUMMARY = "\n".join(
    f"{n}、一年来，我始终坚持以习近平新时代中国特色社会主义思想为指导，认真履行岗位职责，"
    "扎实推进各项重点工作，全面完成年度目标任务，在抓党建、促发展、惠民生、保稳定等方面取得了新成效。"
    for n in range(1, 40)
)


class Year:
    pass


@pytest.fixture
def year(cast):
    from kaohe.ballots.models import Rating, RatingRound
    from kaohe.collection.models import PeriodKind, PeriodStatus, Report, ReportKind
    from kaohe.collection.services import period_create
    from kaohe.orgs.models import Role, Secondment
    from kaohe.orgs.services import cadre_create
    from kaohe.results.models import Run, RunRow, RunStatus
    from kaohe.schemes.services import scheme_create_from_preset, scheme_set_status
    from kaohe.schemes.tests import factories

    year = factories.year_2024()
    schemes = {
        s.code: scheme_set_status(actor=None, scheme=s, status="published")
        for s in scheme_create_from_preset(actor=None, year=year, preset_id="seed004-annual")
    }
    start = dt.date(2021, 3, 1)

    def cadre(name, unit, post="副镇长"):
        return cadre_create(actor=None, name=name, first_posting={
            "unit": unit, "post": post, "role": Role.MEMBER, "start_date": start})  # fmt: skip

    wang, zhao, qian = (
        cadre("王一", cast.unit_b),
        cadre("赵二", cast.unit_b),
        cadre('=HYPERLINK("http://x","点我")', cast.unit_b),
    )
    sun = cadre("孙挂职", cast.responsible_unit, "科长")
    Secondment.objects.create(cadre=sun, level="city", host=cast.unit_a,
                              start_date=dt.date(2024, 3, 1))  # fmt: skip
    now = timezone.now()
    run = Run.objects.create(year=year, suite=schemes["cadre"].suite, status=RunStatus.DONE,
                             result=RESULT, created_at=now, finished_at=now)  # fmt: skip
    group_b = f"u{cast.unit_b.pk}"
    rows = [
        (schemes["team"], cast.unit_a, None, "青山镇", "", "92", 1, "优秀"),
        (schemes["team"], cast.unit_b, None, "白水镇", "", "85", 2, "良好"),
        (schemes["cadre"], None, cast.cadre_a, "张青山", "单列", "95", 1, "优秀"),
        (schemes["cadre"], None, cast.cadre_b, "李白水", group_b, "88", 3, "称职"),
        (schemes["cadre"], None, zhao, "赵二", group_b, "91", 2, "优秀"),
        (schemes["cadre"], None, wang, "王一", group_b, "93.5", 1, "优秀"),
        (schemes["cadre"], None, qian, qian.name, group_b, "70", 4, "称职"),
        (schemes["cadre"], None, sun, "孙挂职", f"u{cast.unit_a.pk}", "90", 1, "称职"),
    ]
    for position, (scheme, unit, person, name, group, score, rank, grade) in enumerate(rows):
        RunRow.objects.create(
            run=run, scheme=scheme, target=f"u{unit.pk}" if unit else f"c{person.pk}", unit=unit,
            cadre=person, name=name, group=group, score=Decimal(score), rank=rank,
            status="graded", grade=grade, position=position,
        )  # fmt: skip
    quarter = RatingRound.objects.create(year=year, name="一季度", subject="cadre", period="Q1")
    Rating.objects.create(round=quarter, rater=cast.leader, cadre=wang, grade="优秀")
    Rating.objects.create(round=quarter, rater=cast.admin, cadre=wang, grade="良好")
    period = period_create(
        actor=None, scheme=schemes["cadre"], kind=PeriodKind.YEAR_END, key="Y", name="年终考核",
        starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2024, 12, 31), status=PeriodStatus.OPEN,
    )  # fmt: skip
    Report.objects.create(period=period, unit=cast.unit_a, kind=ReportKind.WORK_REPORT,
                          status="submitted", sections={"text": LONG_SUMMARY}, updated_at=now)  # fmt: skip
    data = Year()
    data.__dict__.update(year=year, schemes=schemes, run=run, wang=wang, zhao=zhao, qian=qian,
                         sun=sun)  # fmt: skip
    return data


RESULT = '{"format":"kaohe-result/1","year":2024,"schemes":[{"id":"s0","quotas":[]}]}'


def make(cast, year, form, scope="all", unit=None):
    from kaohe.results.models import DocumentBatch

    batch = DocumentBatch(year=year.year, forms=[form], scope=scope, unit=unit)
    ctx = documents.batch_context(batch)
    return {path: maker() for path, maker in documents.plan(ctx, [form])}


def docx_text(data: bytes) -> str:
    from docx import Document

    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def sheet_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(data)).worksheets[0]
    return [tuple(c.value for c in row) for row in sheet.iter_rows()]


# ---- the 个人总结 ----------------------------------------------------------------------


def test_a_short_summary_is_kept_whole():
    assert documents.fit_summary("第一段\n\n第二段") == "第一段\n第二段"


def test_a_long_summary_is_cut_to_the_box_with_a_note():
    fitted = documents.fit_summary(LONG_SUMMARY)
    lines = sum(-(-len(p) // documents.SUMMARY_LINE_CHARS) for p in fitted.split("\n"))
    assert lines <= documents.SUMMARY_LINES
    assert fitted.endswith(documents.SUMMARY_CUT_NOTE)
    assert fitted.startswith("1、一年来")


# ---- each form's content ---------------------------------------------------------------


def test_the_registration_form_holds_the_cadres_fields(cast, year):
    files = make(cast, year, DocumentForm.REGISTRATION)
    assert set(files) == {
        "县管干部年度考核登记表/青山镇/张青山.docx",
        "县管干部年度考核登记表/白水镇/李白水.docx",
        "县管干部年度考核登记表/白水镇/王一.docx",
        "县管干部年度考核登记表/白水镇/赵二.docx",
        "县管干部年度考核登记表/白水镇/=HYPERLINK(_http___x_,_点我_).docx",
    }  # the secondee has his own form
    text = docx_text(files["县管干部年度考核登记表/白水镇/王一.docx"])
    for expected in ("2024年度", "王一", "白水镇副镇长", "93.5", "考核等次：优秀", "2021.03"):
        assert expected in text
    principal = docx_text(files["县管干部年度考核登记表/青山镇/张青山.docx"])
    assert "1、一年来" in principal and documents.SUMMARY_CUT_NOTE in principal
    assert "单列" in principal


def test_the_registration_escapes_what_a_user_typed(cast, year):
    files = make(cast, year, DocumentForm.REGISTRATION)
    name = next(p for p in files if "HYPERLINK" in p)
    assert '=HYPERLINK("http://x","点我")' in docx_text(files[name])


@skip_unless_installed(SOFFICE is not None, "LibreOffice (soffice)")
@pytest.mark.parametrize(
    "summary", [LONG_SUMMARY, "很长的总结" * 700], ids=["paragraphs", "one-block"]
)
def test_the_registration_with_a_long_summary_prints_on_one_a4_page(cast, year, tmp_path, summary):
    from kaohe.collection.models import Report

    require_installed(SOFFICE is not None, "LibreOffice (soffice)")
    Report.objects.filter(unit=cast.unit_a).update(sections={"text": summary})
    files = make(cast, year, DocumentForm.REGISTRATION)
    source = tmp_path / "dengji.docx"
    source.write_bytes(files["县管干部年度考核登记表/青山镇/张青山.docx"])
    assert documents.SUMMARY_CUT_NOTE in docx_text(source.read_bytes())
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    pdf = (tmp_path / "dengji.pdf").read_bytes()
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", pdf)
    assert box and abs(float(box[1]) - 595.3) < 2 and abs(float(box[2]) - 841.9) < 2  # A4


def test_the_secondment_form_names_home_and_host(cast, year):
    files = make(cast, year, DocumentForm.SECONDMENT)
    assert list(files) == ["挂职干部年度考核登记表/孙挂职.docx"]
    text = docx_text(files["挂职干部年度考核登记表/孙挂职.docx"])
    for expected in ("县委组织部科长", "青山镇", "市", "2024.03—", "9", "称职"):
        assert expected in text


def test_the_daily_form_lists_a_units_cadres_with_their_quarter_ratings(cast, year):
    files = make(cast, year, DocumentForm.DAILY)
    assert set(files) == {
        "领导干部日常考核评价表/青山镇.docx", "领导干部日常考核评价表/白水镇.docx",
        "领导干部日常考核评价表/县委组织部.docx",  # the secondee's home unit
    }  # fmt: skip
    from docx import Document

    table = Document(BytesIO(files["领导干部日常考核评价表/白水镇.docx"])).tables[0]
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert rows["王一"][3] == "优秀1、良好1" and rows["王一"][7] == "有"
    assert rows["赵二"][3] == "" and rows["赵二"][7] == "无"
    assert rows["王一"][8] == "93.5" and rows["王一"][9] == "优秀"


def test_the_proposal_list_puts_the_ordered_excellent_first_and_keeps_text_as_text(cast, year):
    files = make(cast, year, DocumentForm.PROPOSAL)
    name = "考核等次建议名单/领导干部年度考核-白水镇.xlsx"
    assert name in files and "考核等次建议名单/领导干部年度考核-单列.xlsx" in files
    rows = sheet_rows(files[name])
    assert rows[0][0] == "县管干部2024年度考核等次建议名单"
    data = [r for r in rows[3:] if r[0] is not None and isinstance(r[0], int)]
    assert [r[2] for r in data] == ["王一", "赵二", "李白水", '=HYPERLINK("http://x","点我")']
    assert [r[6] for r in data] == ["优秀", "优秀", "称职", "称职"]
    assert data[0][7] == "优秀第 1 位"
    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(files[name])).worksheets[0]
    cell = next(
        c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)
    )
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_proposal_list_follows_the_outcome_where_there_is_one(cast, year):
    from kaohe.results.models import FinalGrade, GradeSource
    from kaohe.results.outcomes import final_grade_change, outcome_open

    outcome = outcome_open(actor=None, run=year.run)
    final = FinalGrade.objects.get(outcome=outcome, cadre=year.zhao)
    final_grade_change(actor=None, final=final, grade="称职", source=GradeSource.PROPOSAL,
                       reason="党委研究")  # fmt: skip
    rows = sheet_rows(
        make(cast, year, DocumentForm.PROPOSAL)["考核等次建议名单/领导干部年度考核-白水镇.xlsx"]
    )
    data = [r for r in rows[3:] if isinstance(r[0], int)]
    assert [(r[2], r[6], r[7]) for r in data][:3] == [
        ("王一", "优秀", "优秀第 1 位"),
        ("赵二", "称职", None),
        ("李白水", "称职", None),
    ]
    assert (
        documents.excellent_list(outcome, year.schemes["cadre"], f"u{cast.unit_b.pk}")[0].cadre
        == year.wang
    )


def test_the_ranking_circular_ranks_each_group_in_excel_and_word(cast, year):
    workbook = make(cast, year, DocumentForm.RANKING_XLSX)
    rows = sheet_rows(workbook["排名通报/领导班子年度考核.xlsx"])
    data = [r for r in rows if r[2] in ("青山镇", "白水镇")]
    assert [(r[1], r[2], r[3], r[4]) for r in data] == [("1", "青山镇", "92", "优秀"),
                                                        ("2", "白水镇", "85", "良好")]  # fmt: skip
    word = make(cast, year, DocumentForm.RANKING_DOCX)
    text = docx_text(word["排名通报/领导班子年度考核.docx"])
    assert "关于2024年度领导班子年度考核结果的通报" in text
    assert text.index("青山镇") < text.index("白水镇")


def test_the_year_report_counts_grades_warnings_and_appeals(cast, year):
    from kaohe.results.models import FinalGrade, GradeSource
    from kaohe.results.outcomes import final_grade_change, outcome_open

    outcome = outcome_open(actor=None, run=year.run)
    final = FinalGrade.objects.get(outcome=outcome, cadre=year.zhao)
    final_grade_change(actor=None, final=final, grade="称职", source=GradeSource.REVIEW,
                       reason="复核")  # fmt: skip
    files = make(cast, year, DocumentForm.REPORT)
    text = docx_text(files["2024年度考核工作报告.docx"])
    assert "2 个考核方案、8 个考核对象" in text
    assert "优秀 2、称职 4" in text  # 张青山, 王一; 赵二 after the review
    assert "复核 1 件" in text and "全年未发出预警" in text


# ---- the batch ------------------------------------------------------------------------


def test_a_batch_of_a_unit_makes_a_zip_of_that_units_forms(
    cast, year, django_capture_on_commit_callbacks
):
    from kaohe.results.models import RunStatus

    with django_capture_on_commit_callbacks(execute=True):
        batch = documents.document_batch_create(
            actor=cast.admin, year=year.year, scope="unit", unit=cast.unit_b,
            forms=[DocumentForm.REGISTRATION, DocumentForm.PROPOSAL, DocumentForm.REPORT],
        )  # fmt: skip
    batch.refresh_from_db()
    assert batch.status == RunStatus.DONE, batch.message
    names = sorted(zipfile.ZipFile(BytesIO(bytes(batch.content))).namelist())
    assert names == sorted([
        "2024年度考核工作报告.docx",
        "县管干部年度考核登记表/白水镇/李白水.docx",
        "县管干部年度考核登记表/白水镇/王一.docx",
        "县管干部年度考核登记表/白水镇/赵二.docx",
        "县管干部年度考核登记表/白水镇/=HYPERLINK(_http___x_,_点我_).docx",
        "考核等次建议名单/领导干部年度考核-白水镇.xlsx",
    ])  # fmt: skip
    assert batch.total == 6 and documents.batch_progress(batch) == 100


def test_a_batch_without_results_fails_with_a_chinese_message(
    cast, year, client, django_capture_on_commit_callbacks
):
    from kaohe.orgs.services import year_create
    from kaohe.results.models import RunStatus

    empty = year_create(actor=None, year=2025, name="2025年度")
    with django_capture_on_commit_callbacks(execute=True):
        batch = documents.document_batch_create(actor=cast.admin, year=empty, scope="all",
                                                forms=[DocumentForm.REPORT])  # fmt: skip
    batch.refresh_from_db()
    assert batch.status == RunStatus.FAILED
    assert batch.message == "2025 年度还没有完成的考核结果计算，不能生成表格"
    client.force_login(cast.admin)
    page = client.get(reverse("results:document_batch", args=[batch.pk])).content.decode()
    assert "生成失败：2025 年度还没有完成的考核结果计算" in page
    assert (
        client.get(reverse("results:document_batch_download", args=[batch.pk])).status_code == 404
    )


def test_a_template_that_breaks_at_filling_fails_the_batch_naming_the_file(
    cast, year, django_capture_on_commit_callbacks
):
    from kaohe.results.models import DocumentTemplate, RunStatus

    broken = (documents.SHIPPED_DIR / "report.docx").read_bytes()
    with zipfile.ZipFile(BytesIO(broken)) as source:
        out = BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "word/document.xml":
                    data = data.replace(b"{{ intro }}", b"{{ intro.x.y() }}")
                target.writestr(item, data)
    DocumentTemplate.objects.create(form="report", content=out.getvalue(), original_name="坏.docx",
                                    uploaded_at=timezone.now())  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        batch = documents.document_batch_create(actor=cast.admin, year=year.year, scope="all",
                                                forms=[DocumentForm.REPORT])  # fmt: skip
    batch.refresh_from_db()
    assert batch.status == RunStatus.FAILED
    assert batch.message.startswith("生成“2024年度考核工作报告.docx”时出错：")


def test_a_batch_needs_forms_and_its_scopes_target(cast, year):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        documents.document_batch_create(actor=cast.admin, year=year.year, scope="all", forms=[])
    assert raised.value.message_dict == {"kinds": ["请至少选择一种表格"]}
    with pytest.raises(ValidationError) as raised:
        documents.document_batch_create(actor=cast.admin, year=year.year, scope="unit",
                                        forms=["report"])  # fmt: skip
    assert raised.value.message_dict == {"unit": ["请选择单位"]}


def test_the_office_starts_a_batch_and_downloads_it_others_cannot(
    cast, year, client, django_capture_on_commit_callbacks
):
    client.force_login(cast.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("results:documents"), {
            "year": year.year.pk, "kinds": ["ranking_xlsx", "ranking_docx"], "scope": "category",
            "category": cast.town_category.pk,
        })  # fmt: skip
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page and "共 2 个文件" in page
    batch_pk = int(response["Location"].rstrip("/").split("/")[-1])
    download = client.get(reverse("results:document_batch_download", args=[batch_pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert "filename*=UTF-8''" in download["Content-Disposition"]
    names = zipfile.ZipFile(BytesIO(download.content)).namelist()
    assert sorted(names) == ["排名通报/领导班子年度考核.docx", "排名通报/领导班子年度考核.xlsx"]
    for user in (cast.leader, cast.liaison, cast.committee_member):
        client.force_login(user)
        assert (
            client.get(reverse("results:document_batch_download", args=[batch_pk])).status_code
            == 403
        )


# ---- templates the office replaces ------------------------------------------------------


def test_an_uploaded_word_template_is_used_and_reset_goes_back(cast, year):
    from docx import Document

    document = Document(BytesIO(documents.template_bytes("report")))
    document.add_paragraph("本县自定义落款 {{ office }}")
    buffer = BytesIO()
    document.save(buffer)
    documents.template_upload(actor=cast.admin, form="report", upload=buffer.getvalue(),
                              name="../../我的模板.docx")  # fmt: skip
    from kaohe.results.models import DocumentTemplate

    assert DocumentTemplate.objects.get().original_name == "我的模板.docx"
    text = docx_text(make(cast, year, DocumentForm.REPORT)["2024年度考核工作报告.docx"])
    assert "本县自定义落款 县考核办" in text
    assert documents.template_reset(actor=cast.admin, form="report") == 1
    text = docx_text(make(cast, year, DocumentForm.REPORT)["2024年度考核工作报告.docx"])
    assert "本县自定义落款" not in text


@pytest.mark.parametrize(
    ("form", "data", "message"),
    [
        (
            "report",
            b"MZ\x90\x00 not a document",
            "只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG 文件",
        ),
        (
            "report",
            (documents.SHIPPED_DIR / "proposal.xlsx").read_bytes(),
            "模板须是 Word（.docx）文件",
        ),
        (
            "proposal",
            (documents.SHIPPED_DIR / "report.docx").read_bytes(),
            "模板须是 Excel（.xlsx）文件",
        ),
        ("report", b"%PDF-" + b"0" * (documents.TEMPLATE_MAX_BYTES + 1), "模板不能超过 2 MB"),
    ],
    ids=["not-an-office-file", "xlsx-for-word", "docx-for-excel", "too-large"],
)
def test_a_template_of_the_wrong_kind_or_size_is_refused(cast, form, data, message):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as raised:
        documents.template_upload(actor=cast.admin, form=form, upload=data, name="x")
    assert raised.value.message_dict["file"] == [message]


def test_an_excel_template_without_its_rows_mark_is_refused(cast):
    from django.core.exceptions import ValidationError
    from openpyxl import Workbook

    book = Workbook()
    book.active["A1"] = "{{ title }}"
    buffer = BytesIO()
    book.save(buffer)
    with pytest.raises(ValidationError) as raised:
        documents.template_upload(actor=cast.admin, form="proposal", upload=buffer.getvalue(),
                                  name="x.xlsx")  # fmt: skip
    assert "{{ rows }}" in raised.value.message_dict["file"][0]


def test_the_templates_page_replaces_a_template_and_says_why_one_is_refused(cast, client):
    client.force_login(cast.admin)
    url = reverse("results:document_template", args=["registration"])
    shipped = client.get(url)
    assert shipped.status_code == 200 and shipped.content.startswith(b"PK")
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("x.docx", b"hello", content_type="application/octet-stream")
    page = client.post(url, {"file": bad}, follow=True).content.decode()
    assert "未更换" in page
    good = SimpleUploadedFile("登记表.docx", shipped.content)
    page = client.post(url, {"file": good}, follow=True).content.decode()
    assert "登记表.docx" in page and "恢复默认" in page
    page = client.post(url, {"op": "reset"}, follow=True).content.decode()
    assert "已恢复为系统默认模板" in page
    assert client.get(reverse("results:document_template", args=["nope"])).status_code == 404


def test_the_shipped_templates_are_what_build_writes(tmp_path):
    """The committed files were written by ``doc_templates/build.py`` (same placeholders)."""
    from kaohe.results.doc_templates.build import build_all

    build_all(tmp_path)
    for name in documents.SHIPPED.values():
        if name.endswith(".docx"):
            assert docx_text((tmp_path / name).read_bytes()) == docx_text(
                (documents.SHIPPED_DIR / name).read_bytes()
            )
        else:
            assert sheet_rows((tmp_path / name).read_bytes()) == sheet_rows(
                (documents.SHIPPED_DIR / name).read_bytes()
            )
    assert Path(documents.SHIPPED_DIR / "build.py").exists()


def test_the_demo_makes_one_towns_forms(cast, year):
    from kaohe.results.demo_documents import documents_demo_load
    from kaohe.results.models import RunStatus

    batch = documents_demo_load(year=2024)
    assert batch is not None and batch.status == RunStatus.DONE and batch.unit == cast.unit_b
    names = zipfile.ZipFile(BytesIO(bytes(batch.content))).namelist()
    assert "县管干部年度考核登记表/白水镇/王一.docx" in names
    assert documents_demo_load(year=2024) is None  # once


def test_only_the_newest_zips_are_kept_and_an_older_batch_says_to_make_it_again(
    cast, year, client, django_capture_on_commit_callbacks
):
    from kaohe.results.models import DocumentBatch, RunStatus

    made = []
    for _ in range(documents.KEEP_ZIPS + 2):
        with django_capture_on_commit_callbacks(execute=True):
            batch = documents.document_batch_create(
                actor=cast.admin, year=year.year, scope="unit", unit=cast.unit_b,
                forms=[DocumentForm.REPORT],
            )  # fmt: skip
        made.append(batch)
    kept = DocumentBatch.objects.filter(content__isnull=False)
    assert sorted(kept.values_list("pk", flat=True)) == [b.pk for b in made[2:]]
    oldest = DocumentBatch.objects.get(pk=made[0].pk)
    assert (oldest.status, oldest.size) == (RunStatus.DONE, 0) and "可重新生成" in oldest.message
    client.force_login(cast.admin)
    page = client.get(reverse("results:document_batch", args=[oldest.pk])).content.decode()
    assert 'id="batch-pruned"' in page and 'id="batch-download"' not in page
    download = reverse("results:document_batch_download", args=[oldest.pk])
    assert client.get(download).status_code == 404
    newest = reverse("results:document_batch_download", args=[made[-1].pk])
    assert client.get(newest).status_code == 200
