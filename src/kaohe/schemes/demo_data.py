"""Demo indicator systems of seed 001 (党建工作成效考核): the five areas of 第六条, 100 points
(第九条), 赋分 and 扣分 combined, responsible units of 第五条.

Units are named by role; ``schemes_demo_load`` finds them among the demo's departments by
the names listed in ``UNIT_NAMES`` (the first that exists; none: left empty).
"""

from __future__ import annotations

# role → candidate unit names, first match wins (001 第五条 and 附件 3)
UNIT_NAMES: dict[str, tuple[str, ...]] = {
    "organisation": ("县委组织部",),
    "organs_committee": ("县直属机关工委", "县直机关工委"),
    "education_committee": ("县委教育工委", "县教育局"),
    "enterprise_committee": ("县委国企工委", "县国资委", "县财政局"),
    "health_committee": ("县委卫健系统工委", "县卫生健康局"),
    "discipline": ("县纪委监委", "县纪委县监委"),
    "office": ("县委办公室",),
    "propaganda": ("县委宣传部",),
    "congress": ("县人大常委会机关党组", "县人大常委会办公室"),
    "united_front": ("县委统战部",),
    "justice": ("县司法局",),
    "politics_law": ("县委政法委",),
}

# 001 第五条: the lead responsible unit of each domain, by the demo's category names.
LEAD_BY_CATEGORY: dict[str, str] = {
    "镇街": "organisation",
    "县直部门": "organs_committee",
    "县直学校": "education_committee",
    "国企": "enterprise_committee",
    "公立医院": "health_committee",
}
DEMO_CATEGORIES = tuple(LEAD_BY_CATEGORY)

# (code, parent, name, points, method, cap, rule, evidence, responsible role or "lead")
Row = tuple[str, str | None, str, str, str, str | None, str, str, str]


def _area_four(first: str) -> list[Row]:
    return [
        ("4", None, "深化反腐败斗争", "15", "award", None, "", "", "discipline"),
        ("4.1", "4", "政治监督和政治生态分析研判", "8", "award", None,
         "开展党风廉政建设和反腐败斗争形势分析、党内政治生态分析研判，每半年不少于1次，少1次扣4分",
         "分析研判报告", "discipline"),
        ("4.2", "4", first, "7", "deduction", "7",
         "“一把手”和领导班子内部监督制度不健全的扣3分；年轻干部管理监督不到位、被通报的每起扣2分，扣完为止",
         "", "discipline"),
    ]  # fmt: skip


def indicator_rows(category: str) -> list[Row]:
    """The demo indicators of one category (镇街 stress 党建引领; others 党建与业务融合)."""
    town = category == "镇街"
    rows: list[Row] = [
        ("1", None, "做好新时代思想政治工作", "20", "award", None, "", "", "propaganda"),
        ("1.1", "1", "党委(党组)理论学习中心组学习", "8", "award", None,
         "全年专题学习不少于12次，每少1次扣1分；学习无研讨、无记录的扣2分",
         "学习计划、会议记录、研讨发言材料", "propaganda"),
        ("1.2", "1", "党史学习教育常态化长效化", "6", "award", None,
         "用好“学习强国”等平台和新时代学习大讲堂，党员学习覆盖率低于90%的扣2分",
         "学习平台统计截图", "propaganda"),
        ("1.3", "1", "意识形态工作责任制", "6", "deduction", "6",
         "发生意识形态领域负面事件、被上级通报的每起扣3分，扣完为止", "", "propaganda"),
        ("2", None, "提高党的组织工作质量", "30" if town else "25", "award", None, "", "",
         "lead"),
        ("2.1", "2", "基层党组织建设" if town else "机关(单位)党组织标准化规范化建设",
         "12" if town else "10", "award", None,
         "落实党支部工作条例和领域基层党组织工作条例；软弱涣散党组织整顿未按期销号的每个扣2分",
         "支部台账、整顿销号材料", "lead"),
        ("2.2", "2", "领导班子和干部队伍建设", "10" if town else "8", "award", None,
         "执行干部选拔任用工作条例，出现违规用人问题的本项不得分", "选任工作纪实", "organisation"),
        ("2.3", "2", "人才工作", "8" if town else "7", "award", None,
         "制定落实人才引进、培养、评价、激励措施，完成年度人才工作目标任务", "人才工作台账",
         "organisation"),
        ("3", None, "持之以恒正风肃纪", "15", "award", None, "", "", "discipline"),
        ("3.1", "3", "落实中央八项规定及其实施细则精神", "8", "deduction", "8",
         "违规吃喝、违规收送礼品礼金、违规发放津补贴、违规使用公务用车等问题，每起扣2分，扣完为止",
         "", "discipline"),
        ("3.2", "3", "整治形式主义官僚主义、为基层减负", "7", "deduction", "7",
         "漠视侵害群众利益、不作为乱作为慢作为假作为被查处的每起扣2分；文件会议超标的扣1分",
         "", "office"),
        *_area_four("落实“一把手”和领导班子监督、年轻干部管理监督"),
        ("5", None, "落实管党治党政治责任", "20" if town else "25", "award", None, "", "",
         "lead"),
        ("5.1", "5", "全面从严治党主体责任和“一岗双责”", "6", "award", None,
         "书记履行第一责任人职责，党建工作与中心工作同谋划、同部署、同推进、同考核",
         "党建工作要点、专题会议纪要", "lead"),
        ("5.2", "5", "党内法规执行责任制", "4", "award", None,
         "领导、组织、推进党内法规执行工作，开展党内法规学习宣传", "", "office"),
    ]  # fmt: skip
    if town:
        rows += [
            ("5.3", "5", "党建引领基层治理", "4", "award", None,
             "健全党建引领基层治理领导体制，破解基层治理难题，群众信访化解率达到目标", "",
             "politics_law"),
            ("5.4", "5", "支持人大依法履职、巩固统一战线", "3", "award", None,
             "落实党组织领导人大工作制度，支持人大代表主席团依法履职；加强统战工作领导", "",
             "congress"),
            ("5.5", "5", "法治建设和保密工作", "3", "deduction", "3",
             "发生重大法治建设问题或失泄密事件的，每起扣1.5分", "", "justice"),
        ]  # fmt: skip
    else:
        rows += [
            ("5.3", "5", "党建与业务融合、服务高质量发展", "9", "award", None,
             "围绕中心工作开展党建品牌创建，党建与业务同考核、结果互用", "党建品牌创建材料",
             "lead"),
            ("5.4", "5", "巩固和发展新时代爱国统一战线", "3", "award", None,
             "加强对统战工作的领导，落实党外代表人士联系制度", "", "united_front"),
            ("5.5", "5", "依法行政和保密工作", "3", "deduction", "3",
             "发生行政复议被纠错、行政诉讼败诉或失泄密事件的，每起扣1.5分", "", "justice"),
        ]  # fmt: skip
    rows.append(
        ("6", None, "加分项：党建工作获上级表彰或经验推广", "1", "bonus", "3",
         "获县级以上党建工作表彰或经验被上级推广的，每项加1分，最多加3分",
         "表彰文件或推广通报", "lead")
    )  # fmt: skip
    return rows
