"""The office's pages of a session's targets, classes and paper sheets."""

from __future__ import annotations

import datetime as dt
import io

from django.urls import reverse
from openpyxl import load_workbook

from kaohe.ballots import evaluation_services as services
from kaohe.ballots.evaluation_paper import marks_of
from kaohe.ballots.models import Code, PendingSheet
from kaohe.ballots.tests.conftest import make_session
from kaohe.core.models import AuditEntry


def _codes(session, rater, count):
    services.codes_create(
        actor=None, session=session, rater_class=session.rater_classes.get(name=rater),
        count=count,
    )  # fmt: skip


def test_the_office_finds_a_cadre_by_initials_and_adds_then_removes_them(client, cast):
    from kaohe.orgs import services as orgs

    session = make_session(cast, cadres=0, status="draft")
    orgs.cadre_create(
        actor=None, name="李新来",
        first_posting={"unit": cast.unit_b, "post": "副局长", "start_date": dt.date(2021, 1, 1)},
    )  # fmt: skip
    client.force_login(cast.admin)
    found = client.get(reverse("ballots:session_cadre_search", args=[session.pk]),
                       {"q": "lxl"}, HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "李新来" in found and "副局长" in found
    cadre_id = found.split('name="cadre" value="')[1].split('"')[0]
    url = reverse("ballots:session_target_add", args=[session.pk])
    panel = client.post(url, {"cadre": cadre_id, "note": "副局长"}, HTTP_HX_REQUEST="true")
    assert "已加入「李新来」" in panel.content.decode()
    target = session.targets.get(cadre_id=cadre_id)
    assert target.note == "副局长"
    # an already listed cadre is not offered again
    again = client.get(reverse("ballots:session_cadre_search", args=[session.pk]), {"q": "李新"})
    assert "李新来" not in again.content.decode()
    remove = reverse("ballots:session_target_remove", args=[session.pk, target.pk])
    assert client.post(remove).status_code == 302
    assert not session.targets.filter(pk=target.pk).exists()


def test_the_edit_page_is_read_only_once_live_sheets_exist(client, cast, evaluation, vote):
    client.force_login(cast.admin)
    url = reverse("ballots:session_edit", args=[evaluation.pk])
    assert "保存测评人类别" in client.get(url).content.decode()
    vote(evaluation, "上级")
    page = client.get(url).content.decode()
    assert "保存测评人类别" not in page and "不能再修改" in page
    response = client.post(url, {"rater_classes": "上级=1"}, follow=True)
    assert "已有正式测评票" in response.content.decode()
    assert evaluation.rater_classes.count() == 3


def test_a_paper_sheet_is_keyed_with_digits_and_the_form_comes_back_empty(client, cast, evaluation):
    _codes(evaluation, "下级", 1)
    client.force_login(cast.admin)
    url = reverse("ballots:session_paper", args=[evaluation.pk])
    data = {"rater": evaluation.rater_classes.get(name="下级").pk}
    keys = [m.key for m in marks_of(evaluation)]
    data |= {key: "2" for key in keys}
    data[keys[0]] = ""
    page = client.post(url, data).content.decode()
    assert "没有填写或无法识别" in page and not PendingSheet.objects.exists()
    data[keys[0]] = "好"
    response = client.post(url, data, follow=True)
    assert "已录入一张纸质票" in response.content.decode()
    sheet = PendingSheet.objects.get()
    assert set(sheet.marks.values()) == {"好", "称职"}
    assert Code.objects.filter(used=True).count() == 1
    # a second sheet, no code left
    page = client.post(url, data).content.decode()
    assert "只剩 0 个未使用的测评码" in page


def _workbook(session, rows):
    book = load_workbook(io.BytesIO(_template(session)))
    sheet = book["纸质票"]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "paper.xlsx"
    return out


def _template(session):
    from kaohe.ballots.evaluation_paper import paper_template

    return paper_template(session)


def test_the_paper_workbook_is_all_or_nothing_with_row_and_column_errors(client, cast):
    session = make_session(cast, cadres=1)
    _codes(session, "同级", 2)
    client.force_login(cast.admin)
    template = client.get(reverse("ballots:session_paper_template", args=[session.pk]))
    headers = [c.value for c in load_workbook(io.BytesIO(template.content))["纸质票"][1]]
    assert headers[0] == "测评人类别" and headers[1] == "1.青山镇领导班子"
    width = len(headers) - 1
    url = reverse("ballots:session_paper_import", args=[session.pk])
    bad = _workbook(session, [["同级", *["1"] * width], ["旁观", *["9"] * width]])
    page = client.post(url, {"file": bad}).content.decode()
    assert "第 3 行" not in page  # the errors are a table: row, column, reason
    assert "未录入任何纸质票" in page and "旁观" in page and "实际为“9”" in page
    assert not PendingSheet.objects.exists() and not Code.objects.filter(used=True).exists()
    good = _workbook(
        session, [["同级", *["1"] * width], ["同级", "一般", *["基本称职"] * (width - 1)]]
    )
    response = client.post(url, {"file": good}, follow=True)
    assert "已录入 2 张纸质票" in response.content.decode()
    assert PendingSheet.objects.filter(session=session).count() == 2
    too_many = _workbook(session, [["同级", *["1"] * width]])
    page = client.post(url, {"file": too_many}).content.decode()
    assert "只剩 0 个未使用的测评码" in page
    assert AuditEntry.objects.get(action="ballot_paper.enter").after["paper_sheets"] == 2


def test_the_edit_page_asks_a_bounded_number_of_queries(
    client, cast, django_assert_max_num_queries
):
    session = make_session(cast, cadres=12, status="draft")
    client.force_login(cast.admin)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("ballots:session_edit", args=[session.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("ballots:session_paper", args=[session.pk])).status_code == 200
