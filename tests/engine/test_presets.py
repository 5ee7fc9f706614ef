"""The presets (``src/kaohe/presets``) evaluated by the engine on generated targets.

Each preset is filled the way a caller fills it (units, cadres, targets, sheets) with
deterministic random data plus a few hand-made targets whose outcome the seed decides,
then evaluated. The checks recompute what can be recomputed independently (scores,
places from the bottom, warnings, quota slots, ballot tallies) and assert each seed rule
on the targets it must touch.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import pytest

from kaohe.engine import evaluate
from kaohe.presets import (
    PresetInfo,
    UnknownPresetError,
    list_presets,
    load_preset,
    preset_text,
)

D = Decimal
YEAR = 2024
QUARTERS = ("Q1", "Q2", "Q3", "Q4")
PRESET_IDS = ("seed000-style", "seed001-party", "seed002-team", "seed004-annual")


# --- helpers -------------------------------------------------------------------------


def run(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Evaluate and return the result's schemes by id."""
    result = evaluate(document).to_dict()
    assert result["format"] == "kaohe-result/1"
    return {scheme["id"]: scheme for scheme in result["schemes"]}


def rows(scheme: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["target"]: row for row in scheme["results"]}


def scheme_of(document: Mapping[str, Any], scheme_id: str) -> dict[str, Any]:
    return next(s for s in document["schemes"] if s["id"] == scheme_id)


def rule_of(scheme: Mapping[str, Any], rule_id: str) -> dict[str, Any]:
    return next(r for r in scheme["rules"] if r["id"] == rule_id)


def num(value: object) -> Decimal:
    assert value is not None
    return D(str(value))


def round2(value: Decimal | Fraction) -> Decimal:
    if isinstance(value, Fraction):
        value = D(value.numerator) / D(value.denominator)
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def slots(ratio: Decimal, base: int) -> int:
    return int((ratio * base).to_integral_value(rounding=ROUND_FLOOR))


def band(score: Decimal, bands: Mapping[str, Decimal], grades: tuple[str, ...]) -> str:
    for grade in grades[:-1]:
        if score >= bands[grade]:
            return grade
    return grades[-1]


def worse(grades: tuple[str, ...], *candidates: str) -> str:
    return grades[max(grades.index(grade) for grade in candidates)]


def random_score(rng: random.Random, low: int, high: int) -> Decimal:
    """A score with two decimals in [low, high]."""
    return D(rng.randint(low * 100, high * 100)) / 100


def place_from_bottom(score: Decimal, scores: Iterable[Decimal]) -> int:
    return 1 + sum(1 for other in scores if other < score)


def walk(data: object) -> Iterable[object]:
    """Every value of a nested document."""
    if isinstance(data, Mapping):
        for value in data.values():
            yield from walk(value)
    elif isinstance(data, list):
        for value in data:
            yield from walk(value)
    else:
        yield data


def competition_rank(score: Decimal, scores: Iterable[Decimal]) -> int:
    return 1 + sum(1 for other in scores if other > score)


# --- the presets module --------------------------------------------------------------


def test_list_presets_names_every_yaml_file_with_its_seed_and_schemes() -> None:
    presets = list_presets()
    assert all(isinstance(info, PresetInfo) for info in presets)
    assert [info.id for info in presets] == list(PRESET_IDS)
    assert [info.seed for info in presets] == ["000", "001", "002", "004"]
    files = {
        entry.name.removesuffix(".yaml")
        for entry in resources.files("kaohe.presets").iterdir()
        if entry.name.endswith(".yaml")
    }
    assert files == set(PRESET_IDS)
    schemes = {info.id: info.schemes for info in presets}
    assert schemes == {
        "seed000-style": ("style",),
        "seed001-party": ("review", "party"),
        "seed002-team": ("team", "cadre"),
        "seed004-annual": ("team", "cadre"),
    }
    for info in presets:
        assert re.search(r"[\u4e00-\u9fff]", info.title), info.title  # a Chinese title
        assert info.name == info.title
        assert info.description and "\n" not in info.description


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_each_preset_loads_without_targets_or_entities(preset_id: str) -> None:
    document = load_preset(preset_id)
    assert document["format"] == "kaohe-scenario/1"
    assert isinstance(document["year"], int)
    assert "entities" not in document
    assert document["schemes"]
    for scheme in document["schemes"]:
        assert scheme["targets"] == []
    assert not any(isinstance(value, float) for value in walk(document))  # exact numbers only
    assert load_preset(preset_id, year=2031)["year"] == 2031
    # A new document every time: filling one does not change the next.
    document["schemes"][0]["targets"].append({"id": "x"})
    assert load_preset(preset_id)["schemes"][0]["targets"] == []


def test_numbers_are_exact_decimals() -> None:
    party = scheme_of(load_preset("seed001-party"), "party")
    weights = [term["weight"] for term in party["score"]["sum"]]
    assert weights == [D("0.875"), D("0.125")]
    inner = [term["weight"] for term in party["score"]["sum"][0]["of"]["sum"]]
    assert inner == [D("0.8"), D("0.2")]


