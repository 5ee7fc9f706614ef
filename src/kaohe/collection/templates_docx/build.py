"""Write the shipped 预警督办函 template with python-docx (no Django needed):
``python -m kaohe.collection.templates_docx.build [PATH]``. Each placeholder paragraph is one
run, so Word keeps each ``{{ name }}`` whole; the placeholders are listed in
``kaohe.collection.letters``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

SHIPPED = Path(__file__).resolve().parent / "warning_letter.docx"


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


if __name__ == "__main__":  # pragma: no cover - the maintainers' tool
    build_default_template(Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED)
