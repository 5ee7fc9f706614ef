"""The ``kaohe`` command: evaluate, validate, presets; bad input exits 2 and prints nothing."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from kaohe.cli import main

SCENARIOS = Path(__file__).parent / "scenarios"


def test_evaluate_prints_the_result_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["evaluate", str(SCENARIOS / "seed001-party-building.yaml"), "--format", "json"]) == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["format"] == "kaohe-result/1"
    party = next(s for s in result["schemes"] if s["id"] == "party")
    t1 = next(r for r in party["results"] if r["target"] == "t1")
    assert (t1["score"], t1["grade"], t1["rank"], t1["status"]) == (95.15, "好", 1, "graded")
    assert t1["trace"][-1]["grade"] == "好"
    assert all("note" in step for step in t1["trace"])


def test_the_table_names_each_change_in_chinese_and_english(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(SCENARIOS / "seed000-bands-quota-veto.yaml")
    assert main(["evaluate", path]) == 0
    table = capsys.readouterr().out
    assert "市发改委 d1" in table and "规则 veto：直接确定为 较差" in table
    assert "名额 3 个，位列第 4，超出名额，调为 较好" in table
    assert main(["--lang", "en", "evaluate", path, "--format", "table"]) == 0
    assert "rule veto: set to 较差" in capsys.readouterr().out


def test_bad_input_exits_2_with_the_place_on_stderr_and_nothing_on_stdout() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "kaohe.cli", "--lang", "en", "evaluate", str(SCENARIOS / "bad-weights.yaml"),
         "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip() == "schemes[0].score.sum: weights add up to 0.95, not 1"


def test_bad_input_in_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", str(SCENARIOS / "bad-weights.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.strip() == "schemes[0].score.sum: 权重之和为 0.95，应为 1"


def test_a_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["validate", str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err


def test_validate_says_what_it_checked(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "validate", str(SCENARIOS / "seed004-cadre-annual.yaml")]) == 0
    assert capsys.readouterr().out.strip() == "valid: 2 schemes, 30 targets"


def test_example_prints_the_example_county(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["example"]) == 0
    out = capsys.readouterr().out
    assert "领导干部年度考核" in out and "单列" in out


def test_the_engine_imports_no_django() -> None:
    code = (
        "import sys, kaohe.engine, kaohe.cli;"
        "from kaohe.engine import evaluate, load_path;"
        "bad = [m for m in sys.modules if m == 'django' or m.startswith('django.')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_presets_are_listed_and_shown(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["presets"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split("\t")[0] for line in lines] == [
        "seed000-style",
        "seed001-party",
        "seed002-team",
        "seed004-annual",
    ]
    assert main(["presets", "seed001-party"]) == 0
    assert "0.875" in capsys.readouterr().out
    assert main(["presets", "nope"]) == 2
    assert "seed000-style" in capsys.readouterr().err


def test_manage_passes_its_arguments_to_django(capfd: pytest.CaptureFixture[str]) -> None:
    assert main(["--lang", "en", "manage", "check", "--fail-level", "ERROR"]) == 0
    captured = capfd.readouterr()
    assert "System check identified" in captured.out + captured.err


def test_the_collector_runs_again_after_an_evaluation_even_a_refused_one() -> None:
    import gc

    from kaohe.engine import ScenarioError, evaluate, load_path

    assert gc.isenabled()
    evaluate(load_path(SCENARIOS / "seed000-bands-quota-veto.yaml")).to_dict()
    with pytest.raises(ScenarioError):
        evaluate(load_path(SCENARIOS / "bad-weights.yaml"))
    assert gc.isenabled()


def test_the_language_may_follow_the_command_and_stdin_is_read(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "sys.stdin", io.StringIO((SCENARIOS / "bad-weights.yaml").read_text("utf-8"))
    )
    assert main(["validate", "-", "--lang", "en"]) == 2
    assert capsys.readouterr().err.strip() == "schemes[0].score.sum: weights add up to 0.95, not 1"
