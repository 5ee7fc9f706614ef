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

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from kaohe.engine.errors import ScenarioError
from kaohe.engine.model import Ballots

SHARE_PLACES = Decimal("0.0001")


@dataclass(slots=True)
class Tally:
    value: Decimal | None  # None: no valid sheet marked the target
    valid: int
    invalid: int
    shares: dict[str, Decimal]
    by_rater: dict[str, Decimal]  # the mean per rater class


def tally(ballots: Ballots, target_ids: list[str]) -> list[Tally]:
    index = {target_id: i for i, target_id in enumerate(target_ids)}
    classes = list(ballots.rater_weights)
    class_base = {name: i * len(ballots.choices) for i, name in enumerate(classes)}
    choices = list(ballots.choices)
    choice_index = {name: i for i, name in enumerate(choices)}
    width = len(classes) * len(choices)
    limits = [(choice_index[name], share) for name, share in ballots.max_share.items()]
    allowed_cache: dict[tuple[int, int], int] = {}
    counts: list[list[int] | None] = [None] * len(target_ids)
    invalid = [0] * len(target_ids)

    for number, sheet in enumerate(ballots.sheets):
        if not isinstance(sheet, Mapping):
            raise ScenarioError(f"{ballots.path}.sheets[{number}]", "not_mapping")
        marks = sheet.get("marks")
        rater = sheet.get("rater")
        if len(sheet) != 2 or not isinstance(marks, Mapping) or rater is None:
            _refuse_sheet(sheet, f"{ballots.path}.sheets[{number}]")
        assert isinstance(marks, Mapping)
        base = class_base.get(rater) if isinstance(rater, str) else None
        valid = base is not None
        marked: list[tuple[int, int]] = []
        for target_id, choice in marks.items():
            position = index.get(target_id)
            chosen = choice_index.get(choice) if isinstance(choice, str) else None
            if position is None or chosen is None:
                valid = False
                if position is None:
                    continue
                chosen = -1
            marked.append((position, chosen))
        if valid and limits:
            total = len(marks)
            for chosen_limit, share in limits:
                key = (chosen_limit, total)
                allowed = allowed_cache.get(key)
                if allowed is None:
                    allowed = int((share * total).to_integral_value(rounding=ROUND_FLOOR))
                    allowed_cache[key] = allowed
                if sum(1 for _, chosen in marked if chosen == chosen_limit) > allowed:
                    valid = False
                    break
        if valid:
            assert base is not None
            for position, chosen in marked:
                row = counts[position]
                if row is None:
                    row = counts[position] = [0] * width
                row[base + chosen] += 1
        else:
            for position, _ in marked:
                invalid[position] += 1

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
            by_rater[name] = mean
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
