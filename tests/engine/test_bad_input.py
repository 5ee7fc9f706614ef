"""Bad input is refused with a message that names the place, in Chinese and English."""

from __future__ import annotations

import re
from typing import Any

import pytest

from kaohe.engine import ScenarioError, evaluate, load_text
from kaohe.engine.messages import CATALOGUE, LANGUAGES

from .helpers import document, scheme, scored


def refused(doc: Any) -> ScenarioError:
    with pytest.raises(ScenarioError) as raised:
        evaluate(doc)
    return raised.value


def with_scheme(**fields: Any) -> dict[str, Any]:
    targets = fields.pop("targets", scored(95, 85))
    return document(scheme(targets, **fields))


CASES: list[tuple[str, Any, str, str]] = [
    ("no format", {"year": 2023, "schemes": []}, "format", "missing"),
    ("wrong format", {"format": "x/2", "year": 2023, "schemes": []}, "format", "bad_format"),
    ("unknown top key", {**document(), "schems": []}, "schems", "unknown_key"),
    ("missing input", document(scheme([{"id": "a", "inputs": {}}])), "schemes[0].targets[0].inputs.score", "missing"),
    (
        "missing expression input",
        document(scheme(
            [{"id": "a", "inputs": {"x": 1, "leader": 2}}, {"id": "b", "inputs": {"x": 1}}],
            score={"sum": [{"weight": "0.5", "of": "x"}, {"weight": "0.5", "of": "leader"}]},
        )),
        "schemes[0].targets[1].inputs.leader",
        "missing",
    ),
    (
        "weights",
        with_scheme(score={"sum": [{"weight": "0.6", "of": "a"}, {"weight": "0.35", "of": "b"}]}),
        "schemes[0].score.sum",
        "weights_sum",
    ),
    (
        "nested weights",
        with_scheme(score={"sum": [{"weight": 1, "of": {"sum": [{"weight": "0.5", "of": "a"}]}}]}),
        "schemes[0].score.sum[0].of.sum",
        "weights_sum",
    ),
    ("unknown grade in bands", with_scheme(bands={"优": 90}), "schemes[0].bands.优", "unknown_grade"),
    ("band for the lowest", with_scheme(bands={"好": 90, "较差": 10}), "schemes[0].bands.较差", "band_for_lowest"),
    ("bands out of order", with_scheme(bands={"好": 80, "较好": 85}), "schemes[0].bands", "bands_order"),
    ("duplicate target", document(scheme(scored(1) + scored(2))), "schemes[0].targets[1].id", "duplicate_id"),
    (
        "duplicate scheme",
        document(scheme(scored(1)), scheme(scored(1))),
        "schemes[1].id",
        "duplicate_id",
    ),
    ("unknown grade proposed", document(scheme([{"id": "a", "inputs": {"score": 1}, "proposed": "优秀"}])),
     "schemes[0].targets[0].proposed", "unknown_grade"),
    ("rule with unknown input", with_scheme(rules=[{"id": "r", "when": {"input": "nope", "below": 1}, "then": {"cap": "一般"}}]),
     "schemes[0].rules[0].when.input", "unknown_input"),
    ("grade_of an unknown scheme", with_scheme(rules=[{"id": "r", "when": {"grade_of": {"scheme": "zz", "is": "好"}}, "then": {"cap": "一般"}}]),
     "schemes[0].rules[0].when.grade_of.scheme", "unknown_scheme"),
    ("rank in an exclude rule", with_scheme(rules=[{"id": "r", "when": {"rank": {"last": True}}, "then": {"exclude": "x"}}]),
     "schemes[0].rules[0].when.rank", "condition_forbidden"),
    ("grade in a cap rule", with_scheme(rules=[{"id": "r", "when": {"grade": {"is": "好"}}, "then": {"cap": "一般"}}]),
     "schemes[0].rules[0].when.grade", "condition_forbidden"),
    ("two effects", with_scheme(rules=[{"id": "r", "when": {"flag": "x"}, "then": {"cap": "一般", "set": "好"}}]),
     "schemes[0].rules[0].then", "one_effect"),
    ("role in a unit scheme", with_scheme(rules=[{"id": "r", "when": {"role": "principal"}, "then": {"cap": "一般"}}]),
     "schemes[0].rules[0].when.role", "only_for_cadres"),
    ("ratio above 1", with_scheme(quotas=[{"grade": "好", "ratio": 2}]), "schemes[0].quotas[0].ratio", "out_of_range"),
    ("quota on the lowest grade", with_scheme(quotas=[{"grade": "较差", "ratio": "0.1"}]), "schemes[0].quotas[0].grade", "band_for_lowest"),
    ("a string score", document(scheme([{"id": "a", "inputs": {"score": "九十"}}])), "schemes[0].targets[0].inputs.score", "not_input_value"),
    ("a boolean score", document(scheme([{"id": "a", "inputs": {"score": True}}])), "schemes[0].targets[0].inputs.score", "not_input_value"),
    ("history in the future", document(scheme([{"id": "a", "inputs": {"score": 1}, "history": {2024: "好"}}])),
     "schemes[0].targets[0].history.2024", "history_year"),
    ("unknown cadre", document(scheme(scored(1), subject="cadre")), "schemes[0].targets[0].id", "unknown_cadre"),
    (
        "unknown unit of a cadre",
        document(entities={"units": [{"id": "u"}], "cadres": [{"id": "c", "unit": "v"}]}),
        "entities.cadres[0].unit",
        "unknown_unit",
    ),
    (
        "secondment host unknown",
        document(entities={"units": [{"id": "u"}], "cadres": [
            {"id": "c", "unit": "u", "secondment": {"level": "county", "host": "h", "months": 6}}]}),
        "entities.cadres[0].secondment.host",
        "unknown_unit",
    ),
    ("bad date", document(entities={"units": [{"id": "u"}], "cadres": [{"id": "c", "unit": "u", "retired_on": "2023-13-01"}]}),
     "entities.cadres[0].retired_on", "not_date"),
    (
        "tie breaker missing at the cut-off",
        with_scheme(quotas=[{"grade": "好", "ratio": "0.5"}], tie_breakers=["leader"],
                    targets=[{"id": "a", "inputs": {"score": 95, "leader": 1}}, {"id": "b", "inputs": {"score": 95}}]),
        "schemes[0].targets[1].inputs.leader",
        "tie_breaker_missing",
    ),
    (
        "sheet without marks",
        with_scheme(score="b", targets=[{"id": "a"}],
                    ballots={"into": "b", "choices": {"好": 1}, "rater_weights": {"x": 1}, "sheets": [{"rater": "x"}]}),
        "schemes[0].ballots.sheets[0].marks",
        "missing",
    ),
    (
        "ballot input in a pending rule",
        with_scheme(score="b", targets=[{"id": "a"}],
                    ballots={"into": "b", "choices": {"好": 1}, "rater_weights": {"x": 1}},
                    rules=[{"id": "r", "when": {"input": "b", "below": 1}, "then": {"pending": "x"}}]),
        "schemes[0].rules[0].when.input",
        "condition_forbidden",
    ),
    (
        "ballot input given",
        with_scheme(score="b", targets=[{"id": "a", "inputs": {"b": 1}}],
                    ballots={"into": "b", "choices": {"好": 1}, "rater_weights": {"x": 1}}),
        "schemes[0].targets[0].inputs.b",
        "input_from_ballots",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("doc", "path", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_is_refused_naming_the_place(doc: Any, path: str, code: str) -> None:
    error = refused(doc)
    assert (error.path, error.code) == (path, code)
    for lang in LANGUAGES:
        assert error.message(lang).startswith(f"{path}: ")


def test_a_cycle_between_schemes_is_refused() -> None:
    def linked(scheme_id: str, other: str) -> dict[str, Any]:
        when = {"grade_of": {"scheme": other, "is": "好"}}
        return scheme(
            scored(90), id=scheme_id, rules=[{"id": "r", "when": when, "then": {"cap": "一般"}}]
        )

    error = refused(document(linked("a", "b"), linked("b", "c"), linked("c", "a")))
    assert error.code == "cycle"
    assert "a → b → c → a" in error.message("en")


def test_a_rule_cannot_refer_to_its_own_scheme() -> None:
    when = {"grade_of": {"scheme": "s", "is": "好"}}
    error = refused(with_scheme(rules=[{"id": "r", "when": when, "then": {"cap": "一般"}}]))
    assert error.code == "self_reference"


def test_yaml_duplicate_keys_and_floats_are_handled() -> None:
    doc = load_text("a: 0.1\nb: [1.5, 2]\n")
    assert str(doc["a"]) == "0.1" and str(doc["b"][0]) == "1.5"
    with pytest.raises(ScenarioError) as raised:
        load_text("bands:\n  好: 90\n  好: 80\n")
    assert raised.value.path == "line 3" and raised.value.code == "duplicate_key"
    with pytest.raises(ScenarioError) as raised:
        load_text("a: [1, 2\n")
    assert raised.value.code == "yaml_error"


def test_json_is_read_with_exact_decimals() -> None:
    doc = load_text('{"a": 0.875, "b": 3}')
    assert str(doc["a"]) == "0.875" and doc["b"] == 3


def test_the_catalogue_has_both_languages_with_the_same_placeholders() -> None:
    for code, texts in CATALOGUE.items():
        assert set(texts) == set(LANGUAGES), code
        placeholders = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGUAGES}
        assert placeholders["zh"] == placeholders["en"], code
        assert re.search(r"[\u4e00-\u9fff]", texts["zh"]), f"{code}: no Chinese"
