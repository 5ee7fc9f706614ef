"""Forms validate at the edge and hand clean values to the services; they never save."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaohe.core.forms import Form, limit_choices, set_choices
from kaohe.core.forms import apply_service_error as apply_service_error
from kaohe.core.xlsx import workbook_file_field
from kaohe.orgs.models import (
    Duty,
    Gender,
    LeadershipLevel,
    Rank,
    Role,
    SecondmentLevel,
    Unit,
    UnitCategory,
    UnitFlag,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CODE_RE = re.compile(r"^[A-Za-z0-9_-]+$")


class UnitForm(Form):
    code = forms.CharField(label=_("编码"), max_length=40)
    name = forms.CharField(label=_("名称"), max_length=100)
    category = forms.ModelChoiceField(label=_("类别"), queryset=UnitCategory.objects.none())
    parent = forms.ModelChoiceField(
        label=_("上级单位"), required=False, queryset=Unit.objects.none()
    )
    supervisor = forms.ModelChoiceField(
        label=_("委托考核主管部门"),
        required=False,
        queryset=Unit.objects.none(),
        help_text=_("学校、医院、国企等的县管干部由行政主管部门组织考核"),
    )
    flags = forms.ModelMultipleChoiceField(
        label=_("标记"),
        required=False,
        queryset=UnitFlag.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args: Any, categories: Any, units: Any, flags: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "category", categories)
        limit_choices(self, "parent", units)
        limit_choices(self, "supervisor", units)
        limit_choices(self, "flags", flags)

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not CODE_RE.match(code):
            raise ValidationError(_("编码只能包含字母、数字、下划线和短横线"), code="bad_code")
        return code


class CategoryForm(Form):
    name = forms.CharField(label=_("名称"), max_length=50)
    order = forms.IntegerField(label=_("排序"), min_value=0, initial=0)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)


class CadreForm(Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(
        label=_("身份证号"),
        max_length=18,
        required=False,
        help_text=_("18 位公民身份号码；填写时不能与其他干部重复"),
    )
    gender = forms.ChoiceField(
        label=_("性别"), required=False, choices=[("", "—"), *Gender.choices]
    )
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DATE)
    leadership_level = forms.ChoiceField(
        label=_("领导职务层次"),
        required=False,
        choices=[("", "—"), *LeadershipLevel.choices],
        help_text=_("正处级至副科级领导职务；没有领导职务的留空"),
    )
    rank = forms.ChoiceField(
        label=_("职级"),
        required=False,
        choices=[("", "—"), *Rank.choices],
        help_text=_("一级调研员至二级科员等职级，与领导职务层次分开填写"),
    )
    retired_on = forms.DateField(label=_("退休日期"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class PostingForm(Form):
    """A new post: the first one of a new cadre, or a transfer (``on`` is the start)."""

    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.none())
    post = forms.CharField(label=_("职务"), max_length=100)
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices, initial=Role.MEMBER)
    duties = forms.MultipleChoiceField(
        label=_("分工"), required=False, choices=Duty.choices, widget=forms.CheckboxSelectMultiple
    )
    on = forms.DateField(label=_("任职日期"), widget=DATE)
    order = forms.IntegerField(
        label=_("排序"),
        required=False,
        min_value=0,
        max_value=32767,
        initial=0,
        help_text=_("同为书记、正职、班子成员或一般干部时，数字小的排在前面"),
    )

    def clean_order(self) -> int:
        return self.cleaned_data["order"] or 0

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", units)


class CadreCreateForm(CadreForm, PostingForm):
    pass


class SecondmentForm(Form):
    level = forms.ChoiceField(label=_("派出层级"), choices=SecondmentLevel.choices)
    host = forms.ModelChoiceField(label=_("挂职单位"), queryset=Unit.objects.none())
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DATE)

    def __init__(self, *args: Any, units: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "host", units)


class VillageForm(Form):
    village = forms.CharField(label=_("驻村"), max_length=100)
    start_date = forms.DateField(label=_("开始日期"), widget=DATE)
    end_date = forms.DateField(label=_("结束日期"), required=False, widget=DATE)


class InvestigationOpenForm(Form):
    opened_on = forms.DateField(label=_("立案日期"), widget=DATE)


class InvestigationCloseForm(Form):
    closed_on = forms.DateField(label=_("结案日期"), widget=DATE)
    outcome = forms.CharField(label=_("处理结果"), max_length=200)


class WorkbookImportForm(Form):
    kind = forms.ChoiceField(label=_("导入内容"))
    file = workbook_file_field()

    def __init__(self, *args: Any, kinds: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "kind", [(kind.key, kind.label) for kind in kinds])


class EndDateForm(Form):
    end_date = forms.DateField(label=_("结束日期"), widget=DATE)


class YearForm(Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    note = forms.CharField(
        label=_("备注"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TeamForm(Form):
    name = forms.CharField(label=_("班子名称"), max_length=120)
    is_assessed = forms.BooleanField(
        label=_("参加班子考核"),
        required=False,
        help_text=_("派出所、司法所等在上级主管部门考核的班子不参加"),
    )


class TeamOrderForm(Form):
    """The office's order of a team's members: a number per member (``order_<posting id>``)."""

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(members)
        for posting in self.members:
            self.fields[f"order_{posting.pk}"] = forms.IntegerField(
                label=f"{posting.cadre.name}（{posting.post}）",
                min_value=0,
                max_value=32767,
                initial=posting.order,
                widget=forms.NumberInput(attrs={"class": "narrow"}),
            )

    def orders(self) -> dict[Any, int]:
        return {p: self.cleaned_data[f"order_{p.pk}"] for p in self.members}