def test_an_unknown_preset_is_refused_with_the_known_ids() -> None:
    with pytest.raises(KeyError) as caught:
        load_preset("seed999")
    assert isinstance(caught.value, UnknownPresetError)
    for preset_id in PRESET_IDS:
        assert preset_id in str(caught.value)
    with pytest.raises(UnknownPresetError):
        preset_text("../pyproject")


NUMBER = re.compile(r"(?<![\w/.\-])\d+(?:\.\d+)?(?![\w.])")


@pytest.mark.parametrize("preset_id", PRESET_IDS)
def test_every_number_and_rule_carries_a_comment_citing_the_seed(preset_id: str) -> None:
    text = preset_text(preset_id)
    seed = preset_id[4:7]
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        data, _, comment = line.partition("#")
        if data.startswith("format:") or not NUMBER.search(data):
            continue
        assert comment.strip(), f"{preset_id}:{number}: a number without a comment: {line}"
        assert seed in comment or "choice" in comment or "caller" in comment, (
            f"{preset_id}:{number}: the comment cites neither seed {seed} nor a choice: {line}"
        )
    for scheme in load_preset(preset_id)["schemes"]:
        for rule in scheme.get("rules", []):
            start = next(i for i, line in enumerate(lines) if f"- id: {rule['id']}" in line)
            block = []
            for line in lines[start + 1 :]:
                if line.strip().startswith("- id:") or not line.startswith(" " * 8):
                    break
                block.append(line)
            comments = " ".join(line.partition("#")[2] for line in block)
            assert seed in comments, f"{preset_id}: rule {rule['id']} cites no clause of {seed}"


# --- seed 000 ------------------------------------------------------------------------

CATEGORIES_000 = {"镇街": ("z", 9), "市直部门": ("s", 12), "双管单位": ("d", 6)}


def fill_000() -> dict[str, Any]:
    rng = random.Random(2000)
    document = load_preset("seed000-style", year=YEAR)
    units: list[dict[str, Any]] = []
    targets: list[dict[str, Any]] = []
    for category, (prefix, size) in CATEGORIES_000.items():
        for i in range(1, size + 1):
            units.append({"id": f"{prefix}{i}", "category": category})
            targets.append(
                {
                    "id": f"{prefix}{i}",
                    "inputs": {"score": random_score(rng, 55, 99)},
                    "periods": {q: random_score(rng, 55, 99) for q in QUARTERS},
                }
            )
    # Hand-made 市直部门 units (scores above every random one, periods below).
    special = [
        ("veto_integrity", D("97"), {}, ["党风廉政建设一票否决"]),
        ("veto_safety", D("95.5"), {}, ["安全生产一票否决"]),
        ("low_q2_q3", D("98"), {"Q2": D("10"), "Q3": D("10")}, []),  # two consecutive
        ("low_q1_q3", D("99.5"), {"Q1": D("10"), "Q3": D("10")}, []),  # not consecutive
    ]
    for unit_id, score, low, flags in special:
        units.append({"id": unit_id, "category": "市直部门"})
        periods = {q: low.get(q, random_score(rng, 55, 99)) for q in QUARTERS}
        targets.append(
            {"id": unit_id, "inputs": {"score": score}, "periods": periods, "flags": flags}
        )
    # Two 镇街 units tied last in Q4: both get the red light.
    for target in targets:
        if target["id"] in ("z8", "z9"):
            target["periods"]["Q4"] = D("50")
    document["entities"] = {"units": units}
    document["schemes"][0]["targets"] = targets
    return document


def test_seed000_preset_grades_every_unit_as_the_seed_says() -> None:
    document = fill_000()
    style = document["schemes"][0]
    grades = tuple(style["grades"])
    assert style["bands"] == {"好": D("90"), "较好": D("80"), "一般": D("60")}
    result = run(document)["style"]
    by_id = rows(result)
    category = {unit["id"]: unit["category"] for unit in document["entities"]["units"]}
    targets = {target["id"]: target for target in style["targets"]}
    assert set(by_id) == set(targets)

    members: dict[str, list[str]] = defaultdict(list)
    for target_id in targets:
        members[category[target_id]].append(target_id)

    # Bottom 25% of the category in two consecutive quarters (000 三、4).
    bottom_twice: set[str] = set()
    expected_warnings: set[tuple[str, str, str]] = set()
    for group, ids in members.items():
        previous: set[str] = set()
        for quarter in QUARTERS:
            scores = [targets[i]["periods"][quarter] for i in ids]
            places = {i: place_from_bottom(targets[i]["periods"][quarter], scores) for i in ids}
            current = {i for i, p in places.items() if p <= D("0.25") * len(ids)}
            bottom_twice |= current & previous
            previous = current
            warned = 1 if group == "镇街" else 2  # 000 三、3
            for i, p in places.items():
                if p <= warned:
                    expected_warnings.add((i, quarter, "红" if p == 1 else "黄"))

    for group, ids in members.items():
        scores = [targets[i]["inputs"]["score"] for i in ids]
        for target_id in ids:
            row = by_id[target_id]
            score = targets[target_id]["inputs"]["score"]
            assert row["status"] == "graded" and row["group"] == group
            assert num(row["score"]) == score
            assert row["rank"] == competition_rank(score, scores)
            band_grade = band(score, style["bands"], grades)
            flags = targets[target_id].get("flags", [])
            if flags:  # 000 三、4: 一票否决 → 较差 whatever the score
                assert row["grade"] == "较差", target_id
                continue
            ceiling = worse(grades, band_grade, "较好") if target_id in bottom_twice else band_grade
            if ceiling == "好":  # the quota may move it to 较好
                assert row["grade"] in ("好", "较好"), target_id
            else:
                assert row["grade"] == ceiling, target_id
        # 000 三、4: 好 ≤ 30% of the category, rounded down.
        quota = next(q for q in result["quotas"] if q["group"] == group and q["grade"] == "好")
        assert quota["base"] == len(ids)
        assert quota["slots"] == slots(D("0.30"), len(ids))
        good = [i for i in ids if by_id[i]["grade"] == "好"]
        assert len(good) == quota["used"] <= quota["slots"]
        # A 好-band unit left at 较好 only because the slots ran out (or a tie is held).
        for target_id in ids:
            row = by_id[target_id]
            left_out = row["grade"] == "较好" and not targets[target_id].get("flags")
            in_good_band = band(num(row["score"]), style["bands"], grades) == "好"
            if left_out and in_good_band and target_id not in bottom_twice:
                assert len(good) == quota["slots"] or row["needs_decision"], target_id

    assert by_id["veto_integrity"]["grade"] == "较差"
    assert by_id["veto_safety"]["grade"] == "较差"
    assert "low_q2_q3" in bottom_twice and by_id["low_q2_q3"]["grade"] == "较好"
    assert "low_q1_q3" not in bottom_twice and by_id["low_q1_q3"]["grade"] == "好"
    assert {(w["target"], w["period"], w["level"]) for w in result["warnings"]} == expected_warnings
    assert ("z8", "Q4", "红") in expected_warnings and ("z9", "Q4", "红") in expected_warnings
    assert result["violations"] == []


