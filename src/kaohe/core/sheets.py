"""A streaming reader of one sheet of an .xlsx file: the cell values of each row, read
with lxml's C parser (no entities, no network), a row at a time.

openpyxl's read-only mode does the same in pure Python at about a tenth of the speed;
an import of ten thousand cadres spent most of its time there. This reader gives the
values openpyxl gives with ``values_only=True`` and ``data_only=True``: shared and inline
strings, numbers (an int when whole and written without a point), booleans, dates (a
number in a cell whose format is a date, on the workbook's 1900 or 1904 calendar) and
a formula's cached value. ``kaohe.core.xlsx`` checks the zip before this reads it.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
from collections.abc import Iterator
from typing import IO, Any

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
DIGITS = "0123456789"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class SheetError(Exception):
    """The file is not a workbook this reader understands."""


def _parser_args() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": False}


def _tree(archive: zipfile.ZipFile, name: str) -> Any:
    with archive.open(name) as member:
        return etree.parse(member, etree.XMLParser(**_parser_args())).getroot()


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> tuple[str, bool]:
    """The member holding ``sheet`` (or the first sheet), and whether the workbook counts
    dates from 1904."""
    book = _tree(archive, "xl/workbook.xml")
    pr = book.find(f"{MAIN}workbookPr")
    mac = pr is not None and pr.get("date1904") in ("1", "true")
    sheets = book.findall(f"{MAIN}sheets/{MAIN}sheet")
    if not sheets:
        raise SheetError("no sheet")
    chosen = next((s for s in sheets if s.get("name") == sheet), sheets[0])
    rid = chosen.get(f"{REL}id")
    rels = _tree(archive, "xl/_rels/workbook.xml.rels")
    for rel in rels.findall(f"{PACKAGE_REL}Relationship"):
        if rel.get("Id") == rid:
            target = rel.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
            return posixpath.normpath(path), mac
    raise SheetError("sheet not found")


ESCAPED = re.compile("_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """Excel writes a character XML cannot hold (a control character) as _x000B_: the
    text means that character (which the import then refuses)."""
    if "_x" not in text:
        return text
    return ESCAPED.sub(lambda found: chr(int(found.group(1), 16)), text)


T, R = f"{MAIN}t", f"{MAIN}r"


def _text(element: Any) -> str:
    """The text of a string item: its <t> and its runs' <t>, without phonetic runs."""
    if len(element) == 1 and element[0].tag == T:
        return _unescape(element[0].text or "")
    direct = element.find(T)
    if direct is not None:
        return _unescape(direct.text or "")
    return _unescape("".join(r.findtext(T) or "" for r in element.findall(R)))


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    names = set(archive.namelist())
    if "xl/sharedStrings.xml" not in names:
        return []
    strings = []
    with archive.open("xl/sharedStrings.xml") as member:
        for _event, item in etree.iterparse(member, tag=f"{MAIN}si", **_parser_args()):
            strings.append(_text(item))
            item.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell formats that show a number as a date."""
    if "xl/styles.xml" not in set(archive.namelist()):
        return set()
    styles = _tree(archive, "xl/styles.xml")
    codes = dict(BUILTIN_FORMATS)
    for fmt in styles.findall(f"{MAIN}numFmts/{MAIN}numFmt"):
        codes[int(fmt.get("numFmtId", "0"))] = fmt.get("formatCode", "")
    found = set()
    for index, xf in enumerate(styles.findall(f"{MAIN}cellXfs/{MAIN}xf")):
        code = codes.get(int(xf.get("numFmtId", "0")), "")
        if code and is_date_format(code):
            found.add(index)
    return found


def _number(text: str) -> int | float:
    if "." in text or "E" in text or "e" in text:
        value = float(text)
        return value
    return int(text)


def iter_rows(file: IO[bytes], *, sheet: str, width: int) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sheet`` (or of the first sheet) from the first, ``width`` values each
    (an empty row as ``None``s: rows the file skips are given too)."""
    try:
        archive = zipfile.ZipFile(file)
        path, mac = _sheet_path(archive, sheet)
        strings = _shared_strings(archive)
        dates = _date_styles(archive)
        member = archive.open(path)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile, etree.XMLSyntaxError) as error:
        raise SheetError(str(error)) from None
    epoch = CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
    columns = {get_column_letter(i + 1): i for i in range(width)}
    v_tag, is_tag = f"{MAIN}v", f"{MAIN}is"
    expected = 1
    try:
        for _event, row in etree.iterparse(member, tag=f"{MAIN}row", **_parser_args()):
            number = int(row.get("r") or expected)
            while expected < number:
                yield (None,) * width
                expected += 1
            values: list[Any] = [None] * width
            position = 0
            for cell in row:
                ref = cell.get("r")
                column = columns.get(ref.rstrip(DIGITS), width) if ref else position
                position = column + 1
                if column >= width:
                    continue
                raw = None
                value: Any = None
                for child in cell:
                    tag = child.tag
                    if tag == v_tag:
                        raw = child.text
                    elif tag == is_tag:
                        value = _text(child)
                if raw is None:
                    values[column] = value
                    continue
                kind = cell.get("t", "n")
                if kind == "inlineStr":
                    pass
                elif kind == "s":
                    value = strings[int(raw)]
                elif kind in ("str", "e"):
                    value = _unescape(raw)
                elif kind == "b":
                    value = raw == "1"
                elif kind == "d":
                    value = dt.datetime.fromisoformat(raw)
                else:
                    value = _number(raw)
                    style = cell.get("s")
                    if style is not None and dates and int(style) in dates:
                        value = from_excel(value, epoch)
                values[column] = value
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            yield tuple(values)
            expected = number + 1
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError, ValueError, IndexError,
            OverflowError) as error:  # fmt: skip
        raise SheetError(str(error)) from None
    finally:
        member.close()
        archive.close()
