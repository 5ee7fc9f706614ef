"""A scheme's rules read aloud: ``{flag: 群体性事件} → {cap: 一般}`` becomes
"对象有「群体性事件」标记 → 等次不高于 一般". Used by the scheme page and the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _


def _number(value: Any) -> str:
    text = str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def _grade_op(op: str) -> str:
    return {
        "is": _("为"),
        "at_most": _("不高于"),
        "below": _("低于"),
        "at_least": _("不低于"),
    }.get(op, op)


def _input_op(op: str) -> str:
    return {
        "below": _("低于"),
        "at_least": _("不低于"),
        "above": _("高于"),
        "at_most": _("不高于"),
        "equals": _("等于"),
    }.get(op, op)


def condition(cond: Any, names: Mapping[str, str] | None = None) -> str:
    """One condition in Chinese; ``names`` gives the schemes' names by id."""
    names = names or {}
    if not isinstance(cond, Mapping):
        return str(cond)
    if "input" in cond:
        name = cond["input"]
        for op in ("below", "at_least", "above", "at_most", "equals"):
            if op in cond:
                return _("输入项「%(n)s」%(op)s %(v)s") % {
                    "n": name,
                    "op": _input_op(op),
                    "v": _number(cond[op]),
                }
        if "lacks" in cond:
            return _("输入项「%(n)s」中没有「%(v)s」") % {"n": name, "v": cond["lacks"]}
        if "contains" in cond:
            return _("输入项「%(n)s」中有「%(v)s」") % {"n": name, "v": cond["contains"]}
    if len(cond) != 1:
        return str(dict(cond))
    ((key, value),) = cond.items()
    if key == "flag":
        return _("对象有「%(f)s」标记") % {"f": value}
    if key == "unit_flag":
        return _("所在单位有「%(f)s」标记") % {"f": value}
    if key == "role":
        return _("是党政正职（单列）") if value == "principal" else _("是班子成员")
    if key == "duty":
        return _("分管「%(d)s」") % {"d": value}
    if key == "entity" and isinstance(value, Mapping) and len(value) == 1:
        ((attribute, expected),) = value.items()
        return _("属性「%(k)s」为「%(v)s」") % {"k": attribute, "v": expected}
    if key == "grade_of" and isinstance(value, Mapping):
        op = next((o for o in ("is", "at_most", "below", "at_least") if o in value), "")
        scheme = str(value.get("scheme", ""))
        whose = _("所在单位") if value.get("of") == "unit" else _("本对象")
        return _("在「%(s)s」中%(who)s的等次%(op)s %(g)s") % {
            "s": names.get(scheme, scheme),
            "who": whose,
            "op": _grade_op(op),
            "g": value.get(op, ""),
        }
    if key == "grade" and isinstance(value, Mapping):
        op = next((o for o in ("is", "at_most", "below", "at_least") if o in value), "")
        return _("最终等次%(op)s %(g)s") % {"op": _grade_op(op), "g": value.get(op, "")}
    if key == "rank" and isinstance(value, Mapping):
        if value.get("last") is True:
            return _("排名末位")
        if "bottom" in value:
            return _("排名倒数 %(k)s 名以内") % {"k": value["bottom"]}
        if "top" in value:
            return _("排名前 %(k)s 名") % {"k": value["top"]}
        return _("排名不是末位")
    if key == "bottom_share" and isinstance(value, Mapping):
        share = _number(value.get("ratio", 0) * 100) if "ratio" in value else "?"
        return _("连续 %(k)s 期排名在后 %(r)s%%") % {"k": value.get("consecutive", 1), "r": share}
    if key in ("all", "any") and isinstance(value, list):
        parts = [condition(part, names) for part in value]
        joined = _("，且") if key == "all" else _("，或")
        text = joined.join(parts)
        return f"（{text}）" if key == "any" and len(parts) > 1 else text
    if key == "not":
        return _("并非%(c)s") % {"c": condition(value, names)}
    return str(dict(cond))


def effect(then: Any) -> str:
    if not isinstance(then, Mapping) or len(then) != 1:
        return str(then)
    ((key, value),) = then.items()
    return {
        "set": _("等次定为 %(v)s"),
        "cap": _("等次不高于 %(v)s"),
        "downgrade": _("降低 %(v)s 个等次"),
        "pending": _("暂不定等次：%(v)s"),
        "exclude": _("不参加考核：%(v)s"),
        "require": _("须：%(v)s"),
    }.get(str(key), "%(v)s") % {"v": value}


def kind(rule: Mapping[str, Any]) -> str:
    """What a rule is, in the words the seeds use."""
    then = rule.get("then")
    key = next(iter(then), "") if isinstance(then, Mapping) else ""
    return {
        "set": _("直接确定等次"),
        "cap": _("等次限制"),
        "downgrade": _("降低等次"),
        "pending": _("暂缓定等"),
        "exclude": _("不参加考核"),
        "require": _("结果要求"),
    }.get(key, _("规则"))


def rule(item: Mapping[str, Any], names: Mapping[str, str] | None = None) -> str:
    text = _("%(kind)s：%(when)s → %(then)s") % {
        "kind": kind(item),
        "when": condition(item.get("when"), names),
        "then": effect(item.get("then")),
    }
    if item.get("soft"):
        text += _("（软性：可经研究突破，给出提示）")
    return text