# --- seed 001 ------------------------------------------------------------------------

DOMAINS_001 = {"乡镇(街道)": 10, "县直单位": 10, "县直学校": 6, "县管国企": 4}


def party_score(inputs: Mapping[str, Decimal]) -> Decimal:
    """001 第十四条 and 第十五条, computed here by hand."""
    total = D("0.8") * inputs["indicators"] + D("0.2") * inputs["review"]
    weighted = D("0.875") * total + D("0.125") * inputs["leader"]
    return round2(weighted + inputs["bonus"] - inputs["deduction"])


def fill_001() -> tuple[dict[str, Any], dict[str, str], dict[str, Decimal]]:
    rng = random.Random(2001)
    document = load_preset("seed001-party", year=YEAR)
    units: list[dict[str, Any]] = []
    party_targets: list[dict[str, Any]] = []

    def add(unit_id: str, domain: str, values: tuple[str, ...], flags: list[str]) -> None:
        indicators, review, leader, bonus, deduction = (D(v) for v in values)
        units.append({"id": unit_id, "category": domain})
        inputs = {
            "indicators": indicators,
            "review": review,
            "leader": leader,
            "bonus": bonus,
            "deduction": deduction,
        }
        party_targets.append({"id": unit_id, "inputs": inputs, "flags": flags})

    for n, (domain, size) in enumerate(DOMAINS_001.items()):
        for i in range(1, size + 1):
            values = tuple(str(random_score(rng, 70, 99)) for _ in range(3))
            extra = (str(D(rng.randint(0, 20)) / 10), str(D(rng.randint(0, 30)) / 10))
            add(f"d{n}u{i}", domain, values + extra, [])
    # 县直单位: hand-made targets (every random score is at least 67).
    add("hand1", "县直单位", ("90", "85", "80", "0", "0"), [])  # spec: 87.875 → 87.88
    add("hand2", "县直单位", ("92.5", "88", "90", "2", "0.75"), [])  # 91.4 + 2 − 0.75
    add("criticized", "县直单位", ("98", "96", "97", "0", "0"), ["党建工作受通报批评"])
    add("falsified", "县直单位", ("97", "95", "96", "0", "0"), ["弄虚作假"])
    add("education", "县直单位", ("96", "94", "95", "0", "0"), ["集中教育满意度一般及以下"])
    add("last", "县直单位", ("60", "60", "60", "0", "0"), ["存在重大问题造成严重影响"])
    # 公立医院: five hand-made hospitals; h4 is in the bottom 3 and shows little progress,
    # h1 shows little progress too but ranks first.
    add("h1", "公立医院", ("96", "95", "96", "0", "0"), ["年度工作任务成效不明显"])
    add("h2", "公立医院", ("93", "92", "94", "0", "0"), [])
    add("h3", "公立医院", ("88", "90", "88", "0", "0"), [])
    add("h4", "公立医院", ("86", "90", "86", "0", "0"), ["年度工作任务成效不明显"])
    add("h5", "公立医院", ("84", "90", "84", "0", "0"), [])

    # The 述职评议 score is the same number in both schemes (see the preset's header).
    review_targets = [
        {"id": t["id"], "inputs": {"score": t["inputs"]["review"]}} for t in party_targets
    ]
    # 001 第十七条 last paragraph: the 好 line of each domain, set with the domain's mean
    # as the reference (here: the mean itself, kept above the 较好 line and at most 100).
    domain_of = {unit["id"]: unit["category"] for unit in units}
    by_domain: dict[str, list[Decimal]] = defaultdict(list)
    for target in party_targets:
        by_domain[domain_of[target["id"]]].append(party_score(target["inputs"]))
    lines = {
        domain: min(D(100), max(D("80.01"), round2(sum(scores, D(0)) / len(scores))))
        for domain, scores in by_domain.items()
    }
    party = scheme_of(document, "party")
    assert set(party["bands_by_group"]) == set(lines)  # a placeholder for every domain
    for domain, line in lines.items():
        party["bands_by_group"][domain] = {"好": line}
    scheme_of(document, "review")["targets"] = review_targets
    party["targets"] = party_targets
    document["entities"] = {"units": units}
    return document, domain_of, lines


