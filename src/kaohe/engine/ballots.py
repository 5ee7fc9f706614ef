"""民主测评: tallying ballot sheets into one input per target.

For each target: the mean of its marks in each rater class over valid sheets, then the
weighted sum over the classes that marked it, the weights rescaled to add up to 1 over
those classes. A sheet is invalid when it gives a choice more often than its
``max_share`` allows (floor of share × marks on the sheet), has a mark that is not a
choice, names an unknown target, or comes from a rater class without a weight.

Sheets are consumed once, as an iterable, so a caller may stream millions of them.
The per-target state is a flat list of counts (rater class × choice), so memory grows
with the number of targets, not of sheets.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from kaohe.engine.errors import ScenarioError
from kaohe.engine.model import Ballots

SHARE_PLACES = Decimal("0.0001")


def _count_in_python(counts: dict[tuple[str, str], int], items: Iterable[tuple[str, str]]) -> None:
    for item in items:
        counts[item] = counts.get(item, 0) + 1


# collections' C helper behind Counter.update (private, but present since Python 3.2)
_count_elements: Callable[[dict[tuple[str, str], int], Iterable[tuple[str, str]]], None] = getattr(
    collections, "_count_elements", _count_in_python
)


@dataclass(slots=True)
class Tally:
    value: Decimal | None  # None: no valid sheet marked the target
    valid: int
    invalid: int
    shares: dict[str, Decimal]
    by_rater: dict[str, Decimal]  # the mean per rater class


def tally(ballots: Ballots, target_ids: list[str]) -> list[Tally]:
    index = {target_id: i for i, target_id in enumerate(target_ids)}
    known_targets = index.keys()
    classes = list(ballots.rater_weights)
    class_base = {name: i * len(ballots.choices) for i, name in enumerate(classes)}
    choices = list(ballots.choices)
    choice_index = {name: i for i, name in enumerate(choices)}
    is_choice = choice_index.__contains__
    width = len(classes) * len(choices)
    limits = list(ballots.max_share.items())
    allowed_cache: dict[tuple[str, int], int] = {}
    invalid = [0] * len(target_ids)
    # per rater class: (target, choice) -> marks on valid sheets, counted in C
    seen_by_class: dict[str, dict[tuple[str, str], int]] = {name: {} for name in classes}

    for number, sheet in enumerate(ballots.sheets):
        if type(sheet) is not dict and not isinstance(sheet, Mapping):
            raise ScenarioError(f"{ballots.path}.sheets[{number}]", "not_mapping")
        marks = sheet.get("marks")
        rater = sheet.get("rater")
        if (
            len(sheet) != 2
            or rater is None
            or (type(marks) is not dict and not isinstance(marks, Mapping))
        ):
            _refuse_sheet(sheet, f"{ballots.path}.sheets[{number}]")
        assert marks is not None
        given = list(marks.values())
        try:
            seen = seen_by_class.get(rater)  # type: ignore[arg-type]  # checked: unknown → None
            valid = (
                seen is not None and marks.keys() <= known_targets and all(map(is_choice, given))
            )
        except TypeError:  # an unhashable rater or choice
            seen, valid = None, False
        if valid and limits:
            for name, share in limits:
                key = (name, len(given))
                allowed = allowed_cache.get(key)
                if allowed is None:
                    allowed = int((share * len(given)).to_integral_value(rounding=ROUND_FLOOR))
                    allowed_cache[key] = allowed
                if given.count(name) > allowed:
                    valid = False
                    break
        if valid:
            assert seen is not None
            _count_elements(seen, marks.items())
        else:
            for target_id in marks:
                position = index.get(target_id)
                if position is not None:
                    invalid[position] += 1

    counts: list[list[int] | None] = [None] * len(target_ids)
    for rater, seen in seen_by_class.items():
        base = class_base[rater]
        for (target_id, choice), marked in seen.items():
            position = index[target_id]
            row = counts[position]
            if row is None:
                row = counts[position] = [0] * width
            row[base + choice_index[choice]] += marked
    del seen_by_class

    values = [ballots.choices[name] for name in choices]
    weights = [ballots.rater_weights[name] for name in classes]
    results: list[Tally] = []
    for position in range(len(target_ids)):
        row = counts[position]
        if row is None:
            results.append(Tally(None, 0, invalid[position], {}, {}))
            continue
        weighted = Decimal(0)
        weight_total = Decimal(0)
        per_choice = [0] * len(choices)
        by_rater: dict[str, Decimal] = {}
        for c, name in enumerate(classes):
            start = c * len(choices)
            cells = row[start : start + len(choices)]
            marked_count = sum(cells)
            if not marked_count:
                continue
            marks_sum = sum(
                (values[k] * cells[k] for k in range(len(choices)) if cells[k]), Decimal(0)
            )
            mean = marks_sum / marked_count
            by_rater[name] = mean.quantize(SHARE_PLACES)
            weighted += weights[c] * mean
            weight_total += weights[c]
            for k in range(len(choices)):
                per_choice[k] += cells[k]
        valid_marks = sum(per_choice)
        shares = {
            choices[k]: (Decimal(per_choice[k]) / valid_marks).quantize(SHARE_PLACES)
            for k in range(len(choices))
        }
        results.append(
            Tally(weighted / weight_total, valid_marks, invalid[position], shares, by_rater)
        )
    return results


def _refuse_sheet(sheet: Mapping[object, object], path: str) -> None:
    for key in sheet:
        if key not in ("rater", "marks"):
            raise ScenarioError(f"{path}.{key}", "unknown_key", key=key)
    if "rater" not in sheet or sheet["rater"] is None:
        raise ScenarioError(f"{path}.rater", "missing")
    if "marks" not in sheet:
        raise ScenarioError(f"{path}.marks", "missing")
    raise ScenarioError(f"{path}.marks", "not_mapping")
