"""The half-year circular (seed 001 第十二条(六)): after the half-year period closes, the office
downloads a .docx (from a template it can replace) and an .xlsx with each category's ranking
and scores and the problems found."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from kaohe.collection.circular import CircularError, circular_build, circular_docx, circular_xlsx
from kaohe.collection.models import PeriodKind, PeriodStatus
from kaohe.collection.scoring import score_set
from kaohe.collection.scoring_field_checks import field_check_create
from kaohe.collection.services import period_create, period_set_status
from kaohe.core.tests.tools import require_installed, skip_unless_installed

D = Decimal
SOFFICE = shutil.which("soffice")


@pytest.fixture
def h1(cast, party, town_system):
    from kaohe.schemes.services import scheme_set_status

    scheme = scheme_set_status(actor=None, scheme=party["party"], status="published")
    period = period_create(
        actor=None, scheme=scheme, kind=PeriodKind.HALF_YEAR, key="H1", name="半年评估",
        starts_on=dt.date(2024, 6, 15), ends_on=dt.date(2024, 6, 30),
        report_due=dt.date(2024, 6, 20), review_due=dt.date(2024, 6, 25),
        deductions_only=True, status=PeriodStatus.OPEN,
    )  # fmt: skip
    ind = {i.code: i for i in town_system.indicators.all()}
    score_set(
        actor=cast.scorer, period=period, unit=cast.responsible_unit, target=cast.unit_a,
        indicator=ind["1.2"], value=D(3), reason="中心组学习记录缺少研讨内容",
    )  # fmt: skip
    field_check_create(
        actor=cast.team_member, period=period, target=cast.unit_b, method="visit",
        checked_on=dt.date(2024, 6, 22), findings="=HYPERLINK(\"x\") 走访发现党员活动室长期未开放",
        today=dt.date(2024, 6, 25),
    )  # fmt: skip
    return period


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_no_circular_before_the_period_closes(cast, h1):
    with pytest.raises(CircularError) as refused:
        circular_build(period=h1)
    assert refused.value.code == "not_closed"


def test_the_circular_ranks_each_category_and_lists_the_problems(cast, h1):
    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    built = circular_build(period=h1)
    (towns,) = [g for g in built.groups if any(r.unit == cast.unit_a for r in g.rows)]
    ranks = {row.unit.name: (row.rank, row.score, row.deducted) for row in towns.rows}
    assert ranks[cast.unit_b.name][0] == 1 and ranks[cast.unit_a.name][0] > 1
    assert ranks[cast.unit_a.name][2] == D(3)
    assert ranks[cast.unit_a.name][1] < ranks[cast.unit_b.name][1]
    texts = [p.text for p in built.problems]
    assert any("中心组学习记录缺少研讨内容" in t and "扣 3 分" in t for t in texts)
    assert '=HYPERLINK("x") 走访发现党员活动室长期未开放' in texts


def test_the_docx_holds_the_table_the_problems_and_the_remarks(cast, h1):
    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    built = circular_build(period=h1)
    text = _docx_text(circular_docx(built, remarks="一要抓整改\n二要<严>督办"))
    assert "半年评估情况的通报" in text
    assert cast.unit_a.name in text and cast.unit_b.name in text
    assert "中心组学习记录缺少研讨内容" in text and "走访发现党员活动室长期未开放" in text
    assert "一要抓整改" in text and "二要&lt;严&gt;督办" in text  # escaped, not XML
    assert "{%" not in text and "{{" not in text


def test_the_xlsx_writes_the_same_table_with_user_text_as_text(cast, h1):
    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    built = circular_build(period=h1)
    book = load_workbook(BytesIO(circular_xlsx(built)))
    ranking = [row for row in book["排名和得分"].iter_rows(values_only=True)]
    assert ranking[0] == ("类别", "名次", "单位", "得分", "扣分合计", "扣分项")
    names = [row[2] for row in ranking[1:]]
    assert cast.unit_a.name in names and cast.unit_b.name in names
    problems = book["存在问题"]
    cells = [c for row in problems.iter_rows(min_row=2) for c in row if c.value]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s" and formula.quotePrefix


def test_the_office_downloads_both_files_from_the_page(client, cast, h1):
    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    client.force_login(cast.admin)
    url = reverse("collection:circular", args=[h1.pk])
    page = client.get(url).content.decode()
    assert "半年评估通报" in page and cast.unit_a.name in page
    answer = client.post(url, {"op": "docx", "remarks": "抓好整改"})
    assert answer["Content-Disposition"].startswith("attachment")
    assert "抓好整改" in _docx_text(answer.content)
    answer = client.post(url, {"op": "xlsx", "remarks": ""})
    assert load_workbook(BytesIO(answer.content))["排名和得分"].max_row >= 3
    calendar = client.get(reverse("collection:period_calendar", args=[h1.scheme_id]))
    assert url in calendar.content.decode()
    client.force_login(cast.liaison)
    assert client.get(url).status_code == 403


def test_an_open_period_sends_the_office_back_with_a_message(client, cast, h1):
    client.force_login(cast.admin)
    answer = client.get(reverse("collection:circular", args=[h1.pk]), follow=True)
    assert "半年评估结束（考核办关闭该周期）后才能生成通报" in answer.content.decode()


def test_the_office_replaces_the_template_and_goes_back(client, cast, h1):
    from docx import Document

    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    document = Document()
    document.add_paragraph("自定义通报 {{ scheme }} {% for g in groups %}{{ g.name }}{% endfor %}")
    buffer = BytesIO()
    document.save(buffer)
    client.force_login(cast.admin)
    url = reverse("collection:circular_template")
    upload = BytesIO(buffer.getvalue())
    upload.name = "my.docx"
    answer = client.post(url, {"op": "upload", "file": upload}, follow=True)
    assert "模板已上传" in answer.content.decode()
    built = circular_build(period=h1)
    assert "自定义通报" in _docx_text(circular_docx(built))
    # the warning letter keeps its own template
    from kaohe.collection import letters

    assert b"my.docx" not in letters.template_bytes()
    broken = Document()
    broken.add_paragraph("{{ scheme ")
    buffer = BytesIO()
    broken.save(buffer)
    bad = BytesIO(buffer.getvalue())
    bad.name = "bad.docx"
    page = client.post(url, {"op": "upload", "file": bad}).content.decode()
    assert "模板不能填写" in page
    client.post(url, {"op": "reset"})
    assert "自定义通报" not in _docx_text(circular_docx(built))


@skip_unless_installed(SOFFICE is not None, "LibreOffice (soffice)")
def test_libreoffice_opens_the_circular(cast, h1, tmp_path):
    require_installed(SOFFICE is not None, "LibreOffice (soffice)")
    h1 = period_set_status(actor=cast.admin, period=h1, status=PeriodStatus.CLOSED)
    source = tmp_path / "circular.docx"
    source.write_bytes(circular_docx(circular_build(period=h1), remarks="抓好整改"))
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "txt:Text", "--outdir", str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    text = (tmp_path / "circular.txt").read_text(encoding="utf-8-sig")
    assert cast.unit_a.name in text and "抓好整改" in text


def test_a_period_that_is_not_half_year_has_no_circular(cast, q1):
    with pytest.raises(ValidationError):
        circular_build(period=q1)