def test_seed001_formula_gives_the_seed_numbers() -> None:
    document, _, _ = fill_001()
    party = rows(run(document)["party"])
    assert num(party["hand1"]["score"]) == D("87.88")  # 0.875 × (72 + 17) + 10 = 87.875
    assert num(party["hand2"]["score"]) == D("92.65")  # 0.875 × (74 + 17.6) + 11.25 + 2 − 0.75
    for target in scheme_of(document, "party")["targets"]:
        assert num(party[target["id"]]["score"]) == party_score(target["inputs"]), target["id"]


def test_seed001_limits_of_article_17_to_19() -> None:
    document, domain_of, lines = fill_001()
    result = run(document)
    review, party = rows(result["review"]), rows(result["party"])
    scheme = scheme_of(document, "party")
    grades = tuple(scheme["grades"])
    review_bands = scheme_of(document, "review")["bands"]
    explanation = rule_of(scheme, "written_explanation")["then"]["require"]
    consequences = rule_of(scheme, "not_good_consequences")["then"]["require"]
    targets = {t["id"]: t for t in scheme["targets"]}

    for target_id, target in targets.items():
        row = party[target_id]
        assert row["status"] == "graded" and row["group"] == domain_of[target_id]
        review_grade = review[target_id]["grade"]
        assert review_grade == band(target["inputs"]["review"], review_bands, grades)
        bands = {**scheme["bands"], "好": lines[domain_of[target_id]]}
        expected = band(num(row["score"]), bands, grades)
        if review_grade != "好":  # 001 第十七条 第二款
            expected = worse(grades, expected, "较好")
        if not target["flags"]:
            assert row["grade"] == expected, target_id
        if row["grade"] == "好":  # the 好 line of the domain (第十七条 last paragraph)
            assert num(row["score"]) >= lines[domain_of[target_id]]
        # 001 第十八条: a written explanation for 一般 and 差; consequences below 好.
        assert (explanation in row["requires"]) == (row["grade"] in ("一般", "差")), target_id
        assert (consequences in row["requires"]) == (row["grade"] != "好"), target_id

    def band_of(target_id: str) -> str:
        bands = {**scheme["bands"], "好": lines[domain_of[target_id]]}
        return band(num(party[target_id]["score"]), bands, grades)

    for target_id in ("criticized", "falsified", "education", "h1"):
        assert review[target_id]["grade"] == "好"
        assert band_of(target_id) == "好", target_id  # so each limit below really bites
    assert party["criticized"]["grade"] == "较好"  # 第十七条 第一款
    assert party["hand1"]["grade"] == "较好"  # review 85 → review 较好 → not 好 (第二款)
    assert party["education"]["grade"] == "一般"  # 第三款
    assert band_of("h4") == "较好" and party["h4"]["grade"] == "一般"  # 第四款 (cap)
    assert party["h1"]["grade"] == "好"  # little progress, but not ranked low
    assert party["h5"]["grade"] == band_of("h5")  # last, but no major problem
    assert band_of("last") == "一般" and party["last"]["grade"] == "差"  # 第五款
    assert party["falsified"]["grade"] == "较好"  # 第十九条: one grade lower
    assert party["last"]["requires"] == [explanation, consequences]
    assert result["party"]["violations"] == []


# --- seed 002 ------------------------------------------------------------------------


def team_score_002(inputs: Mapping[str, Decimal]) -> Decimal:
    parts = inputs["ballot"] + inputs["leader"] + inputs["survey"] + inputs["party"]
    return round2(D("0.6") * inputs["performance"] + D("0.1") * parts)


def awarded(history: Mapping[int, str], grade: str | None, year: int) -> bool:
    """Three years in a row at 优秀, the run starting again after each award."""
    years = {**history, year: grade}
    run_length = 0
    for current in range(min(years), year + 1):
        run_length = run_length + 1 if years.get(current) == "优秀" else 0
        if run_length == 3:
            if current == year:
                return True
            run_length = 0
    return False


