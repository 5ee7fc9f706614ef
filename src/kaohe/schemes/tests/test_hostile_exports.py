"""Every export of the site, run over a database seeded with hostile text: control
characters (which openpyxl refuses), values a spreadsheet would take for formulas
(= + - @, tab, CR; OWASP's CSV-injection list) and 10,000-character names. Each must
answer a workbook with no error and no live formula; a cell that starts like a formula
is a string with Excel's quote prefix.

The exports are found in the URL configuration (every route ending in .xlsx), so a new
export without a case here fails ``test_every_export_of_the_url_conf_is_covered``.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO

import pytest
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook

from kaohe.core.xlsx import FORMULA_START

FORMULAS = ("=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1",
            "\r=1")  # fmt: skip
CONTROL = "\x0b\x1b\x00\u202e"
LONG = "名" * 10_000
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _hostile(i: int, max_length: int | None = None) -> str:
    text = f"{FORMULAS[i % len(FORMULAS)]}{CONTROL}{LONG}"
    if connection.vendor != "sqlite":  # PostgreSQL refuses NUL and keeps a column's length
        text = text.replace("\x00", "")[:max_length]
    return text


def _xlsx_routes() -> set[str]:
    """The names (namespace:name) of every route of the site that ends in .xlsx."""
    found: set[str] = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and str(pattern.pattern).endswith(".xlsx"):
                found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return found


@pytest.fixture
def hostile(cast, draft_system):
    """The cast's rows and a draft system renamed with hostile text; an audit row, a
    secondment, a village stint and an investigation with it; a refused upload whose
    cells hold a real formula and whose errors hold hostile text."""
    from kaohe.core.models import AuditEntry, RejectedUpload
    from kaohe.orgs import services
    from kaohe.orgs.models import Cadre, Investigation, Posting, Team, Unit, VillageAssignment
    from kaohe.schemes.models import Indicator

    Unit.objects.filter(pk=cast.unit_a.pk).update(name=_hostile(0, 100))
    Team.objects.filter(unit=cast.unit_a).update(name=_hostile(1, 120))
    Cadre.objects.filter(pk=cast.cadre_a.pk).update(name=_hostile(2, 50), note=_hostile(3))
    Posting.objects.filter(cadre=cast.cadre_a).update(post=_hostile(4, 100))
    services.village_assignment_create(
        actor=None, cadre=cast.cadre_a, village="青石村", start_date=dt.date(2024, 2, 1)
    )
    VillageAssignment.objects.update(village=_hostile(5, 100))
    services.investigation_open(actor=None, cadre=cast.cadre_b, opened_on=dt.date(2024, 3, 1))
    Investigation.objects.update(outcome=_hostile(0, 200))
    for i, indicator in enumerate(Indicator.objects.filter(system=draft_system)):
        Indicator.objects.filter(pk=indicator.pk).update(name=_hostile(i, 200), rule=_hostile(i))
    AuditEntry.objects.create(
        actor_name=_hostile(1, 150),
        at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        action="login.fail",
        object_repr=_hostile(2, 200),
        after={"username": _hostile(3)},
    )
    book = Workbook()
    book.active.title = "干部"
    book.active.append(["干部编号", "姓名"])
    book.active.append([None, "=1+1"])  # a live formula in the uploaded file
    buffer = BytesIO()
    book.save(buffer)
    rejected = RejectedUpload.objects.create(
        owner=cast.admin,
        file_name=_hostile(4, 200),
        sheet="干部",
        file=buffer.getvalue(),
        errors=[{"row": 2, "column": "B", "header": "姓名", "message": _hostile(5)}],
        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    from kaohe.schemes.services import scheme_set_status

    scheme = scheme_set_status(actor=None, scheme=draft_system.scheme, status="published")
    return {
        "system": draft_system,
        "rejected": rejected,
        "scheme": scheme,
        "survey": _hostile_survey(cast),
        "outcome": _hostile_outcome(cast, scheme),
        "session": _hostile_session(cast),
        "round": _hostile_round(cast),
    }


def _hostile_session(cast):
    """An evaluation session of the hostile unit (its cadre's name is hostile text)."""
    from kaohe.ballots.tests.conftest import make_session

    session = make_session(cast)
    type(session).objects.filter(pk=session.pk).update(name=_hostile(3, 120))
    return session


def _hostile_round(cast):
    """A closed cadre rating round of the hostile cadre, rated by the leader."""
    from kaohe.ballots import ratings
    from kaohe.ballots.models import RatingStatus
    from kaohe.schemes.tests.factories import year_2024

    round_ = ratings.rating_round_create(
        actor=None, year=year_2024(), name="县领导评价", subject="cadre",
        raters=[cast.leader], cadres=[cast.cadre_a],
    )  # fmt: skip
    type(round_).objects.filter(pk=round_.pk).update(name=_hostile(4, 100))
    ratings.ratings_save(actor=cast.leader, round=round_, values={cast.cadre_a.pk: "优秀"})
    ratings.rating_round_set_status(actor=None, round=round_, status=RatingStatus.CLOSED)
    return round_


def _hostile_outcome(cast, scheme):
    """A decided outcome whose target's name and obligations are hostile text."""
    import json

    from django.utils import timezone

    from kaohe.results.models import FinalGrade, Outcome, Run, RunRow

    now = timezone.now()
    target = f"u{cast.unit_a.pk}"
    result = {"format": "kaohe-result/1", "schemes": [{"id": f"s{scheme.pk}", "results": [
        {"target": target, "requires": [_hostile(1)], "awards": [_hostile(2)]}]}]}  # fmt: skip
    run = Run.objects.create(year=scheme.year, status="done", snapshot="{}",
                             result=json.dumps(result), created_at=now, finished_at=now)  # fmt: skip
    row = RunRow.objects.create(run=run, scheme=scheme, target=target, unit=cast.unit_a,
                                name=_hostile(0, 100), status="graded", grade="一般",
                                position=0)  # fmt: skip
    outcome = Outcome.objects.create(year=scheme.year, suite=scheme.suite, run=run,
                                     status="decided", created_at=now)  # fmt: skip
    FinalGrade.objects.create(outcome=outcome, scheme=scheme, target=target, unit=cast.unit_a,
                              row=row, status="graded", computed_grade="一般", grade="一般",
                              updated_at=now)  # fmt: skip
    return outcome


def _hostile_survey(cast):
    """A closed survey of the hostile unit whose questions and options are hostile text."""
    from kaohe.ballots import surveys
    from kaohe.ballots.models import SurveyQuestion
    from kaohe.ballots.tests import survey_factories

    survey = survey_factories.survey([cast.unit_a], codes=2)
    for i, question in enumerate(SurveyQuestion.objects.filter(survey=survey)):
        choices = [[_hostile(i, 20), 100], ["b", 0]]
        SurveyQuestion.objects.filter(pk=question.pk).update(text=_hostile(i, 300), choices=choices)
    survey_factories.answer_all(survey, survey.areas.get(), [0, 1, 0])
    surveys.survey_set_status(actor=None, survey=survey, status="closed")
    return survey


def _requests(hostile):
    """Every export as (route name, args, query strings)."""
    kinds = [{"kind": k} for k in ("units", "teams", "cadres", "assignments")]
    return {
        "core:audit_export": ([], [{}]),
        "core:rejected_download": ([hostile["rejected"].pk], [{}]),
        "orgs:workbook_template": ([], kinds),
        "orgs:workbook_export": ([], kinds),
        "schemes:system_template": ([], [{}]),
        "schemes:system_export": ([hostile["system"].pk], [{}]),
        "results:component_template": ([hostile["scheme"].pk], [{}]),
        "results:use_xlsx": ([hostile["outcome"].pk], [{}]),
        "ballots:survey_template": ([hostile["survey"].pk], [{}]),
        "ballots:survey_results_export": ([hostile["survey"].pk], [{}]),
        "ballots:session_paper_template": ([hostile["session"].pk], [{}]),
        "ballots:rating_round_export": ([hostile["round"].pk], [{}]),
    }


def test_every_export_of_the_url_conf_is_covered(hostile):
    assert set(_requests(hostile)) == _xlsx_routes()


def test_every_export_survives_hostile_text_and_writes_no_live_formula(client, cast, hostile):
    client.force_login(cast.admin)
    seen_hostile = 0
    for name, (args, queries) in _requests(hostile).items():
        for query in queries:
            response = client.get(reverse(name, args=args), query)
            assert response.status_code == 200, (name, query)
            assert "no-store" in response["Cache-Control"]
            book = load_workbook(BytesIO(response.content))
            for sheet in book.worksheets:
                for row in sheet.iter_rows():
                    for cell in row:
                        assert cell.data_type != "f", (name, query, cell.coordinate)
                        if not isinstance(cell.value, str):
                            continue
                        assert not FORBIDDEN.search(cell.value), (name, cell.coordinate)
                        if cell.value.startswith(FORMULA_START):
                            assert cell.quotePrefix, (name, query, cell.coordinate)
                        seen_hostile += cell.value.startswith(FORMULAS)
    assert seen_hostile >= 10  # the hostile rows did reach the exports


@pytest.mark.skipif(
    __import__("shutil").which("soffice") is None, reason="LibreOffice (soffice) is not installed"
)
def test_libreoffice_shows_formula_like_text_as_typed_and_computes_nothing(cast, tmp_path):
    from kaohe.core.tests.test_libreoffice import first_sheet_in_libreoffice
    from kaohe.orgs.models import Team
    from kaohe.orgs.workbooks import teams_export

    Team.objects.filter(unit=cast.unit_a).update(name="=1+1")
    Team.objects.filter(unit=cast.unit_b).update(name="+2+3")
    rows = first_sheet_in_libreoffice(teams_export(Team.objects.order_by("unit__code")), tmp_path)
    names = {row[2] for row in rows[1:]}
    assert {"=1+1", "+2+3"} <= names and "2" not in names and "5" not in names
