"""The benchmark's province generator (bench/engine.py): valid, complete, deterministic."""

from __future__ import annotations

import datetime
import importlib.util
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from kaohe.engine import evaluate

BENCH = Path(__file__).resolve().parents[2] / "bench" / "engine.py"


def _load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("kaohe_bench_engine", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
CADRES = 1000


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return bench.generate(CADRES)


@pytest.fixture(scope="module")
def result(document: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = evaluate(document).to_dict()
    return data


def _cadre_results(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    scheme = next(scheme for scheme in result["schemes"] if scheme["id"] == "cadre")
    return {row["target"]: row for row in scheme["results"]}


def test_a_small_province_evaluates(document: dict[str, Any], result: dict[str, Any]) -> None:
    assert result["format"] == "kaohe-result/1"
    assert [scheme["id"] for scheme in result["schemes"]] == ["team", "cadre"]
    rows = _cadre_results(result)
    assert len(rows) == CADRES == len(document["entities"]["cadres"])
    grades = Counter(row["grade"] for row in rows.values() if row["status"] == "graded")
    assert grades["优秀"] > 0 and grades["称职"] > grades["优秀"]


def test_it_has_twenty_sheets_per_cadre(document: dict[str, Any]) -> None:
    sheets = list(document["schemes"][1]["ballots"]["sheets"])
    assert len(sheets) == 20 * CADRES == document["schemes"][1]["ballots"]["sheets"].count
    units = {cadre["id"]: bench.assessed_at(cadre) for cadre in document["entities"]["cadres"]}
    invalid = 0
    for sheet in sheets:
        assert sheet["rater"] in ("上级", "同级", "下级")
        # One meeting per sheet, marking everyone assessed at that unit.
        (unit,) = {units[cadre] for cadre in sheet["marks"]}
        assert unit is not None
        excellent = sum(1 for choice in sheet["marks"].values() if choice == "优秀")
        invalid += excellent > len(sheet["marks"]) // 5
    assert 0.01 * len(sheets) < invalid < 0.06 * len(sheets)


def test_all_placement_cases_occur(document: dict[str, Any], result: dict[str, Any]) -> None:
    cadres = document["entities"]["cadres"]
    rows = _cadre_results(result)
    year_end = datetime.date(document["year"], 12, 31)
    cases: Counter[str] = Counter()
    for cadre in cadres:
        row = rows[cadre["id"]]
        if cadre.get("role") == "principal":
            cases["principal"] += 1
            assert row["group"] == "单列"
        secondment = cadre.get("secondment")
        if secondment:
            long = secondment["months"] >= 6
            cases[f"{secondment['level']}{'' if long else '_short'}"] += 1
            if secondment["level"] != "county" or long:
                assert row["group"] == secondment["host"]
            else:
                assert row["group"] == cadre["unit"]
        if cadre.get("village_team"):
            cases["village_team"] += 1
            assert row["status"] == "excluded"
        if "retired_on" in cadre:
            retired = cadre["retired_on"] <= year_end
            cases["retired_in_year" if retired else "retired_after_year"] += 1
            assert (row["status"] == "excluded") == retired
        if cadre.get("investigation") == "open":
            cases["investigation"] += 1
            assert row["status"] == "pending" and row["grade"] is None
    expected = {
        "principal",
        "central",
        "province",
        "city",
        "county",
        "county_short",
        "village_team",
        "retired_in_year",
        "retired_after_year",
        "investigation",
    }
    assert expected <= set(cases)
    # Small proportions: the special cases are a few percent of all cadres.
    assert sum(cases[case] for case in expected - {"principal"}) < 0.1 * CADRES
    assert 0.1 * CADRES < cases["principal"] < 0.35 * CADRES


def test_it_is_deterministic_and_uses_no_floats() -> None:
    first, second = bench.generate(300, seed=7), bench.generate(300, seed=7)
    sheets = first["schemes"][1]["ballots"]["sheets"]
    assert list(sheets) == list(second["schemes"][1]["ballots"]["sheets"]) == list(sheets)
    first["schemes"][1]["ballots"]["sheets"] = second["schemes"][1]["ballots"]["sheets"] = None
    assert first == second
    assert bench.generate(300, seed=8)["entities"] != first["entities"]

    def walk(value: object) -> None:
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(first)
    assert isinstance(first["schemes"][1]["quotas"][0]["ratio"], Decimal)
