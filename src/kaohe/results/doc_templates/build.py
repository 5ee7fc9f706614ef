"""Write the shipped templates of the official forms (no Django needed):
``python -m kaohe.results.doc_templates.build [DIR]``.

Word templates are made with python-docx and filled by docxtpl: each placeholder is one run
(so Word keeps ``{{ name }}`` whole), table rows repeat with ``{%tr for … %}``. Excel
templates are made with openpyxl: cells holding ``{{ name }}`` are filled, and the row whose
first cell is ``{{ rows }}`` is repeated for each data row with its cells' style (the
columns each form writes are listed in ``kaohe.results.documents``).

The 登记表 fits one A4 page by construction: fixed row heights (``exact``: a cell never
grows), and the 个人总结 cut to what its box holds (``documents.fit_summary``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# The 个人总结 box of the 登记表: its height, its font and line pitch (points); the
# generator cuts the text to the lines it holds (``documents.SUMMARY_LINES``).
SUMMARY_HEIGHT_CM = 12.0
SUMMARY_FONT_PT = 10.5
SUMMARY_LINE_PT = 15


def _document(*, landscape: bool = False) -> Any:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
    for side in ("left_margin", "right_margin"):
        setattr(section, side, Cm(2))
    section.top_margin, section.bottom_margin = Cm(1.8), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)
    return document


def _paragraph(document: Any, text: str, *, size: float = 10.5, bold: bool = False,
               center: bool = False, right: bool = False) -> Any:  # fmt: skip
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    para = document.add_paragraph()
    run = para.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if bold and size == 12:  # a heading of the report
        para.paragraph_format.space_before = Pt(10)
        para.paragraph_format.space_after = Pt(4)
    return para


def _set_cell(cell: Any, text: str, *, bold: bool = False, center: bool = True,
              size: float = 10.5) -> None:  # fmt: skip
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    para = cell.paragraphs[0]
    run = para.add_run(text)
    run.bold = bold
    run.font.size = Pt(size)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _row_height(row: Any, cm: float, *, exact: bool = True) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.shared import Cm

    row.height = Cm(cm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY if exact else WD_ROW_HEIGHT_RULE.AT_LEAST


def _fixed_table(document: Any, rows: int, widths_cm: list[float]) -> Any:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table = document.add_table(rows=rows, cols=len(widths_cm))
    table.style = "Table Grid"
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)
    return table


def _pair_rows(table: Any, first: int, pairs: list[list[tuple[str, str, int]]]) -> None:
    """Rows of label/value cells: each item (label, placeholder, columns the value spans)."""
    for offset, items in enumerate(pairs):
        row = table.rows[first + offset]
        _row_height(row, 0.9)
        column = 0
        for label, value, span in items:
            _set_cell(row.cells[column], label, bold=True)
            cell = row.cells[column + 1]
            if span > 1:
                cell = cell.merge(row.cells[column + span])
            _set_cell(cell, value)
            column += span + 1


def _block_row(table: Any, index: int, label: str, lines: list[tuple[str, bool]], height: float,
               *, size: float = 10.5) -> Any:  # fmt: skip
    """A row of a label and one merged cell of paragraphs (text, right aligned)."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    row = table.rows[index]
    _row_height(row, height)
    _set_cell(row.cells[0], label, bold=True)
    cell = row.cells[1].merge(row.cells[-1])
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    for number, (text, right) in enumerate(lines):
        para = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        run = para.add_run(text)
        run.font.size = Pt(size)
        if right:
            para.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return cell


def build_registration(path: Path) -> None:
    """附件1 县管干部年度考核登记表: one A4 page."""
    from docx.shared import Pt

    document = _document()
    _paragraph(document, "县管干部年度考核登记表", size=18, bold=True, center=True)
    _paragraph(document, "（{{ year }}年度）", size=12, center=True)
    _paragraph(document, "单位：{{ unit }}", size=10.5)
    table = _fixed_table(document, 9, [2.8, 3.0, 2.2, 3.0, 2.2, 3.8])
    _pair_rows(table, 0, [
        [("姓名", "{{ name }}", 1), ("性别", "{{ gender }}", 1), ("出生年月", "{{ birth }}", 1)],
        [("单位及职务", "{{ unit_post }}", 3), ("职级", "{{ rank }}", 1)],
        [("职务层次", "{{ level }}", 1), ("任现职时间", "{{ post_since }}", 1),
         ("考核分组", "{{ group }}", 1)],
    ])  # fmt: skip
    cell = _block_row(table, 3, "个人总结", [("{{ summary }}", False)], SUMMARY_HEIGHT_CM,
                      size=SUMMARY_FONT_PT)  # fmt: skip
    cell.paragraphs[0].paragraph_format.line_spacing = Pt(SUMMARY_LINE_PT)
    _block_row(table, 4, "参加脱产培训情况", [("{{ training }}", False)], 1.2)
    _pair_rows(table, 5, [
        [("民主测评得分", "{{ score }}", 1), ("名次", "{{ place }}", 1),
         ("计算等次", "{{ computed_grade }}", 1)],
    ])  # fmt: skip
    _block_row(table, 6, "党委（党组）意见",
               [("考核等次：{{ grade }}", False), ("", False), ("（盖章）　　年　　月　　日", True)],
               2.6)  # fmt: skip
    _block_row(table, 7, "县委审定意见",
               [("{{ decision }}", False), ("（盖章）　　年　　月　　日", True)], 2.2)  # fmt: skip
    _block_row(table, 8, "备注", [("{{ note }}", False)], 1.2)
    _paragraph(document, "注：本表一式三份，A4 纸双面打印（只需一张纸）。", size=9)
    document.save(str(path))


