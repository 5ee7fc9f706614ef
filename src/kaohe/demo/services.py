"""``demo_load()``: a realistic county for trying the site out.

14 towns and streets, about 50 county departments, schools, state enterprises, hospitals
and dual-managed units, about 1,500 cadres with every special case of seed 004 (principals,
secondments from all four levels with at least and fewer than 6 months, village work teams,
retirement before, on and after 12-31, open investigations, entrusted assessment, a cross
appointment and a transfer during the year), and one user for each role.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from kaohe.core.audit import audit_record
from kaohe.core.models import User
from kaohe.core.roles import Role as UserRole
from kaohe.core.services import user_create
from kaohe.orgs.models import (
    AssessmentYear,
    Cadre,
    Duty,
    Investigation,
    LeadershipLevel,
    Posting,
    Rank,
    Role,
    Secondment,
    SecondmentLevel,
    Team,
    Unit,
    UnitCategory,
    UnitFlag,
    VillageAssignment,
    precedence_of,
)
from kaohe.orgs.pinyin import search_text

DEMO_PASSWORD = "kaohe-demo-2019"

TOWNS = [
    ("T01", "城关街道"), ("T02", "东城街道"), ("T03", "青山镇"), ("T04", "白水镇"),
    ("T05", "石门镇"), ("T06", "桃源镇"), ("T07", "龙泉镇"), ("T08", "柳溪镇"),
    ("T09", "黄土镇"), ("T10", "新安镇"), ("T11", "双河镇"), ("T12", "马坪镇"),
    ("T13", "长岭镇"), ("T14", "清江镇"),
]  # fmt: skip
DEPARTMENTS = [
    ("D01", "县委办公室"), ("D02", "县政府办公室"), ("D03", "县委组织部"), ("D04", "县委宣传部"),
    ("D05", "县委统战部"), ("D06", "县委政法委"), ("D07", "县直属机关工委"), ("D08", "县纪委监委"),
    ("D09", "县发展和改革局"), ("D10", "县教育局"), ("D11", "县科技和工业信息化局"),
    ("D12", "县公安局"), ("D13", "县民政局"), ("D14", "县司法局"), ("D15", "县财政局"),
    ("D16", "县人力资源和社会保障局"), ("D17", "县自然资源局"), ("D18", "县住房和城乡建设局"),
    ("D19", "县交通运输局"), ("D20", "县水利局"), ("D21", "县农业农村局"), ("D22", "县商务局"),
    ("D23", "县文化旅游广电局"), ("D24", "县卫生健康局"), ("D25", "县应急管理局"),
    ("D26", "县审计局"), ("D27", "县市场监督管理局"), ("D28", "县统计局"), ("D29", "县医疗保障局"),
    ("D30", "县信访局"), ("D31", "县人大常委会办公室"), ("D32", "县政协办公室"), ("D33", "县人民法院"),
    ("D34", "县人民检察院"), ("D35", "县总工会"), ("D36", "共青团县委"), ("D37", "县妇联"),
]  # fmt: skip
SCHOOLS = [("S01", "县第一中学"), ("S02", "县第二中学"), ("S03", "县职业中等专业学校"),
           ("S04", "县实验小学"), ("S05", "县城关中学"), ("S06", "县特殊教育学校")]  # fmt: skip
ENTERPRISES = [("E01", "县城市建设投资集团"), ("E02", "县交通投资有限公司"),
               ("E03", "县水务集团"), ("E04", "县农业发展有限公司")]  # fmt: skip
HOSPITALS = [("H01", "县人民医院"), ("H02", "县中医医院"), ("H03", "县妇幼保健院"),
             ("H04", "县第二人民医院")]  # fmt: skip
DUAL = [("M01", "国家税务总局县税务局"), ("M02", "县气象局"), ("M03", "县烟草专卖局"),
        ("M04", "市生态环境局县分局"), ("M05", "县消防救援大队")]  # fmt: skip
UPPER = [("X01", "国家乡村振兴局", "central"), ("X02", "省农业农村厅", "province"),
         ("X03", "市发展和改革委员会", "city")]  # fmt: skip

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯健俊帆帅旭宁"
    "晨阳晓欣雪琳海波鹏飞林峰云辉亮丹婷倩梅翔勤毅颖慧佳成振东亚楠彬新春庆宏瑞"
)

TOWN_TEAM = [
    ("党委书记", Role.PRINCIPAL, [Duty.SECRETARY]),
    ("党委副书记、镇长", Role.PRINCIPAL, [Duty.HEAD, Duty.DEPUTY_SECRETARY]),
    ("人大主席", Role.MEMBER, []),
    ("党委副书记", Role.MEMBER, [Duty.DEPUTY_SECRETARY, Duty.PARTY_BUILDING]),
    ("党委委员、纪委书记", Role.MEMBER, [Duty.DISCIPLINE]),
    ("党委委员、组织委员", Role.MEMBER, [Duty.ORGANISATION, Duty.PARTY_BUILDING]),
    ("党委委员、宣传委员", Role.MEMBER, []),
    ("党委委员、武装部部长", Role.MEMBER, []),
    ("党委委员、副镇长", Role.MEMBER, []),
    ("副镇长", Role.MEMBER, []),
    ("副镇长", Role.MEMBER, []),
    ("人大副主席", Role.MEMBER, []),
    ("政法委员", Role.MEMBER, []),
    ("统战委员", Role.MEMBER, []),
]
# 一般干部 of a town: (post, the 职级 it may carry). A post is a post (办公室主任, 工作人员),
# never a 职级 title; the 职级 is the cadre's own field.
TOWN_OTHERS = [
    ("党政综合办公室主任", (Rank.PRINCIPAL_1, Rank.PRINCIPAL_2)),
    ("经济发展办公室主任", (Rank.PRINCIPAL_2, Rank.PRINCIPAL_3)),
    ("社会事务办公室主任", (Rank.PRINCIPAL_2, Rank.PRINCIPAL_3)),
    ("财政所所长", (Rank.PRINCIPAL_2, Rank.PRINCIPAL_3)),
    ("农业综合服务中心主任", (Rank.PRINCIPAL_3, Rank.PRINCIPAL_4)),
    ("社会治安综合治理中心主任", (Rank.PRINCIPAL_3, Rank.PRINCIPAL_4)),
    ("党政综合办公室工作人员", (Rank.PRINCIPAL_4, Rank.CLERK_1, Rank.CLERK_2)),
    ("经济发展办公室工作人员", (Rank.PRINCIPAL_4, Rank.CLERK_1, Rank.CLERK_2)),
]
DEPT_TEAM = [
    ("党组书记、局长", Role.PRINCIPAL, [Duty.SECRETARY, Duty.HEAD]),
    ("党组成员、副局长", Role.MEMBER, [Duty.PARTY_BUILDING]),
    ("党组成员、副局长", Role.MEMBER, []),
    ("副局长", Role.MEMBER, []),
    ("党组成员、纪检组长", Role.MEMBER, [Duty.DISCIPLINE]),
]
DEPT_OTHERS = [
    ("办公室主任", (Rank.PRINCIPAL_1, Rank.PRINCIPAL_2)),
    ("综合股股长", (Rank.PRINCIPAL_2, Rank.PRINCIPAL_3)),
    ("业务股股长", (Rank.PRINCIPAL_2, Rank.PRINCIPAL_3)),
    ("办公室工作人员", (Rank.PRINCIPAL_4, Rank.CLERK_1, Rank.CLERK_2)),
    ("业务股工作人员", (Rank.PRINCIPAL_4, Rank.CLERK_1, Rank.CLERK_2)),
]
INSTITUTION_TEAM = [
    ("党委书记", Role.PRINCIPAL, [Duty.SECRETARY]),
    ("党委副书记、院(校)长", Role.PRINCIPAL, [Duty.HEAD, Duty.DEPUTY_SECRETARY]),
    ("副院(校)长", Role.MEMBER, [Duty.PARTY_BUILDING]),
    ("副院(校)长", Role.MEMBER, []),
    ("纪委书记", Role.MEMBER, [Duty.DISCIPLINE]),
    ("工会主席", Role.MEMBER, []),
]
ENTERPRISE_TEAM = [
    ("党委书记、董事长", Role.PRINCIPAL, [Duty.SECRETARY, Duty.HEAD]),
    ("党委副书记、总经理", Role.MEMBER, [Duty.DEPUTY_SECRETARY, Duty.PARTY_BUILDING]),
    ("副总经理", Role.MEMBER, []),
    ("副总经理", Role.MEMBER, []),
    ("纪委书记", Role.MEMBER, [Duty.DISCIPLINE]),
]


# 一般干部 of schools, hospitals and enterprises: no civil-service 职级
INSTITUTION_OTHERS = [("中层负责人", ())]
ENTERPRISE_OTHERS = [("部门经理", ())]
# the 领导职务层次 of a team's 党政正职 and of its other members
LEVELS = {
    Role.PRINCIPAL: LeadershipLevel.SECTION_CHIEF,
    Role.MEMBER: LeadershipLevel.DEPUTY_SECTION,
}
# 领导职务层次 of the cadres the central, provincial and city units second (处长, 科长)
UPPER_POSTS = {
    "central": ("处长", LeadershipLevel.COUNTY_CHIEF),
    "province": ("处长", LeadershipLevel.COUNTY_CHIEF),
    "city": ("科长", LeadershipLevel.SECTION_CHIEF),
}


class DemoError(Exception):
    pass


@dataclass
class DemoSummary:
    year: int
    units: int = 0
    cadres: int = 0
    users: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit
    password: str = DEMO_PASSWORD
    special: dict[str, int] = field(default_factory=dict)


class _Names:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self) -> str:
        given = "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given


def database_is_empty() -> bool:
    return not Unit.objects.exists() and not User.objects.exists()


@transaction.atomic
def demo_load(*, year: int | None = None, seed: int = 2019) -> DemoSummary:
    """Fill an empty database with the demo county; refuse a database that holds data."""
    if not database_is_empty():
        raise DemoError("the database already holds units or users; the demo needs an empty one")
    year = year or timezone.localdate().year
    rng = random.Random(seed)
    name = _Names(rng)
    _year_start, year_end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    summary = DemoSummary(year=year)

    AssessmentYear.objects.create(year=year, name=f"{year}年度")
    AssessmentYear.objects.create(year=year - 1, name=f"{year - 1}年度")

    categories = {c.name: c for c in UnitCategory.objects.all()}
    upper_category, _created = UnitCategory.objects.get_or_create(
        name="上级单位", defaults={"order": 90, "description": "派出挂职干部的中央、省、市单位"}
    )
    flags = {f.name: f for f in UnitFlag.objects.all()}

    def make_units(
        rows: list[tuple[str, str]], category: UnitCategory, **extra: object
    ) -> list[Unit]:
        made = [
            Unit(code=code, name=unit_name, category=category, order=i, **extra)
            for i, (code, unit_name) in enumerate(rows, start=1)
        ]
        return Unit.objects.bulk_create(made)

    towns = make_units(TOWNS, categories["镇街"])
    departments = make_units(DEPARTMENTS, categories["县直部门"])
    by_code = {u.code: u for u in towns + departments}
    schools = make_units(SCHOOLS, categories["县直学校"], supervisor=by_code["D10"])
    enterprises = make_units(ENTERPRISES, categories["国企"], supervisor=by_code["D15"])
    hospitals = make_units(HOSPITALS, categories["公立医院"], supervisor=by_code["D24"])
    dual = make_units(DUAL, categories["双管单位"])
    upper = make_units([(c, n) for c, n, _level in UPPER], upper_category, is_active=True)
    county_units = towns + departments + schools + enterprises + hospitals + dual
    by_code.update({u.code: u for u in county_units + upper})
    Team.objects.bulk_create(
        [Team(unit=u, name=f"{u.name}领导班子", is_assessed=u.category != upper_category)
         for u in county_units + upper]
    )  # fmt: skip
    for code in ("T03", "T07", "D21", "D10", "H01"):
        by_code[code].flags.add(flags["先进集体"])
    for code in ("T01", "D03", "D15", "S01", "H01", "M01"):
        by_code[code].flags.add(flags["文明单位"])
    by_code["T05"].flags.add(flags["省级以上荣誉"])
    summary.units = len(county_units)

    cadres: list[Cadre] = []
    # cadre index, unit, post, role, duties, start, order in the unit
    postings: list[tuple[int, Unit, str, Role, list[str], dt.date, int]] = []

    def add(
        unit: Unit,
        post: str,
        role: Role,
        duties: list[str],
        *,
        level: str = "",
        rank: str = "",
        order: int = 0,
        **extra: object,
    ) -> int:
        birth = dt.date(rng.randint(1966, 1990), rng.randint(1, 12), rng.randint(1, 28))
        cadre_name = name()
        cadres.append(
            Cadre(
                name=cadre_name,
                gender=rng.choice(("男", "男", "女")),
                birth_date=birth,
                leadership_level=level,
                rank=rank,
                search=search_text(cadre_name),
                **extra,
            )
        )
        start = dt.date(rng.randint(year - 8, year - 1), rng.randint(1, 12), 1)
        postings.append((len(cadres) - 1, unit, post, role, [str(d) for d in duties], start, order))
        return len(cadres) - 1

    def staff(
        unit: Unit,
        team: list[tuple[str, Role, list[Duty]]],
        others: Sequence[tuple[str, tuple[str, ...]]],
        size: int,
        *,
        civil_service: bool = True,
    ) -> None:
        """The team in its listed order (the office's 排序), then 一般干部. Some members of
        a civil-service team also hold a 职级 beside their 领导职务."""
        for order, (post, role, duties) in enumerate(team, start=1):
            rank = ""
            if civil_service and role == Role.MEMBER and rng.random() < 0.3:
                rank = rng.choice((Rank.PRINCIPAL_1, Rank.PRINCIPAL_2))
            add(unit, post, role, list(duties), level=LEVELS[role], rank=rank, order=order)
        for _ in range(size - len(team)):
            post, ranks = rng.choice(others)
            add(unit, post, Role.STAFF, [], rank=rng.choice(ranks) if ranks else "")

    for town in towns:
        staff(town, TOWN_TEAM, TOWN_OTHERS, rng.randint(34, 42))
    for dept in departments:
        staff(dept, DEPT_TEAM, DEPT_OTHERS, rng.randint(14, 24))
    for unit in schools + hospitals:
        staff(unit, INSTITUTION_TEAM, INSTITUTION_OTHERS, rng.randint(8, 12), civil_service=False)
    for unit in enterprises:
        staff(unit, ENTERPRISE_TEAM, ENTERPRISE_OTHERS, rng.randint(8, 11), civil_service=False)
    for unit in dual:
        staff(unit, DEPT_TEAM, DEPT_OTHERS, rng.randint(8, 12))

    # Special cases of seed 004 -------------------------------------------------------
    secondments: list[tuple[int, str, Unit, dt.date, dt.date | None]] = []
    host_towns = iter(towns[2:] * 3)
    for code, _unit_name, level in UPPER:
        for start in (dt.date(year, 3, 1), dt.date(year, 9, 1)):  # 10 and 4 months
            post, upper_level = UPPER_POSTS[level]
            index = add(by_code[code], post, Role.STAFF, [], level=upper_level)
            secondments.append((index, level, next(host_towns), start, None))
    county_starts = [dt.date(year, 1, 1), dt.date(year, 7, 1), dt.date(year, 7, 2),
                     dt.date(year, 9, 1), dt.date(year - 1, 10, 1), dt.date(year, 11, 1)]  # fmt: skip
    for i, start in enumerate(county_starts):
        dept = departments[8 + i]
        index = add(dept, "业务股股长", Role.STAFF, [], rank=Rank.PRINCIPAL_2)
        secondments.append((index, "county", next(host_towns), start, None))
    # a county secondment that ended during the year: assessed at home
    index = add(departments[20], "办公室主任", Role.STAFF, [], rank=Rank.PRINCIPAL_1)
    secondments.append((index, "county", towns[5], dt.date(year - 1, 3, 1), dt.date(year, 2, 28)))

    village: list[tuple[int, str, dt.date, dt.date | None]] = []
    for i, town in enumerate(towns):
        dept = departments[i % len(departments)]
        index = add(dept, "业务股工作人员", Role.STAFF, [], rank=Rank.PRINCIPAL_3)
        village.append((index, f"{town.name}{rng.choice('东西南北')}{rng.choice('山岭湾坪溪')}村",
                        dt.date(year - 1, 4, 1), None))  # fmt: skip

    retired = {
        "before": add(departments[30], "综合股股长", Role.STAFF, [], rank=Rank.PRINCIPAL_1,
                      retired_on=dt.date(year, 6, 30)),
        "on": add(towns[3], "人大副主席", Role.MEMBER, [], level=LeadershipLevel.DEPUTY_SECTION,
                  order=len(TOWN_TEAM) + 1, retired_on=year_end),
        "after": add(departments[12], "办公室工作人员", Role.STAFF, [], rank=Rank.PRINCIPAL_2,
                     retired_on=dt.date(year + 1, 3, 31)),
    }  # fmt: skip

    Cadre.objects.bulk_create(cadres)
    Posting.objects.bulk_create(
        [
            Posting(cadre=cadres[i], unit=unit, post=post, role=role, duties=duties,
                    start_date=start, is_primary=True, order=order,
                    precedence=precedence_of(role, duties))
            for i, unit, post, role, duties, start, order in postings
        ]
    )  # fmt: skip
    Secondment.objects.bulk_create(
        [
            Secondment(cadre=cadres[i], level=SecondmentLevel(level), host=host,
                       start_date=start, end_date=end)
            for i, level, host, start, end in secondments
        ]
    )  # fmt: skip
    VillageAssignment.objects.bulk_create(
        [VillageAssignment(cadre=cadres[i], village=v, start_date=s, end_date=e)
         for i, v, s, e in village]
    )  # fmt: skip

    # Open investigations (and one closed during the year: graded normally).
    pool = [p[0] for p in postings if p[3] != Role.PRINCIPAL and p[1] in county_units]
    picked = rng.sample(pool, 4)
    Investigation.objects.bulk_create(
        [Investigation(cadre=cadres[i], opened_on=dt.date(year, 5 + n, 10)) for n, i in enumerate(picked[:3])]
        + [Investigation(cadre=cadres[picked[3]], opened_on=dt.date(year, 2, 1),
                         closed_on=dt.date(year, 8, 20), outcome="予以澄清")]
    )  # fmt: skip

    # A transfer during the year: the town's organisation member moved to a department.
    mover = next(cadres[p[0]] for p in postings if p[1] == towns[4] and Duty.ORGANISATION in p[4])
    old = Posting.objects.get(cadre=mover)
    old.end_date = dt.date(year, 4, 30)
    old.save(update_fields=["end_date"])
    Posting.objects.create(
        cadre=mover, unit=by_code["D03"], post="组织部副部长", role=Role.MEMBER,
        duties=[Duty.PARTY_BUILDING.value], start_date=dt.date(year, 5, 1), order=6,
        precedence=precedence_of(Role.MEMBER, [Duty.PARTY_BUILDING]),
    )  # fmt: skip
    # A cross appointment: the main duty stays in the town.
    crossing = next(cadres[p[0]] for p in postings if p[1] == towns[0] and p[2] == "政法委员")
    Posting.objects.create(
        cadre=crossing, unit=by_code["D06"], post="县委政法委委员(兼)", role=Role.MEMBER,
        duties=[], start_date=dt.date(year - 1, 6, 1), is_primary=False, order=9,
        precedence=precedence_of(Role.MEMBER, []),
    )  # fmt: skip

    summary.cadres = len(cadres)
    summary.special = {
        "secondments": len(secondments),
        "village_team": len(village),
        "retired": len(retired),
        "investigations_open": 3,
    }

    users = [
        ("admin", UserRole.OFFICE_ADMIN, None, "考核办 王主任"),
        ("scorer", UserRole.SCORER, by_code["D03"], "组织部 李科长"),
        ("liaison", UserRole.LIAISON, by_code["T03"], "青山镇 联络员"),
        ("liaison2", UserRole.LIAISON, by_code["T04"], "白水镇 联络员"),
        ("leader", UserRole.LEADER, None, "县领导 赵书记"),
        ("team", UserRole.TEAM_MEMBER, None, "第一考核组 陈组员"),
        ("committee", UserRole.COMMITTEE_MEMBER, None, "考核委 周委员"),
    ]
    for username, role, home, display in users:
        try:
            user_create(
                actor=None, username=username, password=DEMO_PASSWORD, role=role, unit=home,
                display_name=display,
            )  # fmt: skip
        except ValidationError as error:  # pragma: no cover - the constant password is valid
            raise DemoError(f"{username}: {error.messages}") from error
        summary.users.append((username, str(role.label), home.name if home else ""))

    audit_record(
        actor=None,
        action="demo.load",
        object_type="demo",
        object_repr=f"示例县 {year}",
        after={"units": summary.units, "cadres": summary.cadres, "year": year},
    )
    return summary


def demo_summary_from_database() -> DemoSummary:
    """What an already loaded database holds (the launcher prints it on later starts)."""
    latest = AssessmentYear.objects.order_by("-year").first()
    summary = DemoSummary(year=latest.year if latest else timezone.localdate().year)
    summary.units = Unit.objects.exclude(category__name="上级单位").count()
    summary.cadres = Cadre.objects.count()
    summary.users = [
        (
            user.username,
            str(UserRole(user.role).label) if user.role else "",
            user.unit.name if user.unit else "",
        )
        for user in User.objects.select_related("unit").filter(is_active=True).order_by("pk")
    ]
    return summary


def demo_instructions(summary: DemoSummary, *, url: str) -> str:
    lines = [
        f"示例县 / demo county: {summary.units} 个单位 units, {summary.cadres} 名干部 cadres, {summary.year} 年度",
        f"网址 / URL: {url}",
        f"密码 / password (all users): {summary.password}",
        "用户 / users:",
    ]
    lines += [
        f"  {username:<10} {role}{(' · ' + unit) if unit else ''}"
        for username, role, unit in summary.users
    ]
    return "\n".join(lines)


@transaction.atomic
def demo_site_load(*, year: int | None = None) -> DemoSummary:
    """What ``kaohe demo`` loads: the demo county, then on it the seed presets' schemes and
    a published 党建 indicator system per category, and the year's work so far."""
    from kaohe.ballots.demo_evaluation import ballots_demo_load
    from kaohe.ballots.demo_surveys import surveys_demo_load
    from kaohe.collection.demo_periods import periods_demo_load
    from kaohe.collection.demo_reports import reports_demo_load
    from kaohe.collection.demo_scoring import scoring_demo_load
    from kaohe.collection.demo_warnings import warnings_demo_load
    from kaohe.results.demo_documents import documents_demo_load
    from kaohe.results.demo_outcomes import demo_proposals_load
    from kaohe.results.demo_published import demo_published_load
    from kaohe.results.demo_use import use_demo_load
    from kaohe.schemes.services import schemes_demo_load

    summary = demo_load(year=year)
    schemes_demo_load(year=summary.year)
    # The year in progress: its calendar (past periods closed, the current one open).
    today = timezone.localdate()
    periods_demo_load(year=summary.year, today=today)
    reports_demo_load(year=summary.year, today=today)
    # Scores of the past quarters (and part of the current one), then their rankings.
    scoring_demo_load(year=summary.year, today=today)
    warnings_demo_load(year=summary.year, today=today)
    # Democratic evaluation: a finished session with its results, a live test-mode one.
    ballots_demo_load(year=summary.year)
    # A closed public survey with its results; leader-rating rounds, some leaders done.
    surveys_demo_load(year=summary.year)
    # The year's 004 suite graded and open to the party committees' proposals.
    outcomes = demo_proposals_load(year=summary.year, password=DEMO_PASSWORD)
    summary.users.extend(outcomes["users"])
    # The year before: graded, decided, publicised and published, with one 复核.
    if demo_published_load(password=DEMO_PASSWORD, year=summary.year) is not None:
        summary.users.append(("cadre", str(UserRole.CADRE.label), ""))
    # The forms of one town made from that year's results (a batch to download).
    documents_demo_load(year=summary.year)
    # Result use: the written explanations of decided outcomes and a what-if copy (none
    # while the demo has no decided outcome or finished run).
    use_demo_load(year=summary.year, today=today)
    return summary
