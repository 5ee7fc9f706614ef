"""What every Excel import and export shares: the error of one cell, the failure that lists
them all, reading a sheet's rows behind a checked header row, and a styled header row.

An import reads every row first and reports every problem (row number, column letter,
the column's header and a Chinese message); it writes nothing unless all rows are good.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from io import BytesIO
from typing import IO, Any
from urllib.parse import quote

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES = {"是", "yes", "y", "true", "1", "√"}
NO = {"否", "no", "n", "false", "0", ""}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column letter, "" for the whole row or file
    header: str
    message: str

    def __str__(self) -> str:
        place = _("第 %(row)s 行") % {"row": self.row} if self.row else ""
        if self.column:
            place += _("，%(column)s 列（%(header)s）") % {
                "column": self.column,
                "header": self.header,
            }
        return f"{place}：{self.message}" if place else self.message


class ImportFailed(Exception):
    def __init__(self, errors: Sequence[RowError]) -> None:
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        super().__init__("\n".join(str(e) for e in self.errors))


def cell_text(value: Any) -> str:
    """A cell as stripped text (a whole float as an integer: 3.0 → "3")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_rows(file: IO[bytes], *, sheet: str, headers: Sequence[str]) -> list[tuple[Any, ...]]:
    """The rows under the header row of ``sheet`` (or of the first sheet); raises
    ``ImportFailed`` for a file that is not a workbook or a header that is not ours."""
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFailed(
            [RowError(0, "", "", _("文件不是有效的 Excel 工作簿（.xlsx）"))]
        ) from None
    found = workbook[sheet] if sheet in workbook.sheetnames else workbook.worksheets[0]
    lines = list(found.iter_rows(values_only=True))
    workbook.close()
    header = [cell_text(v) for v in (lines[0] if lines else ())]
    errors = []
    for i, expected in enumerate(headers):
        got = header[i] if i < len(header) else ""
        if got != expected:
            errors.append(
                RowError(
                    1,
                    get_column_letter(i + 1),
                    expected,
                    _("表头应为“%(expected)s”，实际为“%(got)s”，请使用下载的模板")
                    % {"expected": expected, "got": got},
                )
            )
    if errors:
        raise ImportFailed(errors)
    return lines[1:]


def header_sheet(workbook: Workbook, title: str, columns: Sequence[tuple[str, int]]) -> Any:
    """The workbook's first sheet, titled, with a bold frozen header row of
    ``(header, width)`` columns."""
    sheet = workbook.active
    sheet.title = title
    sheet.append([header for header, _width in columns])
    fill = PatternFill("solid", fgColor="F3E7E7")
    for i, (_header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = fill
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def notes_sheet(workbook: Workbook, lines: Sequence[str]) -> None:
    """A second sheet 填写说明 with one line of help per row (the first one bold)."""
    notes = workbook.create_sheet("填写说明")
    for line in lines:
        notes.append([line])
    notes.column_dimensions["A"].width = 110
    notes["A1"].font = Font(bold=True, size=13)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
