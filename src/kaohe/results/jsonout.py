"""JSON text of engine data with exact decimals.

``json`` writes a ``Decimal`` only through ``float``, which may lose digits (a period
score rescaled from a 120-point system has 28). The scenario snapshot must read back as
exactly what was built, so numbers are written from their decimal digits; the engine's
loader (``kaohe.engine.load_text``) reads them back as the same ``Decimal``s. Ballot
sheets may be a generator: they are written as they come, never held in a list.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from json.encoder import encode_basestring  # the C encoder of one string, ensure_ascii off
from typing import Any

INF = float("inf")


def _bad(value: object) -> str:
    raise ValueError(f"not a finite number: {value}")


def _number(value: Decimal) -> str:
    if not value.is_finite():
        raise ValueError(f"not a finite number: {value}")
    return format(value, "f")  # plain digits: 1E+2 as 100, never an exponent


def chunks(value: Any, indent: str = "", step: str = "  ") -> Iterator[str]:
    """The JSON text of ``value`` in pieces (mappings, lists, tuples and any other iterable
    but strings as arrays; ``Decimal``, ``int``, ``float``, ``bool``, ``None``, ``str``,
    dates as ISO text)."""
    inner = indent + step
    if isinstance(value, str):
        yield encode_basestring(value)
    elif value is None:
        yield "null"
    elif isinstance(value, bool):
        yield "true" if value else "false"
    elif isinstance(value, float):
        yield repr(value) if value == value and value not in (INF, -INF) else _bad(value)
    elif isinstance(value, int):
        yield str(value)
    elif isinstance(value, Decimal):
        yield _number(value)
    elif isinstance(value, dt.date):
        yield encode_basestring(value.isoformat())
    elif isinstance(value, Mapping):
        if not value:
            yield "{}"
            return
        yield "{"
        first = True
        for key, item in value.items():
            yield ("\n" if first else ",\n") + inner + encode_basestring(str(key))
            yield ": "
            yield from chunks(item, inner, step)
            first = False
        yield "\n" + indent + "}"
    elif isinstance(value, Iterable):
        first = True
        for item in value:
            yield ("[\n" if first else ",\n") + inner
            yield from chunks(item, inner, step)
            first = False
        yield "[]" if first else "\n" + indent + "]"
    else:
        raise TypeError(f"cannot write {type(value).__name__} as JSON")


def dumps(value: Any) -> str:
    return "".join(chunks(value)) + "\n"
