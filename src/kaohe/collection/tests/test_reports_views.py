"""The reports' pages: a liaison writes and submits with files, the office sends back and
accepts, readers read, another unit sees nothing; the list and the progress page keep
their number of queries whatever the number of units."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaohe.collection import reports as svc
from kaohe.collection.models import (
    Attachment,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportKind,
    ReportStatus,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
FULL = {"tasks": "完成了党建任务", "highlights": "红色物业", "cases": "无", "problems": "无"}


@pytest.fixture
def month(party, town_system):
    from kaohe.collection.services import period_create

    return period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.MONTHLY, key="M03",
        name="3月工作进展", starts_on=dt.date(2024, 3, 1), ends_on=dt.date(2024, 3, 31),
        report_due=dt.date(2024, 4, 5), report_kinds=[ReportKind.PROGRESS],
        status=PeriodStatus.OPEN,
    )  # fmt: skip


def form_data(sections=FULL, action="save", **files):
    data = {f"section_{k}": v for k, v in sections.items()}
    data["action"] = action
    data.update(files)
    return data


def start_url(period):
    return reverse("collection:report_start", args=[period.pk]) + "?kind=progress"


def submitted(cast, period, unit=None, user=None):
    report = svc.report_save(
        actor=user or cast.liaison, period=period, unit=unit or cast.unit_a,
        kind=ReportKind.PROGRESS, sections=FULL,
    )  # fmt: skip
    return svc.report_submit(actor=user or cast.liaison, report=report)


def test_the_liaison_saves_a_draft_with_a_file_then_submits_it(client, cast, month):
    client.force_login(cast.liaison)
    page = client.get(start_url(month)).content.decode()
    for label in ("任务推进情况", "特色亮点", "典型案例", "存在问题", "佐证材料 1"):
        assert label in page
    response = client.post(
        start_url(month),
        form_data({"tasks": "进展"}, file_1=SimpleUploadedFile("台账.pdf", PDF)),
    )
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "collection:report_edit", args=[report.pk]
    )
    assert report.status == ReportStatus.DRAFT and report.sections["tasks"] == "进展"
    assert Attachment.objects.get().owner_id == report.pk
    edit = client.get(response["Location"]).content.decode()
    assert "台账.pdf" in edit and "草稿已保存" in edit

    response = client.post(response["Location"], form_data(action="submit"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    detail = client.get(response["Location"]).content.decode()
    assert "第 1 次报送" in detail and "台账.pdf" in detail and "待审核" in detail


def test_a_refused_file_is_named_beside_its_field_and_nothing_is_saved(client, cast, month):
    client.force_login(cast.liaison)
    response = client.post(
        start_url(month),
        form_data(action="submit", file_2=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 program")),
    )
    assert response.status_code == 200
    assert "只接受 PDF、Word（.docx）、Excel（.xlsx）、JPG、PNG 文件" in str(
        response.context["form"].errors["file_2"]
    )
    assert not Report.objects.exists() and not Attachment.objects.exists()
    # What was typed is still there.
    assert "红色物业" in response.content.decode()


def test_control_characters_and_missing_sections_are_refused_in_chinese(client, cast, month):
    client.force_login(cast.liaison)
    response = client.post(start_url(month), form_data({**FULL, "tasks": "进\x00展"}))
    assert "控制字符" in str(response.context["form"].errors["section_tasks"])
    assert not Report.objects.exists()
    response = client.post(
        start_url(month),
        form_data({**FULL, "cases": ""}, action="submit", file_1=SimpleUploadedFile("a.pdf", PDF)),
    )
    assert "请填写「典型案例」" in str(response.context["form"].errors["section_cases"])
    # Not submitted, but the draft and its file are kept (and the form now posts to it).
    report = Report.objects.get()
    assert report.status == ReportStatus.DRAFT and Attachment.objects.get().owner_id == report.pk
    page = response.content.decode()
    assert "草稿和附件已保存" in page and "a.pdf" in page
    assert reverse("collection:report_edit", args=[report.pk]) in page


def test_a_too_long_section_is_refused_by_the_form(client, cast, month):
    client.force_login(cast.liaison)
    too_long = "字" * (svc.SECTION_MAX_CHARS + 1)
    response = client.post(start_url(month), form_data({**FULL, "tasks": too_long}))
    assert response.context["form"].errors["section_tasks"]
    assert not Report.objects.exists()


def test_the_office_sends_back_with_a_reason_and_the_liaison_resubmits(client, cast, month):
    report = submitted(cast, month)
    review = reverse("collection:report_review", args=[report.pk])
    client.force_login(cast.admin)
    assert (
        "提交审核结果"
        in client.get(reverse("collection:report_detail", args=[report.pk])).content.decode()
    )
    response = client.post(review, {"decision": "return", "reason": ""})
    assert response.status_code == 400 and "请填写理由" in response.content.decode()
    response = client.post(review, {"decision": "return", "reason": "请补充典型案例"})
    assert response.status_code == 302

    client.force_login(cast.liaison)
    listing = client.get(reverse("collection:report_list")).content.decode()
    assert "被退回" in listing and "请补充典型案例" in listing
    edit_url = reverse("collection:report_edit", args=[report.pk])
    assert "请补充典型案例" in client.get(edit_url).content.decode()
    client.post(edit_url, form_data({**FULL, "cases": "合作社案例"}, action="submit"))
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submissions == 2
    detail = client.get(reverse("collection:report_detail", args=[report.pk])).content.decode()
    assert detail.count("次报送") == 2 and "请补充典型案例" in detail

    client.force_login(cast.admin)
    client.post(review, {"decision": "accept", "reason": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_only_the_office_reviews(client, cast, month):
    report = submitted(cast, month)
    review = reverse("collection:report_review", args=[report.pk])
    for user in (cast.scorer, cast.liaison, cast.leader, cast.committee_member):
        client.force_login(user)
        assert client.post(review, {"decision": "accept"}).status_code == 403
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_another_unit_can_neither_read_nor_change_the_report(client, cast, month):
    from kaohe.collection.evidence import attachment_save
    from kaohe.collection.models import OwnerType

    report = svc.report_save(
        actor=cast.liaison, period=month, unit=cast.unit_a, kind=ReportKind.PROGRESS,
        sections=FULL,
    )  # fmt: skip
    upload = attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=report.pk,
        upload=PDF, name="a.pdf",
    )  # fmt: skip
    client.force_login(cast.outsider)
    assert client.get(reverse("collection:report_detail", args=[report.pk])).status_code == 404
    edit = reverse("collection:report_edit", args=[report.pk])
    assert client.post(edit, form_data({"tasks": "x"})).status_code == 404
    remove = reverse("collection:report_attachment_remove", args=[upload.pk])
    assert client.post(remove).status_code == 404
    assert "青山镇" not in client.get(reverse("collection:report_list")).content.decode()
    report.refresh_from_db()
    assert report.sections == FULL and Attachment.objects.filter(pk=upload.pk).exists()
    # Its own start page writes its own unit's report, never 青山镇's.
    client.post(start_url(month), form_data())
    assert Report.objects.filter(unit=cast.unit_b).count() == 1


def test_the_liaison_removes_a_file_of_its_draft(client, cast, month):
    from kaohe.collection.evidence import attachment_save
    from kaohe.collection.models import OwnerType

    report = svc.report_save(
        actor=cast.liaison, period=month, unit=cast.unit_a, kind=ReportKind.PROGRESS,
        sections=FULL,
    )  # fmt: skip
    upload = attachment_save(
        actor=cast.liaison, unit=cast.unit_a, owner_type=OwnerType.REPORT, owner_id=report.pk,
        upload=PDF, name="a.pdf",
    )  # fmt: skip
    client.force_login(cast.liaison)
    response = client.post(reverse("collection:report_attachment_remove", args=[upload.pk]))
    assert response.status_code == 302 and not Attachment.objects.exists()


def test_a_submitted_report_opens_read_only_for_its_writer(client, cast, month):
    report = submitted(cast, month)
    client.force_login(cast.liaison)
    response = client.get(reverse("collection:report_edit", args=[report.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("collection:report_detail", args=[report.pk])


def test_a_late_submission_says_so(client, cast, month):
    client.force_login(cast.liaison)
    page = client.get(start_url(month)).content.decode()
    assert "现在报送将记为逾期报送" in page  # today is after 2024-04-05
    response = client.post(start_url(month), form_data(action="submit"), follow=True)
    assert "已报送（逾期报送）" in response.content.decode()
    assert Report.objects.get().late


def test_the_work_report_shows_its_length_warning_but_is_submitted(
    client, cast, party, town_system
):
    from kaohe.collection.services import period_create

    year_end = period_create(
        actor=None, scheme=party["party"], kind=PeriodKind.YEAR_END, key="Y", name="年终考核",
        starts_on=dt.date(2024, 12, 1), ends_on=dt.date(2024, 12, 31),
        report_kinds=[ReportKind.WORK_REPORT], status=PeriodStatus.OPEN,
    )  # fmt: skip
    client.force_login(cast.liaison)
    url = reverse("collection:report_start", args=[year_end.pk]) + "?kind=work_report"
    response = client.post(url, {"section_text": "述职" * 300, "action": "submit"}, follow=True)
    page = response.content.decode()
    assert "当前 600 字" in page and "少于 1500 字" in page
    assert Report.objects.get().status == ReportStatus.SUBMITTED


def _units(cast, n):
    from kaohe.orgs.services import unit_create

    return [
        unit_create(actor=None, code=f"town{i}", name=f"第{i}镇", category=cast.town_category)
        for i in range(n)
    ]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_report_list_keeps_its_queries_whatever_the_number_of_reports(client, cast, month):
    client.force_login(cast.admin)
    url = reverse("collection:report_list")
    submitted(cast, month)
    few = _queries(client, url)
    for unit in _units(cast, 6):
        submitted(cast, month, unit=unit, user=cast.admin)
    assert _queries(client, url) == few
    client.force_login(cast.liaison)
    assert _queries(client, url) <= few + 4  # its reports due: the unit, periods, reports


def test_the_progress_page_keeps_its_queries_whatever_the_number_of_units(client, cast, month):
    client.force_login(cast.admin)
    url = reverse("collection:progress") + f"?period={month.pk}"
    submitted(cast, month)
    few = _queries(client, url)
    for unit in _units(cast, 8):
        submitted(cast, month, unit=unit, user=cast.admin)
    many = _queries(client, url)
    assert many == few
    page = client.get(url).content.decode()
    assert "第7镇" in page and "应报送单位" in page


def test_the_progress_page_shows_the_period_asked_for_and_refuses_an_unknown_one(
    client, cast, month
):
    client.force_login(cast.leader)
    page = client.get(reverse("collection:progress")).content.decode()
    assert "3月工作进展" in page and "青山镇" in page and "白水镇" in page
    assert client.get(reverse("collection:progress") + "?period=999999").status_code == 404


def test_the_report_pages_speak_english_when_asked(client, cast, month):
    report = submitted(cast, month)
    client.force_login(cast.liaison)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    listing = client.get(reverse("collection:report_list")).content.decode()
    assert "Due from my unit" in listing and "Monthly progress report" in listing
    detail = client.get(reverse("collection:report_detail", args=[report.pk])).content.decode()
    assert "Submission 1" in detail and "Typical cases" in detail
    client.force_login(cast.admin)
    progress = client.get(reverse("collection:progress")).content.decode()
    assert "Units to report" in progress and "Score so far" in progress


def test_an_oversized_file_is_refused_beside_its_field(client, cast, month, settings):
    settings.EVIDENCE_MAX_MB = 1
    client.force_login(cast.liaison)
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = client.post(start_url(month), form_data(file_3=big))
    assert "文件不能超过 1 MB" in str(response.context["form"].errors["file_3"])
    assert not Report.objects.exists() and not Attachment.objects.exists()


def test_a_report_of_a_closed_period_opens_read_only(client, cast, month):
    from kaohe.collection.services import period_set_status

    report = svc.report_save(
        actor=cast.liaison, period=month, unit=cast.unit_a, kind=ReportKind.PROGRESS,
        sections=FULL,
    )  # fmt: skip
    period_set_status(actor=None, period=month, status=PeriodStatus.CLOSED)
    client.force_login(cast.liaison)
    response = client.get(reverse("collection:report_edit", args=[report.pk]), follow=True)
    assert "不能再报送或修改" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("collection:report_detail", args=[report.pk])
    # The period is no longer among those to start a report in.
    assert client.get(start_url(month)).status_code == 404


def test_a_draft_is_seen_only_by_its_own_unit(client, cast, month):
    draft = svc.report_save(
        actor=cast.liaison, period=month, unit=cast.unit_a, kind=ReportKind.PROGRESS,
        sections=FULL,
    )  # fmt: skip
    detail = reverse("collection:report_detail", args=[draft.pk])
    for user in (cast.admin, cast.scorer, cast.leader):
        client.force_login(user)
        assert client.get(detail).status_code == 404
        assert "青山镇" not in client.get(reverse("collection:report_list")).content.decode()
    client.force_login(cast.liaison)
    assert client.get(detail).status_code == 200
    svc.report_submit(actor=cast.liaison, report=draft)
    client.force_login(cast.admin)
    assert client.get(detail).status_code == 200