def fill_002() -> dict[str, Any]:
    rng = random.Random(2002)
    document = load_preset("seed002-team", year=YEAR)
    units = [{"id": f"q{i}", "category": "区直单位"} for i in range(1, 11)]
    units += [{"id": f"z{i}", "category": "镇街"} for i in range(1, 7)]
    names = ("performance", "ballot", "leader", "survey", "party")
    team_targets = [
        {"id": unit["id"], "inputs": {name: random_score(rng, 55, 99) for name in names}}
        for unit in units
    ]
    # 0.6 × 88 + 0.1 × 93 × 4 is exactly 90: 优秀.
    team_targets[0]["inputs"] = {"performance": D(88)} | {n: D(93) for n in names[1:]}
    cadres: list[dict[str, Any]] = []
    cadre_targets: list[dict[str, Any]] = []
    choices = ("优秀", "称职", "基本称职")
    for unit in units:
        for j in range(4):
            cadre_id = f"{unit['id']}p" if j == 0 else f"{unit['id']}m{j}"
            cadres.append(
                {"id": cadre_id, "unit": unit["id"], "role": "principal" if j == 0 else "member"}
            )
            history = {YEAR - k: rng.choice(choices) for k in (3, 2, 1) if rng.random() < 0.8}
            cadre_targets.append(
                {
                    "id": cadre_id,
                    "inputs": {"score": random_score(rng, 50, 99)},
                    "history": history,
                    "flags": [],
                }
            )
    by_id = {target["id"]: target for target in cadre_targets}
    # 一票肯定: units q2 and z3 won a 真抓实干 incentive (a flag of the unit).
    for unit in units:
        if unit["id"] in ("q2", "z3"):
            unit["flags"] = ["真抓实干激励"]
    by_id["z3p"]["inputs"]["score"] = D("55")  # the affirmation lifts a low score
    by_id["z3p"]["history"] = {YEAR - 2: "优秀", YEAR - 1: "优秀"}  # and completes three years
    by_id["z3m1"]["inputs"]["score"] = D("55")  # a member of the same unit is not lifted
    # 一票否决: q2's principal was also criticised: the veto wins.
    by_id["q2p"]["inputs"]["score"] = D("96")
    by_id["q2p"]["flags"].append("区级以上通报批评")
    by_id["q5m2"]["inputs"]["score"] = D("97")
    by_id["q5m2"]["flags"].append("区级以上通报批评")
    # Awards: two 优秀 before and one now; three before (the run restarted) and one now.
    by_id["q6m1"]["inputs"]["score"] = D("95")
    by_id["q6m1"]["history"] = {YEAR - 2: "优秀", YEAR - 1: "优秀"}
    by_id["q6m2"]["inputs"]["score"] = D("95")
    by_id["q6m2"]["history"] = {YEAR - 3: "优秀", YEAR - 2: "优秀", YEAR - 1: "优秀"}
    document["entities"] = {"units": units, "cadres": cadres}
    scheme_of(document, "team")["targets"] = team_targets
    scheme_of(document, "cadre")["targets"] = cadre_targets
    return document


def test_seed002_team_weights_affirmation_veto_and_award() -> None:
    document = fill_002()
    result = run(document)
    team, cadre = rows(result["team"]), rows(result["cadre"])
    team_scheme, cadre_scheme = scheme_of(document, "team"), scheme_of(document, "cadre")
    weights = [term["weight"] for term in team_scheme["score"]["sum"]]
    assert weights == [D("0.6"), D("0.1"), D("0.1"), D("0.1"), D("0.1")]

    team_grades = tuple(team_scheme["grades"])
    for target in team_scheme["targets"]:
        row = team[target["id"]]
        assert num(row["score"]) == team_score_002(target["inputs"]), target["id"]
        assert row["grade"] == band(num(row["score"]), team_scheme["bands"], team_grades)
    assert num(team["q1"]["score"]) == D(90) and team["q1"]["grade"] == "优秀"

    grades = tuple(cadre_scheme["grades"])
    role = {c["id"]: c["role"] for c in document["entities"]["cadres"]}
    home = {c["id"]: c["unit"] for c in document["entities"]["cadres"]}
    unit_flags = {u["id"]: u.get("flags", []) for u in document["entities"]["units"]}
    for target in cadre_scheme["targets"]:
        row = cadre[target["id"]]
        expected = band(target["inputs"]["score"], cadre_scheme["bands"], grades)
        incentive = "真抓实干激励" in unit_flags[home[target["id"]]]
        if role[target["id"]] == "principal" and incentive:
            expected = "优秀"  # 一票肯定
        if "区级以上通报批评" in target["flags"]:
            expected = worse(grades, expected, "称职")  # 一票否决, after the affirmation
        assert row["status"] == "graded" and row["grade"] == expected, target["id"]
        earned = awarded(target["history"], row["grade"], YEAR)
        assert row["awards"] == (["三等功"] if earned else []), target["id"]

    assert cadre["z3p"]["grade"] == "优秀" and cadre["z3p"]["awards"] == ["三等功"]
    assert cadre["z3m1"]["grade"] == "基本称职"
    assert cadre["q2p"]["grade"] == "称职"  # affirmed and vetoed: the cap beats the set
    assert cadre["q5m2"]["grade"] == "称职"
    assert cadre["q6m1"]["awards"] == ["三等功"]
    assert cadre["q6m2"]["grade"] == "优秀" and cadre["q6m2"]["awards"] == []
    assert result["team"]["violations"] == [] and result["cadre"]["violations"] == []


# --- seed 004 ------------------------------------------------------------------------

TOWN_CLASSES = ("班子成员", "中层负责人", "支部成员", "村两委负责人", "职工代表")
DEPT_CLASSES = ("班子成员", "中层负责人", "支部成员", "职工代表")
EXCELLENT = ["优秀", "良好", "良好", "良好"]  # a year of leader ratings with one 优秀
GOOD_ONLY = ["良好", "良好", "良好", "良好"]

