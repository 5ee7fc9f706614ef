"""The Excel import framework and what every export shares.

Imports: a ``Layout`` names a sheet's columns; ``read_sheet`` checks the upload (size,
the zip's members, rows) before openpyxl reads it in streaming mode, checks the header
row, skips empty rows and the template's sample rows (marked 示例), and gives each row
as ``Cells``: typed reads (text, choice, yes/no, integer, date, a list of names) that
report every problem as a ``RowError`` (row number, column letter, the column's header
and a Chinese message) and refuse control characters and implausible dates. An import
reads every row first, writes nothing unless all rows are good (``ImportFailed`` lists
them all), and counts what each row did from the ``Outcome`` its service returns.

Exports: every workbook goes through ``append_row``, which writes text from users as
text, never as a formula (OWASP's CSV-injection advice: a value starting with = + - @,
tab or CR is a string cell with Excel's quote prefix), without the control characters
openpyxl refuses, and cut to the 32,767 characters a cell holds. ``marked_workbook``
gives a refused workbook back with its bad cells filled and a comment on each.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from io import BytesIO
from typing import IO, Any
from urllib.parse import quote

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell.cell import WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from kaohe.core import sheets
from kaohe.core.dates import date_problem
from kaohe.core.text import strip_control_characters, text_problem

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YES = {"是", "yes", "y", "true", "1", "√"}
NO = {"否", "no", "n", "false", "0", ""}
YES_NO = ("是", "否")
LIST_SPLIT = re.compile(r"[、,，;；\s]+")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")
# The cell right of a template's sample row says so; such a row is never imported.
EXAMPLE_MARK = "示例"
EXAMPLE_NOTE = "示例（导入时跳过）"

# What a workbook's zip may hold before openpyxl opens it. A real import workbook has a
# dozen members; its sheet compresses about tenfold.
MAX_MEMBERS = 200
MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_SHARED_STRINGS = 50 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, for members over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MARKED_WIDTH = 30  # the columns a marked workbook copies (at least)
MAX_CELL_CHARS = 32767  # what an Excel cell holds
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---- errors and outcomes ---------------------------------------------------------------


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
    """Every problem of a refused workbook; ``sheet``: the sheet they are in ("" when
    the file as a whole is refused)."""

    def __init__(self, errors: Sequence[RowError], *, sheet: str = "") -> None:
        self.errors = sorted(errors, key=lambda e: (e.row, e.column))
        self.sheet = sheet
        super().__init__("\n".join(str(e) for e in self.errors))

    @property
    def has_cells(self) -> bool:
        """Whether any error names a row, so that marking the workbook helps."""
        return bool(self.sheet) and any(e.row for e in self.errors)


def file_failed(message: str) -> ImportFailed:
    """A failure of the whole file (no row, no column)."""
    return ImportFailed([RowError(0, "", "", message)])


class Outcome(enum.Enum):
    """What writing one row did (an import service's return value)."""

    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    @classmethod
    def of(cls, changed: bool) -> Outcome:
        return cls.UPDATED if changed else cls.UNCHANGED


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, outcome: Outcome) -> None:
        name = outcome.value
        setattr(self, name, getattr(self, name) + 1)


# ---- layouts -------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    choices: tuple[str, ...] = ()  # offered as a drop-down list in the template
    is_date: bool = False
    multiline: bool = False  # line breaks allowed
    optional: bool = False  # a last column that older workbooks lack (read as empty)


@dataclass(frozen=True)
class Layout:
    """One importable kind of record: its sheet, its columns, its notes and the template's
    sample rows."""

    key: str
    label: Any
    sheet: str
    columns: tuple[Column, ...]
    notes: tuple[str, ...]
    example: tuple[tuple[Any, ...], ...] = ()

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @cached_property
    def _indexes(self) -> dict[str, int]:
        return {column.key: i for i, column in enumerate(self.columns)}

    def index(self, key: str) -> int:
        return self._indexes[key]

    def letter(self, key: str) -> str:
        return get_column_letter(self.index(key) + 1)

    def header(self, key: str) -> str:
        return self.columns[self.index(key)].header

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]


# ---- the upload ----------------------------------------------------------------------


