"""Quarterly ranking and warnings (seed 000 三(3)): the engine ranks, this module stores.

``period_rank`` builds a ``kaohe-scenario/1`` document from the database (the scheme's
current definition, the units with their category, each target's period scores of every
ranked period of the scheme up to this one, so rules over consecutive periods see the
history), calls ``kaohe.engine.evaluate`` and keeps what comes back: the rank of each target
in its category for this period (``RankEntry``) and the engine's ``warnings`` of this period
(``PeriodWarning``, each with a ``Rectification``). Nothing here ranks or picks the bottom
places itself.

The scheme's definition is reduced to what ranking reads (id, name, grades, bands,
precision, group_by, warnings): the year's ``score`` expression, rules, quotas and ballots
read inputs a quarter does not have. Each target's ``score`` input is its score of this
period, so the engine's ``rank`` is this period's rank. A scheme without ``warnings`` uses
seed 000 三(3)'s: the bottom 2 of a category, only the last of 镇街, 红 then 黄
(``DEFAULT_WARNINGS``; a setting ``WARNING_DEFAULTS`` may replace it).

Scores: ``scored_totals``, the period's ``period_totals`` of the categories in which
something was scored (a category nobody scored is not ranked).

Re-ranking (idempotent): the ranking is replaced; a warning that the engine still gives
keeps its letter number, issue date and rectification (its level, rank and score are
updated); a warning the engine no longer gives is withdrawn (``withdrawn_at``) and its
rectification cancelled, unless already signed off (kept as history); a withdrawn warning
the engine gives again is reinstated with its number and a new one-month deadline.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaohe.collection.models import (
    Period,
    PeriodStatus,
    PeriodWarning,
    RankEntry,
    Ranking,
    Rectification,
    RectificationStatus,
)
from kaohe.collection.totals import period_totals
from kaohe.core.audit import audit_record
from kaohe.engine import ScenarioError, evaluate

DEFAULT_WARNINGS: dict[str, Any] = {
    "bottom": 2,  # 000 三(3): 排名后2名
    "bottom_by_group": {"镇街": 1},  # 000 三(3): 镇、街道为末位
    "levels": ["红", "黄"],  # 000 三(3): 红、黄灯预警督办函 (the last 红)
}
RANKING_KEYS = (
    "id", "name", "grades", "bands", "bands_by_group", "precision", "group_by", "warnings",
)  # fmt: skip
OPEN_STATES = (
    RectificationStatus.OPEN, RectificationStatus.RETURNED, RectificationStatus.SUBMITTED,
)  # fmt: skip


class RankingError(ValidationError):
    """A period that cannot be ranked (not ranked, not started, no scheme version, the
    engine refused the document), with a Chinese message."""


def one_month_after(day: dt.date) -> dt.date:
    """The same day of the next calendar month, clamped to its last day (001 第十一条(八):
    1 个月内): 03-31 → 04-30, 2024-01-31 → 2024-02-29, 12-15 → next year's 01-15."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def ranked_periods_until(period: Period) -> list[Period]:
    """The ranked periods of the period's scheme up to and including it, in order."""
    return list(
        Period.objects.filter(
            scheme_id=period.scheme_id, ranked=True, starts_on__lte=period.starts_on
        ).order_by("starts_on", "key")
    )


Totals = Callable[..., dict[int, Decimal]]


def scored_totals(*, period: Period) -> dict[int, Decimal]:
    """``period_totals`` of the categories in which something was scored this period. A
    category nobody scored is not ranked: its units would all tie (at 100 in a
    deductions-only period, at 0 otherwise) and the engine would warn every one of them."""
    from kaohe.collection.models import ScoreEntry
    from kaohe.orgs.models import Unit

    scored = ScoreEntry.objects.filter(period=period).values("target__category_id").distinct()
    units = set(Unit.objects.filter(category_id__in=scored).values_list("pk", flat=True))
    return {pk: score for pk, score in period_totals(period=period).items() if pk in units}


def ranking_document(
    *, period: Period, totals: Totals = scored_totals, alone: bool = False
) -> tuple[dict[str, Any], dict[str, int]]:
    """The engine document that ranks ``period`` and the map from its target ids (unit
    codes) to unit ids. ``alone``: this period only, without warnings (a period that is not
    a quarterly ranking, e.g. the half-year evaluation's circular)."""
    from kaohe.orgs.models import Unit

    scheme = period.scheme
    version = scheme.current_version
    if version is None:
        raise RankingError(_("考核方案还没有保存的版本，不能排名"), code="no_version")
    definition = dict(version.definition)
    reduced = {key: definition[key] for key in RANKING_KEYS if key in definition}
    reduced.setdefault("id", scheme.code)
    reduced.setdefault("grades", ["好", "较好", "一般", "差"])
    reduced.setdefault("group_by", "category")
    reduced["subject"] = "unit"
    if alone:
        reduced.pop("warnings", None)
    elif "warnings" not in reduced:
        reduced["warnings"] = getattr(settings, "WARNING_DEFAULTS", None) or DEFAULT_WARNINGS

    periods = [period] if alone else ranked_periods_until(period)
    scores = {p.key: totals(period=p) for p in periods}
    current = scores.get(period.key, {})
    units = list(
        Unit.objects.filter(pk__in=current)
        .select_related("category")
        .order_by("category__order", "order", "code")
    )
    reduced["periods"] = [p.key for p in periods]
    reduced["targets"] = [
        {
            "id": unit.code,
            "inputs": {"score": current[unit.pk]},
            "periods": {p.key: scores[p.key][unit.pk] for p in periods if unit.pk in scores[p.key]},
        }
        for unit in units
    ]
    document = {
        "format": "kaohe-scenario/1",
        "year": scheme.year.year,
        **({"policy": version.policy} if version.policy else {}),
        "entities": {
            "units": [
                {"id": unit.code, "name": unit.name, "category": unit.category.name}
                for unit in units
            ]
        },
        "schemes": [reduced],
    }
    return document, {unit.code: unit.pk for unit in units}


