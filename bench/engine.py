"""Benchmark of the grading engine on a generated province.

Usage (from the repository root)::

    .venv/bin/python bench/engine.py                      # 1000,10000,100000,300000 cadres
    .venv/bin/python bench/engine.py --sizes 1000,3000    # chosen sizes
    .venv/bin/python bench/engine.py --profile 100000     # cProfile of one size (stderr)

Each size runs in a fresh subprocess, so its peak memory is its own. Exactly one line
per size goes to stdout::

    cadres=N sheets=M seconds=S peak_mb=P

Diagnostics (generation time, memory held by the document, marks count) go to stderr.

``generate(cadres, seed)`` builds a ``kaohe-scenario/1`` document as plain Python data
(``Decimal``/``int`` numbers, ``datetime.date``): counties of ~14 towns (乡镇) and ~36
county departments (县直部门), grouped into cities; a ``team`` scheme and a ``cadre``
scheme with the rules of seed 004; every placement case of the scenario format in small
proportions; and 民主测评 sheets, 20 per cadre on average, produced lazily unit by unit
(six million sheets held as dicts would not fit in memory). It is deterministic for a
given seed and is reused by the tests and the web demo.
"""

from __future__ import annotations

import argparse
import datetime
import math
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

YEAR = 2023
SHEETS_PER_CADRE = 20
DEFAULT_SIZES = (1000, 10_000, 100_000, 300_000)
COUNTIES_PER_CITY = 8

TOWNS_PER_COUNTY = (12, 16)
DEPARTMENTS_PER_COUNTY = (32, 40)
TOWN_CADRES = (10, 12)
DEPARTMENT_CADRES = (5, 8)

# 民主测评: who fills in the sheets at a unit's meeting, and how often a rater breaks the
# 20% 优秀 rule (the sheet is then invalid and counts nowhere).
RATER_SHARES = (("上级", 10), ("同级", 30), ("下级", 60))  # percent of a unit's sheets
INVALID_SHEET_SHARE = 0.03
STRAY_MARK_SHARE = 0.25  # a sheet that marks one ordinary cadre 基本称职
EXCELLENT_SHARE = Decimal("0.2")

# Placement special cases per county (inclusive ranges; each case occurs at least once
# in a full county of ~400 cadres, i.e. in realistic small proportions).
SPECIAL_CASES: tuple[tuple[str, int, int], ...] = (
    ("central", 1, 1),  # 中央单位挂职
    ("province", 1, 2),  # 省直单位挂职
    ("city", 2, 3),  # 市直单位挂职
    ("county_long", 3, 5),  # 县内挂职, ≥ 6 months: assessed at the host
    ("county_short", 1, 2),  # 县内挂职, < 6 months: assessed at home
    ("village_team", 6, 10),  # 驻村工作队
    ("retired_in_year", 4, 7),  # retired on or before 12-31: not assessed
    ("retired_after_year", 3, 6),  # retires next year: assessed
    ("investigation", 1, 1),  # 立案审查 not concluded: pending
    ("sanction", 0, 1),  # 违纪违法 (target flag): set 不称职
    ("audit", 0, 1),  # 经济责任审计未结束 (target flag): pending
)
TEAM_VETO_SHARE = 0.005  # a unit with 一票否决 in the team scheme

# Decimals with one decimal place, shared (0.0 .. 100.0): a database adapter would make a
# fresh object for each value, but sharing keeps the document's own memory small so that
# peak_mb mostly measures the engine.
_TENTHS = tuple(Decimal(i).scaleb(-1) for i in range(1001))

_NAME_CHARS = "青白石龙清安平永新丰河山水阳江宁和兴东西南北长云泉林溪桥源华金玉临高"
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌海波鹏辉"

