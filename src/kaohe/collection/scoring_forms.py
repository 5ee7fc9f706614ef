"""Forms of the scoring and field-check pages (values are checked again by the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.collection.evidence import evidence_file_field
from kaohe.collection.models import FieldCheckMethod
from kaohe.collection.scoring import MAX_REASON
from kaohe.core.forms import Form
from kaohe.orgs.models import Unit
from kaohe.schemes.models import Indicator


class CellForm(Form):
    """One cell of the grid: the value as typed (parsed by ``scoring.parse_value``) and,
    for a deduction, its reason."""

    value = forms.CharField(label=_("分值"), required=False, max_length=20)
    reason = forms.CharField(label=_("扣分理由"), required=False, max_length=MAX_REASON)


class CellDetailForm(Form):
    value = forms.CharField(
        label=_("分值"), required=False, max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        help_text=_("留空表示清空本单位的评分"),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    correction = forms.CharField(
        label=_("更正理由"), required=False, max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("周期关闭后评分已确定，考核办更正时必填"),
    )  # fmt: skip

    def __init__(self, *args: Any, closed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"] = evidence_file_field()
        if not closed:
            del self.fields["correction"]


class FieldCheckForm(Form):
    target = forms.ModelChoiceField(label=_("考核对象"), queryset=Unit.objects.none())
    method = forms.ChoiceField(label=_("方式"), choices=FieldCheckMethod.choices)
    checked_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    findings = forms.CharField(
        label=_("发现的问题与情况"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets  # type: ignore[attr-defined]
        self.fields["evidence"] = evidence_file_field()


class DeductionForm(Form):
    indicator = forms.ModelChoiceField(label=_("指标"), queryset=Indicator.objects.none())
    points = forms.DecimalField(
        label=_("扣分"), max_digits=7, decimal_places=2, min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("扣分理由"), max_length=MAX_REASON, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, indicators: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = indicators  # type: ignore[attr-defined]
