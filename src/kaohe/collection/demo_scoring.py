"""Demo scores: the past quarters and the half-year evaluation of the demo's 党建工作成效考核 (preset seed001-party,
scheme code ``party``), so the grids, totals, rankings and warnings show real content.

Works on the scheme's quarterly periods as they are (the calendar of
``periods_demo_load``: past ones closed, the current one open); when the scheme has none, creates the four quarterly
monitoring periods (001 第十一条: from the 20th of the quarter's last month to its end,
deductions only, ranked) with ``period_create``, opening the current one and closing the
past ones after scoring them. Scores every period that has started and has no scores yet
(idempotent): each target has a steady quality (so the rankings differ and persist from
quarter to quarter) plus some noise; a cell without deduction holds 0 (looked at). Where
the lead unit is not the responsible unit, it consolidates some cells. A current open
period is scored only in part, so the scorers' to-dos show. Entries are bulk-written (one
audit row per period, ``score.import``); a few field checks come through the services.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from kaohe.collection.models import (
    FieldCheckMethod,
    Period,
    PeriodKind,
    PeriodStatus,
    ScoreEntry,
)
from kaohe.collection.scoring import score_limit
from kaohe.collection.services import period_create, period_set_status
from kaohe.core.audit import audit_record
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator, IndicatorSystem, Method, Scheme, SystemStatus

HALF = Decimal("0.5")
REASONS = (
    "台账资料不完整，部分会议缺少记录",
    "未按时序进度推进，季度任务滞后",
    "被上级通报一次",
    "学习研讨流于形式，无研讨发言材料",
    "上季度发现的问题整改不到位",
    "报送材料逾期",
    "制度执行不严格，抽查发现问题",
)
FINDINGS = (
    "调阅党委会议记录，部分议题未体现“第一议题”学习",
    "走访村（社区）党组织，软弱涣散整顿台账不全",
    "个别访谈干部，反映基层减负措施落实不到位",
)


def _quarters(year: int) -> list[tuple[str, str, dt.date, dt.date]]:
    names = ("第一季度监测", "第二季度监测", "第三季度监测", "第四季度监测")
    rows = []
    for n, month in enumerate((3, 6, 9, 12), start=1):
        last = calendar.monthrange(year, month)[1]
        rows.append((f"Q{n}", names[n - 1], dt.date(year, month, 20), dt.date(year, month, last)))
    return rows


def _steps(rng: random.Random, high: Decimal) -> Decimal:
    """A multiple of 0.5 between 0.5 and ``high``."""
    top = max(1, int(high / HALF))
    return HALF * rng.randint(1, top)


@transaction.atomic
def scoring_demo_load(*, year: int, today: dt.date) -> dict[str, int]:
    made = {"periods": 0, "entries": 0, "consolidated": 0, "field_checks": 0}
    scheme = Scheme.objects.filter(year__year=year, preset="seed001-party", code="party").first()
    if scheme is None:
        return made
    created_now = False
    if not Period.objects.filter(scheme=scheme).exists():
        for key, name, starts, ends in _quarters(year):
            period_create(
                actor=None, scheme=scheme, kind=PeriodKind.QUARTERLY, key=key, name=name,
                starts_on=starts, ends_on=ends, review_due=ends, ranked=True,
                deductions_only=True,
                status=PeriodStatus.OPEN if starts <= today else PeriodStatus.PLANNED,
            )  # fmt: skip
            made["periods"] += 1
        created_now = True

    systems = list(IndicatorSystem.objects.filter(scheme=scheme).exclude(status=SystemStatus.DRAFT))
    indicators: dict[int, list[Indicator]] = defaultdict(list)
    for indicator in Indicator.objects.filter(system__in=systems).order_by("order", "code"):
        indicators[indicator.system_id].append(indicator)
    targets: dict[int, list[Unit]] = defaultdict(list)
    for unit in Unit.objects.filter(
        category_id__in=[s.category_id for s in systems], is_active=True
    ).order_by("order", "code"):
        targets[unit.category_id].append(unit)
    rng = random.Random(year * 7 + 11)
    # a steady quality per target: how often and how much it loses
    quality = {u.pk: rng.uniform(0.05, 0.45) for units in targets.values() for u in units}

    # The quarters and the half-year evaluation (001 第十二条: deductions only, reviewed by
    # the responsible units), so the half-year circular has content.
    periods = Period.objects.filter(
        scheme=scheme, kind__in=(PeriodKind.QUARTERLY, PeriodKind.HALF_YEAR), starts_on__lte=today
    ).exclude(status=PeriodStatus.PLANNED)
    for period in periods.order_by("starts_on"):
        if ScoreEntry.objects.filter(period=period).exists():
            continue
        current = period.ends_on >= today
        now = timezone.now()
        entries: list[ScoreEntry] = []
        for system in systems:
            items = indicators[system.pk]
            parents = {i.parent_id for i in items}
            leaves = [i for i in items if i.pk not in parents]
            for target in targets[system.category_id]:
                risk = quality[target.pk]
                for indicator in leaves:
                    scorer = indicator.responsible_unit or indicator.lead_unit
                    if scorer is None:
                        continue
                    if current and rng.random() < 0.45:
                        continue  # the open period: still being scored
                    limit = score_limit(indicator, period)
                    deduction = indicator.method == Method.DEDUCTION or (
                        period.deductions_only and indicator.method != Method.BONUS
                    )
                    reason = ""
                    if indicator.method == Method.BONUS:
                        if period.deductions_only:
                            continue
                        value = _steps(rng, limit) if rng.random() < 0.15 else Decimal(0)
                        reason = "获上级表彰" if value else ""
                    elif deduction:
                        if rng.random() < risk:
                            value = min(limit, _steps(rng, max(HALF, limit * Decimal("0.3"))))
                            reason = rng.choice(REASONS)
                        else:
                            value = Decimal(0)
                    else:
                        share = Decimal(str(round(1 - risk * rng.uniform(0.3, 1.0), 2)))
                        value = (indicator.points * share / HALF).quantize(Decimal(1)) * HALF
                    entries.append(
                        ScoreEntry(
                            period=period,
                            target=target,
                            indicator=indicator,
                            scorer_unit=scorer,
                            value=value,
                            reason=reason,
                            updated_at=now,
                        )
                    )
                    lead = indicator.lead_unit
                    if (
                        lead is not None
                        and lead.pk != scorer.pk
                        and deduction
                        and value > 0
                        and rng.random() < 0.3
                    ):
                        entries.append(
                            ScoreEntry(
                                period=period,
                                target=target,
                                indicator=indicator,
                                scorer_unit=lead,
                                value=max(Decimal(0), value - HALF),
                                reason=f"汇总：{reason}（结合牵头单位监测情况核减0.5分）",
                                consolidated=True,
                                updated_at=now,
                            )
                        )
                        made["consolidated"] += 1
        ScoreEntry.objects.bulk_create(entries, batch_size=500)
        made["entries"] += len(entries)
        audit_record(
            actor=None, action="score.import", obj=period,
            after={"entries": len(entries), "source": "demo"},
        )  # fmt: skip
        if created_now and not current and period.status == PeriodStatus.OPEN:
            period_set_status(actor=None, period=period, status=PeriodStatus.CLOSED)
        made["field_checks"] += _field_checks(period, systems, indicators, targets, rng, today)
    return made


def _field_checks(
    period: Period,
    systems: list[IndicatorSystem],
    indicators: dict[int, list[Indicator]],
    targets: dict[int, list[Unit]],
    rng: random.Random,
    today: dt.date,
) -> int:
    """Two field checks of towns per period; in an open period their deductions wait for the
    responsible unit's confirmation."""
    from kaohe.collection.models import PeriodStatus as Status
    from kaohe.collection.scoring_field_checks import (
        deduction_indicators,
        field_check_create,
        field_check_deduction_add,
    )

    period.refresh_from_db()
    if period.status != Status.OPEN:
        return 0
    system = next((s for s in systems if targets.get(s.category_id)), None)
    if system is None:
        return 0
    made = 0
    for n, target in enumerate(rng.sample(targets[system.category_id], 2)):
        day = min(today, period.ends_on, period.starts_on + dt.timedelta(days=2 + n))
        method = (FieldCheckMethod.DOCUMENTS, FieldCheckMethod.VISIT)[n]
        check = field_check_create(
            actor=None, period=period, target=target, method=method, checked_on=day,
            findings=FINDINGS[n], today=today,
        )  # fmt: skip
        choices = [i for i in deduction_indicators(period, target) if i.responsible_unit_id]
        if choices:
            field_check_deduction_add(
                actor=None, field_check=check, indicator=rng.choice(choices),
                points=Decimal(1), reason=FINDINGS[n],
            )  # fmt: skip
        made += 1
    return made