_DEPARTMENTS = (
    "县委办公室",
    "县政府办公室",
    "县纪委监委",
    "县委组织部",
    "县委宣传部",
    "县委统战部",
    "县委政法委",
    "县发展和改革局",
    "县教育局",
    "县科学技术局",
    "县工业和信息化局",
    "县公安局",
    "县民政局",
    "县司法局",
    "县财政局",
    "县人力资源和社会保障局",
    "县自然资源局",
    "县生态环境分局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县农业农村局",
    "县商务局",
    "县文化广电和旅游局",
    "县卫生健康局",
    "县退役军人事务局",
    "县应急管理局",
    "县审计局",
    "县市场监督管理局",
    "县统计局",
    "县医疗保障局",
    "县林业局",
    "县乡村振兴局",
    "县信访局",
    "县城市管理局",
    "县行政审批服务局",
    "县总工会",
    "团县委",
    "县妇联",
    "县供销社",
)
_CENTRAL_UNITS = ("国家发展改革委", "财政部", "农业农村部", "水利部", "国家乡村振兴局", "商务部")
_PROVINCE_UNITS = (
    "省委组织部",
    "省发展改革委",
    "省财政厅",
    "省农业农村厅",
    "省交通运输厅",
    "省水利厅",
    "省卫生健康委",
    "省商务厅",
)
_CITY_UNITS = ("市委组织部", "市发展改革委", "市财政局", "市农业农村局", "市住房城乡建设局")


# --- the schemes -----------------------------------------------------------------------


def _d(text: str) -> Decimal:
    return Decimal(text)


def _team_scheme() -> dict[str, Any]:
    """领导班子年度考核: weighted score, bands, a soft 30% quota on 优秀 per category."""
    return {
        "id": "team",
        "name": "领导班子年度考核",
        "subject": "team",
        "grades": ["优秀", "良好", "一般", "较差"],
        "score": {
            "sum": [
                {"weight": _d("0.5"), "of": "performance"},
                {"weight": _d("0.3"), "of": "review"},
                {"weight": _d("0.2"), "of": "leader"},
            ]
        },
        "precision": 2,
        "bands": {"优秀": 90, "良好": 80, "一般": 60},
        "group_by": "category",
        "quotas": [{"grade": "优秀", "ratio": _d("0.30"), "soft": True}],
        "tie_breakers": ["leader"],
        "rules": [{"id": "veto", "when": {"flag": "一票否决"}, "then": {"set": "较差"}}],
        "targets": [],
    }


def _cadre_scheme(sheets: SheetStream) -> dict[str, Any]:
    """领导干部年度考核 (seed 004): 测评 + 实绩 + 述职, 20% 优秀 following the team's grade."""
    return {
        "id": "cadre",
        "name": "领导干部年度考核",
        "subject": "cadre",
        "grades": ["优秀", "称职", "基本称职", "不称职"],
        "score": {
            "sum": [
                {"weight": _d("0.5"), "of": "ballot"},
                {"weight": _d("0.3"), "of": "work"},
                {"weight": _d("0.2"), "of": "report"},
            ],
            "minus": ["deduction"],
            "clamp": [0, 100],
        },
        "precision": 2,
        "bands": {"优秀": 90, "称职": 60, "基本称职": 40},
        "quotas": [
            {
                "grade": "优秀",
                "ratio": _d("0.20"),
                "ratio_by_grade_of": {
                    "scheme": "team",
                    "grades": {"优秀": _d("0.25"), "一般": _d("0.20"), "较差": _d("0.15")},
                },
            }
        ],
        "tie_breakers": ["work", "report"],
        "rules": [
            {
                "id": "audit_pending",
                "when": {"flag": "审计未结"},
                "then": {"pending": "经济责任审计未结束"},
            },
            {"id": "sanction", "when": {"flag": "违纪违法"}, "then": {"set": "不称职"}},
            {
                "id": "leader_rating_excellent",
                "when": {"input": "leader_ratings", "lacks": "优秀"},
                "then": {"cap": "称职"},
            },
            {
                "id": "ballot_for_excellent",
                "when": {"input": "ballot", "below": 90},
                "then": {"cap": "称职"},
            },
            {
                "id": "principal_of_general_team",
                "when": {
                    "all": [
                        {"role": "principal"},
                        {"grade_of": {"scheme": "team", "of": "unit", "is": "一般"}},
                    ]
                },
                "then": {"cap": "称职"},
                "soft": True,
            },
            {
                "id": "principal_of_poor_team",
                "when": {
                    "all": [
                        {"role": "principal"},
                        {"grade_of": {"scheme": "team", "of": "unit", "is": "较差"}},
                    ]
                },
                "then": {"cap": "基本称职"},
                "soft": True,
            },
            {
                "id": "admonition",
                "when": {"grade": {"at_most": "基本称职"}},
                "then": {"require": "诫勉谈话"},
            },
        ],
        "ballots": {
            "into": "ballot",
            "choices": {"优秀": 100, "称职": 80, "基本称职": 60, "不称职": 0},
            "rater_weights": {"上级": _d("0.3"), "同级": _d("0.3"), "下级": _d("0.4")},
            "max_share": {"优秀": EXCELLENT_SHARE},
            "sheets": sheets,
        },
        "targets": [],
    }