# Team scores: d1, t1 and t4 are all in the 优秀 band, the 30% allows two of eight.
TEAM_SCORES_004 = {
    "t1": "94", "t2": "65", "t3": "50", "t4": "91",
    "d1": "96", "d2": "82", "d3": "70", "sch": "84",
}  # fmt: skip

# Who gets 优秀 from which rater class (both sheets of the class); everybody else gets
# 称职, 基本称职 or 不称职 at random. Never more than floor(20%) of a sheet per class.
STARS_004: dict[str, dict[str, tuple[str, ...]]] = {
    # 15 on a sheet → 3 优秀 per sheet.
    "t1": {
        "s1": TOWN_CLASSES,  # city secondee: 100, outside the quota
        "k1": ("班子成员", "中层负责人", "支部成员"),  # county secondee, 7 months: 92
        "t1m1": ("班子成员", "中层负责人", "支部成员"),  # 92, but no 优秀 leader rating
        "i1": ("村两委负责人", "职工代表"),  # under investigation: 88, pending
        "t1p1": ("村两委负责人", "职工代表"),  # 88
    },
    # 11 on a sheet → 2; a 一般 team: 20% of 9 is 1 slot, t2m2 (96) beats t2m1 (92).
    "t2": {
        "t2p1": ("班子成员", "中层负责人", "支部成员"),  # principal of a 一般 team: 92
        "t2m1": ("班子成员", "村两委负责人", "职工代表"),  # 92
        "t2m2": ("中层负责人", "支部成员", "村两委负责人", "职工代表"),  # 96
    },
    # 10 on a sheet → 2; a 较差 team: 15% of 8 is 1 slot, t3m1 and t3m2 tie at 92.
    "t3": {
        "t3p1": ("班子成员", "中层负责人", "支部成员"),  # principal of a 较差 team: 92
        "t3m1": ("班子成员", "村两委负责人", "职工代表"),  # 92
        "t3m2": ("中层负责人", "村两委负责人", "职工代表"),  # 92
    },
    # 10 on a sheet → 2; the unit had a 群体性事件.
    "t4": {
        "t4p1": ("班子成员", "中层负责人", "支部成员"),  # principal: 92, cannot be 优秀
        "t4m1": ("班子成员", "中层负责人", "支部成员"),  # member: 92, not concerned
    },
    # 8 on a sheet → 1 (four classes, weights rescaled to 0.25 each).
    "d1": {
        "d1m1": ("班子成员", "中层负责人"),  # exactly 90: 优秀 (inclusive)
        "d1p1": ("支部成员", "职工代表"),  # principal: 90
    },
    "d2": {"d2m1": ("班子成员", "中层负责人", "支部成员")},  # 95
    "d3": {"d3p1": DEPT_CLASSES},  # principal of a 一般 team: 100
    "sch": {"sch1": ("班子成员", "中层负责人", "支部成员")},  # 委托考核, 95
}


