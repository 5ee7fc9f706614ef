"""Excel import and export of units, leadership teams, cadres and the cadres'
secondments, village-team stints and investigations.

The fixtures were written with openpyxl and saved again by LibreOffice
(``soffice --headless --convert-to xlsx``): dates are real date cells, one is text.
A bad workbook is reported row by row, column by column, and nothing is written.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace
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


def _import(cast, kind, file, user=None):
    from kaohe.orgs import services
    from kaohe.orgs.selectors import cadres_for_user, teams_for_user, units_for_user

    user = user or cast.admin
    if kind == "units":
        return services.units_import(actor=user, file=file, units=units_for_user(user))
    if kind == "teams":
        return services.teams_import(actor=user, file=file, teams=teams_for_user(user))
    service = services.assignments_import if kind == "assignments" else services.cadres_import
    return service(actor=user, file=file, cadres=cadres_for_user(user), units=units_for_user(user))


@pytest.mark.parametrize("name", ["units", "teams", "cadres", "assignments"])
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
    assert zhao.gender == "女" and zhao.birth_date == dt.date(1980, 3, 14)
    assert (zhao.leadership_level, zhao.rank) == ("正科级", "")
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
    assert "党政正职、班子成员、一般干部之一" in places[(3, "J")]
    assert "principal" not in places[(3, "J")] and "member" not in places[(3, "J")]
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


@pytest.mark.parametrize("kind", ["units", "teams", "cadres", "assignments"])
def test_the_export_imports_back_unchanged(cast, kind):
    from kaohe.core.models import AuditEntry
    from kaohe.orgs import workbooks
    from kaohe.orgs.selectors import (
        cadre_records,
        cadres_for_user,
        units_for_user,
        with_current_state,
    )

    with _fixture("units") as file:
        _import(cast, "units", file)
    with _fixture("cadres") as file:
        _import(cast, "cadres", file)
    _records(cast)
    if kind == "assignments":
        records = cadre_records(cadres_for_user(cast.admin))
        assert len(records) == 5
        content = workbooks.assignments_export(records)
    elif kind == "units":
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


def test_the_page_imports_and_lists_errors_with_row_and_column(
    client, cast, django_capture_on_commit_callbacks
):
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.workbooks import CADRES

    client.force_login(cast.admin)
    url = reverse("orgs:workbook_import")
    bad = _workbook(CADRES, [[None, "某人", "男", "去年"]])
    bad.name = "bad.xlsx"
    with django_capture_on_commit_callbacks(execute=True):  # the job runs (eagerly) on commit
        job_url = client.post(url, {"kind": "cadres", "file": bad}).url
    page = client.get(job_url).content.decode()
    assert "未导入任何数据" in page and "D（出生日期）" in page and "去年" in page
    with _fixture("cadres") as file, django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(url, {"kind": "cadres", "file": file}).url
    response = client.get(job_url)
    assert "新增 4 条" in response.content.decode()
    assert Cadre.objects.filter(name="赵青禾").exists()


def test_templates_and_exports_download_and_respect_the_rows_a_user_sees(client, cast):
    client.force_login(cast.admin)
    for kind in ("units", "teams", "cadres", "assignments"):
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


# ---- secondments, village-team stints and investigations -------------------------------


def _records(cast):
    """Records of the cast's cadres: an ended secondment and an open village stint of A; an
    open secondment, an investigation closed without an outcome and an open one of B."""
    from kaohe.orgs import services
    from kaohe.orgs.models import SecondmentLevel

    a, b = cast.cadre_a, cast.cadre_b
    ended = services.secondment_create(
        actor=None, cadre=a, level=SecondmentLevel.CITY, host=cast.responsible_unit,
        start_date=dt.date(2021, 3, 1), end_date=dt.date(2022, 2, 28),
    )  # fmt: skip
    stint = services.village_assignment_create(
        actor=None, cadre=a, village="青石村", start_date=dt.date(2023, 6, 1)
    )
    current = services.secondment_create(
        actor=None, cadre=b, level=SecondmentLevel.PROVINCE, host=cast.unit_a,
        start_date=dt.date(2023, 1, 1),
    )  # fmt: skip
    closed = services.investigation_open(actor=None, cadre=b, opened_on=dt.date(2022, 5, 1))
    services.investigation_close(
        actor=None, investigation=closed, closed_on=dt.date(2022, 8, 1), outcome=""
    )
    case = services.investigation_open(actor=None, cadre=b, opened_on=dt.date(2024, 4, 2))
    return SimpleNamespace(ended=ended, stint=stint, current=current, closed=closed, case=case)


def _record_counts():
    from kaohe.core.models import AuditEntry
    from kaohe.orgs.models import Investigation, Secondment, VillageAssignment

    return [m.objects.count() for m in (Secondment, VillageAssignment, Investigation, AuditEntry)]


def _places(failure):
    return {(e.row, e.column): e.message for e in failure.value.errors}


@pytest.mark.parametrize("kind", ["units", "teams", "cadres", "assignments"])
def test_the_templates_sample_rows_are_marked_and_never_imported(client, cast, kind):
    from kaohe.core.models import AuditEntry
    from kaohe.core.xlsx import EXAMPLE_NOTE, ImportFailed
    from kaohe.orgs import services
    from kaohe.orgs.workbooks import KINDS

    services.unit_create(actor=None, code="hongqi", name="红旗镇", category=cast.town_category)
    audit = AuditEntry.objects.count()
    client.force_login(cast.admin)
    response = client.get(reverse("orgs:workbook_template"), {"kind": kind})
    book = load_workbook(BytesIO(response.content))
    sheet = book[KINDS[kind].sheet]
    mark = len(KINDS[kind].columns) + 1
    examples = range(2, 2 + len(KINDS[kind].example))
    assert [sheet.cell(row=r, column=mark).value for r in examples] == [EXAMPLE_NOTE] * len(
        examples
    )
    with pytest.raises(ImportFailed) as failure:
        _import(cast, kind, BytesIO(response.content))
    assert [(e.row, e.message) for e in failure.value.errors] == [(2, "工作簿中没有数据行")]
    assert AuditEntry.objects.count() == audit

    sheet.cell(row=2, column=2).value = "改过的示例"  # an edited sample row keeps its mark
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ImportFailed) as failure:
        _import(cast, kind, buffer)
    assert "示例" in _places(failure)[(2, sheet.cell(row=1, column=mark).column_letter)]


def test_a_good_workbook_records_secondments_village_stints_and_investigations(cast):
    from collections import Counter

    from kaohe.core.models import AuditEntry
    from kaohe.orgs.workbooks import ASSIGNMENTS

    a, b = cast.cadre_a, cast.cadre_b
    good = _workbook(
        ASSIGNMENTS,
        [
            [None, "挂职", a.pk, "张青山", "市", "zuzhibu", None, "2024-03-01", "2025-02-28"],
            [None, "驻村", b.pk, "李白水", None, None, "青石村", dt.date(2023, 6, 1)],
            [None, "立案审查", b.pk, "李白水", None, None, None, "2024-09-10", "2025-01-20",
             "党内警告"],
            [None, "立案审查", a.pk, "张青山", None, None, None, "2025-03-03"],
        ],
    )  # fmt: skip
    summary = _import(cast, "assignments", good)

    assert (summary.created, summary.updated, summary.unchanged) == (4, 0, 0)
    secondment = a.secondments.get()
    assert (secondment.level, secondment.host, secondment.start_date, secondment.end_date) == (
        "city", cast.responsible_unit, dt.date(2024, 3, 1), dt.date(2025, 2, 28)
    )  # fmt: skip
    stint = b.village_assignments.get()
    assert (stint.village, stint.start_date, stint.end_date) == (
        "青石村",
        dt.date(2023, 6, 1),
        None,
    )
    closed = b.investigations.get()
    assert (closed.opened_on, closed.closed_on, closed.outcome) == (
        dt.date(2024, 9, 10), dt.date(2025, 1, 20), "党内警告"
    )  # fmt: skip
    assert a.investigations.get().closed_on is None
    actions = AuditEntry.objects.filter(actor=cast.admin).values_list("action", flat=True)
    assert Counter(actions) == {"secondment.create": 1, "village.create": 1,
                                "investigation.open": 2, "investigation.close": 1}  # fmt: skip


def test_it_imports_the_libreoffice_assignments_workbook(cast):
    from kaohe.orgs.models import Cadre

    # The fixture names the cadres 900001 and 900002: made here with those ids.
    wang = Cadre.objects.create(pk=900001, name="王志远")
    lin = Cadre.objects.create(pk=900002, name="林晓梅")
    with _fixture("assignments") as file:
        summary = _import(cast, "assignments", file)

    assert summary.created == 5
    assert [
        (s.level, s.host.code, s.start_date, s.end_date)
        for s in wang.secondments.order_by("start_date")
    ] == [
        ("city", "zuzhibu", dt.date(2023, 3, 1), dt.date(2024, 2, 29)),
        ("province", "qingshan", dt.date(2024, 3, 1), None),  # a date written as text
    ]
    assert lin.village_assignments.get().village == "青石村"
    case = lin.investigations.get()
    assert (case.closed_on, case.outcome) == (dt.date(2024, 11, 20), "诫勉谈话")
    assert wang.investigations.get().closed_on is None


def test_a_bad_assignments_workbook_reports_every_row_and_column_and_writes_nothing(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.workbooks import ASSIGNMENTS

    records = _records(cast)
    a, b = cast.cadre_a.pk, cast.cadre_b.pk
    before = _record_counts()
    bad = _workbook(
        ASSIGNMENTS,
        [
            [None, "挂职", 999999999999, "无名", "市", "zuzhibu", None, "2024-01-01"],
            [None, "借调", a, "张青山", None, None, None, "2024-01-01"],
            [None, "驻村", a, "张青山", "市", None, "白石村", "2024-01-01"],
            [None, "挂职", a, "张三", "乡", None, None, "去年"],
            [None, "立案审查", b, "李白水", None, None, None, "2024-01-01", None, "撤职"],
            [f"GZ-{records.ended.pk}", "挂职", b, "李白水", "市", "qingshan", None, "2021-04-01",
             "2022-02-28"],
            [f"ZC-{records.stint.pk}", "挂职", a, "张青山", "市", "zuzhibu", None, "2023-06-01"],
            ["GZ-999999", "挂职", a, "张青山", "市", "zuzhibu", None, "2024-01-01"],
            [f"LA-{records.closed.pk}", "立案审查", b, "李白水", None, None, None, "2022-05-01",
             "2022-09-01"],
            [f"la{records.closed.pk}", "立案审查", b, "李白水", None, None, None, "2022-05-01",
             "2022-08-01"],
        ],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "assignments", bad)

    places = _places(failure)
    assert places[(2, "C")] == "没有编号为“999999999999”的干部"  # too long for an id
    assert "借调" in places[(3, "B")]
    assert places[(4, "E")] == "驻村不填此列，请留空"
    assert "张青山" in places[(5, "D")]
    assert "乡" in places[(5, "E")]
    assert places[(5, "F")] == "挂职必须填写此列"
    assert "去年" in places[(5, "H")]
    assert "结束日期为空" in places[(6, "J")]
    assert places[(7, "C")] == f"已有记录的干部编号不能修改（原为“{a}”）"
    assert places[(7, "F")] == "已有记录的挂职单位编码不能修改（原为“zuzhibu”）"
    assert places[(7, "H")] == "已有记录的开始日期不能修改（原为“2021-03-01”）"
    assert places[(8, "B")] == "该记录为驻村，类型不能修改"
    assert "GZ-999999" in places[(9, "A")]
    assert places[(10, "I")] == "已有记录的结束日期不能修改（原为“2022-08-01”）"
    assert "第 10 行重复" in places[(11, "A")]  # la12 is LA-12
    assert str(failure.value.errors[0]).startswith("第 2 行，C 列（干部编号）")
    assert len(places) == 15
    assert _record_counts() == before


def test_a_unit_bound_user_reaches_only_the_cadres_and_units_it_sees(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.workbooks import ASSIGNMENTS

    records = _records(cast)
    a, b = cast.cadre_a.pk, cast.cadre_b.pk
    bad = _workbook(
        ASSIGNMENTS,
        [
            [None, "挂职", b, "李白水", "市", "qingshan", None, "2024-01-01"],
            [None, "挂职", a, "张青山", "市", "baishui", None, "2024-01-01"],
            [f"LA-{records.case.pk}", "立案审查", b, "李白水", None, None, None, "2024-04-02"],
        ],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "assignments", bad, user=cast.liaison)
    assert _places(failure) == {
        (2, "C"): f"没有编号为“{b}”的干部",
        (3, "F"): "没有编码为“baishui”的单位",
        (4, "A"): f"没有编号为“LA-{records.case.pk}”的记录；新增记录请留空",
        (4, "C"): f"没有编号为“{b}”的干部",
    }


def test_errors_the_services_find_are_placed_on_their_row_and_column(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs.workbooks import ASSIGNMENTS

    records = _records(cast)  # B's secondment since 2023-01-01 is open
    a, b = cast.cadre_a.pk, cast.cadre_b.pk
    before = _record_counts()
    bad = _workbook(
        ASSIGNMENTS,
        [
            [None, "驻村", a, "张青山", None, None, "白石村", "2020-01-01", "2020-12-31"],
            [None, "挂职", b, "李白水", "市", "zuzhibu", None, "2024-01-01"],
            [None, "挂职", a, "张青山", "市", "zuzhibu", None, "2024-05-01", "2024-04-30"],
            [f"GZ-{records.current.pk}", "挂职", b, "李白水", "省", "qingshan", None,
             "2023-01-01", "2022-12-31"],
            [f"LA-{records.case.pk}", "立案审查", b, "李白水", None, None, None, "2024-04-02",
             "2024-04-01", "免予处分"],
        ],
    )  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "assignments", bad)

    places = _places(failure)
    assert set(places) == {(3, "H"), (4, "I"), (5, "I"), (6, "I")}
    assert "重叠" in places[(3, "H")]
    assert all("早于" in places[place] for place in ((4, "I"), (5, "I"), (6, "I")))
    assert _record_counts() == before  # the good stint of row 2 is rolled back too
    records.current.refresh_from_db()
    assert records.current.end_date is None


def test_the_workbook_ends_what_is_open_and_leaves_the_rest_unchanged(cast):
    from collections import Counter

    from kaohe.core.models import AuditEntry
    from kaohe.orgs.selectors import cadre_records, cadres_for_user
    from kaohe.orgs.workbooks import assignments_export

    records = _records(cast)
    book = load_workbook(BytesIO(assignments_export(cadre_records(cadres_for_user(cast.admin)))))
    sheet = book.active
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    rows[f"GZ-{records.current.pk}"][8].value = dt.date(2024, 6, 30)
    rows[f"ZC-{records.stint.pk}"][8].value = "2024-12-31"
    rows[f"LA-{records.case.pk}"][8].value = dt.date(2024, 10, 8)
    rows[f"LA-{records.case.pk}"][9].value = "免予处分"
    # Above the row that ends B's secondment, a new one from the next day: it comes second.
    sheet.insert_rows(2)
    new = [None, "挂职", cast.cadre_b.pk, "李白水", "县", "zuzhibu", None, dt.date(2024, 7, 1)]
    for column, value in enumerate(new, start=1):
        sheet.cell(row=2, column=column, value=value)
    buffer = BytesIO()
    book.save(buffer)
    audit = AuditEntry.objects.count()
    buffer.seek(0)
    summary = _import(cast, "assignments", buffer)

    assert (summary.created, summary.updated, summary.unchanged) == (1, 3, 2)
    for row in vars(records).values():
        row.refresh_from_db()
    assert records.current.end_date == dt.date(2024, 6, 30)
    assert records.stint.end_date == dt.date(2024, 12, 31)
    assert (records.case.closed_on, records.case.outcome) == (dt.date(2024, 10, 8), "免予处分")
    assert records.ended.end_date == dt.date(2022, 2, 28)
    assert cast.cadre_b.secondments.get(end_date=None).level == "county"
    actions = AuditEntry.objects.order_by("id")[audit:].values_list("action", flat=True)
    assert Counter(actions) == {"secondment.end": 1, "village.end": 1,
                                "investigation.close": 1, "secondment.create": 1}  # fmt: skip


def test_the_page_imports_assignments_in_a_background_job(
    client, cast, django_capture_on_commit_callbacks
):
    from kaohe.core.models import Job
    from kaohe.orgs.apps import ASSIGNMENTS_IMPORT
    from kaohe.orgs.workbooks import ASSIGNMENTS

    client.force_login(cast.admin)
    url = reverse("orgs:workbook_import")
    assert "挂职、驻村与立案审查" in client.get(url).content.decode()
    good = _workbook(ASSIGNMENTS, [[None, "驻村", cast.cadre_a.pk, "张青山", None, None, "青石村",
                                    "2024-02-01"]])  # fmt: skip
    good.name = "records.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(url, {"kind": "assignments", "file": good}).url
    job = Job.objects.get()
    assert (job.kind, job.result) == (
        ASSIGNMENTS_IMPORT.key, {"created": 1, "updated": 0, "unchanged": 0}
    )  # fmt: skip
    assert "新增 1 条" in client.get(job_url).content.decode()
    assert cast.cadre_a.village_assignments.get().village == "青石村"

    bad = _workbook(ASSIGNMENTS, [[None, "驻村", 999999, "无名", None, None, "青石村", "2024"]])
    bad.name = "bad.xlsx"
    with django_capture_on_commit_callbacks(execute=True):
        job_url = client.post(url, {"kind": "assignments", "file": bad}).url
    page = client.get(job_url).content.decode()
    assert "未导入任何数据" in page and "C（干部编号）" in page and "H（开始日期）" in page


def test_the_assignments_export_holds_the_records_of_the_cadres_a_user_sees(client, cast):
    records = _records(cast)
    client.force_login(cast.outsider)  # the liaison of B's unit: sees B, may not import
    response = client.get(reverse("orgs:workbook_export"), {"kind": "assignments"})
    ids = [r[0] for r in load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2,
           values_only=True)]  # fmt: skip
    assert ids == [f"GZ-{records.current.pk}", f"LA-{records.closed.pk}", f"LA-{records.case.pk}"]
    assert client.get(reverse("orgs:workbook_template"), {"kind": "assignments"}).status_code == 403
    response = client.post(reverse("orgs:workbook_import"), {"kind": "assignments"})
    assert response.status_code == 403


def test_the_rank_cell_holds_a_leadership_level_and_a_rank_and_reads_back(cast):
    from kaohe.core.xlsx import ImportFailed
    from kaohe.orgs import workbooks
    from kaohe.orgs.models import Cadre
    from kaohe.orgs.selectors import with_current_state

    rows = [
        [None, "周一", None, None, "副科级、一级主任科员", None, "qingshan", None, "副镇长",
         "班子成员", None, "2021-01-01"],
        [None, "周二", None, None, "三级调研员", None, "qingshan", None, "党政办工作人员",
         "一般干部", None, "2021-01-01"],
    ]  # fmt: skip
    _import(cast, "cadres", _workbook(workbooks.CADRES, rows))
    one, two = Cadre.objects.get(name="周一"), Cadre.objects.get(name="周二")
    assert (one.leadership_level, one.rank) == ("副科级", "一级主任科员")
    assert (two.leadership_level, two.rank) == ("", "三级调研员")
    assert two.postings.get().role == "staff"
    exported = workbooks.cadres_export(with_current_state(Cadre.objects.filter(pk=one.pk)))
    sheet = load_workbook(BytesIO(exported)).active
    assert sheet["E2"].value == "副科级、一级主任科员"

    bad = [[None, "周三", None, None, "正科级、副科级", None, None, None, None, None, None, None],
           [None, "周四", None, None, "其他", None, None, None, None, None, None, None]]  # fmt: skip
    with pytest.raises(ImportFailed) as failure:
        _import(cast, "cadres", _workbook(workbooks.CADRES, bad))
    places = {(e.row, e.column): e.message for e in failure.value.errors}
    assert "各填一个" in places[(2, "E")] and "其他" in places[(3, "E")]


def test_reading_good_rows_translates_no_message(cast, monkeypatch):
    """A message is translated when a row is bad, not for every row (a tenth of an
    import's time went to gettext): 40 good rows, not one translation."""
    from kaohe.core import text, xlsx
    from kaohe.orgs import rules, workbooks
    from kaohe.orgs.models import Cadre

    calls = []

    def counted(message):
        calls.append(message)
        return message

    for module in (xlsx, workbooks, rules, text):
        monkeypatch.setattr(module, "_", counted)
    rows = [
        (None, f"干部{i}", "男", dt.date(1980, 1, 1 + i % 28), "副科级、一级主任科员", None,
         cast.unit_a.code, None, "副镇长", "班子成员", "分管党建", dt.date(2020, 1, 1), None)
        for i in range(40)
    ]  # fmt: skip
    sheet = workbooks.read_cadres(
        _workbook(workbooks.CADRES, rows), cadres=Cadre.objects.all(), units=[cast.unit_a]
    )
    assert len(sheet.lines) == 40 and not sheet.errors
    assert calls == []
    bad = [(None, "干部x", "男", dt.date(1980, 1, 1), "无此职级", *rows[0][5:])]
    with pytest.raises(xlsx.ImportFailed) as failure:
        workbooks.read_cadres(
            _workbook(workbooks.CADRES, bad), cadres=Cadre.objects.all(), units=[cast.unit_a]
        )
    assert "没有这些职级或领导职务层次：无此职级" in str(failure.value)