# --- 民主测评 sheets ----------------------------------------------------------------------


@dataclass(slots=True)
class Meeting:
    """One unit's 民主测评 meeting: every sheet marks every cadre assessed there."""

    index: int
    unit: str
    cadres: list[str]  # best first
    cum_weights: list[float]  # how likely a rater picks each cadre as 优秀 (cumulative)
    weak: list[tuple[str, float, float]]  # (cadre, P(不称职), P(不称职 or 基本称职))
    sheets: int = 0


POOL_SIZE = 40  # distinct mark sets per meeting (see SheetStream.__iter__)


class SheetStream:
    """The sheets of all meetings, generated lazily; iterable any number of times.

    Each meeting draws from its own ``random.Random``, seeded from the document's seed
    and the meeting's index, so the sheets are the same on every iteration.
    """

    def __init__(self, meetings: list[Meeting], seed: int) -> None:
        self.meetings = meetings
        self.seed = seed
        self.count = sum(meeting.sheets for meeting in meetings)
        self.marks = sum(meeting.sheets * len(meeting.cadres) for meeting in meetings)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        # Each meeting's sheets cycle through a pool of POOL_SIZE generated mark sets, each
        # sheet a new mapping with its own rater class: the engine does the same work for
        # every sheet, and the benchmark measures the engine rather than this generator.
        for meeting in self.meetings:
            pool = [
                sheet["marks"] for sheet in islice(_meeting_sheets(meeting, self.seed), POOL_SIZE)
            ]
            superiors, peers = _rater_bounds(meeting.sheets)
            for number in range(meeting.sheets):
                rater = "上级" if number < superiors else "同级" if number < peers else "下级"
                yield {"rater": rater, "marks": pool[number % len(pool)]}

    def __repr__(self) -> str:
        return f"<SheetStream sheets={self.count} marks={self.marks}>"


def _rater_bounds(sheets: int) -> tuple[int, int]:
    """The sheets numbered below the first bound are superiors', then peers' up to the second."""
    superiors = (sheets * RATER_SHARES[0][1] + 50) // 100
    return superiors, superiors + (sheets * RATER_SHARES[1][1] + 50) // 100


def _meeting_sheets(meeting: Meeting, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed * 1_000_003 + meeting.index)
    draw = rng.random
    cadres = meeting.cadres
    size = len(cadres)
    allowed = int(EXCELLENT_SHARE * size)  # floor(0.2 × cadres on the sheet)
    everyone_competent = dict.fromkeys(cadres, "称职")
    cum_weights = meeting.cum_weights
    weak = meeting.weak
    superiors, peers = _rater_bounds(meeting.sheets)
    for number in range(meeting.sheets):
        rater = "上级" if number < superiors else "同级" if number < peers else "下级"
        marks = everyone_competent.copy()
        if draw() < STRAY_MARK_SHARE:
            marks[cadres[int(draw() * size)]] = "基本称职"
        for cadre, fail, basic in weak:
            roll = draw()
            if roll < basic:
                marks[cadre] = "不称职" if roll < fail else "基本称职"
        if draw() < INVALID_SHEET_SHARE:
            # Deliberately invalid: one 优秀 more than the 20% the sheet may give.
            for cadre in rng.sample(cadres, allowed + 1):
                marks[cadre] = "优秀"
        elif allowed:
            # Repeated draws of the same cadre give a sheet with fewer 优秀, as happens.
            for cadre in rng.choices(cadres, cum_weights=cum_weights, k=allowed):
                marks[cadre] = "优秀"
        yield {"rater": rater, "marks": marks}