def json_ready(value: Any) -> Any:
    """The document with its decimals as JSON numbers (an ``int`` when whole, else the float
    whose shortest form is the decimal's own digits), so the stored copy is a document the
    engine reads back to the same numbers: ``evaluate(ranking.document)`` recomputes it."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: json_ready(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(item) for item in value]
    return value


@dataclass
class RankOutcome:
    ranking: Ranking
    issued: list[PeriodWarning] = field(default_factory=list)
    kept: list[PeriodWarning] = field(default_factory=list)
    reinstated: list[PeriodWarning] = field(default_factory=list)
    withdrawn: list[PeriodWarning] = field(default_factory=list)


@transaction.atomic
def period_rank(
    *, actor: Any, period: Period, today: dt.date | None = None, totals: Totals = scored_totals
) -> RankOutcome:
    """Rank every category of ``period`` through the engine, store the ranking and issue
    the warnings of this period (see the module's docstring for re-ranking); one audit row."""
    from kaohe.orgs.models import AssessmentYear

    period = Period.objects.select_for_update().select_related("scheme__year").get(pk=period.pk)
    # letter numbers run through the year: one ranking of the year at a time
    list(AssessmentYear.objects.select_for_update().filter(pk=period.scheme.year_id).values("pk"))
    if not period.ranked:
        raise RankingError(_("该周期不排名"), code="not_ranked")
    if period.status == PeriodStatus.PLANNED:
        raise RankingError(_("周期尚未开始，不能排名"), code="not_started")
    version = period.scheme.current_version
    if version is None:
        raise RankingError(_("考核方案还没有保存的版本，不能排名"), code="no_version")
    today = today or timezone.localdate()
    document, unit_of = ranking_document(period=period, totals=totals)
    if not unit_of:
        raise RankingError(_("该周期还没有可排名的考核对象"), code="no_targets")
    try:
        result = evaluate(document).schemes[0]
    except ScenarioError as error:
        raise RankingError(
            _("考核引擎不能计算：%(error)s") % {"error": error}, code="engine"
        ) from None

    ranking, _created = Ranking.objects.update_or_create(
        period=period,
        defaults={
            "scheme_version": version,
            "document": json_ready(document),
            "ranked_at": timezone.now(),
            "ranked_by": actor,
        },
    )
    ranking.entries.all().delete()
    sizes: dict[str, int] = {}
    for item in result.results:
        sizes[item.group or ""] = sizes.get(item.group or "", 0) + 1
    entries = {
        item.target: RankEntry(
            ranking=ranking,
            target_id=unit_of[item.target],
            group=item.group or "",
            score=(item.score or Decimal(0)).quantize(Decimal("0.01")),
            rank=item.rank or 0,
            group_size=sizes[item.group or ""],
        )
        for item in result.results
        if item.rank is not None
    }
    RankEntry.objects.bulk_create(entries.values())

    outcome = RankOutcome(ranking)
    existing = {
        w.target_id: w
        for w in PeriodWarning.objects.filter(period=period).select_related("rectification")
    }
    year = period.scheme.year.year
    serial = PeriodWarning.objects.filter(year=year).aggregate(top=Max("serial"))["top"] or 0
    warned: set[int] = set()
    for found in result.warnings:
        if found.period != period.key:
            continue
        entry = entries[found.target]
        unit_id = unit_of[found.target]
        warned.add(unit_id)
        values = {"level": found.level[:10], "group": entry.group, "rank": entry.rank,
                  "group_size": entry.group_size, "score": entry.score}  # fmt: skip
        warning = existing.get(unit_id)
        if warning is None:
            serial += 1
            warning = PeriodWarning.objects.create(
                period=period, target_id=unit_id, year=year, serial=serial, issued_on=today,
                issued_by=actor, **values,
            )  # fmt: skip
            Rectification.objects.create(
                warning=warning, unit_id=unit_id, due_on=one_month_after(today)
            )
            outcome.issued.append(warning)
            continue
        for key, value in values.items():
            setattr(warning, key, value)
        if warning.withdrawn_at is not None:
            warning.withdrawn_at = None
            warning.issued_on, warning.issued_by = today, actor
            rectification = warning.rectification
            if rectification.status == RectificationStatus.CANCELLED:
                rectification.status = RectificationStatus.OPEN
                rectification.due_on = one_month_after(today)
                rectification.escalated_on = None
                rectification.save(update_fields=["status", "due_on", "escalated_on"])
            outcome.reinstated.append(warning)
        else:
            outcome.kept.append(warning)
        warning.save()
    for unit_id, warning in existing.items():
        if unit_id in warned or warning.withdrawn_at is not None:
            continue
        warning.withdrawn_at = timezone.now()
        warning.save(update_fields=["withdrawn_at"])
        rectification = warning.rectification
        if rectification.status in OPEN_STATES:
            rectification.status = RectificationStatus.CANCELLED
            rectification.save(update_fields=["status"])
        outcome.withdrawn.append(warning)

    def names(items: list[PeriodWarning]) -> list[str]:
        return [f"{w.target_id}:{w.level}" for w in items]

    audit_record(
        actor=actor,
        action="ranking.run",
        obj=ranking,
        after={
            "period": period.pk,
            "period_key": period.key,
            "scheme_version": ranking.scheme_version_id,
            "targets": len(entries),
            "issued": names(outcome.issued),
            "kept": names(outcome.kept),
            "reinstated": names(outcome.reinstated),
            "withdrawn": names(outcome.withdrawn),
        },
    )
    return outcome