def max_upload_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def validate_upload_size(file: Any) -> None:
    """A form field validator: refuses a file over ``UPLOAD_MAX_MB``."""
    if getattr(file, "size", 0) > max_upload_bytes():
        raise ValidationError(
            _("文件不能超过 %(n)s MB") % {"n": settings.UPLOAD_MAX_MB}, code="too_large"
        )


def workbook_file_field() -> forms.FileField:
    """The upload field of every import form: .xlsx, at most ``UPLOAD_MAX_MB``."""
    return forms.FileField(
        label=gettext_lazy("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
        validators=[validate_upload_size],
        help_text=lazy(lambda: _("不超过 %(n)s MB") % {"n": settings.UPLOAD_MAX_MB}, str)(),
    )


def check_upload(data: bytes) -> None:
    """Refuse (``ImportFailed``) a file too large, not a zip, or whose members would
    expand beyond what a workbook of ``IMPORT_MAX_ROWS`` rows needs (a zip bomb),
    before openpyxl reads any of it."""
    if len(data) > max_upload_bytes():
        raise file_failed(_("文件不能超过 %(n)s MB") % {"n": settings.UPLOAD_MAX_MB})
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise file_failed(_("文件不是有效的 Excel 工作簿（.xlsx）")) from None
    if len(members) > MAX_MEMBERS:
        raise file_failed(
            _("工作簿的组成部分过多（%(n)s 个），不像是正常的 Excel 文件") % {"n": len(members)}
        )
    total = sum(m.file_size for m in members)
    shared = sum(m.file_size for m in members if m.filename.endswith("sharedStrings.xml"))
    too_dense = [
        m
        for m in members
        if m.file_size > RATIO_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1)
    ]
    if total > MAX_UNCOMPRESSED or shared > MAX_SHARED_STRINGS or too_dense:
        raise file_failed(
            _("工作簿解压后过大（%(mb)s MB），可能是恶意构造的文件；请只保留需要导入的数据")
            % {"mb": total // (1024 * 1024)}
        )


def _read_bytes(file: IO[bytes] | bytes) -> bytes:
    if isinstance(file, bytes):
        return file
    return file.read(max_upload_bytes() + 1)


def cell_text(value: Any) -> str:
    """A cell as stripped text (a whole float as an integer: 3.0 → "3"; a date as
    2024-01-31)."""
    if value is None:
        return ""
    if type(value) is str:  # most cells: the checks below cannot apply
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time.min:
        value = value.date()
    return str(value).strip()


def _rows(data: bytes, *, sheet: str, width: int) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sheet`` (or of the first sheet), ``width`` cells each, streamed
    (``kaohe.core.sheets``); at most ``IMPORT_MAX_ROWS`` rows below the header."""
    check_upload(data)
    limit = int(settings.IMPORT_MAX_ROWS) + 1
    try:
        for count, values in enumerate(sheets.iter_rows(BytesIO(data), sheet=sheet, width=width)):
            if count >= limit:
                raise file_failed(
                    _("工作簿的数据行超过 %(n)s 行，请分成几个文件导入")
                    % {"n": settings.IMPORT_MAX_ROWS}
                )
            yield values
    except sheets.SheetError:
        raise file_failed(_("文件不是有效的 Excel 工作簿（.xlsx）")) from None


def _example_cells(layout: Layout) -> set[tuple[str, ...]]:
    return {tuple(cell_text(v) for v in row) for row in layout.example}


# ---- reading -------------------------------------------------------------------------


@dataclass
class Sheet:
    """The rows of one layout read from a workbook, with the errors found so far."""

    layout: Layout
    lines: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)  # the day dates are checked on

    def bad(self, row: int, key: str, message: str) -> None:
        self.errors.append(RowError(row, self.layout.letter(key), self.layout.header(key), message))

    def bad_row(self, row: int, message: str) -> None:
        self.errors.append(RowError(row, "", "", message))

    def fail_if_bad(self) -> None:
        if self.errors:
            raise ImportFailed(self.errors, sheet=self.layout.sheet)

    def unique(self, seen: dict[str, int], number: int, key: str, value: str) -> None:
        """Report ``value`` of column ``key`` when an earlier row had it."""
        if value in seen:
            self.bad(number, key, _("“%(value)s”与第 %(row)s 行重复") % {"value": value,
                     "row": seen[value]})  # fmt: skip
        elif value:
            seen[value] = number

    def cells(self) -> Iterator[Cells]:
        for number, raw in self.lines:
            yield Cells(self, number, raw)


def read_sheet(layout: Layout, file: IO[bytes] | bytes) -> Sheet:
    """The non-empty rows of the workbook below its header, each as ``(row number,
    {key: raw cell})``; the sample rows of the template are left out. Raises
    ``ImportFailed`` for a file that is unsafe or not a workbook, or a header that is not
    the layout's."""
    width = len(layout.columns)
    result = Sheet(layout)
    examples = _example_cells(layout)
    rows = _rows(_read_bytes(file), sheet=layout.sheet, width=width + 1)
    header = [cell_text(v) for v in next(rows, ())]
    for i, expected in enumerate(layout.headers):
        got = header[i] if i < len(header) else ""
        if got != expected and not (got == "" and layout.columns[i].optional):
            result.errors.append(
                RowError(
                    1,
                    get_column_letter(i + 1),
                    expected,
                    _("表头应为“%(expected)s”，实际为“%(got)s”，请使用下载的模板")
                    % {"expected": expected, "got": got},
                )
            )
    result.fail_if_bad()
    keys = [c.key for c in layout.columns]
    for number, values in enumerate(rows, 2):
        cells = values[:width]
        if values[width] is not None and cell_text(values[width]) in (EXAMPLE_MARK, EXAMPLE_NOTE):
            if tuple(cell_text(v) for v in cells) in examples:
                continue
            result.errors.append(
                RowError(
                    number,
                    get_column_letter(width + 1),
                    "",
                    _("本行标为“示例”，但内容与模板的示例不同；要导入本行请删除该“示例”标记"),
                )
            )
        if any(cell_text(v) for v in cells):
            result.lines.append((number, dict(zip(keys, cells, strict=True))))
    if not result.lines and not result.errors:
        result.bad_row(2, _("工作簿中没有数据行"))
    return result


class Cells:
    """Typed reads of one row; each problem is reported to the sheet and gives a default."""

    def __init__(self, sheet: Sheet, number: int, cells: Mapping[str, Any]) -> None:
        self.sheet, self.number, self.cells = sheet, number, cells

    def bad(self, key: str, message: str) -> None:
        self.sheet.bad(self.number, key, message)

    def raw(self, key: str) -> str:
        """The cell as text, "" (and an error) when it holds a control character."""
        value = cell_text(self.cells[key])
        if not value:  # most cells of a row: nothing to check
            return value
        column = self.sheet.layout.column(key)
        if problem := text_problem(value, multiline=column.multiline):
            self.bad(key, problem)
            return ""
        return value

    def filled(self, key: str) -> bool:
        return bool(cell_text(self.cells[key]))

    def text(self, key: str, *, max_length: int, required: bool = False) -> str:
        value = self.raw(key)
        if required and not value and not self.filled(key):
            self.bad(key, _("不能为空"))
        elif len(value) > max_length:
            self.bad(key, _("不能超过 %(n)s 个字符") % {"n": max_length})
        return value

    def choice(
        self,
        key: str,
        allowed: Mapping[str, str],
        default: str = "",
        *,
        required: bool = False,
        shown: Sequence[str] = (),
    ) -> str:
        """The value of a cell that must be one of ``allowed`` (a Chinese label, or also a
        code the export wrote); an error lists ``shown`` (the labels), else ``allowed``."""
        value = self.raw(key)
        if not value:
            if required and not self.filled(key):
                self.bad(key, _("不能为空"))
            return default
        if value not in allowed:
            self.bad(
                key,
                _("应为%(choices)s之一，实际为“%(value)s”")
                % {"choices": "、".join(dict.fromkeys(shown or allowed)), "value": value[:50]},
            )
            return default
        return allowed[value]

    def boolean(self, key: str, *, default: bool) -> bool:
        value = self.raw(key).lower()
        if value == "":
            return default
        if value in YES:
            return True
        if value not in NO:
            self.bad(key, _("应填“是”或“否”，实际为“%(value)s”") % {"value": value[:50]})
        return False

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if value == "":
            return 0
        if not value.isdigit() or len(value) > 9:
            self.bad(key, _("应为不小于 0 的整数，实际为“%(value)s”") % {"value": value[:50]})
            return 0
        return int(value)

    def date(self, key: str, *, required: bool = False) -> dt.date | None:
        """A date cell, or text written as a date; refused outside the plausible range
        (``kaohe.core.dates``)."""
        value = self.cells[key]
        found: dt.date | None = None
        if isinstance(value, dt.datetime):
            found = value.date()
        elif isinstance(value, dt.date):
            found = value
        else:
            text = self.raw(key)
            if not text:
                if required and not self.filled(key):
                    self.bad(key, _("不能为空"))
                return None
            for pattern in DATE_FORMATS:
                try:
                    found = dt.datetime.strptime(text, pattern).date()
                    break
                except ValueError:
                    continue
            if found is None:
                self.bad(
                    key, _("应为日期（如 2024-01-31），实际为“%(value)s”") % {"value": text[:50]}
                )
                return None
        if problem := date_problem(found, today=self.sheet.today):
            self.bad(key, problem)
            return None
        return found

    def names(self, key: str, allowed: Mapping[str, Any], what: str | Promise) -> list[Any]:
        """The names listed in the cell, each one of ``allowed``; ``what`` (what the
        names are, in an error message) may be lazy, translated only for a bad cell."""
        text = self.raw(key)
        found, unknown = [], []
        for name in (n for n in LIST_SPLIT.split(text) if n):
            if name in allowed:
                found.append(allowed[name])
            else:
                unknown.append(name)
        if unknown:
            self.bad(
                key,
                _("没有%(what)s：%(names)s") % {"what": what, "names": "、".join(unknown)[:200]},
            )
        return list(dict.fromkeys(found))


def row_errors(
    layout: Layout, number: int, error: ValidationError, *, columns: Mapping[str, str] = {}
) -> list[RowError]:
    """A service's ``ValidationError`` on one row, placed in that row's column (a field
    named in ``columns`` in the column given there; another field on the whole row)."""
    keys = {column.key for column in layout.columns}
    fields = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    found = []
    for name, messages in fields.items():
        key = columns.get(name, name)
        for message in messages:
            if key in keys:
                found.append(RowError(number, layout.letter(key), layout.header(key), message))
            else:
                found.append(RowError(number, "", "", message))
    return found


def write_rows(
    layout: Layout,
    lines: Iterable[tuple[int, Any]],
    write: Callable[[Any], Outcome],
    *,
    columns: Mapping[str, str] = {},
) -> ImportSummary:
    """Write each row with ``write`` (a service returning the row's ``Outcome``), each in a
    savepoint; collect the services' errors by row and raise them all at the end, so the
    caller's transaction writes every row or none."""
    summary, errors = ImportSummary(), []
    for number, row in lines:
        try:
            with transaction.atomic():
                summary.add(write(row))
        except ValidationError as error:
            errors.extend(row_errors(layout, number, error, columns=columns))
    if errors:
        raise ImportFailed(errors, sheet=layout.sheet)
    return summary


@contextmanager
def concurrent_writes_refused() -> Iterator[None]:
    """Turn a unique constraint another import (or a person) met first into a Chinese
    message for the whole file, never a raw ``IntegrityError``."""
    try:
        yield
    except IntegrityError:
        raise file_failed(
            _(
                "导入时与同时进行的其他修改冲突（如同一编码或身份证号刚被登记），未导入任何数据；请重新导入"
            )
        ) from None


def import_lock(name: str) -> None:
    """Within the current transaction, wait for any other import of ``name`` to end, so
    two imports of one workbook at once run one after the other (PostgreSQL; SQLite
    writers already take turns)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"kaohe.import.{name}"])


# ---- writing -------------------------------------------------------------------------


def safe_value(value: Any) -> Any:
    """A value ready for a cell: text without control characters, cut to what a cell
    holds; other values as they are."""
    if isinstance(value, str):
        return strip_control_characters(value)[:MAX_CELL_CHARS]
    return value


def _as_text(cell: Any) -> Any:
    """Text that a spreadsheet would take for a formula is kept as text (string type
    and quote prefix: Excel and LibreOffice show it as typed and never evaluate it)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append_row(sheet: Any, values: Iterable[Any], *, number_format: Mapping[int, str] = {}) -> None:
    """Append ``values`` to ``sheet`` (write-only or not) as safe cells; every export
    writes its rows through here. ``number_format``: by 0-based column."""
    cells = []
    for i, value in enumerate(values):
        cell = _as_text(WriteOnlyCell(sheet, safe_value(value)))
        if i in number_format and value is not None:
            cell.number_format = number_format[i]
        cells.append(cell)
    sheet.append(cells)


HEADER_FILL = PatternFill("solid", fgColor="F3E7E7")
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")


def header_sheet(workbook: Workbook, title: str, columns: Sequence[tuple[str, int]]) -> Any:
    """The workbook's first sheet, titled, with a bold frozen header row of
    ``(header, width)`` columns."""
    sheet = workbook.active
    assert isinstance(sheet, Worksheet)  # a new workbook's one sheet
    sheet.title = title
    append_row(sheet, [header for header, _width in columns])
    for i, (_header, width) in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=i)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def notes_sheet(workbook: Workbook, lines: Sequence[str]) -> None:
    """A second sheet 填写说明 with one line of help per row (the first one bold)."""
    notes = workbook.create_sheet("填写说明")
    for line in lines:
        append_row(notes, [line])
    notes.column_dimensions["A"].width = 110
    notes["A1"].font = Font(bold=True, size=13)


