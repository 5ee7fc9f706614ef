"""Forms of the leader-rating pages."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.ballots.models import RatingSubject
from kaohe.core.forms import Form

PERIOD = re.compile(r"Q[1-4]|H[12]|Y|M(0[1-9]|1[0-2])")


class RoundForm(Form):
    year: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("考核年度"), queryset=None)
    name = forms.CharField(label=_("名称"), max_length=100)
    subject = forms.ChoiceField(label=_("评价对象"), choices=RatingSubject.choices)
    period = forms.CharField(
        label=_("周期代码"), initial="Y", max_length=3,
        help_text=_("Q1…Q4（季度）、H1、H2、M01…M12 或 Y（年度）"),
    )  # fmt: skip
    trimmed = forms.BooleanField(
        label=_("去掉一个最高分和一个最低分"), required=False,
        help_text=_("单位得分取平均时去掉（评价人不少于 3 人时）"),
    )  # fmt: skip
    due_on = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    raters: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("评价的领导"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    units: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("评价的单位"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("评价对象为单位时选择"),
    )  # fmt: skip
    # a cadre round starts from whole units or a whole category; single cadres are then
    # searched, added and removed on the round's 评价对象 page (1,500 cadres fit no list)
    cadre_category: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("评价一类单位的在任干部"), queryset=None, required=False,
        help_text=_("评价对象为干部时：该类别各单位在任干部全部加入"),
    )  # fmt: skip
    cadre_units: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("或评价这些单位的在任干部"), queryset=None, required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("评价对象为干部时选择；发起后可在「评价对象」页按姓名、拼音查找增删干部"),
    )  # fmt: skip

    def __init__(self, *args: Any, years: Any, raters: Any, units: Any, categories: Any,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years  # type: ignore[attr-defined]
        self.fields["raters"].queryset = raters  # type: ignore[attr-defined]
        self.fields["units"].queryset = units  # type: ignore[attr-defined]
        self.fields["cadre_units"].queryset = units  # type: ignore[attr-defined]
        self.fields["cadre_category"].queryset = categories  # type: ignore[attr-defined]

    def clean_period(self) -> str:
        period = self.cleaned_data["period"].strip().upper()
        if not PERIOD.fullmatch(period):
            raise forms.ValidationError(_("应为 Q1…Q4、H1、H2、M01…M12 或 Y"), code="period")
        return period


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("理由"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
