"""Forms of the survey pages: each ``clean`` returns what the services take."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.ballots.models import SurveyIndex, SurveyKind, SurveyQuestion
from kaohe.core.forms import Form
from kaohe.core.xlsx import workbook_file_field


def _pairs(text: str, field: str, *, allow_empty: bool) -> list[list[Any]]:
    """Lines "label=number" (the number may be empty where ``allow_empty``)."""
    found: list[list[Any]] = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:
            continue
        label, sep, value = line.replace("＝", "=").rpartition("=")
        if not sep or not label.strip():
            raise forms.ValidationError(
                _("第 %(n)s 行应写成“名称=分值”") % {"n": number}, code="pair"
            )
        value = value.strip()
        if value == "" and allow_empty:
            found.append([label.strip(), None])
            continue
        try:
            found.append([label.strip(), Decimal(value)])
        except ArithmeticError:
            raise forms.ValidationError(
                _("第 %(n)s 行的分值“%(v)s”不是数字") % {"n": number, "v": value[:20]}, code="pair"
            ) from None
    return found


class SurveyForm(Form):
    year: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("考核年度"), queryset=None)
    name = forms.CharField(label=_("名称"), max_length=100)
    kind = forms.ChoiceField(label=_("类型"), choices=SurveyKind.choices)
    intro = forms.CharField(
        label=_("致受访群众"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("答卷页顶部的说明，例如调查目的和匿名承诺"),
    )  # fmt: skip
    satisfaction = forms.DecimalField(
        label=_("满意度指数权重"), min_value=0, max_value=1, decimal_places=3, initial="0.4"
    )
    happiness = forms.DecimalField(
        label=_("幸福感指数权重"), min_value=0, max_value=1, decimal_places=3, initial="0.3"
    )
    security = forms.DecimalField(
        label=_("安全感指数权重"), min_value=0, max_value=1, decimal_places=3, initial="0.3"
    )
    max_points = forms.DecimalField(
        label=_("民评满分"), min_value=0, max_value=1000, decimal_places=2, initial="100",
        help_text=_("方案读取的得分 = 满分 × 综合指数 ÷ 100；苏仙区绩效考核的“民评”为 15 分"),
    )  # fmt: skip
    min_answers = forms.IntegerField(
        label=_("最少样本"),
        min_value=1,
        max_value=1000,
        initial=5,
        help_text=_("答卷少于此数的区域不显示结果、不计民评得分"),
    )
    point_bands = forms.CharField(
        label=_("分档赋分（可选）"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "90=15\n80=12\n0=8"}),
        help_text=_("每行“最低综合指数=得分”，从高到低；填写后按档赋分，不再按比例折算"),
    )  # fmt: skip

    def __init__(self, *args: Any, years: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years  # type: ignore[attr-defined]

    def clean_point_bands(self) -> list[list[Any]]:
        bands = _pairs(self.cleaned_data.get("point_bands", ""), "point_bands", allow_empty=False)
        for number, band in enumerate(bands, 1):
            try:
                band[0] = Decimal(band[0])
            except ArithmeticError:
                raise forms.ValidationError(
                    _("第 %(n)s 档的最低指数“%(v)s”不是数字") % {"n": number, "v": band[0][:20]},
                    code="band",
                ) from None
        return bands

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        data["index_weights"] = {i: data.get(i) or Decimal(0) for i in SurveyIndex.values}
        return data


class QuestionForm(Form):
    text = forms.CharField(label=_("题目"), max_length=300)
    index = forms.ChoiceField(label=_("计入指数"), choices=SurveyIndex.choices)
    weight = forms.DecimalField(
        label=_("权重"), min_value=Decimal("0.001"), max_value=1000, decimal_places=3, initial=1
    )
    choices = forms.CharField(
        label=_("选项（可选）"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "满意=100\n比较满意=80\n基本满意=60\n不满意=0\n不了解="}),
        help_text=_("每行“选项=分值”；分值留空的选项（如“不了解”）不计分。留空则用该指数的标准五级选项"),
    )  # fmt: skip

    def clean_choices(self) -> list[list[Any]]:
        return _pairs(self.cleaned_data.get("choices", ""), "choices", allow_empty=True)


class AreaForm(Form):
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("单位"), queryset=None)
    quota = forms.IntegerField(label=_("样本配额"), min_value=1, max_value=100000)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class CodesForm(Form):
    area: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("调查区域"), queryset=None)
    count = forms.IntegerField(label=_("数量"), min_value=1, max_value=5000)

    def __init__(self, *args: Any, areas: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas  # type: ignore[attr-defined]


class AnswersImportForm(Form):
    file = workbook_file_field()


class CodeEntryForm(Form):
    code = forms.CharField(
        label=_("调查码"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "inputmode": "latin", "class": "code-input"}),
    )  # fmt: skip


class AnswerForm(Form):
    """One radio group per question (option index as the value)."""

    def __init__(self, *args: Any, questions: list[SurveyQuestion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=f"{q.order}. {q.text}",
                choices=[(str(i), label) for i, (label, _points) in enumerate(q.choices)],
                coerce=int, widget=forms.RadioSelect,
                error_messages={"required": _("请回答本题")},
            )  # fmt: skip

    def values(self) -> dict[str, int]:
        return {name[1:]: value for name, value in self.cleaned_data.items()}