def layout_workbook(
    layout: Layout, rows: Iterable[Sequence[Any]], *, example: bool = False, wrap: bool = False
) -> bytes:
    """A workbook of ``layout``: header, drop-down lists, ``rows`` (or, with ``example``,
    the sample rows marked 示例), date formats and the notes sheet."""
    workbook = Workbook()
    sheet = header_sheet(workbook, layout.sheet, [(c.header, c.width) for c in layout.columns])
    for i, column in enumerate(layout.columns, start=1):
        if column.choices:
            letter = get_column_letter(i)
            listed = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            listed.add(f"{letter}2:{letter}5000")
            sheet.add_data_validation(listed)
    dates = {i: "yyyy-mm-dd" for i, c in enumerate(layout.columns) if c.is_date}
    width = len(layout.columns)
    for row in layout.example if example else rows:
        append_row(sheet, [*row, EXAMPLE_NOTE] if example else row, number_format=dates)
        if example:
            mark = sheet.cell(row=sheet.max_row, column=width + 1)
            mark.font = Font(italic=True, color="9C0006")
    if example:
        sheet.column_dimensions[get_column_letter(width + 1)].width = 20
    if wrap:
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes_sheet(workbook, layout.notes)
    return workbook_bytes(workbook)


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def marked_workbook(data: bytes, errors: Iterable[Mapping[str, Any]], *, sheet: str) -> bytes:
    """The refused workbook's sheet (``sheet`` or its first) again, its bad cells filled
    and each commented with its errors (a row's error on its first cell, the header's on
    the header), and a sheet 错误清单 listing them all."""
    errors = list(errors)
    marks: dict[tuple[int, int], list[str]] = {}
    for error in errors:
        column = column_index_from_string(error["column"]) if error["column"] else 1
        marks.setdefault((int(error["row"]), column), []).append(str(error["message"]))
    width = max((column for _row, column in marks), default=1)
    book = Workbook(write_only=True)
    out = book.create_sheet(sheet)
    try:
        rows = list(_rows(data, sheet=sheet, width=max(width, MARKED_WIDTH)))
    except ImportFailed:  # not a workbook after all: only the listing
        rows = []
    while rows and not any(v is not None for v in rows[-1]):
        rows.pop()
    for number, values in enumerate(rows, start=1):
        used = max((i + 1 for i, v in enumerate(values) if v is not None), default=0)
        cells = []
        for column in range(1, max(used, width) + 1):
            value = values[column - 1]
            cell = _as_text(WriteOnlyCell(out, safe_value(value)))
            if isinstance(value, dt.datetime | dt.date):
                cell.number_format = "yyyy-mm-dd"
            if (number, column) in marks:
                cell.fill = BAD_FILL
                cell.comment = Comment("\n".join(marks[(number, column)]), "考核系统", 120, 300)
            cells.append(cell)
        out.append(cells)
    listing = book.create_sheet("错误清单")
    append_row(listing, ["行", "列", "原因"])
    for error in errors:
        place = f"{error['column']}（{error['header']}）" if error["column"] else ""
        append_row(listing, [error["row"] or "", place, error["message"]])
    return workbook_bytes(book)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """A download; the name is cut and cleaned (it may hold a user's text)."""
    name = strip_control_characters(filename, multiline=False)
    if len(name) > 100:
        name = name[:95] + name[name.rfind(".") :] if "." in name[-6:] else name[:100]
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