def build_secondment(path: Path) -> None:
    """附件6 挂职干部年度考核登记表."""
    document = _document()
    _paragraph(document, "挂职干部年度考核登记表", size=18, bold=True, center=True)
    _paragraph(document, "（{{ year }}年度）", size=12, center=True)
    table = _fixed_table(document, 8, [2.8, 3.0, 2.2, 3.0, 2.2, 3.8])
    _pair_rows(table, 0, [
        [("姓名", "{{ name }}", 1), ("性别", "{{ gender }}", 1), ("出生年月", "{{ birth }}", 1)],
        [("派出单位及职务", "{{ home }}", 3), ("派出层级", "{{ level }}", 1)],
        [("挂职单位", "{{ host }}", 1), ("挂职时间", "{{ period }}", 1),
         ("挂职月数", "{{ months }}", 1)],
    ])  # fmt: skip
    _block_row(table, 3, "考核情况",
               [("{{ placement }}", False)], 2.0)  # fmt: skip
    _block_row(table, 4, "个人总结", [("{{ summary }}", False)], 8.0)
    _pair_rows(table, 5, [
        [("民主测评得分", "{{ score }}", 1), ("名次", "{{ place }}", 1),
         ("考核等次", "{{ grade }}", 1)],
    ])  # fmt: skip
    _block_row(table, 6, "挂职单位党委（党组）意见",
               [("考核等次：{{ grade }}", False), ("（盖章）　　年　　月　　日", True)], 2.6)  # fmt: skip
    _block_row(table, 7, "派出单位意见", [("", False), ("（盖章）　　年　　月　　日", True)], 2.2)
    document.save(str(path))


def _list_table(document: Any, headers: list[str], fields: list[str], widths: list[float],
                source: str = "rows") -> None:  # fmt: skip
    """A table of a header row and one row repeated for each item of ``source``."""
    table = _fixed_table(document, 4, widths)
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _set_cell(cell, header, bold=True)
    first = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
    first.paragraphs[0].add_run("{%tr for r in " + source + " %}")
    for cell, field in zip(table.rows[2].cells, fields, strict=True):
        _set_cell(cell, "{{ r." + field + " }}")
    last = table.rows[3].cells[0].merge(table.rows[3].cells[-1])
    last.paragraphs[0].add_run("{%tr endfor %}")


def build_daily(path: Path) -> None:
    """附件5 领导干部日常考核评价表: one unit's cadres, the quarters' leader ratings and the
    year's 测评 score (seed 004 二(一): also the second half-year routine score)."""
    document = _document(landscape=True)
    _paragraph(document, "领导干部日常考核评价表", size=18, bold=True, center=True)
    _paragraph(document, "（{{ year }}年度）", size=12, center=True)
    _paragraph(document, "单位：{{ unit }}　　　　填表日期：{{ today }}")
    _list_table(
        document,
        ["序号", "姓名", "职务", "第一季度", "第二季度", "第三季度", "第四季度",
         "全年有无“优秀”", "年度测评得分", "年度考核等次"],
        ["n", "name", "post", "q1", "q2", "q3", "q4", "excellent", "score", "grade"],
        [1.2, 2.2, 4.6, 2.6, 2.6, 2.6, 2.6, 2.4, 2.2, 2.7],
    )  # fmt: skip
    _paragraph(document, "注：季度领导评价为县级领导评价的等次（优秀、良好、一般、较差）及人数；"
               "全年领导评价无“优秀”等次的，年度考核不得评为“优秀”等次。", size=9)  # fmt: skip
    document.save(str(path))


