"""Excel: the LibreOffice-saved fixture imports; a bad workbook is reported row by row,
column by column, and nothing is written."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

FIXTURE = Path(__file__).parent / "fixtures" / "indicators-libreoffice.xlsx"


def test_the_fixture_was_saved_by_libreoffice():
    from zipfile import ZipFile

    with ZipFile(FIXTURE) as archive:
        assert b"LibreOffice" in archive.read("docProps/app.xml")


def test_it_imports_the_libreoffice_workbook_into_a_draft(cast, draft_system):
    from kaohe.core.models import AuditEntry
    from kaohe.schemes import services, tree

    with FIXTURE.open("rb") as file:
        count = services.indicator_system_import(actor=cast.admin, system=draft_system, file=file)

    assert count == 7
    rows = {row["code"]: row for row in services.indicator_rows(draft_system)}
    assert list(rows) == ["1", "1.1", "1.2", "2", "2.1", "2.2", "3"]
    assert rows["1.1"]["parent"] == "1"
    assert rows["1.1"]["evidence_required"] is True
    assert rows["1.1"]["responsible_unit"] == "zuzhibu"  # found by name
    assert rows["2.1"]["responsible_unit"] == "zuzhibu"  # found by code
    assert rows["1.2"]["cap"] == "12"
    assert rows["3"]["method"] == "bonus" and rows["3"]["cap"] == "3"
    assert tree.check(list(rows.values()), total=Decimal(100)) == []
    entry = AuditEntry.objects.get(action="indicator_system.import")
    assert entry.actor == cast.admin and entry.after == {"indicators": 7}


def _workbook(rows):
    from kaohe.schemes.excel import HEADERS

    book = Workbook()
    sheet = book.active
    sheet.title = "指标体系"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_bad_workbook_reports_every_row_and_column_and_writes_nothing(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.excel import ImportFailed

    before = services.indicator_rows(draft_system)
    bad = _workbook(
        [
            ["1", None, "思想政治工作", "abc", "赋分"],
            ["1.1", "9", "", 10, "加分"],
            ["1", None, "重复编码", 5, "打分", None, None, "也许", None, "不存在的单位"],
        ]
    )
    with pytest.raises(ImportFailed) as failure:
        services.indicator_system_import(actor=cast.admin, system=draft_system, file=bad)

    places = {(e.row, e.column): e.message for e in failure.value.errors}
    assert "应为数字" in places[(2, "D")]
    assert "不在表中" in places[(3, "B")]
    assert "不能为空" in places[(3, "C")]
    assert "上限" in places[(3, "F")]  # 加分 without a cap
    assert "与第 2 行重复" in places[(4, "A")]
    assert "计分方式" in places[(4, "E")]
    assert "是" in places[(4, "H")]
    assert "不存在的单位" in places[(4, "J")]
    assert str(failure.value.errors[0]).startswith("第 2 行，D 列（分值）")
    assert services.indicator_rows(draft_system) == before


def test_a_workbook_with_other_headers_is_refused_at_row_one(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.excel import ImportFailed

    book = Workbook()
    book.active.append(["名称", "分数"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    with pytest.raises(ImportFailed) as failure:
        services.indicator_system_import(actor=cast.admin, system=draft_system, file=buffer)
    assert failure.value.errors[0].row == 1 and failure.value.errors[0].column == "A"


def test_a_file_that_is_not_a_workbook_is_refused(cast, draft_system):
    from kaohe.schemes import services
    from kaohe.schemes.excel import ImportFailed

    with pytest.raises(ImportFailed) as failure:
        services.indicator_system_import(
            actor=cast.admin, system=draft_system, file=BytesIO(b"not a zip")
        )
    assert "Excel" in failure.value.errors[0].message


def test_the_export_imports_back_unchanged(cast, town_system, draft_system):
    from kaohe.schemes import excel, services

    exported = excel.export_bytes(services.indicator_rows(town_system))
    services.indicator_system_import(actor=cast.admin, system=draft_system, file=BytesIO(exported))

    def plain(rows):
        return [{k: v for k, v in row.items() if k != "order"} for row in rows]

    assert plain(services.indicator_rows(draft_system)) == plain(
        services.indicator_rows(town_system)
    )


def test_the_import_page_lists_the_errors_with_row_and_column(client, cast, draft_system):
    from django.urls import reverse

    client.force_login(cast.admin)
    bad = _workbook([["1", None, "思想政治工作", "abc", "赋分"]])
    bad.name = "bad.xlsx"
    response = client.post(reverse("schemes:system_import", args=[draft_system.pk]), {"file": bad})
    page = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何数据" in page
    assert "D（分值）" in page and "应为数字" in page


def test_the_template_and_the_export_download(client, cast, town_system):
    from django.urls import reverse

    client.force_login(cast.admin)
    template = client.get(reverse("schemes:system_template"))
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(template.content))["指标体系"]
    assert [c.value for c in sheet[1]][:3] == ["编码", "上级编码", "指标名称"]
    export = client.get(reverse("schemes:system_export", args=[town_system.pk]))
    rows = list(load_workbook(BytesIO(export.content))["指标体系"].iter_rows(values_only=True))
    assert rows[1][:4] == ("1", None, "思想政治工作", 40)


def test_the_import_page_offers_the_workbook_with_its_bad_cells_marked(client, cast, draft_system):
    from django.urls import reverse

    system = draft_system
    book = Workbook()
    book.active.title = "指标体系"
    book.active.append(["编码", "上级编码", "指标名称", "分值", "计分方式", "上限", "计分规则",
                        "需要佐证材料", "佐证材料要求", "考核责任单位", "主要考核责任单位"])  # fmt: skip
    book.active.append(["1", None, "思想政治工作", "abc", "赋分"])
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "指标.xlsx"
    client.force_login(cast.admin)
    response = client.post(reverse("schemes:system_import", args=[system.pk]), {"file": buffer})
    page = response.content.decode()
    assert 'id="rejected-download"' in page
    link = page.split('id="rejected-download" href="')[1].split('"')[0]
    marked = load_workbook(BytesIO(client.get(link).content))["指标体系"]
    assert "应为数字" in marked["D2"].comment.text
