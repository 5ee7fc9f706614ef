"""Forms of publicity, objections, 复核/申诉 and their recomputation and decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.core.forms import Form
from kaohe.results.models import AppealDecision, AppealKind, ObjectionResult

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class PublicityForm(Form):
    start = forms.DateField(label=_("公示开始"), widget=DATE)
    end = forms.DateField(label=_("公示结束"), widget=DATE)
    contact = forms.CharField(
        label=_("异议受理方式"), max_length=500, widget=TEXT,
        help_text=_("受理异议的单位、电话、地址，在公示页面显示"),
    )  # fmt: skip


class FinalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.row.name or obj.target)


class ObjectionForm(Form):
    final = FinalChoiceField(label=_("异议对象"), queryset=None, empty_label=None)
    received_on = forms.DateField(label=_("收到日期"), widget=DATE)
    channel = forms.CharField(label=_("来源"), max_length=100, required=False,
                              help_text=_("来信、来电、来访"))  # fmt: skip
    content = forms.CharField(label=_("异议内容"), max_length=5000, widget=TEXT)

    def __init__(self, *args: Any, finals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["final"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = finals


class PublicObjectionForm(Form):
    final = FinalChoiceField(label=_("对哪位同志有异议"), queryset=None, empty_label=None)
    content = forms.CharField(label=_("异议内容"), max_length=1000, widget=TEXT,
                              help_text=_("请具体写明事实，不超过 1000 字"))  # fmt: skip
    contact = forms.CharField(label=_("联系方式（自愿）"), max_length=100, required=False,
                              help_text=_("留下姓名和电话，便于核实和反馈"))  # fmt: skip

    def __init__(self, *args: Any, finals: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["final"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = finals


class ObjectionHandleForm(Form):
    result = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (ObjectionResult.REJECTED, ObjectionResult.REJECTED.label),
            (ObjectionResult.UPHELD, ObjectionResult.UPHELD.label),
        ],
    )
    handling = forms.CharField(label=_("核查和处理情况"), max_length=5000, widget=TEXT)
    new_grade = forms.CharField(
        label=_("调整后等次"), max_length=20, required=False, help_text=_("异议成立时填写")
    )


class AppealForm(Form):
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (AppealKind.REVIEW, AppealKind.REVIEW.label),
            (AppealKind.APPEAL, AppealKind.APPEAL.label),
        ],
    )
    review: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("所不服的复核"),
        queryset=None,
        required=False,
        help_text=_("申诉时选择；不经复核直接申诉的留空"),
    )
    filed_on = forms.DateField(label=_("提出日期"), widget=DATE)
    appellant = forms.CharField(label=_("申请人"), max_length=100, required=False)
    reason = forms.CharField(label=_("理由"), max_length=5000, widget=TEXT)

    def __init__(self, *args: Any, reviews: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["review"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = reviews


class RecomputeForm(Form):
    source = forms.ChoiceField(
        label=_("重新计算"),
        choices=[
            ("database", _("按数据库当前数据重新计算（已在系统中更正数据）")),
            ("snapshot", _("按原计算的输入快照重算，可更正申请人的一项分项")),
        ],
        widget=forms.RadioSelect,
        initial="database",
    )
    input_name = forms.CharField(label=_("更正的分项"), max_length=100, required=False)
    value = forms.CharField(
        label=_("更正后的内容"),
        max_length=200,
        required=False,
        help_text=_("数值分项填数字；领导评价等列表用顿号分隔，如：优秀、良好"),
    )


class DecideForm(Form):
    decision = forms.ChoiceField(label=_("决定"), choices=AppealDecision.choices)
    grade = forms.CharField(
        label=_("变更后的等次"), max_length=20, required=False,
        help_text=_("不填：采用重新计算的等次"),
    )  # fmt: skip
    decided_on = forms.DateField(label=_("决定日期"), widget=DATE)
    reason = forms.CharField(label=_("决定理由"), max_length=5000, widget=TEXT)
