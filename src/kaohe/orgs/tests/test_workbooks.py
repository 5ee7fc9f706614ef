"""Excel import and export of units, leadership teams and cadres.

The fixtures were written with openpyxl and saved again by LibreOffice
(``soffice --headless --convert-to xlsx``): dates are real date cells, one is text.
A bad workbook is reported row by row, column by column, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from zipfile import ZipFile

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

FIXTURES = Path(__file__).parent / "fixtures"


def _fixture(name):
    return (FIXTURES / f"{name}-libreoffice.xlsx").open("rb")


def _workbook(kind, rows):
    book = Workbook()
    sheet = book.active
    sheet.title = kind.sheet
    sheet.append(kind.headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def _import(cast, kind, file):
    from kaohe.orgs import services
    from kaohe.orgs.selectors import cadres_for_user, teams_for_user, units_for_user

    user = cast.admin
    if kind == "units":
        return services.units_import(actor=user, file=file, units=units_for_user(user))
    if kind == "teams":
        return services.teams_import(actor=user, file=file, teams=teams_for_user(user))
    return services.cadres_import(
        actor=user, file=file, cadres=cadres_for_user(user), units=units_for_user(user)
    )


@pytest.mark.parametrize("name", ["units", "teams", "cadres"])
def test_the_fixtures_were_saved_by_libreoffice(name):
    with ZipFile(FIXTURES / f"{name}-libreoffice.xlsx") as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")


def test_it_imports_the_libreoffice_unit_workbook_parents_first(cast):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import Unit

    with _fixture("units") as file:
        summary = _import(cast, "units", file)

    assert (summary.created, summary.updated, summary.unchanged) == (3, 1, 0)
    school = Unit.objects.get(code="hongqi-school")
    assert school.parent.code == "hongqi" and school.supervisor.code == "jiaoyuju"
    assert school.category.name == "县直学校" and school.order == 30
    assert school.team.name == "红旗镇中心学校领导班子"
    hongqi = Unit.objects.get(code="hongqi")
    assert sorted(f.name for f in hongqi.flags.all()) == ["先进集体", "文明单位"]
    cast.unit_a.refresh_from_db()
    assert [f.name for f in cast.unit_a.flags.all()] == ["先进集体"] and cast.unit_a.order == 1
    assert AuditEntry.objects.filter(action="unit.create", actor=cast.admin).count() == 3
    assert AuditEntry.objects.filter(action="unit.update", actor=cast.admin).count() == 1


def test_it_imports_the_libreoffice_team_workbook(cast):
    from kaohe.core.models import AuditEntry

    with _fixture("teams") as file:
        summary = _import(cast, "teams", file)

    assert (summary.created, summary.updated) == (0, 2)
    cast.unit_b.team.refresh_from_db()
    assert cast.unit_b.team.is_assessed is False
    assert AuditEntry.objects.filter(action="team.update").count() == 2


def test_it_imports_the_libreoffice_cadre_workbook(cast):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import Cadre

    with _fixture("cadres") as file:
        summary = _import(cast, "cadres", file)

    assert summary.created == 4
    zhao = Cadre.objects.get(name="赵青禾")
    assert zhao.gender == "女" and zhao.birth_date == dt.date(1980, 3, 14) and zhao.rank == "正科级"
    posting = zhao.postings.get()
    assert posting.unit == cast.unit_a and posting.role == "principal"
    assert posting.duties == ["deputy_secretary", "head"]
    assert posting.start_date == dt.date(2021, 6, 1)
    qian = Cadre.objects.get(name="钱山岚")
    assert qian.postings.get().start_date == dt.date(2022, 3, 15)  # a date written as text
    assert qian.note == "由白水镇交流任职"
    assert Cadre.objects.get(name="孙溪远").postings.get().role == "member"
    assert AuditEntry.objects.filter(action="cadre.create", actor=cast.admin).count() == 4


def test_a_bad_cadre_workbook_reports_every_row_and_column_and_writes_nothing(cast):
    from kaohe.core.models import AuditEntry
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.workbooks import CADRES

    cadres, audit = Cadre.objects.count(), AuditEntry.objects.count()
    bad = _workbook(
        CADRES,
        [
            [None, "好人", "男", "1980-02-30", None, None, "qingshan", None, "副镇长", None,
             None, "2021-01-01"],
            [None, "", "未知", None, "处长", None, "nowhere", None, "镇长", "正职", "扫地",
             "2021-01-01"],
            [999, "王五", None, None, None, None, "qingshan", None, None, None, None, None],
            [cast.cadre_a.pk, "张青山", None, None, None, None, "qingshan", None, "镇长",
             "党政正职", None, "2019-01-01"],
        ],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "cadres", bad)

    places = {(e.row, e.column): e.message for e in failure.value.errors}
    assert "日期" in places[(2, "D")]
    assert "不能为空" in places[(3, "B")]
    assert "男、女" in places[(3, "C")]
    assert "未知" in places[(3, "C")]
    assert "处长" in places[(3, "E")]
    assert "nowhere" in places[(3, "G")]
    assert "正职" in places[(3, "J")]
    assert "扫地" in places[(3, "K")]
    assert "999" in places[(4, "A")]
    assert "不能为空" in places[(4, "I")] and "不能为空" in places[(4, "L")]
    assert str(failure.value.errors[0]).startswith("第 2 行，D 列（出生日期）")
    assert (Cadre.objects.count(), AuditEntry.objects.count()) == (cadres, audit)


def test_an_error_a_service_finds_rolls_back_the_rows_before_it(cast):
    """Row 3 is good on paper but a transfer may not start before the current post:
    the service refuses it, and the cadre created on row 2 is rolled back too."""
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.workbooks import CADRES

    bad = _workbook(
        CADRES,
        [
            [None, "新人", None, None, None, None, "qingshan", None, "副镇长", None, None,
             "2022-01-01"],
            [cast.cadre_a.pk, "张青山", None, None, None, None, "baishui", None, "党委书记",
             "党政正职", "党委(党组)书记", "2019-05-01"],
        ],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "cadres", bad)
    [error] = failure.value.errors
    assert (error.row, error.column) == (3, "L") and "2020-01-01" in error.message
    assert not Cadre.objects.filter(name="新人").exists()


def test_a_later_start_date_moves_the_cadre_and_keeps_the_history(cast):
    from kaohe.orgs.workbooks import CADRES

    move = _workbook(
        CADRES,
        [[cast.cadre_a.pk, "张青山", None, None, None, None, "baishui", None, "党委书记",
          "党政正职", "党委(党组)书记", "2024-03-01"]],
    )  # fmt: skip
    summary = _import(cast, "cadres", move)
    assert summary.updated == 1
    postings = list(cast.cadre_a.postings.order_by("start_date"))
    assert [p.unit for p in postings] == [cast.unit_a, cast.unit_b]
    assert postings[0].end_date == dt.date(2024, 2, 29)


def test_a_bad_unit_workbook_names_rows_and_columns(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.models import Unit
    from kaohe.orgs.workbooks import UNITS

    units = Unit.objects.count()
    bad = _workbook(
        UNITS,
        [
            ["a b", "甲", "没有的类别", "zz", None, "金牌", -1, "也许"],
            ["loop1", "环一", "镇街", "loop2"],
            ["loop2", "环二", "镇街", "loop1"],
            ["qingshan", "", None, None, "qingshan"],
            ["loop1", "重复", "镇街"],
        ],
    )
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "units", bad)
    places = {(e.row, e.column): e.message for e in failure.value.errors}
    assert "字母、数字" in places[(2, "A")]
    assert "没有的类别" in places[(2, "C")]
    assert "zz" in places[(2, "D")]
    assert "金牌" in places[(2, "F")]
    assert "整数" in places[(2, "G")]
    assert "是" in places[(2, "H")]
    assert "不能为空" in places[(5, "B")] and "不能为空" in places[(5, "C")]
    assert "本单位" in places[(5, "E")]
    assert "第 3 行重复" in places[(6, "A")]
    assert Unit.objects.count() == units


def test_a_parent_cycle_in_the_file_is_refused(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.workbooks import UNITS

    bad = _workbook(UNITS, [["loop1", "环一", "镇街", "loop2"], ["loop2", "环二", "镇街", "loop1"]])
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "units", bad)
    assert {(e.row, e.column) for e in failure.value.errors} == {(2, "D"), (3, "D")}


def test_a_team_of_an_unknown_unit_and_a_workbook_of_another_kind_are_refused(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.workbooks import TEAMS

    with pytest.raises(ImportFailed) as failure:
        _import(cast, "teams", _workbook(TEAMS, [["nowhere", None, "某班子"]]))
    assert (failure.value.errors[0].row, failure.value.errors[0].column) == (2, "A")
    with _fixture("cadres") as file, pytest.raises(ImportFailed) as failure:
        _import(cast, "units", file)
    assert failure.value.errors[0].row == 1 and "请使用下载的模板" in str(failure.value)
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "units", BytesIO(b"not a workbook"))
    assert "Excel" in failure.value.errors[0].message


@pytest.mark.parametrize("kind", ["units", "teams", "cadres"])
def test_the_export_imports_back_unchanged(cast, kind):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs import workbooks
    from kaohe.orgs.selectors import cadres_for_user, units_for_user, with_current_state

    with _fixture("units") as file:
        _import(cast, "units", file)
    with _fixture("cadres") as file:
        _import(cast, "cadres", file)
    if kind == "units":
        content = workbooks.units_export(units_for_user(cast.admin).prefetch_related("flags"))
    elif kind == "teams":
        from kaohe.orgs.selectors import teams_for_user

        content = workbooks.teams_export(teams_for_user(cast.admin))
    else:
        content = workbooks.cadres_export(with_current_state(cadres_for_user(cast.admin)))
    audit = AuditEntry.objects.count()
    summary = _import(cast, kind, BytesIO(content))
    assert summary.created == summary.updated == 0 and summary.unchanged > 0
    assert AuditEntry.objects.count() == audit


def test_the_page_imports_and_lists_errors_with_row_and_column(client, cast):
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.workbooks import CADRES

    client.force_login(cast.admin)
    url = reverse("orgs:workbook_import")
    bad = _workbook(CADRES, [[None, "某人", "男", "去年"]])
    bad.name = "bad.xlsx"
    page = client.post(url, {"kind": "cadres", "file": bad}).content.decode()
    assert "未导入任何数据" in page and "D（出生日期）" in page and "去年" in page
    with _fixture("cadres") as file:
        response = client.post(url, {"kind": "cadres", "file": file}, follow=True)
    assert "新增 4 条" in response.content.decode()
    assert Cadre.objects.filter(name="赵青禾").exists()


def test_templates_and_exports_download_and_respect_the_rows_a_user_sees(client, cast):
    client.force_login(cast.admin)
    for kind in ("units", "teams", "cadres"):
        response = client.get(reverse("orgs:workbook_template"), {"kind": kind})
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert load_workbook(BytesIO(response.content)).sheetnames[1] == "填写说明"
    assert client.get(reverse("orgs:workbook_export"), {"kind": "other"}).status_code == 404

    client.force_login(cast.outsider)
    response = client.get(reverse("orgs:workbook_export"), {"kind": "cadres"})
    names = [r[1] for r in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2,
             values_only=True)]  # fmt: skip
    assert names == ["李白水"]
    assert client.get(reverse("orgs:workbook_template"), {"kind": "cadres"}).status_code == 403
    assert client.post(reverse("orgs:workbook_import"), {"kind": "cadres"}).status_code == 403
