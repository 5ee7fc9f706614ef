"""Write the shipped Word templates with python-docx (no Django needed): the 预警督办函 and
the 半年评估通报 (``python -m kaohe.collection.templates_docx.build [PATH]`` writes the
letter; ``... build circular [PATH]`` the circular). Each placeholder paragraph is one
run, so Word keeps each ``{{ name }}`` whole; the placeholders are listed in
``kaohe.collection.letters``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "warning_letter.docx"
CIRCULAR = Path(__file__).resolve().parent / "half_year_circular.docx"


def build_default_template(path: Path) -> None:
    """Write the shipped template with python-docx (one run per placeholder paragraph, so
    Word keeps each ``{{ name }}`` whole)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(16)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")

    def paragraph(text: str, *, align: Any = None, bold: bool = False, size: int = 16) -> None:
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        if align is not None:
            para.alignment = align

    paragraph("{{ level }}灯预警督办函", align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=22)
    paragraph("{{ number }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph("{{ unit }}：")
    paragraph(
        "　　根据{{ year }}年度{{ scheme }}{{ period }}排名结果，你单位在{{ group }}类别"
        "{{ group_size }}个单位中排名第{{ rank }}名（得分{{ score }}分）。按照考核办法，"
        "对你单位予以{{ level }}灯预警督办。"
    )
    paragraph(
        "　　请你单位接到本函后，认真分析查找原因，提出整改措施，及时推动整改，并于"
        "{{ due_on }}前将整改落实情况及佐证材料通过考核系统反馈{{ office }}。逾期未反馈的，"
        "{{ office }}将予以督办。"
    )
    paragraph("")
    paragraph("{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph("{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


def build_circular_template(path: Path) -> None:
    """Write the shipped 半年评估通报 (seed 001 第十二条(六)): for each category a table of
    ranks and scores (a docxtpl ``{%tr for %}`` row), then the problems found, then the
    office's remarks. Placeholders: ``kaohe.collection.circular``."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")

    def paragraph(text: str, *, align: Any = None, bold: bool = False, size: int = 14) -> None:
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold = bold
        run.font.size = Pt(size)
        if align is not None:
            para.alignment = align

    paragraph("关于{{ year }}年度{{ scheme }}半年评估情况的通报", align=WD_ALIGN_PARAGRAPH.CENTER,
              bold=True, size=20)  # fmt: skip
    paragraph("{{ office }}　{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(
        "　　根据考核办法，{{ office }}汇总了各主要考核责任单位{{ period }}（{{ starts_on }}至"
        "{{ ends_on }}）的评估结果，共评估{{ target_count }}个考核对象，现将各类别排名、得分和"
        "存在的问题通报如下。"
    )
    paragraph("一、各类别排名和得分", bold=True)
    paragraph("{%p for group in groups %}")
    paragraph("{{ group.name }}（{{ group.size }}个单位）", bold=True)
    table = document.add_table(rows=4, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(
        table.rows[0].cells, ("名次", "单位", "得分", "扣分合计", "扣分项"), strict=True
    ):
        cell.text = text
    table.rows[1].cells[0].text = "{%tr for row in group.rows %}"
    for cell, text in zip(
        table.rows[2].cells,
        ("{{ row.rank }}", "{{ row.unit }}", "{{ row.score }}", "{{ row.deducted }}",
         "{{ row.problems }}"),
        strict=True,
    ):  # fmt: skip
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    paragraph("{%p endfor %}")
    paragraph("二、存在的问题", bold=True)
    paragraph("{%p for problem in problems %}")
    paragraph(
        "　　{{ loop.index }}. {{ problem.unit }}（{{ problem.source }}）：{{ problem.text }}"
    )
    paragraph("{%p endfor %}")
    paragraph("{%p if not problems %}")
    paragraph("　　本次评估未发现扣分问题。")
    paragraph("{%p endif %}")
    paragraph("{%p if remarks %}")
    paragraph("三、点评和工作建议", bold=True)
    paragraph("{%p for line in remarks %}")
    paragraph("　　{{ line }}")
    paragraph("{%p endfor %}")
    paragraph("{%p endif %}")
    paragraph("")
    paragraph("{{ office }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph("{{ issued_on }}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))


if __name__ == "__main__":  # pragma: no cover - the maintainers' tool
    if len(sys.argv) > 1 and sys.argv[1] == "circular":
        build_circular_template(Path(sys.argv[2]) if len(sys.argv) > 2 else CIRCULAR)
    else:
        build_default_template(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED)