# --- the province ----------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    entity: dict[str, Any]
    quality: float  # latent merit, standard normal: drives ballots and inputs
    town: bool  # works in a town (乡镇)
    flags: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Builder:
    seed: int
    units: list[dict[str, Any]] = field(default_factory=list)
    people: list[_Person] = field(default_factory=list)
    team_targets: list[dict[str, Any]] = field(default_factory=list)
    senders: dict[str, dict[str, Any]] = field(default_factory=dict)
    counties: int = 0

    def sender(self, level: str, rng: random.Random, county: int) -> str:
        """A unit above the county that sends a cadre on secondment (created on first use)."""
        if level == "central":
            index = rng.randrange(len(_CENTRAL_UNITS))
            unit_id, name, category = f"central-{index}", _CENTRAL_UNITS[index], "中央单位"
        elif level == "province":
            index = rng.randrange(len(_PROVINCE_UNITS))
            unit_id, name, category = f"prov-{index}", _PROVINCE_UNITS[index], "省直单位"
        else:
            city = county // COUNTIES_PER_CITY
            index = rng.randrange(len(_CITY_UNITS))
            unit_id = f"city{city}-{index}"
            name = f"{_place_name(random.Random(self.seed + city), '市')}{_CITY_UNITS[index][1:]}"
            category = "市直单位"
        if unit_id not in self.senders:
            unit = {"id": unit_id, "name": name, "category": category}
            self.senders[unit_id] = unit
            self.units.append(unit)
        return unit_id

    def add_county(self, budget: int) -> None:
        """Add one county of at most ``budget`` cadres (the last county may be cut short)."""
        county = self.counties
        self.counties += 1
        rng = random.Random(self.seed * 7919 + county)
        county_name = _place_name(rng, "县")
        plan = [("乡镇", TOWN_CADRES)] * rng.randint(*TOWNS_PER_COUNTY)
        plan += [("县直部门", DEPARTMENT_CADRES)] * rng.randint(*DEPARTMENTS_PER_COUNTY)
        departments = rng.sample(_DEPARTMENTS, len(plan) - plan.count(plan[0]))
        members: list[_Person] = []
        town_members: list[_Person] = []
        town_ids: list[str] = []
        for number, (category, sizes) in enumerate(plan):
            if budget <= 0:
                break
            is_town = category == "乡镇"
            if is_town:
                unit_id = f"c{county}-t{number}"
                name = county_name + _place_name(rng, rng.choice("镇镇镇乡"))
                town_ids.append(unit_id)
            else:
                unit_id = f"c{county}-d{number}"
                name = departments.pop().replace("县", county_name, 1)  # 县财政局 → 青山县财政局
            size = min(budget, rng.randint(*sizes))
            budget -= size
            self.units.append({"id": unit_id, "name": name, "category": category})
            self.team_targets.append(_team_target(unit_id, rng))
            principals = 2 if is_town or rng.random() < 0.35 else 1
            for seat in range(size):
                cadre: dict[str, Any] = {
                    "id": f"{unit_id}-{seat}",
                    "name": _person_name(rng),
                    "unit": unit_id,
                }
                if seat < principals:
                    cadre["role"] = "principal"
                    if seat == 0:
                        cadre["duties"] = ["secretary"]
                elif seat == principals:
                    cadre["duties"] = ["party_building"]
                person = _Person(cadre, rng.gauss(0.0, 1.0), is_town)
                self.people.append(person)
                if seat >= principals:
                    members.append(person)
                    if is_town:
                        town_members.append(person)
        self._place_special_cases(county, rng, members, town_members, town_ids)

    def _place_special_cases(
        self,
        county: int,
        rng: random.Random,
        members: list[_Person],
        town_members: list[_Person],
        town_ids: list[str],
    ) -> None:
        taken: set[int] = set()

        def pick(pool: list[_Person]) -> _Person | None:
            free = [person for person in pool if id(person) not in taken]
            if not free:
                return None
            person = rng.choice(free)
            taken.add(id(person))
            return person

        department_members = [person for person in members if not person.town]
        for case, low, high in SPECIAL_CASES:
            for occurrence in range(rng.randint(low, high)):
                upward = case in ("central", "province", "city")
                county_move = case in ("county_long", "county_short")
                pool = town_members if upward else department_members if county_move else members
                person = pick(pool)
                if person is None or (county_move and not town_ids):
                    continue
                cadre = person.entity
                if upward:
                    # A cadre of a unit above the county, seconded to a town (挂职副镇长).
                    months = rng.choice((3, 6, 12, 12, 24))
                    host = cadre["unit"]
                    cadre["unit"] = self.sender(case, rng, county)
                    cadre["secondment"] = {"level": case, "host": host, "months": months}
                elif county_move:
                    months = rng.randint(6, 12) if case == "county_long" else rng.randint(1, 5)
                    host = rng.choice(town_ids)
                    cadre["secondment"] = {"level": "county", "host": host, "months": months}
                elif case == "village_team":
                    cadre["village_team"] = True
                elif case == "retired_in_year":
                    # The first of every third county retires on 12-31 itself (a boundary).
                    last_day = occurrence == 0 and county % 3 == 0
                    day = 364 if last_day else rng.randrange(365)
                    cadre["retired_on"] = datetime.date(YEAR, 1, 1) + datetime.timedelta(day)
                elif case == "retired_after_year":
                    day = rng.randrange(365)
                    cadre["retired_on"] = datetime.date(YEAR + 1, 1, 1) + datetime.timedelta(day)
                elif case == "investigation":
                    cadre["investigation"] = "open"
                elif case == "sanction":
                    person.flags.append("违纪违法")
                    person.quality = min(person.quality, -1.5)
                elif case == "audit":
                    person.flags.append("审计未结")


