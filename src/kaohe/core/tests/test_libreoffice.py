"""The workbooks the site hands out open in LibreOffice (how this field exchanges data):
each export and template is converted by ``soffice --headless`` and its first sheet read."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from pathlib import Path

from kaohe.core.tests.tools import require_installed, skip_unless_installed

SOFFICE = shutil.which("soffice")

pytestmark = skip_unless_installed(SOFFICE is not None, "LibreOffice (soffice)")


def first_sheet_in_libreoffice(content: bytes, tmp_path: Path) -> list[list[str]]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "book.xlsx"
    source.write_bytes(content)
    require_installed(SOFFICE is not None, "LibreOffice (soffice)")
    assert SOFFICE is not None
    subprocess.run(
        [SOFFICE, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
         "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path),
         str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    with (tmp_path / "book.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_libreoffice_opens_the_unit_team_cadre_and_assignment_exports(cast, tmp_path):
    from kaohe.orgs import services
    from kaohe.orgs.models import Cadre, Team, Unit
    from kaohe.orgs.selectors import cadre_records, with_current_state
    from kaohe.orgs.workbooks import (
        ASSIGNMENTS,
        CADRES,
        TEAMS,
        UNITS,
        assignments_export,
        cadres_export,
        teams_export,
        units_export,
    )

    services.village_assignment_create(
        actor=None, cadre=cast.cadre_a, village="青石村", start_date=dt.date(2024, 2, 1)
    )

    for kind, content, expected in (
        (UNITS, units_export(Unit.objects.order_by("code")), cast.unit_a.name),
        (TEAMS, teams_export(Team.objects.order_by("unit__code")), cast.unit_a.name),
        (
            CADRES,
            cadres_export(with_current_state(Cadre.objects.order_by("pk"))),
            cast.cadre_a.name,
        ),
        (ASSIGNMENTS, assignments_export(cadre_records(Cadre.objects.all())), "青石村"),
    ):
        rows = first_sheet_in_libreoffice(content, tmp_path / kind.key)
        assert rows[0][: len(kind.columns)] == [column.header for column in kind.columns]
        assert any(expected in row for row in rows[1:]), kind.key


def test_libreoffice_opens_the_templates(tmp_path):
    from kaohe.orgs.workbooks import KINDS, template_bytes
    from kaohe.schemes import excel

    for key, kind in KINDS.items():
        rows = first_sheet_in_libreoffice(template_bytes(kind), tmp_path / key)
        assert rows[0][: len(kind.columns)] == [column.header for column in kind.columns]
    rows = first_sheet_in_libreoffice(excel.template_bytes(), tmp_path / "indicators")
    assert "编码" in rows[0][0]


def test_libreoffice_opens_an_indicator_system_export(tmp_path):
    from kaohe.schemes import excel

    rows = [
        {"code": "1", "name": "思想政治工作", "points": "40", "method": "award"},
        {"code": "1.1", "parent": "1", "name": "理论学习", "points": "40", "method": "award",
         "evidence_required": True, "evidence_text": "会议记录"},
    ]  # fmt: skip
    sheet = first_sheet_in_libreoffice(excel.export_bytes(rows), tmp_path)
    assert [row[:4] for row in sheet[1:3]] == [
        ["1", "", "思想政治工作", "40"],
        ["1.1", "1", "理论学习", "40"],
    ]
