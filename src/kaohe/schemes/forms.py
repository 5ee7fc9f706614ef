"""Forms validate at the edge and hand clean values to the services; they never save."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.core.forms import Form, limit_choices, set_choices
from kaohe.core.xlsx import workbook_file_field
from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory
from kaohe.presets import list_presets
from kaohe.schemes.models import (
    ChangeOp,
    ChangeStatus,
    Indicator,
    Method,
    Scheme,
)

CODE_AREA = forms.Textarea(
    attrs={"rows": 24, "class": "code", "spellcheck": "false", "autocapitalize": "off"}
)


def _points(label: Any, *, required: bool = True) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_digits=7, decimal_places=2
    )


class PresetForm(Form):
    year = forms.ModelChoiceField(label=_("年度"), queryset=AssessmentYear.objects.none())
    preset = forms.ChoiceField(label=_("预置方案"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "year", years)
        set_choices(self, "preset", [(p.id, p.name) for p in list_presets()])
        self.fields["year"].widget.attrs["class"] = "preset-year"


class SchemeCreateForm(Form):
    year = forms.ModelChoiceField(label=_("年度"), queryset=AssessmentYear.objects.none())
    suite = forms.CharField(
        label=_("方案组"),
        max_length=100,
        initial=_("自定义方案"),
        help_text=_("同一组内的方案一起计算，可以相互引用等次"),
    )
    text = forms.CharField(
        label=_("方案定义（YAML 或 JSON）"),
        widget=CODE_AREA,
        help_text=_("引擎格式 kaohe-scenario/1 的一个方案，不含考核对象；保存时由引擎校验"),
    )

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "year", years)


YAML_LIMIT = 1024 * 1024  # a scheme is a few kilobytes


class SchemeEditForm(Form):
    text = forms.CharField(
        label=_("方案定义（YAML 或 JSON）"),
        widget=CODE_AREA,
        required=False,
        help_text=_("保存后生成新版本；方案编号（id）不能修改；注释记为各要素依据的条款"),
    )
    file = forms.FileField(
        label=_("或导入 YAML 文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".yaml,.yml,.json"}),
        help_text=_("如由“导出 YAML”得到的文件；导入后覆盖上面的文本"),
    )
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.pop("file", None)
        if upload is not None:
            if upload.size > YAML_LIMIT:
                self.add_error("file", _("文件太大（最多 1 MB）"))
                return data
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("文件不是 UTF-8 编码的文本"))
                return data
        if not data.get("text", "").strip():
            self.add_error("text", _("请填写方案定义，或导入文件"))
        return data


class UnlockForm(Form):
    reason = forms.CharField(
        label=_("解锁理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明为什么要解锁、要改什么；理由记入操作日志"),
    )


class SystemCreateForm(Form):
    scheme = forms.ModelChoiceField(label=_("考核方案"), queryset=Scheme.objects.none())
    category = forms.ModelChoiceField(label=_("单位类别"), queryset=UnitCategory.objects.none())
    name = forms.CharField(
        label=_("名称"), required=False, max_length=200, help_text=_("留空则按方案和类别命名")
    )
    total_points = _points(_("总分"))

    def __init__(self, *args: Any, schemes: Any, categories: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("total_points", Decimal(100))
        super().__init__(*args, **kwargs)
        limit_choices(self, "scheme", schemes)
        limit_choices(self, "category", categories)


class SystemEditForm(Form):
    name = forms.CharField(label=_("名称"), max_length=200)
    total_points = _points(_("总分"))


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return f"{obj.name}（{obj.code}）"


class IndicatorForm(Form):
    code = forms.CharField(label=_("编码"), max_length=20, help_text=_("如 1、1.1、1.1.1"))
    parent = forms.ModelChoiceField(
        label=_("上级指标"), required=False, queryset=Indicator.objects.none(),
        empty_label=_("（一级指标）"),
    )  # fmt: skip
    name = forms.CharField(label=_("指标名称"), max_length=200)
    points = _points(_("分值"))
    method = forms.ChoiceField(label=_("计分方式"), choices=Method.choices, initial=Method.AWARD)
    cap = _points(_("上限"), required=False)
    rule = forms.CharField(
        label=_("计分规则"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence_required = forms.BooleanField(label=_("需要佐证材料"), required=False)
    evidence_text = forms.CharField(label=_("佐证材料要求"), required=False, max_length=300)
    responsible_unit = UnitChoiceField(
        label=_("考核责任单位"), required=False, queryset=Unit.objects.none()
    )
    lead_unit = UnitChoiceField(
        label=_("主要考核责任单位"), required=False, queryset=Unit.objects.none()
    )
    order = forms.IntegerField(label=_("排序"), required=False, min_value=0)

    def __init__(self, *args: Any, parents: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "parent", parents)
        self.fields["cap"].help_text = _("加分指标必填（最多加多少分）；扣分指标选填；赋分指标不填")
        limit_choices(self, "responsible_unit", units)
        limit_choices(self, "lead_unit", units)


class ImportForm(Form):
    file = workbook_file_field()


class ChangeRequestForm(Form):
    reason = forms.CharField(
        label=_("变更理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("001 第八条：年度考核指标下达后一般不作变动，确需调整的，须说明理由"),
    )


EVIDENCE_CHOICES = [("", _("不变")), ("yes", _("是")), ("no", _("否"))]


class ChangeOpForm(Form):
    """One proposed change. For 修改, empty fields stay as they are."""

    op = forms.ChoiceField(label=_("变更类型"), choices=[("", "—"), *ChangeOp.choices],
                           required=False)  # fmt: skip
    code = forms.CharField(label=_("指标编码"), max_length=20, required=False)
    parent = forms.CharField(label=_("上级编码"), max_length=20, required=False)
    name = forms.CharField(label=_("指标名称"), max_length=200, required=False)
    points = _points(_("分值"), required=False)
    method = forms.ChoiceField(
        label=_("计分方式"), required=False, choices=[("", _("不变")), *Method.choices]
    )
    cap = _points(_("上限"), required=False)
    rule = forms.CharField(
        label=_("计分规则"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    evidence_required = forms.ChoiceField(
        label=_("需要佐证材料"), required=False, choices=EVIDENCE_CHOICES
    )
    evidence_text = forms.CharField(label=_("佐证材料要求"), required=False, max_length=300)
    responsible_unit = UnitChoiceField(
        label=_("考核责任单位"), required=False, queryset=Unit.objects.none(), to_field_name="code"
    )
    lead_unit = UnitChoiceField(
        label=_("主要考核责任单位"), required=False, queryset=Unit.objects.none(),
        to_field_name="code",
    )  # fmt: skip

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            limit_choices(self, "responsible_unit", units)
            limit_choices(self, "lead_unit", units)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("op") and not data.get("code"):
            self.add_error("code", _("请填写指标编码"))
        return data

    def change(self) -> dict[str, Any] | None:
        """The change as stored in a request: ``{op, code, fields}``; None when empty."""
        data = self.cleaned_data
        if not data.get("op"):
            return None
        fields: dict[str, Any] = {}
        if data["op"] != ChangeOp.REMOVE:
            for name in ("parent", "name", "method", "rule", "evidence_text"):
                if data.get(name):
                    fields[name] = data[name]
            for name in ("points", "cap"):
                if data.get(name) is not None:
                    fields[name] = str(data[name])
            if data.get("evidence_required"):
                fields["evidence_required"] = data["evidence_required"] == "yes"
            for name in ("responsible_unit", "lead_unit"):
                if data.get(name) is not None:
                    fields[name] = data[name].code
        return {"op": data["op"], "code": data["code"].strip(), "fields": fields}


class BaseChangeOpFormSet(forms.BaseFormSet):
    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        self.units = units
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "units": self.units}


# formset_factory makes a subclass of ``formset``; its stubs return plain BaseFormSet.
ChangeOpFormSet = cast(
    "type[BaseChangeOpFormSet]",
    forms.formset_factory(
        ChangeOpForm, formset=BaseChangeOpFormSet, extra=1, max_num=20, validate_max=True
    ),
)


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("审批结果"),
        choices=[(ChangeStatus.APPROVED, _("批准")), (ChangeStatus.REJECTED, _("驳回"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("审批意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("驳回时必填"),
    )
