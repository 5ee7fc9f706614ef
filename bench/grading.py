"""Grading the demo county from the database: build the scenario, evaluate, store.

Usage (from the repository root)::

    .venv/bin/python bench/grading.py            # SQLite in a temporary directory
    .venv/bin/python bench/grading.py --counties 3
    .venv/bin/python bench/grading.py --database-url postgresql://…/empty_db

In a fresh SQLite file the demo county is loaded (``demo_site_load``: ~1,500 cadres, the
seed presets' schemes); ``--counties N`` adds N - 1 copies of its units and cadres (a city).
The suite of seed 004 (领导班子年度考核 and 领导干部年度考核) is published and graded:
the teams' scores are imported components (``ComponentScore``); the cadres' 民主测评
sheets and leader ratings stand in for the ballots app (it has no models yet) as one more
provider, the sheets produced lazily unit by unit. Exactly one line goes to stdout::

    cadres=N build_s=B engine_s=E store_s=S queries=Q

``build_s``: building the document and writing its JSON snapshot; ``engine_s``: the engine
on the snapshot; ``store_s``: the result and its rows; ``queries``: the database queries of
building and storing (they do not grow with the number of cadres).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SUITE_OF_PRESET = "seed004-annual"
RATERS = ("班子成员", "中层负责人", "支部成员", "村两委负责人", "职工代表")
CHOICES = ("优秀", "称职", "称职", "称职", "基本称职")
SHEETS_PER_RATER = 4


def _setup() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaohe.config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()


def _copies(counties: int) -> None:
    """Copy the county's units, teams, cadres and their primary postings N - 1 times."""
    from kaohe.orgs.models import Cadre, Posting, Team, Unit

    units = list(Unit.objects.filter(category__name__in=["镇街", "县直部门"]))
    postings = list(Posting.objects.filter(is_primary=True, unit__in=units).select_related("cadre"))
    for copy in range(1, counties):
        made = Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{u.code}-{copy}",
                    name=f"{u.name}{copy}",
                    category_id=u.category_id,
                    order=u.order,
                )
                for u in units
            ]
        )
        new_unit = {old.pk: new for old, new in zip(units, made, strict=True)}
        Team.objects.bulk_create([Team(unit=u, name=f"{u.name}领导班子") for u in made])
        cadres = Cadre.objects.bulk_create(
            [Cadre(name=p.cadre.name, gender=p.cadre.gender) for p in postings]
        )
        Posting.objects.bulk_create(
            [
                Posting(
                    cadre=c,
                    unit=new_unit[p.unit_id],
                    post=p.post,
                    role=p.role,
                    duties=p.duties,
                    start_date=p.start_date,
                    precedence=p.precedence,
                )
                for c, p in zip(cadres, postings, strict=True)
            ]
        )


def _suite(year: int) -> str:
    from kaohe.schemes.models import Scheme

    return Scheme.objects.filter(year__year=year, preset=SUITE_OF_PRESET).values_list(
        "suite", flat=True
    )[0]


def _prepare(year: int) -> Any:
    from django.utils import timezone

    from kaohe.results.models import ComponentScore
    from kaohe.schemes.models import Scheme
    from kaohe.schemes.services import scheme_set_status

    team = Scheme.objects.get(year__year=year, preset=SUITE_OF_PRESET, code="team")
    cadre = Scheme.objects.get(year__year=year, preset=SUITE_OF_PRESET, code="cadre")
    for scheme in (team, cadre):  # the site's demo publishes them already
        if scheme.status != "published":
            scheme_set_status(actor=None, scheme=scheme, status="published")
    from kaohe.orgs.models import Team

    if ComponentScore.objects.filter(scheme=team).exists():  # imported by the site's demo
        return cadre

    rng = random.Random(7)
    now = timezone.now()
    ComponentScore.objects.bulk_create(
        [ComponentScore(scheme=team, unit_id=unit, input_name="score",
                        value=Decimal(rng.randint(7000, 9900)) / 100, updated_at=now)
         for unit in Team.objects.filter(is_assessed=True).values_list("unit_id", flat=True)]
    )  # fmt: skip
    return cadre


