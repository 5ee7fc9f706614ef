"""The grading engine: pure Python, no Django.

Public API (the scenario format is ``../shared/spec/scenario-format.md``):

- ``evaluate(document, *, lang="zh") -> Result``: grade every scheme of a
  ``kaohe-scenario/1`` document given as plain Python data (mappings, lists,
  ``Decimal``/``int`` numbers, ``str``, ``datetime.date``). ``ballots.sheets`` may be
  any iterable (a generator streams sheets without holding them all in memory).
  Raises ``ScenarioError`` naming the place of the first problem; nothing is
  half-computed.
- ``Result.to_dict()``: the ``kaohe-result/1`` document (JSON-ready: numbers are
  ``int``/``float`` rendered from exact decimals).
- ``load_path(path)`` / ``load_text(text)``: read YAML or JSON with exact decimals.
- ``render_table(result, lang="zh") -> str``: the readable per-group table.
"""

from kaohe.engine.errors import ScenarioError
from kaohe.engine.evaluate import evaluate
from kaohe.engine.loading import load_path, load_text
from kaohe.engine.result import Result
from kaohe.engine.table import render_table

__all__ = ["Result", "ScenarioError", "evaluate", "load_path", "load_text", "render_table"]
