"""The forms of the calendar pages; the date rules live in the service
(``period_dates_check``), whose errors land beside the fields they name."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.collection.calendar import DEFAULT_PROGRESS_DAY
from kaohe.collection.models import PeriodKind, ReportKind
from kaohe.core.forms import Form

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": _("请输入日期，格式如 2024-06-20")}


class PeriodForm(Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE, error_messages=DATE_ERRORS)
    report_due = forms.DateField(
        label=_("报送截止"), required=False, widget=DATE, error_messages=DATE_ERRORS,
        help_text=_("被考核单位报送材料的截止日期；不需报送的留空"),
    )  # fmt: skip
    review_due = forms.DateField(
        label=_("评分、审核截止"), required=False, widget=DATE, error_messages=DATE_ERRORS,
        help_text=_("责任单位评分或审核的截止日期"),
    )  # fmt: skip


class PeriodAddForm(PeriodForm):
    """A period added by hand: its kind and engine key first, then PeriodForm's name and
    dates, then what happens in it."""

    kind = forms.ChoiceField(label=_("类型"), choices=PeriodKind.choices)
    key = forms.CharField(
        label=_("周期代码"), max_length=8,
        help_text=_("引擎中的周期名：月度 M01…M12，季度 Q1…Q4，半年 H1，年终 Y"),
    )  # fmt: skip
    report_kinds = forms.MultipleChoiceField(
        label=_("报送材料"), required=False, choices=ReportKind.choices,
        widget=forms.CheckboxSelectMultiple, help_text=_("被考核单位本周期要报送的材料"),
    )  # fmt: skip
    ranked = forms.BooleanField(
        label=_("排名并预警"), required=False, help_text=_("周期结束时按类别排名，末位预警")
    )
    deductions_only = forms.BooleanField(
        label=_("只扣分"), required=False, help_text=_("各指标从满分起扣（季度监测、半年评估）")
    )

    field_order = ("kind", "key", "name", "starts_on", "ends_on", "report_due", "review_due")

    def clean_key(self) -> str:
        return str(self.cleaned_data["key"]).strip().upper()


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("重新打开的理由"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("写明为什么要重新打开、要改什么；理由记入操作日志"),
    )


class CalendarForm(Form):
    """The one parameter of a preset calendar: 000 三(1) "每月xx日前" leaves the day blank."""

    progress_day = forms.IntegerField(
        label=_("月度进展报送日"),
        min_value=1,
        max_value=28,
        required=False,
        initial=DEFAULT_PROGRESS_DAY,
        help_text=_("每月工作进展在次月几日前报送（1–28）"),
        error_messages={
            "min_value": _("请填 1 到 28 之间的日子"),
            "max_value": _("请填 1 到 28 之间的日子"),
            "invalid": _("请填 1 到 28 之间的日子"),
        },
    )
