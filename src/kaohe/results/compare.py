"""Two runs side by side: whose score, rank, grade or status changed, and why.

The why comes from what each run graded and how: the target's inputs, period scores,
history and entity attributes in the two snapshots, the scheme version each read, and the
steps of the engine's traces that differ.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from kaohe.results.models import Run, RunRow


@dataclass
class Change:
    scheme: str
    target: str
    name: str
    old: RunRow | None
    new: RunRow | None
    reasons: list[str] = field(default_factory=list)

    @property
    def grade_changed(self) -> bool:
        return (self.old.grade if self.old else None) != (self.new.grade if self.new else None)


def _show(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list):
        return "、".join(_show(v) for v in value) or "—"
    if isinstance(value, Mapping):
        return "；".join(f"{k} {_show(v)}" for k, v in value.items()) or "—"
    return str(value)


def _snapshot_parts(snapshot: str) -> tuple[dict[tuple[int, str], dict[str, Any]], dict[str, Any]]:
    """(scheme pk, target) → the target's entry; entity id → the entity."""
    if not snapshot:
        return {}, {}
    document = json.loads(snapshot, parse_float=Decimal)
    targets = {
        (int(str(scheme["id"])[1:]), str(target["id"])): target
        for scheme in document.get("schemes", [])
        for target in scheme.get("targets", [])
    }
    entities: dict[str, Any] = {}
    for kind in ("units", "cadres"):
        for entity in (document.get("entities") or {}).get(kind, []):
            entities[str(entity["id"])] = entity
    return targets, entities


def _dict_changes(label: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    found = []
    for key in sorted(set(old) | set(new), key=str):
        if old.get(key) != new.get(key):
            found.append(
                _("%(what)s %(key)s：%(old)s → %(new)s")
                % {
                    "what": label,
                    "key": key,
                    "old": _show(old.get(key)),
                    "new": _show(new.get(key)),
                }
            )
    return found


def _step_text(step: Mapping[str, Any]) -> str:
    return str(step.get("note") or ", ".join(f"{k}={v}" for k, v in step.items()))


def _reasons(
    old: RunRow | None, new: RunRow | None, old_parts: Any, new_parts: Any,
    versions: Mapping[int, tuple[int | None, int | None]],
) -> list[str]:  # fmt: skip
    row = new or old
    assert row is not None
    key = (row.scheme_id, row.target)
    reasons: list[str] = []
    before, after = versions.get(row.scheme_id, (None, None))
    if before != after:
        reasons.append(
            _("方案版本：v%(old)s → v%(new)s") % {"old": before or "—", "new": after or "—"}
        )
    old_target, new_target = old_parts[0].get(key, {}), new_parts[0].get(key, {})
    reasons += _dict_changes(_("分项"), old_target.get("inputs", {}), new_target.get("inputs", {}))
    reasons += _dict_changes(
        _("周期得分"), old_target.get("periods", {}), new_target.get("periods", {})
    )
    reasons += _dict_changes(
        _("往年等次"), old_target.get("history", {}), new_target.get("history", {})
    )
    old_entity, new_entity = old_parts[1].get(row.target, {}), new_parts[1].get(row.target, {})
    reasons += _dict_changes(
        _("基本信息"),
        {k: v for k, v in old_entity.items() if k not in ("id", "name")},
        {k: v for k, v in new_entity.items() if k not in ("id", "name")},
    )
    if old is not None and new is not None:
        was = {_step_text(step) for step in old.trace}
        reasons += [
            _("计算过程：%(step)s") % {"step": _step_text(step)}
            for step in new.trace
            if _step_text(step) not in was
        ]
    if not reasons:
        reasons.append(_("输入相同；其他考核对象的变化影响了排名或名额"))
    return reasons


def _versions(run: Run) -> dict[int, int]:
    return {scheme: number for scheme, number in run.versions.values_list("scheme_id", "number")}


def compare_runs(old: Run, new: Run) -> list[Change]:
    """Every target whose score, rank, grade or status differs between ``old`` and
    ``new`` (or that only one of them graded), with the reasons."""

    def rows(run: Run) -> dict[tuple[int, str], RunRow]:
        return {
            (r.scheme_id, r.target): r
            for r in RunRow.objects.filter(run=run).select_related("scheme")
        }

    old_versions, new_versions = _versions(old), _versions(new)
    versions = {
        scheme: (old_versions.get(scheme), new_versions.get(scheme))
        for scheme in set(old_versions) | set(new_versions)
    }
    return compare_rows(
        rows(old), rows(new), _snapshot_parts(old.snapshot), _snapshot_parts(new.snapshot),
        versions,
    )  # fmt: skip


def compare_rows(
    old_rows: Mapping[tuple[int, str], RunRow],
    new_rows: Mapping[tuple[int, str], RunRow],
    old_parts: Any,
    new_parts: Any,
    versions: Mapping[int, tuple[int | None, int | None]],
) -> list[Change]:
    """The changes between two sets of rows keyed by (scheme pk, target), stored or not
    (what-if rows are never saved); rows need their ``scheme`` loaded."""
    fields = ("score", "rank", "grade", "status")
    changes = []
    keys: Iterable[tuple[int, str]] = list(dict.fromkeys([*old_rows, *new_rows]))
    for key in keys:
        before, after = old_rows.get(key), new_rows.get(key)
        if (
            before is not None
            and after is not None
            and all(getattr(before, f) == getattr(after, f) for f in fields)
        ):
            continue
        row = after or before
        assert row is not None
        changes.append(
            Change(
                scheme=row.scheme.label,
                target=row.target,
                name=row.name,
                old=before,
                new=after,
                reasons=_reasons(before, after, old_parts, new_parts, versions),
            )
        )
    return changes