def fill_004() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    rng = random.Random(2004)
    document = load_preset("seed004-annual", year=YEAR)
    units = [{"id": t, "category": "乡镇"} for t in ("t1", "t2", "t3", "t4")]
    units += [{"id": d, "category": "县直部门"} for d in ("d1", "d2", "d3")]
    units += [{"id": "sch", "category": "县直学校"}, {"id": "city", "category": "市直"}]
    cadres: list[dict[str, Any]] = []
    principals = {"t1": 2, "t2": 2, "t3": 2, "t4": 2, "d1": 1, "d2": 1, "d3": 1, "sch": 0}
    members = {"t1": 10, "t2": 8, "t3": 8, "t4": 8, "d1": 6, "d2": 6, "d3": 6, "sch": 5}
    for unit_id in principals:
        for i in range(1, principals[unit_id] + 1):
            duties = ["secretary"] if i == 1 else []
            cadres.append(
                {"id": f"{unit_id}p{i}", "unit": unit_id, "role": "principal", "duties": duties}
            )
        prefix = "sch" if unit_id == "sch" else f"{unit_id}m"
        cadres += [{"id": f"{prefix}{i}", "unit": unit_id} for i in range(1, members[unit_id] + 1)]
    cadres += [
        {"id": "s1", "unit": "city", "secondment": {"level": "city", "host": "t1", "months": 12}},
        {"id": "k1", "unit": "d1", "secondment": {"level": "county", "host": "t1", "months": 7}},
        {"id": "k2", "unit": "d1", "secondment": {"level": "county", "host": "t1", "months": 5}},
        {"id": "r1", "unit": "t1", "retired_on": datetime.date(YEAR, 12, 31)},
        {"id": "r2", "unit": "t2", "retired_on": datetime.date(YEAR + 1, 1, 1)},
        {"id": "v1", "unit": "t1", "village_team": True},
        {"id": "i1", "unit": "t1", "investigation": "open"},
    ]
    # Whose sheets mark whom: a unit's own cadres and principals, and the secondees it hosts.
    on_sheet: dict[str, list[str]] = defaultdict(list)
    for cadre in cadres:
        if cadre["id"] in ("r1", "v1"):
            continue  # not assessed
        secondment = cadre.get("secondment")
        host = secondment["host"] if secondment and secondment["months"] >= 6 else cadre["unit"]
        on_sheet[host].append(cadre["id"])

    stars = {cadre: classes for unit in STARS_004.values() for cadre, classes in unit.items()}
    sheets: list[dict[str, Any]] = []
    for unit_id, marked in on_sheet.items():
        classes = TOWN_CLASSES if unit_id.startswith("t") else DEPT_CLASSES
        allowed = len(marked) * 2 // 10
        for rater in classes:
            excellent = [c for c in marked if rater in stars.get(c, ())]
            assert len(excellent) <= allowed, (unit_id, rater)
            for _ in range(2):
                marks = {
                    c: "优秀"
                    if c in excellent
                    else "称职"
                    if c in stars
                    else rng.choices(("称职", "基本称职", "不称职"), (8, 3, 1))[0]
                    for c in marked
                }
                sheets.append({"rater": rater, "marks": marks})
        # One sheet per unit marks one 优秀 too many: invalid, counted nowhere.
        spoiled = rng.sample(marked, allowed + 1)
        sheets.append(
            {"rater": classes[0], "marks": {c: "优秀" if c in spoiled else "称职" for c in marked}}
        )

    for unit in units:  # 004: a 群体性事件 in t4's area (a flag of the unit)
        if unit["id"] == "t4":
            unit["flags"] = ["辖区内群体性事件"]
    targets: list[dict[str, Any]] = []
    for cadre in cadres:
        cadre_id = cadre["id"]
        if cadre_id in stars:
            ratings = GOOD_ONLY if cadre_id == "t1m1" else EXCELLENT
        else:
            ratings = [rng.choice(("优秀", "良好", "一般")) for _ in range(4)]
        targets.append({"id": cadre_id, "inputs": {"leader_ratings": ratings}})
    proposals = {"t2p1": "优秀", "t3p1": "称职", "t4p1": "优秀"}
    for target in targets:
        if target["id"] in proposals:
            target["proposed"] = proposals[target["id"]]

    team = scheme_of(document, "team")
    team["targets"] = [{"id": u, "inputs": {"score": D(s)}} for u, s in TEAM_SCORES_004.items()]
    cadre_scheme = scheme_of(document, "cadre")
    cadre_scheme["targets"] = targets
    cadre_scheme["ballots"]["sheets"] = sheets
    document["entities"] = {"units": units, "cadres": cadres}
    return document, sheets


def tally(sheets: list[dict[str, Any]], ballots: Mapping[str, Any]) -> dict[str, Any]:
    """004 民主测评, recomputed: valid sheets, class means, weights rescaled."""
    choices, weights = ballots["choices"], ballots["rater_weights"]
    share = ballots["max_share"]["优秀"]
    valid: Counter[str] = Counter()
    invalid: Counter[str] = Counter()
    marks: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for sheet in sheets:
        excellent = sum(1 for mark in sheet["marks"].values() if mark == "优秀")
        ok = excellent <= int(share * len(sheet["marks"]))
        for target, mark in sheet["marks"].items():
            (valid if ok else invalid)[target] += 1
            if ok:
                marks[target][sheet["rater"]].append(choices[mark])
    scores: dict[str, Decimal] = {}
    for target, by_class in marks.items():
        total_weight = sum((Fraction(weights[c]) for c in by_class), Fraction(0))
        value = sum(
            (Fraction(weights[c]) * Fraction(sum(v)) / len(v) for c, v in by_class.items()),
            Fraction(0),
        )
        scores[target] = round2(value / total_weight)
    return {"valid": valid, "invalid": invalid, "scores": scores}