def _place_name(rng: random.Random, suffix: str) -> str:
    return rng.choice(_NAME_CHARS) + rng.choice(_NAME_CHARS) + suffix


def _person_name(rng: random.Random) -> str:
    given = rng.choice(_GIVEN) + (rng.choice(_GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(_SURNAMES) + given


def _tenths(value: float, low: int, high: int) -> Decimal:
    """``value`` rounded to one decimal place within [low, high], as a shared Decimal."""
    return _TENTHS[min(max(round(value * 10), low * 10), high * 10)]


def _team_target(unit_id: str, rng: random.Random) -> dict[str, Any]:
    strength = rng.gauss(0.0, 1.0)
    target: dict[str, Any] = {
        "id": unit_id,
        "inputs": {
            "performance": _tenths(86 + 4 * strength + rng.gauss(0, 2.5), 40, 100),
            "review": _tenths(87 + 3 * strength + rng.gauss(0, 2.0), 40, 100),
            "leader": _tenths(87 + 4 * strength + rng.gauss(0, 3.0), 40, 100),
        },
    }
    if rng.random() < TEAM_VETO_SHARE:
        target["flags"] = ["一票否决"]
    return target


def _cadre_target(person: _Person, rng: random.Random) -> dict[str, Any]:
    quality = person.quality
    excellent = min(max(0.2 + 0.2 * quality, 0.02), 0.85)
    fair = 0.05 if quality > -1 else 0.35
    ratings = []
    for _quarter in range(4):
        roll = rng.random()
        ratings.append("优秀" if roll < excellent else "一般" if roll > 1 - fair else "良好")
    deduction = _TENTHS[rng.randrange(5, 31)] if rng.random() < 0.03 else _TENTHS[0]
    target: dict[str, Any] = {
        "id": person.entity["id"],
        "inputs": {
            "work": _tenths(86 + 5 * quality + rng.gauss(0, 2.0), 30, 100),
            "report": _tenths(86 + 3 * quality + rng.gauss(0, 2.5), 30, 100),
            "leader_ratings": ratings,
            "deduction": deduction,
        },
    }
    if person.flags:
        target["flags"] = person.flags
    return target


def assessed_at(cadre: dict[str, Any], year: int = YEAR) -> str | None:
    """The unit whose 民主测评 meeting marks ``cadre``: None when it is not assessed.

    This follows the placement of the scenario format (principals are marked at their own
    unit's meeting, though the engine ranks them in the separate 单列 list).
    """
    retired_on = cadre.get("retired_on")
    if cadre.get("village_team") or (retired_on and retired_on <= datetime.date(year, 12, 31)):
        return None
    secondment = cadre.get("secondment")
    if secondment and (secondment["level"] != "county" or secondment["months"] >= 6):
        return str(secondment["host"])
    return str(cadre["unit"])


def _meetings(people: list[_Person], total_sheets: int) -> list[Meeting]:
    by_unit: dict[str, list[_Person]] = {}
    for person in people:
        unit = assessed_at(person.entity)
        if unit is not None:
            by_unit.setdefault(unit, []).append(person)
    meetings = []
    for index, (unit, present) in enumerate(by_unit.items()):
        present.sort(key=lambda person: -person.quality)
        weights = [math.exp(2.4 * person.quality) for person in present]
        cum_weights = [sum(weights[: i + 1]) for i in range(len(weights))]
        weak = [
            (
                person.entity["id"],
                0.3 if person.quality < -2.5 else 0.1 if person.quality < -2 else 0.0,
                min(0.8, 0.25 + 0.35 * (-1.2 - person.quality)),
            )
            for person in present
            if person.quality < -1.2
        ]
        ids = [person.entity["id"] for person in present]
        meetings.append(Meeting(index, unit, ids, cum_weights, weak))
    # 20 sheets per cadre on average: the sheets are shared out in proportion to the cadres
    # marked at each meeting (largest remainders), so that the total is exactly 20 × cadres.
    marked = sum(len(meeting.cadres) for meeting in meetings)
    remainders = []
    for meeting in meetings:
        meeting.sheets, remainder = divmod(total_sheets * len(meeting.cadres), marked)
        remainders.append((-remainder, meeting.index))
    for _, index in sorted(remainders)[: total_sheets - sum(m.sheets for m in meetings)]:
        meetings[index].sheets += 1
    return meetings


def generate(cadres: int, seed: int = 1) -> dict[str, Any]:
    """A ``kaohe-scenario/1`` document with ``cadres`` cadres and 20 × ``cadres`` sheets.

    The sheets (``schemes[1].ballots.sheets``) are a ``SheetStream``: generated lazily,
    the same on every iteration.
    """
    if cadres < 1:
        raise ValueError("cadres must be at least 1")
    builder = _Builder(seed)
    while len(builder.people) < cadres:
        builder.add_county(cadres - len(builder.people))
    rng = random.Random(seed)
    team = _team_scheme()
    team["targets"] = builder.team_targets
    sheets = SheetStream(_meetings(builder.people, SHEETS_PER_CADRE * cadres), seed)
    cadre = _cadre_scheme(sheets)
    cadre["targets"] = [_cadre_target(person, rng) for person in builder.people]
    return {
        "format": "kaohe-scenario/1",
        "year": YEAR,
        "policy": {"quota_rounding": "floor", "ties_at_cutoff": "hold"},
        "entities": {
            "units": builder.units,
            "cadres": [person.entity for person in builder.people],
        },
        "schemes": [team, cadre],
    }


# --- measuring -------------------------------------------------------------------------


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def measure(cadres: int, seed: int) -> str:
    """Generate and grade one size in this process; the stdout line for it."""
    from kaohe.engine import evaluate

    started = time.perf_counter()
    document = generate(cadres, seed)
    generated = time.perf_counter()
    document_mb = _peak_mb()
    sheets: SheetStream = document["schemes"][1]["ballots"]["sheets"]
    # Timed: evaluate() and to_dict(). The sheets are generated lazily while evaluate()
    # reads them, so their generation is inside the time: the conservative choice.
    start = time.perf_counter()
    result = evaluate(document)
    evaluated = time.perf_counter()
    data = result.to_dict()
    done = time.perf_counter()
    peak = _peak_mb()
    print(
        f"cadres={cadres}: generation {generated - started:.2f}s (document {document_mb:.0f} MB"
        f" peak so far), evaluate {evaluated - start:.2f}s, to_dict {done - evaluated:.2f}s,"
        f" units={len(document['entities']['units'])} marks={sheets.marks}"
        f" schemes={len(data['schemes'])}",
        file=sys.stderr,
    )
    return f"cadres={cadres} sheets={sheets.count} seconds={done - start:.2f} peak_mb={peak:.0f}"


def profile(cadres: int, seed: int, top: int = 15) -> None:
    """cProfile of evaluate() + to_dict() on one size; the top functions go to stderr."""
    import cProfile
    import pstats

    from kaohe.engine import evaluate

    document = generate(cadres, seed)
    profiler = cProfile.Profile()
    profiler.enable()
    evaluate(document).to_dict()
    profiler.disable()
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler, stream=sys.stderr).sort_stats(order).print_stats(top)


def _sizes(text: str) -> list[int]:
    sizes = [int(part) for part in text.split(",") if part.strip()]
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers, e.g. 1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the subprocess
    parser.add_argument("--profile", type=int, metavar="CADRES", help="cProfile one size")
    args = parser.parse_args(argv)
    if args.one is not None:
        print(measure(args.one, args.seed), flush=True)
        return 0
    if args.profile is not None:
        profile(args.profile, args.seed)
        return 0
    failed = False
    for cadres in args.sizes:
        # A fresh interpreter per size, so that ru_maxrss is this size's peak alone.
        command = [sys.executable, str(Path(__file__).resolve()), "--one", str(cadres)]
        child = subprocess.run(
            [*command, "--seed", str(args.seed)], stdout=subprocess.PIPE, text=True, check=False
        )
        if child.returncode != 0:
            print(f"cadres={cadres}: failed with status {child.returncode}", file=sys.stderr)
            failed = True
            continue
        print(child.stdout.strip(), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