@contextlib.contextmanager
def demo_to_grade(
    database_url: str | None, year: int = 2024, counties: int = 1
) -> Iterator[tuple[Any, Any, str]]:
    """The demo county (``counties`` copies of it) loaded in a temporary database (SQLite,
    or the empty PostgreSQL one named), its seed-004 suite ready: (a new run of the suite,
    not yet graded; the cadre scheme; the suite)."""
    with tempfile.TemporaryDirectory() as var:
        os.environ.update(KAOHE_VAR_DIR=var, DEBUG="1")
        os.environ.pop("DATABASE_URL", None)
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        os.environ.pop("CELERY_BROKER_URL", None)
        _setup()
        from django.core.management import call_command
        from django.utils import timezone

        from kaohe.demo.services import demo_site_load
        from kaohe.orgs.models import AssessmentYear
        from kaohe.results.models import Run, RunStatus

        call_command("migrate", verbosity=0)
        demo_site_load(year=year)
        _copies(counties)
        cadre = _prepare(year)
        suite = _suite(year)
        run = Run.objects.create(
            year=AssessmentYear.objects.get(year=year), suite=suite, status=RunStatus.RUNNING,
            created_at=timezone.now(),
        )  # fmt: skip
        yield run, cadre, suite


def grade(run: Any, suite: str) -> tuple[Any, float, float, float]:
    """Build the run's scenario, grade it and store it: (the engine's result, the seconds
    of each of the three)."""
    from django.db import transaction

    from kaohe.engine import evaluate, load_text
    from kaohe.results import jsonout
    from kaohe.results.builder import PROVIDERS, build_scenario
    from kaohe.results.services import run_store

    started = time.perf_counter()
    scenario = build_scenario(run.year.year, suite, providers=(*PROVIDERS, ballots_stand_in))
    run.snapshot = jsonout.dumps(scenario.document)
    built = time.perf_counter()
    result = evaluate(load_text(run.snapshot))
    graded = time.perf_counter()
    with transaction.atomic():
        run.save(update_fields=["snapshot"])
        run.versions.set(scenario.versions)
        run_store(run=run, result=result)
    return result, built - started, graded - built, time.perf_counter() - graded


@contextlib.contextmanager
def graded_demo(database_url: str | None, year: int = 2024) -> Iterator[tuple[Any, Any]]:
    """The demo county with its seed-004 suite graded and stored as a run: (run, the
    cadre scheme)."""
    with demo_to_grade(database_url, year) as (run, cadre, suite):
        grade(run, suite)
        yield run, cadre


def ballots_stand_in(context: Any) -> dict[str, Any]:
    """Sheets and leader ratings for the cadre schemes, as the ballots app will give them:
    per unit, each rater class marks its cadres, at most 20% 优秀 on a sheet."""
    from kaohe.results.builder import Contribution

    out: dict[str, Any] = {}
    units = {c["id"]: c["unit"] for c in context.entities["cadres"]}
    for scheme in context.schemes:
        if scheme.subject != "cadre":
            continue
        contribution = Contribution()
        by_unit: dict[str, list[str]] = defaultdict(list)
        for target in scheme.targets:
            by_unit[units[target]].append(target)
            contribution.inputs[target]["leader_ratings"] = ["优秀", "称职"][: 1 + len(target) % 2]

        def sheets(by_unit: dict[str, list[str]] = by_unit) -> Any:
            rng = random.Random(11)
            for cadres in by_unit.values():
                best = len(cadres) // 5
                for rater in RATERS:
                    for _sheet in range(SHEETS_PER_RATER):
                        marks, given = {}, 0
                        for cadre in cadres:
                            choice = rng.choice(CHOICES)
                            if choice == "优秀":
                                if given >= best:
                                    choice = "称职"
                                given += 1
                            marks[cadre] = choice
                        yield {"rater": rater, "marks": marks}

        contribution.sheets = sheets
        out[scheme.id] = contribution
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--counties", type=int, default=1)
    parser.add_argument(
        "--database-url", help="an empty PostgreSQL database to use instead of SQLite"
    )
    args = parser.parse_args()
    with demo_to_grade(args.database_url, counties=args.counties) as (run, cadre_scheme, suite):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        profile = None
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        connection.queries_log.clear()  # the demo's queries would fill the log's 9,000
        with CaptureQueriesContext(connection) as queries:
            result, build_s, engine_s, store_s = grade(run, suite)
        if profile is not None:
            import pstats

            profile.disable()
            pstats.Stats(profile, stream=sys.stderr).sort_stats("cumulative").print_stats(35)
        cadres = len(result.scheme(f"s{cadre_scheme.pk}").results)
        print(
            f"cadres={cadres} build_s={build_s:.2f} engine_s={engine_s:.2f} "
            f"store_s={store_s:.2f} queries={len(queries.captured_queries)}"
        )


if __name__ == "__main__":
    main()