def build_ranking(path: Path) -> None:
    """排名通报: one scheme, its groups each ranked."""
    document = _document()
    _paragraph(
        document, "关于{{ year }}年度{{ scheme }}结果的通报", size=16, bold=True, center=True
    )
    _paragraph(document, "")
    _paragraph(document, "　　根据{{ year }}年度{{ scheme }}有关规定，现将考核排名情况通报如下。")
    _paragraph(document, "{%p for g in groups %}")
    _paragraph(document, "{{ g.title }}", bold=True)
    _list_table(document, ["名次", "单位（对象）", "得分", "等次"],
                ["rank", "name", "score", "grade"], [2.0, 8.0, 3.5, 3.5], "g.rows")  # fmt: skip
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "")
    _paragraph(document, "{{ office }}", right=True)
    _paragraph(document, "{{ today }}", right=True)
    document.save(str(path))


def build_report(path: Path) -> None:
    """年度考核工作报告: counts by grade, quotas used, warnings, appeals."""
    document = _document()
    _paragraph(document, "{{ year }}年度考核工作报告", size=18, bold=True, center=True)
    _paragraph(document, "")
    _paragraph(document, "　　{{ intro }}")
    _paragraph(document, "一、考核结果", size=12, bold=True)
    _list_table(document, ["考核方案", "参加考核", "已定等次", "各等次人（个）数", "暂缓/不参加"],
                ["scheme", "total", "graded", "grades", "other"], [4.5, 2.0, 2.0, 6.0, 2.5],
                "counts")  # fmt: skip
    _paragraph(document, "二、优秀等次比例", size=12, bold=True)
    _list_table(document, ["考核方案", "分组", "比例", "基数", "名额", "已用"],
                ["scheme", "group", "ratio", "base", "slots", "used"],
                [4.5, 4.0, 2.0, 2.0, 2.0, 2.5], "quotas")  # fmt: skip
    _paragraph(document, "三、预警督办", size=12, bold=True)
    _paragraph(document, "　　{{ warnings }}")
    _paragraph(document, "四、复核与申诉", size=12, bold=True)
    _paragraph(document, "　　{{ appeals }}")
    _paragraph(document, "五、需要说明的问题", size=12, bold=True)
    _paragraph(document, "{%p for v in violations %}")
    _paragraph(document, "　　{{ v }}")
    _paragraph(document, "{%p endfor %}")
    _paragraph(document, "")
    _paragraph(document, "{{ office }}", right=True)
    _paragraph(document, "{{ today }}", right=True)
    document.save(str(path))


def _workbook(path: Path, title: str, headers: list[tuple[str, int]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    sheet.cell(row=1, column=1, value="{{ title }}").font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    sheet.cell(row=1, column=1).alignment = Alignment(horizontal="center")
    sheet.cell(row=2, column=1, value="{{ subtitle }}")
    for column, (header, width) in enumerate(headers, start=1):
        cell = sheet.cell(row=3, column=column, value=header)
        cell.font, cell.border = Font(bold=True), box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(column)].width = width
        data = sheet.cell(row=4, column=column, value="{{ rows }}" if column == 1 else None)
        data.border = box
        data.alignment = Alignment(vertical="center", wrap_text=True)
    sheet.cell(row=5, column=1, value="{{ footer }}")
    sheet.print_title_rows = "3:3"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    from openpyxl.worksheet.properties import PageSetupProperties

    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    book.save(str(path))


def build_proposal(path: Path) -> None:
    """附件8 考核等次建议名单 (优秀 first, 按优秀程度从高到低)."""
    _workbook(path, "考核等次建议名单", [
        ("序号", 6), ("单位", 20), ("姓名", 10), ("职务", 24), ("测评得分", 10), ("名次", 7),
        ("建议等次", 10), ("备注", 24),
    ])  # fmt: skip


def build_ranking_xlsx(path: Path) -> None:
    _workbook(path, "排名通报", [
        ("分组", 14), ("名次", 7), ("单位（对象）", 24), ("得分", 10), ("等次", 10),
    ])  # fmt: skip


BUILDERS = {
    "registration.docx": build_registration,
    "secondment.docx": build_secondment,
    "daily.docx": build_daily,
    "ranking.docx": build_ranking,
    "report.docx": build_report,
    "proposal.xlsx": build_proposal,
    "ranking.xlsx": build_ranking_xlsx,
}


def build_all(directory: Path = HERE) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for name, builder in BUILDERS.items():
        builder(directory / name)


if __name__ == "__main__":  # pragma: no cover - the maintainers' tool
    build_all(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