def test_seed004_teams_cadres_placement_ballots_and_limits() -> None:
    document, sheets = fill_004()
    result = run(document)
    team, cadre = rows(result["team"]), rows(result["cadre"])
    cadre_scheme = scheme_of(document, "cadre")
    grades = tuple(cadre_scheme["grades"])
    entities = {c["id"]: c for c in document["entities"]["cadres"]}

    # Teams: 优秀 ≤ 30% of all teams ("一般不超过"): the third 优秀-band team (t4, 91) is 良好.
    quota = next(q for q in result["team"]["quotas"] if q["grade"] == "优秀")
    assert (quota["base"], quota["slots"]) == (8, 2)
    assert {t: row["grade"] for t, row in team.items()} == {
        "d1": "优秀", "t1": "优秀", "t4": "良好", "t2": "一般",
        "t3": "较差", "d2": "良好", "d3": "一般", "sch": "良好",
    }  # fmt: skip

    # Placement (004 一(一)).
    assert cadre["r1"]["status"] == "excluded" and cadre["r1"]["grade"] is None
    assert cadre["v1"]["status"] == "excluded" and cadre["v1"]["grade"] is None
    assert cadre["r2"]["status"] == "graded" and cadre["r2"]["group"] == "t2"
    assert cadre["i1"]["status"] == "pending" and cadre["i1"]["grade"] is None
    assert cadre["i1"]["score"] is not None and cadre["i1"]["rank"] is not None
    assert cadre["s1"]["group"] == "t1" and cadre["s1"]["grade"] == "优秀"
    assert cadre["k1"]["group"] == "t1" and cadre["k2"]["group"] == "d1"
    principals = {c for c, e in entities.items() if e.get("role") == "principal"}
    assert {cadre[c]["group"] for c in principals} == {"单列"}

    # Ballots: scores and valid/invalid sheets recomputed.
    expected = tally(sheets, cadre_scheme["ballots"])
    ballots = {b["target"]: b for b in result["cadre"]["ballots"]}
    for cadre_id, row in cadre.items():
        if row["status"] == "excluded":
            continue
        assert num(row["score"]) == expected["scores"][cadre_id], cadre_id
        assert ballots[cadre_id]["valid"] == expected["valid"][cadre_id], cadre_id
        assert ballots[cadre_id]["invalid"] == expected["invalid"][cadre_id], cadre_id
    assert sum(expected["invalid"].values()) > 0  # the spoiled sheets were refused
    for cadre_id, score in (("k1", "92"), ("t2m2", "96"), ("t3m1", "92"), ("d1m1", "90")):
        assert num(cadre[cadre_id]["score"]) == D(score), cadre_id

    # Quotas: 20%, or 25% / 20% / 15% after the team's grade; only those who count.
    ratio_by_team = {"优秀": D("0.25"), "一般": D("0.20"), "较差": D("0.15")}
    quotas = {q["group"]: q for q in result["cadre"]["quotas"] if q["grade"] == "优秀"}
    groups: dict[str, list[str]] = defaultdict(list)
    for cadre_id, row in cadre.items():
        if row["status"] != "excluded":
            groups[row["group"]].append(cadre_id)
    for group, ids in groups.items():
        counted = [c for c in ids if c != "s1"]  # a city secondee is outside the host's base
        ratio = D("0.20") if group == "单列" else ratio_by_team.get(team[group]["grade"], D("0.20"))
        assert quotas[group]["base"] == len(counted), group
        assert quotas[group]["slots"] == slots(ratio, len(counted)), group
        excellent = [c for c in counted if cadre[c]["grade"] == "优秀"]
        assert len(excellent) <= quotas[group]["slots"], group
    assert (quotas["t1"]["base"], quotas["t1"]["slots"]) == (12, 3)  # 10 + k1 + i1, 25%
    assert (quotas["t3"]["base"], quotas["t3"]["slots"]) == (8, 1)  # 15%

    for cadre_id, row in cadre.items():
        if row["grade"] == "优秀":  # 004 一(三)5: 测评 ≥ 90 and an 优秀 leader rating
            assert num(row["score"]) >= 90, cadre_id
            target = next(t for t in cadre_scheme["targets"] if t["id"] == cadre_id)
            assert "优秀" in target["inputs"]["leader_ratings"], cadre_id

    assert cadre["k1"]["grade"] == "优秀"
    assert cadre["t1m1"]["grade"] == "称职"  # no 优秀 among the year's leader ratings
    assert cadre["t2m2"]["grade"] == "优秀" and cadre["t2m1"]["grade"] == "称职"  # 1 slot
    assert cadre["t3m1"]["grade"] == cadre["t3m2"]["grade"] == "称职"  # a tie held at the line
    assert cadre["t3m1"]["needs_decision"] and cadre["t3m2"]["needs_decision"]
    assert cadre["d1m1"]["grade"] == "优秀"  # exactly 90
    assert cadre["d2m1"]["grade"] == "优秀" and cadre["sch1"]["grade"] == "优秀"
    assert cadre["t4m1"]["grade"] == "优秀"  # the incident limits principals only
    # Principals: the team's grade and the four situations (004 一(三)5).
    for principal in ("t2p1", "t3p1", "t4p1", "d3p1"):
        assert band(num(cadre[principal]["score"]), cadre_scheme["bands"], grades) == "优秀"
    assert cadre["t2p1"]["grade"] == "称职"  # 一般 team
    assert cadre["d3p1"]["grade"] == "称职"  # 一般 team
    assert cadre["t3p1"]["grade"] == "基本称职"  # 较差 team
    assert cadre["t4p1"]["grade"] == "称职"  # 群体性事件
    assert cadre["d1p1"]["grade"] == "优秀"  # 优秀 team, 90, in the 单列 slots
    for principal in principals:
        unit = entities[principal]["unit"]
        limit = {"一般": "称职", "较差": "基本称职"}.get(team[unit]["grade"], "优秀")
        if unit == "t4":
            limit = worse(grades, limit, "称职")
        assert grades.index(cadre[principal]["grade"]) >= grades.index(limit), principal

    violations = {(v["target"], v["rule"]): v["severity"] for v in result["cadre"]["violations"]}
    assert violations[("t2p1", "principal_of_general_team")] == "warning"  # soft: 一般不得
    assert violations[("t3p1", "principal_of_poor_team")] == "warning"
    assert violations[("t4p1", "principal_unit_incident")] == "error"  # hard: 不能
    assert {target for target, _ in violations} <= {"t2p1", "t3p1", "t4p1"}


@pytest.mark.parametrize("preset_id", [info.id for info in list_presets()])
def test_each_bare_preset_is_a_valid_scenario(preset_id: str) -> None:
    result = evaluate(load_preset(preset_id, year=2024))
    assert all(scheme.results == [] for scheme in result.schemes)
