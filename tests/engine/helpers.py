"""Small builders for engine tests: a scenario from a few lines of Python."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from kaohe.engine import Result, evaluate

GRADES4 = ["好", "较好", "一般", "较差"]
BANDS4 = {"好": 90, "较好": 80, "一般": 60}


def scheme(targets: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "s",
        "subject": "unit",
        "grades": GRADES4,
        "bands": BANDS4,
        "targets": targets,
    }
    base.update(fields)
    return base


def scored(*scores: Any, **extra: Any) -> list[dict[str, Any]]:
    """Targets t1, t2, ... with input ``score``."""
    return [
        {"id": f"t{i}", "inputs": {"score": Decimal(str(value))}, **extra}
        for i, value in enumerate(scores, start=1)
    ]


def document(*schemes: dict[str, Any], **top: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {"format": "kaohe-scenario/1", "year": 2023, "schemes": list(schemes)}
    doc.update(top)
    return doc


def run(*schemes: dict[str, Any], **top: Any) -> Result:
    return evaluate(document(*schemes, **top))


def grades(result: Result, scheme_id: str = "s") -> dict[str, str | None]:
    return {item.target: item.grade for item in result.scheme(scheme_id).results}


def field(result: Result, name: str, scheme_id: str = "s") -> dict[str, Any]:
    return {item.target: getattr(item, name) for item in result.scheme(scheme_id).results}
