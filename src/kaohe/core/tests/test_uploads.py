"""Uploaded workbooks are hostile until checked: the size, the zip's members (how many,
how far they expand) and the rows are checked before any sheet is parsed, and every
refusal is a Chinese message for the whole file."""

from __future__ import annotations

import time
import tracemalloc
import zipfile
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.core.tests.language import chinese
from kaohe.core.xlsx import ImportFailed

__all__ = ["chinese"]  # an autouse fixture

SHARED_STRINGS_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def _real_workbook(rows: list[list[object]], sheet: str = "干部") -> bytes:
    """A cadre workbook; ``<VT>`` in a cell becomes a vertical tab, stored as Excel stores
    a character XML cannot hold (``_x000B_``)."""
    from kaohe.orgs.workbooks import CADRES

    book = Workbook()
    active = book.active
    assert isinstance(active, Worksheet)
    active.title = sheet
    active.append(CADRES.headers)
    for row in rows:
        active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(BytesIO(buffer.getvalue()))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as patched:
        for item in source.infolist():
            patched.writestr(item, source.read(item.filename).replace(b"&lt;VT&gt;", b"_x000B_"))
    return out.getvalue()


def _with_shared_strings_bomb(megabytes: int) -> bytes:
    """A real workbook whose shared strings expand to ``megabytes`` of tiny strings:
    about a thousand times smaller in the zip."""
    source = zipfile.ZipFile(BytesIO(_real_workbook([])))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item.filename))
        with bomb.open("xl/sharedStrings.xml", "w") as member:
            member.write(SHARED_STRINGS_HEAD)
            chunk = b"<si><t>a</t></si>" * 65536
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                member.write(chunk)
            member.write(b"</sst>")
    return out.getvalue()


def _import(cast, data: bytes):
    from kaohe.orgs import services
    from kaohe.orgs.models import Cadre, Unit

    return services.cadres_import(
        actor=cast.admin, file=BytesIO(data), cadres=Cadre.objects.all(), units=Unit.objects.all()
    )


def test_a_shared_strings_bomb_is_refused_before_it_is_read(cast):
    bomb = _with_shared_strings_bomb(64)
    assert len(bomb) < 1024 * 1024  # a small upload

    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(ImportFailed) as failure:
        _import(cast, bomb)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert time.perf_counter() - started < 5
    assert peak < 20 * 1024 * 1024  # the 64 MB of strings were never expanded
    (error,) = failure.value.errors
    assert error.row == 0 and "解压后过大" in error.message


def test_a_member_that_expands_far_beyond_its_compressed_size_is_refused(cast):
    source = zipfile.ZipFile(BytesIO(_real_workbook([])))
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b" " * (4 * 1024 * 1024) + b"</sheetData>")
            book.writestr(item, data)
    with pytest.raises(ImportFailed) as failure:
        _import(cast, out.getvalue())
    assert "解压后过大" in failure.value.errors[0].message


def test_a_zip_of_too_many_members_is_refused(cast):
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as book:
        for i in range(300):
            book.writestr(f"junk/{i}.xml", b"<a/>")
    with pytest.raises(ImportFailed) as failure:
        _import(cast, out.getvalue())
    assert "组成部分过多" in failure.value.errors[0].message


def test_too_many_rows_are_refused_without_reading_them_all(cast, settings):
    from kaohe.orgs.models import Cadre

    settings.IMPORT_MAX_ROWS = 50
    rows = [[None, f"干部{i}", "男"] for i in range(60)]
    before = Cadre.objects.count()
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _real_workbook(rows))
    (error,) = failure.value.errors
    assert "超过 50 行" in error.message
    assert Cadre.objects.count() == before
    settings.IMPORT_MAX_ROWS = 60
    assert _import(cast, _real_workbook(rows)).created == 60


def test_a_file_over_the_size_limit_is_refused_by_the_service_and_the_form(client, cast, settings):
    settings.UPLOAD_MAX_MB = 1
    big = b"PK" + b"\0" * (1024 * 1024 + 10)
    with pytest.raises(ImportFailed) as failure:
        _import(cast, big)
    assert "不能超过 1 MB" in failure.value.errors[0].message

    client.force_login(cast.admin)
    upload = BytesIO(big)
    upload.name = "big.xlsx"
    response = client.post(reverse("orgs:workbook_import"), {"kind": "cadres", "file": upload})
    assert response.status_code == 200
    assert "不能超过 1 MB" in response.content.decode()


@pytest.mark.parametrize("data", [b"not a zip", b"PK\x03\x04broken"])
def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(cast, data):
    with pytest.raises(ImportFailed) as failure:
        _import(cast, data)
    assert failure.value.errors[0].message == "文件不是有效的 Excel 工作簿（.xlsx）"


def test_a_control_character_in_a_cell_is_a_row_error_naming_the_column(cast):
    from kaohe.orgs.models import Cadre

    before = Cadre.objects.count()
    rows = [
        [None, "控制<VT>字符", "男"],
        [None, "好人", "男", None, None, None, None, None, None, None, None, None, "一\n二"],
        [None, "零宽\u202e反转", "女"],
    ]
    with pytest.raises(ImportFailed) as failure:
        _import(cast, _real_workbook(rows))
    places = {(e.row, e.column): e.message for e in failure.value.errors}
    assert set(places) == {(2, "B"), (4, "B")}  # the note (M) may have several lines
    assert "U+000B" in places[(2, "B")] and "U+202E" in places[(4, "B")]
    assert Cadre.objects.count() == before
