"""The scheme as a form in Chinese: basics, the score's components and weights, bands,
quotas with their ratios by another scheme's grade or a unit flag, cadre placement, and
the rules as rows whose conditions are rows too. Every row keeps its clause note.

``initial(definition, notes)`` splits a definition into the forms' rows; ``SchemeForms``
binds them and ``build()`` puts a definition and its notes together again, recording for
every element path the form and field that wrote it, so an engine error
(``quotas[0].ratio``) is shown beside that field. Keys the form does not cover (ballots,
warnings, awards …) are carried over unchanged; so is a score or a rule condition of a
shape the rows cannot hold (then the YAML view edits it).

Rule conditions are held as groups: the rows of one group are joined by "or", the groups
by "and" (``all: [{any: [..]}, ..]``), and a row may be negated. That covers every rule
of the presets (e.g. 004: a principal, and any of four unit flags).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.schemes import describe
from kaohe.schemes.models import Subject
from kaohe.schemes.notes import under

SEPARATORS = "、,，;； "


def _names(text: str) -> list[str]:
    for separator in SEPARATORS[1:]:
        text = text.replace(separator, SEPARATORS[0])
    return [part for part in text.split(SEPARATORS[0]) if part]


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("依据条款"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


def _dec(value: Any) -> Any:
    """A stored number as the exact decimal it was written as (for the form's initial)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def _names_field(label: Any, help_text: Any) -> forms.CharField:
    """Names separated by “、” (inputs)."""
    return forms.CharField(label=label, required=False, max_length=200, help_text=help_text)


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# ---- the forms ----------------------------------------------------------------------


class BasicsForm(forms.Form):
    name = forms.CharField(label=_("方案名称"), max_length=200)
    subject = forms.ChoiceField(label=_("考核对象"), choices=Subject.choices)
    grades = forms.CharField(
        label=_("等次"),
        max_length=200,
        help_text=_("从高到低，用“、”分隔，如 好、较好、一般、较差"),
    )
    precision = forms.IntegerField(
        label=_("得分保留小数位"), required=False, min_value=0, max_value=6
    )
    group_by = forms.ChoiceField(
        label=_("分组排名"),
        required=False,
        choices=[("", _("全部对象一起排名")), ("category", _("按单位类别分组"))],
    )
    principal_group = forms.CharField(
        label=_("党政正职单列名单"), required=False, max_length=50,
        help_text=_("仅干部考核：党政正职单独排名、单独计算比例时的名单名称，默认“单列”"),
    )  # fmt: skip
    secondment_min_months = forms.IntegerField(
        label=_("县内挂职计入挂职单位的最少月数"), required=False, min_value=0,
        help_text=_("仅干部考核：县内挂职满此月数的，在挂职单位考核并占其比例，默认 6"),
    )  # fmt: skip
    tie_breakers = _names_field(
        _("同分时比较的输入项"), _("仅在比例分界线上同分时使用，按顺序比较，用“、”分隔")
    )
    plus = _names_field(_("加分输入项"), _("加权之后加上，用“、”分隔"))
    minus = _names_field(_("减分输入项"), _("加权之后减去，用“、”分隔"))
    clamp_low = forms.DecimalField(label=_("得分下限"), required=False, max_digits=9)
    clamp_high = forms.DecimalField(label=_("得分上限"), required=False, max_digits=9)
    score_note = forms.CharField(
        label=_("计分公式依据条款"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200)

    def __init__(self, *args: Any, group_by: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["group_by"]
        if group_by and group_by not in dict(field.choices):  # type: ignore[attr-defined]
            field.choices = [*field.choices, (group_by, group_by)]  # type: ignore[attr-defined]


class ComponentForm(forms.Form):
    code = forms.CharField(
        label=_("序号"), max_length=20, help_text=_("1、2 为一级；1.1、1.2 为 1 的下级")
    )
    weight = forms.DecimalField(label=_("权重"), min_value=0, max_value=1, max_digits=9)
    input = forms.CharField(
        label=_("输入项"), required=False, max_length=60, help_text=_("有下级的留空")
    )
    note = _note_field()


class BandForm(forms.Form):
    group = forms.CharField(
        label=_("分组"), required=False, max_length=100, help_text=_("留空：所有分组")
    )
    grade = forms.CharField(label=_("等次"), max_length=20)
    minimum = forms.DecimalField(label=_("最低分（含）"), max_digits=9)
    note = _note_field()


class QuotaForm(forms.Form):
    grade = forms.CharField(label=_("等次"), max_length=20, help_text=_("此等次及以上合计"))
    ratio = forms.DecimalField(label=_("比例上限"), min_value=0, max_value=1, max_digits=6)
    soft = forms.BooleanField(label=_("软性（超出只提示）"), required=False)
    note = _note_field()


RATIO_KINDS = [("grade_of", _("按另一方案的等次")), ("unit_flag", _("按单位标记"))]


class QuotaRatioForm(forms.Form):
    quota = forms.CharField(label=_("比例所属等次"), max_length=20)
    kind = forms.ChoiceField(label=_("依据"), choices=RATIO_KINDS)
    scheme = forms.CharField(
        label=_("方案编号"), required=False, max_length=40, help_text=_("按等次时：如 team")
    )
    key = forms.CharField(label=_("等次或标记"), max_length=100)
    ratio = forms.DecimalField(label=_("比例"), min_value=0, max_value=1, max_digits=6)
    note = _note_field()


EFFECTS = [
    ("cap", _("等次不高于")),
    ("set", _("等次定为")),
    ("downgrade", _("降低等次数")),
    ("require", _("附加要求")),
    ("pending", _("暂不定等次")),
    ("exclude", _("不参加考核")),
]


class RuleForm(forms.Form):
    id = forms.CharField(label=_("规则编号"), max_length=60, help_text=_("在计算过程说明中显示"))
    effect = forms.ChoiceField(label=_("结果"), choices=EFFECTS)
    value = forms.CharField(
        label=_("等次、等次数或说明"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 1}),
    )  # fmt: skip
    soft = forms.BooleanField(label=_("软性（可经研究突破，给出提示）"), required=False)
    note = _note_field()
    raw_when = forms.CharField(required=False, widget=forms.HiddenInput)


CONDITION_KINDS = [
    ("flag", _("对象有标记")),
    ("unit_flag", _("所在单位有标记")),
    ("input", _("输入项比较")),
    ("grade_of", _("另一方案的等次")),
    ("rank", _("排名")),
    ("bottom_share", _("连续几期排名靠后")),
    ("role", _("党政正职")),
    ("duty", _("分管工作")),
    ("entity", _("对象属性")),
    ("grade", _("最终等次")),
]
OPS = [
    ("", "—"),
    ("below", _("低于")),
    ("at_least", _("不低于")),
    ("above", _("高于")),
    ("at_most", _("不高于")),
    ("equals", _("等于")),
    ("is", _("为")),
    ("lacks", _("中没有")),
    ("contains", _("中有")),
    ("last", _("末位")),
    ("bottom", _("倒数几名以内")),
    ("top", _("前几名")),
    ("unit", _("所在单位的等次")),
]
GRADE_OPS = ("is", "at_most", "below", "at_least")
INPUT_OPS = ("below", "at_least", "above", "at_most", "equals", "lacks", "contains")


class ConditionForm(forms.Form):
    rule = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    group = forms.IntegerField(
        label=_("组"), min_value=1, initial=1, help_text=_("同组之间为“或”，各组之间为“且”")
    )
    negate = forms.BooleanField(label=_("不满足"), required=False)
    kind = forms.ChoiceField(label=_("条件"), choices=CONDITION_KINDS)
    name = forms.CharField(
        label=_("名称"), required=False, max_length=100,
        help_text=_("标记、输入项、方案编号、分管工作或属性名"),
    )  # fmt: skip
    op = forms.ChoiceField(label=_("比较"), required=False, choices=OPS)
    value = forms.CharField(label=_("值"), required=False, max_length=100)
    of_unit = forms.BooleanField(label=_("看所在单位"), required=False)
    note = _note_field()

    def atom(self) -> dict[str, Any]:
        """The condition as the engine writes it (errors go beside this row's fields)."""
        data = self.cleaned_data
        kind, name, op, value = data["kind"], data["name"].strip(), data["op"], data["value"]
        value = value.strip()
        if kind in ("flag", "unit_flag", "duty"):
            return {kind: self._need(name, "name")}
        if kind == "role":
            return {"role": "member" if value in ("member", _("班子成员")) else "principal"}
        if kind == "entity":
            return {"entity": {self._need(name, "name"): value}}
        if kind == "input":
            op = self._choose(op, INPUT_OPS)
            member = op in ("lacks", "contains")
            return {"input": self._need(name, "name"), op: value if member else self._num(value)}
        if kind == "grade_of":
            op = self._choose(op, GRADE_OPS)
            found = {
                "scheme": self._need(name, "name"),
                "of": "unit" if data["of_unit"] else "self",
            }
            return {"grade_of": {**found, op: self._need(value, "value")}}
        if kind == "grade":
            return {"grade": {self._choose(op, GRADE_OPS): self._need(value, "value")}}
        if kind == "rank":
            op = self._choose(op, ("last", "bottom", "top"))
            return {"rank": {"last": True} if op == "last" else {op: int(self._num(value))}}
        # bottom_share: the share in "value", the number of periods in "name"
        periods = int(self._num(name or "1", "name"))
        return {"bottom_share": {"ratio": self._num(value), "consecutive": periods}}

    def _need(self, text: str, field: str) -> str:
        if not text:
            raise forms.ValidationError({field: _("请填写")})
        return text

    def _choose(self, op: str, allowed: tuple[str, ...]) -> str:
        if op not in allowed:
            labels = dict(OPS)
            raise forms.ValidationError(
                {"op": _("请选择：%(ops)s") % {"ops": "、".join(str(labels[o]) for o in allowed)}}
            )
        return op

    def _num(self, text: str, field: str = "value") -> int | float:
        try:
            number = _number(Decimal(text))
        except ArithmeticError:
            raise forms.ValidationError({field: _("请填写数字")}) from None
        assert number is not None
        return number


def _formset(form: type[forms.Form]) -> Any:
    return forms.formset_factory(form, extra=0, can_delete=True, max_num=100, validate_max=True)


ComponentFormSet = _formset(ComponentForm)
BandFormSet = _formset(BandForm)
QuotaFormSet = _formset(QuotaForm)
QuotaRatioFormSet = _formset(QuotaRatioForm)
RuleFormSet = _formset(RuleForm)
ConditionFormSet = _formset(ConditionForm)

SECTIONS = {
    "components": ComponentFormSet,
    "bands": BandFormSet,
    "quotas": QuotaFormSet,
    "ratios": QuotaRatioFormSet,
    "rules": RuleFormSet,
    "conditions": ConditionFormSet,
}


# ---- definition → rows --------------------------------------------------------------


def _own(notes: Mapping[str, str], path: str, inner: list[str]) -> str:
    """The notes under ``path`` that no row of ``inner`` takes."""

    def taken(key: str) -> bool:
        return any(key == p or key.startswith((p + ".", p + "[")) for p in inner)

    parts = [
        note
        for key, note in notes.items()
        if (key == path or key.startswith((path + ".", path + "["))) and not taken(key)
    ]
    return "\n".join(parts)


def score_rows(score: Any, notes: Mapping[str, str]) -> list[dict[str, Any]] | None:
    """The components as rows, or None when the score is not a (nested) weighted sum."""
    rows: list[dict[str, Any]] = []

    def walk(expression: Any, path: str, prefix: str) -> bool:
        if not isinstance(expression, Mapping) or set(expression) != {"sum"}:
            return False
        items = expression["sum"]
        if not isinstance(items, list):
            return False
        for index, item in enumerate(items):
            if not isinstance(item, Mapping) or set(item) != {"weight", "of"}:
                return False
            code = f"{prefix}{index + 1}"
            item_path = f"{path}.sum[{index}]"
            row = {"code": code, "weight": _dec(item["weight"]), "input": "", "note": ""}
            rows.append(row)
            if isinstance(item["of"], str):
                row["input"] = item["of"]
                row["note"] = under(notes, item_path)
            else:
                start = len(rows)
                if not walk(item["of"], f"{item_path}.of", f"{code}."):
                    return False
                inner = [f"{item_path}.of.sum[{i}]" for i in range(len(item["of"]["sum"]))]
                row["note"] = _own(notes, item_path, inner)
                assert len(rows) >= start
        return True

    if score is None:
        return []
    if not isinstance(score, Mapping) or not set(score) <= {"sum", "plus", "minus", "clamp"}:
        return None
    if "sum" not in score:
        return None
    return rows if walk({"sum": score["sum"]}, "score", "") else None


def _atoms(when: Any, path: str) -> list[tuple[int, bool, dict[str, Any], str]] | None:
    """(group, negated, atom, path) of a condition in groups, or None when it has another
    shape."""

    def literal(cond: Any, where: str) -> tuple[bool, dict[str, Any], str] | None:
        if isinstance(cond, Mapping) and set(cond) == {"not"}:
            found = literal(cond["not"], f"{where}.not")
            return None if found is None or found[0] else (True, found[1], found[2])
        if not isinstance(cond, Mapping) or {"all", "any", "not"} & set(cond):
            return None
        return False, dict(cond), where

    def clause(cond: Any, where: str) -> list[tuple[bool, dict[str, Any], str]] | None:
        if isinstance(cond, Mapping) and set(cond) == {"any"} and isinstance(cond["any"], list):
            found = [literal(c, f"{where}.any[{i}]") for i, c in enumerate(cond["any"])]
            return None if None in found else found  # type: ignore[return-value]
        one = literal(cond, where)
        return None if one is None else [one]

    if isinstance(when, Mapping) and set(when) == {"all"} and isinstance(when["all"], list):
        groups = [clause(c, f"{path}.all[{i}]") for i, c in enumerate(when["all"])]
    else:
        groups = [clause(when, path)]
    if any(group is None for group in groups):
        return None
    return [
        (number, negated, atom, where)
        for number, group in enumerate(groups, start=1)
        for negated, atom, where in group or []
    ]


def _condition_row(atom: dict[str, Any]) -> dict[str, Any] | None:
    """A condition as a row's fields, or None when a row cannot hold it."""
    row: dict[str, Any] = {"name": "", "op": "", "value": "", "of_unit": False}
    if "input" in atom:
        ops = [key for key in atom if key != "input"]
        if len(ops) != 1:
            return None
        return {**row, "kind": "input", "name": atom["input"], "op": ops[0],
                "value": str(atom[ops[0]])}  # fmt: skip
    if len(atom) != 1:
        return None
    ((kind, value),) = atom.items()
    if kind in ("flag", "unit_flag", "duty"):
        return {**row, "kind": kind, "name": str(value)}
    if kind == "role":  # principal (党政正职) needs no value; member is written out
        return {**row, "kind": "role", "value": "" if value == "principal" else _("班子成员")}
    if kind == "entity" and isinstance(value, Mapping) and len(value) == 1:
        ((key, expected),) = value.items()
        return {**row, "kind": "entity", "name": key, "value": str(expected)}
    if kind in ("grade_of", "grade") and isinstance(value, Mapping):
        ops = [op for op in GRADE_OPS if op in value]
        if len(ops) != 1:
            return None
        found = {**row, "kind": kind, "op": ops[0], "value": str(value[ops[0]])}
        if kind == "grade_of":
            found |= {"name": str(value.get("scheme", "")), "of_unit": value.get("of") == "unit"}
        return found
    if kind == "rank" and isinstance(value, Mapping) and len(value) == 1:
        ((op, amount),) = value.items()
        if op == "last":
            return {**row, "kind": "rank", "op": "last"} if amount is True else None
        return {**row, "kind": "rank", "op": op, "value": str(amount)}
    if kind == "bottom_share" and isinstance(value, Mapping):
        return {**row, "kind": "bottom_share", "value": str(value.get("ratio", "")),
                "name": str(value.get("consecutive", 1))}  # fmt: skip
    return None


def _join(items: Any) -> str:
    if isinstance(items, list):
        return "、".join(str(item) for item in items)
    return str(items) if items else ""


def initial(definition: Mapping[str, Any], notes: Mapping[str, str]) -> dict[str, Any]:
    """The forms' initial data for a stored definition and its notes."""
    score = definition.get("score")
    components = score_rows(score, notes)
    clamp = score.get("clamp") if isinstance(score, Mapping) else None
    basics = {
        "name": definition.get("name", ""),
        "subject": definition.get("subject", ""),
        "grades": _join(definition.get("grades", [])),
        "precision": definition.get("precision"),
        "group_by": definition.get("group_by", ""),
        "principal_group": definition.get("principal_group", ""),
        "secondment_min_months": definition.get("secondment_min_months"),
        "tie_breakers": _join(definition.get("tie_breakers", [])),
        "plus": _join(score.get("plus", [])) if isinstance(score, Mapping) else "",
        "minus": _join(score.get("minus", [])) if isinstance(score, Mapping) else "",
        "clamp_low": clamp[0] if isinstance(clamp, list) and len(clamp) == 2 else None,
        "clamp_high": clamp[1] if isinstance(clamp, list) and len(clamp) == 2 else None,
        "score_note": _own(
            notes, "score", [f"score.sum[{i}]" for i in range(len(score.get("sum", [])))]
        )
        if isinstance(score, Mapping) and components is not None
        else "",
    }
    bands = [
        {
            "group": "",
            "grade": grade,
            "minimum": _dec(value),
            "note": under(notes, f"bands.{grade}"),
        }
        for grade, value in (definition.get("bands") or {}).items()
    ]
    for group, lines in (definition.get("bands_by_group") or {}).items():
        for index, (grade, value) in enumerate((lines or {}).items()):
            note = under(notes, f"bands_by_group.{group}.{grade}")
            if index == 0:  # a note on the group itself goes to its first line
                own = notes.get(f"bands_by_group.{group}", "")
                note = "\n".join(part for part in (own, note) if part)
            bands.append({"group": group, "grade": grade, "minimum": _dec(value), "note": note})
    quotas, ratios = [], []
    for index, quota in enumerate(definition.get("quotas") or []):
        path = f"quotas[{index}]"
        by_grade = quota.get("ratio_by_grade_of") or {}
        inner = []
        for key, value in (by_grade.get("grades") or {}).items():
            where = f"{path}.ratio_by_grade_of.grades.{key}"
            inner.append(where)
            ratios.append({"quota": quota["grade"], "kind": "grade_of",
                           "scheme": by_grade.get("scheme", ""), "key": key, "ratio": _dec(value),
                           "note": under(notes, where)})  # fmt: skip
        for key, value in (quota.get("ratio_by_unit_flag") or {}).items():
            where = f"{path}.ratio_by_unit_flag.{key}"
            inner.append(where)
            ratios.append({"quota": quota["grade"], "kind": "unit_flag", "scheme": "",
                           "key": key, "ratio": _dec(value), "note": under(notes, where)})  # fmt: skip
        quotas.append({"grade": quota.get("grade", ""), "ratio": _dec(quota.get("ratio")),
                       "soft": bool(quota.get("soft")), "note": _own(notes, path, inner)})  # fmt: skip
    rules, conditions = [], []
    for index, item in enumerate(definition.get("rules") or []):
        path = f"rules[{index}]"
        then = item.get("then") or {}
        effect, value = next(iter(then.items()), ("cap", ""))
        atoms = _atoms(item.get("when"), f"{path}.when")
        rows = [(a, _condition_row(a[2])) for a in atoms or []]
        simple = atoms is not None and all(row is not None for _a, row in rows)
        inner = [a[3] for a, _row in rows] if simple else []
        rules.append({"id": item.get("id", ""), "effect": effect, "value": str(value),
                      "soft": bool(item.get("soft")),
                      "note": _own(notes, path, inner) if simple else under(notes, path),
                      "raw_when": "" if simple else json.dumps(item.get("when"),
                                                               ensure_ascii=False)})  # fmt: skip
        if simple:
            for (group, negated, _atom, where), row in rows:
                conditions.append({**(row or {}), "rule": index, "group": group,
                                   "negate": negated, "note": under(notes, where)})  # fmt: skip
    for key, section in (("bands", bands), ("quotas", quotas), ("rules", rules)):
        if notes.get(key) and section:  # a note on the section itself: its first row keeps it
            section[0]["note"] = "\n".join(p for p in (notes[key], section[0]["note"]) if p)
    return {
        "basics": basics,
        "components": components or [],
        "score_in_rows": components is not None,
        "bands": bands,
        "quotas": quotas,
        "ratios": ratios,
        "rules": rules,
        "conditions": conditions,
    }


# ---- rows → definition --------------------------------------------------------------


class Places:
    """Which form and field wrote each element path (for an engine error's place)."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[forms.Form | None, str | None, str]] = {}

    def add(self, path: str, form: forms.Form | None, field: str | None, section: str) -> None:
        self.found.setdefault(path, (form, field, section))

    def at(self, path: str) -> tuple[forms.Form | None, str | None, str] | None:
        inside = [k for k in self.found if path == k or path.startswith((k + ".", k + "["))]
        return self.found[max(inside, key=len)] if inside else None


def _alive(formset: Any) -> list[forms.Form]:
    return [
        form
        for form in formset.forms
        if form.has_changed() or form.initial
        if not (formset.can_delete and form.cleaned_data.get("DELETE"))
    ]


def _code_key(code: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in code.split("."))
    except ValueError:
        return (10**6,)


def _was(base: Mapping[str, Any], key: str, field: str, value: Any) -> Mapping[str, Any]:
    """The element of a list in ``base`` whose ``field`` is ``value`` (or an empty one)."""
    items = base.get(key) or []
    return next((i for i in items if isinstance(i, Mapping) and i.get(field) == value), {})


def build(
    base: Mapping[str, Any],
    basics: BasicsForm,
    sets: Mapping[str, Any],
    score_in_rows: bool,
    old_notes: Mapping[str, str],
) -> tuple[dict[str, Any], dict[str, str], Places]:
    """A definition and its notes from valid forms; ``base`` gives what they do not hold.
    Raises ``forms.ValidationError`` (already added to its form) for a bad condition row."""
    data = basics.cleaned_data
    places = Places()
    notes: dict[str, str] = {}
    definition: dict[str, Any] = {key: value for key, value in base.items()}

    def put(key: str, value: Any, field: str | None) -> None:
        if value in (None, "", [], {}):
            definition.pop(key, None)
        else:
            definition[key] = value
        places.add(key, basics, field, "basics")

    definition["id"] = base.get("id", "")
    put("name", data["name"], "name")
    put("subject", data["subject"], "subject")
    put("grades", _names(data["grades"]), "grades")
    put("precision", data["precision"], "precision")
    put("group_by", data["group_by"], "group_by")
    put("principal_group", data["principal_group"].strip(), "principal_group")
    put("secondment_min_months", data["secondment_min_months"], "secondment_min_months")
    put("tie_breakers", _names(data["tie_breakers"]), "tie_breakers")

    if score_in_rows:
        score: dict[str, Any] = {}
        rows = sorted(_alive(sets["components"]), key=lambda f: _code_key(f.cleaned_data["code"]))
        by_code: dict[str, dict[str, Any]] = {"": score}
        for form in rows:
            row = form.cleaned_data
            code = row["code"].strip()
            parent_code = code.rpartition(".")[0]
            parent = by_code.get(parent_code)
            if parent is None:
                form.add_error("code", _("没有上级序号 %(code)s") % {"code": parent_code})
                raise forms.ValidationError("component")
            items = parent.setdefault("sum", [])
            item: dict[str, Any] = {"weight": _number(row["weight"])}
            if row["input"].strip():
                item["of"] = row["input"].strip()
            else:
                item["of"] = {}
                by_code[code] = item["of"]
            items.append(item)
            form.path = f"{by_code.get('@' + parent_code, 'score')}.sum[{len(items) - 1}]"  # type: ignore[attr-defined]
            by_code["@" + code] = f"{form.path}.of"  # type: ignore[attr-defined,assignment]
            places.add(form.path, form, "weight", "components")  # type: ignore[attr-defined]
            places.add(f"{form.path}.of", form, "input", "components")  # type: ignore[attr-defined]
            if row["note"].strip():
                notes[form.path] = row["note"].strip()  # type: ignore[attr-defined]
        for form in rows:  # a component with neither an input nor parts
            if (
                form.cleaned_data["input"].strip() == ""
                and by_code.get(form.cleaned_data["code"].strip()) == {}
            ):
                form.add_error("input", _("请填写输入项，或为它添加下级"))
                raise forms.ValidationError("component")
        for key, field in (("plus", "plus"), ("minus", "minus")):
            if names := _names(data[key]):
                score[key] = names
            places.add(f"score.{key}", basics, field, "basics")
        if data["clamp_low"] is not None or data["clamp_high"] is not None:
            score["clamp"] = [_number(data["clamp_low"]), _number(data["clamp_high"])]
        places.add("score.clamp", basics, "clamp_low", "basics")
        places.add("score", None, None, "components")
        put("score", score, None)
        if data["score_note"].strip():
            notes["score"] = data["score_note"].strip()

    bands: dict[str, Any] = {}
    by_group: dict[str, dict[str, Any]] = {}
    for form in _alive(sets["bands"]):
        row = form.cleaned_data
        group, grade = row["group"].strip(), row["grade"].strip()
        path = f"bands_by_group.{group}.{grade}" if group else f"bands.{grade}"
        (by_group.setdefault(group, {}) if group else bands)[grade] = _number(row["minimum"])
        places.add(path, form, "minimum", "bands")
        if group:
            places.add(f"bands_by_group.{group}", form, "group", "bands")
        if row["note"].strip():
            notes[path] = row["note"].strip()
    places.add("bands", None, None, "bands")
    places.add("bands_by_group", None, None, "bands")
    put("bands", bands, None)
    put("bands_by_group", by_group, None)

    quotas: list[dict[str, Any]] = []
    quota_index: dict[str, int] = {}
    for form in _alive(sets["quotas"]):
        row = form.cleaned_data
        path = f"quotas[{len(quotas)}]"
        quota_index[row["grade"].strip()] = len(quotas)
        quota: dict[str, Any] = {"grade": row["grade"].strip(), "ratio": _number(row["ratio"])}
        if row["soft"] or "soft" in _was(base, "quotas", "grade", quota["grade"]):
            quota["soft"] = row["soft"]
        quotas.append(quota)
        places.add(path, form, "ratio", "quotas")
        places.add(f"{path}.grade", form, "grade", "quotas")
        if row["note"].strip():
            notes[path] = row["note"].strip()
    for form in _alive(sets["ratios"]):
        row = form.cleaned_data
        if row["quota"].strip() not in quota_index:
            form.add_error("quota", _("上面没有这个等次的比例"))
            raise forms.ValidationError("ratio")
        index = quota_index[row["quota"].strip()]
        quota = quotas[index]
        key = row["key"].strip()
        if row["kind"] == "grade_of":
            table = quota.setdefault("ratio_by_grade_of", {"scheme": row["scheme"].strip()})
            table.setdefault("grades", {})[key] = _number(row["ratio"])
            path = f"quotas[{index}].ratio_by_grade_of.grades.{key}"
            places.add(f"quotas[{index}].ratio_by_grade_of", form, "scheme", "ratios")
        else:
            quota.setdefault("ratio_by_unit_flag", {})[key] = _number(row["ratio"])
            path = f"quotas[{index}].ratio_by_unit_flag.{key}"
        places.add(path, form, "ratio", "ratios")
        if row["note"].strip():
            notes[path] = row["note"].strip()
    places.add("quotas", None, None, "quotas")
    put("quotas", quotas, None)

    conditions: dict[int, list[ConditionForm]] = {}
    for form in _alive(sets["conditions"]):
        conditions.setdefault(form.cleaned_data["rule"], []).append(form)  # type: ignore[arg-type]
    rules: list[dict[str, Any]] = []
    for number, form in enumerate(sets["rules"].forms):
        if form not in _alive(sets["rules"]):
            continue
        row = form.cleaned_data
        path = f"rules[{len(rules)}]"
        own = conditions.get(number, [])
        when = _when(own, path, places, notes)
        if when is None and row["raw_when"]:
            try:
                when = json.loads(row["raw_when"])
            except ValueError:
                when = None
        if when is None:
            form.add_error("id", _("请至少填写一个条件"))
            raise forms.ValidationError("rule")
        value: Any = row["value"].strip()
        if row["effect"] == "downgrade":
            value = int(value) if value.isdigit() else value
        rule = {"id": row["id"].strip(), "when": when, "then": {row["effect"]: value}}
        if row["soft"] or "soft" in _was(base, "rules", "id", rule["id"]):
            rule["soft"] = row["soft"]
        rules.append(rule)
        places.add(path, form, "id", "rules")
        places.add(f"{path}.then", form, "value", "rules")
        places.add(f"{path}.soft", form, "soft", "rules")
        if row["note"].strip():
            notes[path] = row["note"].strip()
    places.add("rules", None, None, "rules")
    put("rules", rules, None)
    managed = ("bands", "bands_by_group", "quotas", "rules", *(("score",) if score_in_rows else ()))
    carried = {
        path: note
        for path, note in old_notes.items()
        if path.split(".", 1)[0].split("[", 1)[0] not in managed
    }
    notes = carried | notes
    ordered = {key: definition[key] for key in ORDER if key in definition}
    return ordered | {k: v for k, v in definition.items() if k not in ordered}, notes, places


ORDER = ("id", "name", "description", "subject", "grades", "score", "precision", "bands",
         "bands_by_group", "group_by", "default_group", "principal_group",
         "secondment_min_months", "quotas", "tie_breakers", "rules", "ballots", "warnings",
         "awards", "periods", "policy")  # fmt: skip


def _when(
    rows: list[ConditionForm], path: str, places: Places, notes: dict[str, str]
) -> dict[str, Any] | None:
    if not rows:
        return None
    groups: dict[int, list[ConditionForm]] = {}
    for form in rows:
        groups.setdefault(form.cleaned_data["group"], []).append(form)
    ordered = [groups[key] for key in sorted(groups)]
    built: list[tuple[ConditionForm, dict[str, Any], str]] = []
    clauses: list[dict[str, Any]] = []
    for g, group in enumerate(ordered):
        base = f"{path}.when.all[{g}]" if len(ordered) > 1 else f"{path}.when"
        literals = []
        for k, form in enumerate(group):
            try:
                atom = form.atom()
            except forms.ValidationError as error:
                form.add_error(None, error)
                raise
            where = f"{base}.any[{k}]" if len(group) > 1 else base
            if form.cleaned_data["negate"]:
                atom, where = {"not": atom}, where
            literals.append(atom)
            built.append((form, atom, where))
        clauses.append(literals[0] if len(literals) == 1 else {"any": literals})
    for form, _atom, where in built:
        places.add(where, form, "value", "conditions")
        places.add(f"{where}.input", form, "name", "conditions")
        places.add(f"{where}.grade_of.scheme", form, "name", "conditions")
        if form.cleaned_data["note"].strip():
            notes[where] = form.cleaned_data["note"].strip()
    return clauses[0] if len(clauses) == 1 else {"all": clauses}


# ---- the forms together -------------------------------------------------------------


class SchemeForms:
    """The basics form and the six row formsets of one scheme."""

    def __init__(
        self,
        data: Any,
        *,
        definition: Mapping[str, Any],
        notes: Mapping[str, str],
        names: Mapping[str, str] | None = None,
    ) -> None:
        self.base = definition
        self.old_notes = notes
        start = initial(definition, notes)
        self.score_in_rows = start["score_in_rows"]
        self.basics = BasicsForm(
            data, initial=start["basics"], group_by=str(definition.get("group_by", ""))
        )
        self.sets = {
            name: formset(data, initial=start[name], prefix=name)
            for name, formset in SECTIONS.items()
        }
        self.section_errors: dict[str, list[str]] = {}
        self.rule_sentences = [describe.rule(item, names) for item in definition.get("rules") or []]

    def is_valid(self) -> bool:
        valid = self.basics.is_valid()
        for formset in self.sets.values():
            valid = formset.is_valid() and valid
        return valid

    def has_changed(self) -> bool:
        changed = self.basics.has_changed() and self.basics.changed_data != ["note"]
        return changed or any(formset.has_changed() for formset in self.sets.values())

    def build(self) -> tuple[dict[str, Any], dict[str, str]] | None:
        """The definition and notes, or None with the errors on the forms."""
        try:
            definition, notes, self.places = build(
                self.base, self.basics, self.sets, self.score_in_rows, self.old_notes
            )
        except forms.ValidationError:
            return None
        return definition, notes

    def place_error(self, path: str, message: str) -> None:
        """An engine error beside the field its path names (else above its section)."""
        found = self.places.at(path) if hasattr(self, "places") else None
        if found is None:
            self.basics.add_error(None, message)
            return
        form, field, section = found
        if form is None:
            self.section_errors.setdefault(section, []).append(message)
        else:
            form.add_error(field, message)
