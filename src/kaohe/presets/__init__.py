"""Preset assessment schemes, one per seed document, as ``kaohe-scenario/1`` YAML.

Each preset is a scenario document whose schemes have ``targets: []`` and which holds
no entities: the caller adds the units, cadres, targets (and ballot sheets) of its own
assessment and replaces ``year``. Every number and rule in the YAML carries a comment
citing the seed's clause, so ``preset_text()`` is also the preset's documentation.

The files are read through ``importlib.resources``, so they work from an installed
package as well as from a checkout.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

__all__ = ["PresetInfo", "UnknownPresetError", "list_presets", "load_preset", "preset_text"]


@dataclass(frozen=True, slots=True)
class PresetInfo:
    """What ``kaohe presets`` lists about one preset."""

    id: str  # the file name without ``.yaml``, e.g. ``seed000-style``
    title: str  # the Chinese title of the assessment
    seed: str  # the seed document's number, e.g. ``000``
    schemes: tuple[str, ...]  # the scheme ids, in the file's order
    description: str  # one line, in English
    scheme_names: tuple[str, ...] = ()  # the schemes' Chinese names, in the same order

    @property
    def name(self) -> str:
        """The Chinese title (``title``), under the name the schemes use."""
        return self.title


@dataclass(frozen=True, slots=True)
class _Entry:
    name: str
    seed: str
    description: str


_PRESETS: dict[str, _Entry] = {
    "seed000-style": _Entry(
        name="干部作风能力提升年活动专项考核",
        seed="000",
        description=(
            "Units by category (镇街, 市直部门, 双管单位): bands 90/80/60, 好 at most 30%, "
            "vetoes to 较差, bottom 25% twice → not 好, quarterly red/yellow warnings"
        ),
    ),
    "seed001-party": _Entry(
        name="党建工作成效考核",
        seed="001",
        description=(
            "Report review and party-building results per domain: "
            "0.875 × (0.8 indicators + 0.2 review) + 0.125 leader ± bonus/deduction, "
            "第十七条 limits, 第十八条 written explanation, 第十九条 downgrade"
        ),
    ),
    "seed002-team": _Entry(
        name="苏仙区领导班子和领导干部年度考核",
        seed="002",
        description=(
            "Team score 60/10/10/10/10; cadres: 真抓实干 affirmation → 优秀, "
            "通报批评 veto → not 优秀 (the veto wins), 三等功 after three 优秀 in a row"
        ),
    ),
    "seed004-annual": _Entry(
        name="县管领导班子和领导干部年度考核",
        seed="004",
        description=(
            "Teams (优秀 ≤ 30%, soft) and cadres: placement, 测评 ≥ 90 for 优秀, "
            "20% quota following the team's grade, principals limited by team grade and incidents"
        ),
    ),
}


class UnknownPresetError(KeyError):
    """Raised for a preset id that does not exist; the message lists the known ids."""

    def __init__(self, preset_id: str) -> None:
        self.preset_id = preset_id
        known = ", ".join(sorted(_PRESETS))
        self.text = f"unknown preset {preset_id!r}; known presets: {known}"
        super().__init__(self.text)

    def __str__(self) -> str:  # KeyError would show the message quoted
        return self.text


def _entry(preset_id: str) -> _Entry:
    try:
        return _PRESETS[preset_id]
    except KeyError:
        raise UnknownPresetError(preset_id) from None


def preset_text(preset_id: str) -> str:
    """The preset's YAML text, comments included."""
    _entry(preset_id)
    resource = resources.files(__package__ or "kaohe.presets").joinpath(f"{preset_id}.yaml")
    return resource.read_text(encoding="utf-8")


def load_preset(preset_id: str, *, year: int | None = None) -> dict[str, Any]:
    """The preset as plain data with exact decimals (the engine's ``load_text``).

    A new document on every call, so the caller may fill in entities and targets.
    ``year`` replaces the preset's placeholder year when given.
    """
    from kaohe.engine import load_text  # imported here: listing presets needs no engine

    document = load_text(preset_text(preset_id))
    if not isinstance(document, dict):  # pragma: no cover - the files are ours
        raise TypeError(f"preset {preset_id!r} is not a mapping")
    if year is not None:
        document["year"] = year
    return document


@functools.cache  # the files ship with the code: read once per process, not per page
def _scheme_ids_and_names(preset_id: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # Only ids and names are needed: a plain safe load (numbers as floats do not matter here).
    document = yaml.safe_load(preset_text(preset_id))
    schemes = document["schemes"]
    return (
        tuple(str(scheme["id"]) for scheme in schemes),
        tuple(str(scheme.get("name") or scheme["id"]) for scheme in schemes),
    )


def list_presets() -> list[PresetInfo]:
    """Every preset, in the order of the seed documents."""
    presets = []
    for preset_id, entry in _PRESETS.items():
        ids, names = _scheme_ids_and_names(preset_id)
        presets.append(
            PresetInfo(
                id=preset_id,
                title=entry.name,
                seed=entry.seed,
                schemes=ids,
                description=entry.description,
                scheme_names=names,
            )
        )
    return presets
