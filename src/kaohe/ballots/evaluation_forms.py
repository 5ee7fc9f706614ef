"""Forms of the democratic evaluation: the office's session and codes, the rater's code."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.ballots.evaluation_services import MAX_CODES
from kaohe.ballots.models import BallotForm, RaterClass, Session, Subject
from kaohe.core.forms import Form
from kaohe.core.xlsx import workbook_file_field
from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory

RATER_PRESETS = {
    # seed 003's 360°: 上级、同级、下级
    "360": "上级=0.3\n同级=0.3\n下级=0.4",
    # seed 004's team evaluation: 单位测评、县级领导班子成员评价、单位互评
    "team": "单位测评=0.5\n县级领导评价=0.3\n单位互评=0.2",
}
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def parse_rater_classes(text: str) -> list[tuple[str, Decimal]]:
    """Lines ``名称=权重`` (or ``名称 权重``); a Chinese message names the bad line."""
    found: list[tuple[str, Decimal]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("＝", "=")
        if not line:
            continue
        name, sep, weight = line.partition("=")
        if not sep:
            name, _sep, weight = line.rpartition(" ")
        name = name.strip()
        try:
            value = Decimal(weight.strip())
        except InvalidOperation:
            value = Decimal(-1)
        if not name or len(name) > 30 or not (Decimal(0) < value <= 1) or value != round(value, 4):
            raise forms.ValidationError(
                _("第 %(n)s 行「%(line)s」：应写作「类别=权重」，权重在 0 到 1 之间，最多四位小数"),
                code="rater_line",
                params={"n": number, "line": line[:40]},
            )
        found.append((name, value))
    if not found:
        raise forms.ValidationError(_("至少需要一个测评人类别"), code="rater_empty")
    if len({n for n, _w in found}) != len(found):
        raise forms.ValidationError(_("测评人类别不能重名"), code="rater_duplicate")
    return found


class SessionForm(Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    year = forms.ModelChoiceField(label=_("年度"), queryset=AssessmentYear.objects.all())
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.filter(is_active=True), required=False,
        help_text=_("单位的测评会议：测评该单位的班子和在任干部"),
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label=_("或全县一类单位"), queryset=UnitCategory.objects.all(), required=False,
        help_text=_("全县范围的测评（如单位互评）：测评该类别所有参加考核的班子"),
    )  # fmt: skip
    team_form = forms.ModelChoiceField(
        label=_("班子测评表"), queryset=BallotForm.objects.filter(subject=Subject.TEAM),
        required=False,
    )  # fmt: skip
    cadre_form = forms.ModelChoiceField(
        label=_("干部测评表"), queryset=BallotForm.objects.filter(subject=Subject.CADRE),
        required=False,
    )  # fmt: skip
    opens_at = forms.DateTimeField(
        label=_("开始时间"), input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    closes_at = forms.DateTimeField(
        label=_("结束时间"), input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    rater_classes = forms.CharField(
        label=_("测评人类别及权重"), widget=forms.Textarea(attrs={"rows": 4}),
        initial=RATER_PRESETS["360"],
        help_text=_("每行一个「类别=权重」，如 上级=0.3；计算时按实际参加测评的类别重新折算权重"),
    )  # fmt: skip

    def clean_rater_classes(self) -> list[tuple[str, Decimal]]:
        return parse_rater_classes(self.cleaned_data["rater_classes"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        unit, category = data.get("unit"), data.get("category")
        if bool(unit) == bool(category):
            self.add_error("unit", _("请选择一个单位，或选择一类单位（二者选一）"))
        if category and not data.get("team_form"):
            self.add_error("team_form", _("全县范围的测评需要选择班子测评表"))
        if unit and not data.get("team_form") and not data.get("cadre_form"):
            self.add_error("team_form", _("请至少选择一种测评表"))
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("结束时间必须晚于开始时间"))
        return data


class CodesForm(Form):
    rater_class = forms.ModelChoiceField(label=_("测评人类别"), queryset=RaterClass.objects.none())
    count = forms.IntegerField(label=_("数量"), min_value=1, max_value=MAX_CODES, initial=20)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["rater_class"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = session.rater_classes.all()


class CodeEntryForm(Form):
    code = forms.CharField(
        label=_("测评码"), max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                      "inputmode": "text", "placeholder": "XXXX-XXXX"}),
    )  # fmt: skip


def parse_choices(text: str) -> list[tuple[str, Decimal]]:
    """Lines ``选项=分值``, best first; a Chinese message names the bad line."""
    found: list[tuple[str, Decimal]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("＝", "=")
        if not line:
            continue
        name, _sep, points = line.partition("=")
        try:
            value = Decimal(points.strip())
        except InvalidOperation:
            value = Decimal(-1)
        name = name.strip()
        if not name or len(name) > 20 or not (Decimal(0) <= value <= 1000) or not _sep:
            raise forms.ValidationError(
                _("第 %(n)s 行「%(line)s」：应写作「选项=分值」，分值在 0 到 1000 之间"),
                code="choice_line",
                params={"n": number, "line": line[:40]},
            )
        found.append((name, value))
    if len(found) < 2:
        raise forms.ValidationError(_("至少需要两个选项"), code="choices_few")
    if len({n for n, _p in found}) != len(found):
        raise forms.ValidationError(_("选项不能重名"), code="choices_duplicate")
    return found


class BallotFormForm(Form):
    name = forms.CharField(label=_("名称"), max_length=100)
    subject = forms.ChoiceField(label=_("测评对象"), choices=Subject.choices)
    choices = forms.CharField(
        label=_("选项及分值"), widget=forms.Textarea(attrs={"rows": 5}),
        initial="优秀=100\n称职=80\n基本称职=60\n不称职=0",
        help_text=_("每行一个「选项=分值」，从好到差"),
    )  # fmt: skip
    areas = forms.CharField(
        label=_("测评项目"), widget=forms.Textarea(attrs={"rows": 5}), required=False,
        help_text=_("每行一项（如 德、能、勤、绩、廉），每项分别评价；留空：只评一个总体等次"),
    )  # fmt: skip
    max_share_choice = forms.CharField(
        label=_("限制比例的选项"), max_length=20, required=False, initial="优秀"
    )
    max_share = forms.DecimalField(
        label=_("一张测评表中该选项的最高比例"), required=False, min_value=Decimal(0),
        max_value=Decimal(1), decimal_places=3, initial=Decimal("0.2"),
        help_text=_("如 0.2：5 人中最多评 1 个，超过的测评票无效"),
    )  # fmt: skip

    def clean_choices(self) -> list[tuple[str, Decimal]]:
        return parse_choices(self.cleaned_data["choices"])

    def clean_areas(self) -> list[str]:
        areas = [line.strip() for line in self.cleaned_data["areas"].splitlines() if line.strip()]
        if any(len(a) > 30 for a in areas) or len(set(areas)) != len(areas) or len(areas) > 20:
            raise forms.ValidationError(_("测评项目不能重名，每项不超过 30 个字"), code="areas")
        return areas

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("max_share_choice")) != (data.get("max_share") is not None):
            self.add_error("max_share", _("限制比例的选项和比例要同时填写，或同时留空"))
        return data


class RaterClassesForm(Form):
    rater_classes = forms.CharField(
        label=_("测评人类别及权重"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个「类别=权重」；保留的类别保留其测评码，删去的类别连同未使用的测评码一并删除"),
    )  # fmt: skip

    def clean_rater_classes(self) -> list[tuple[str, Decimal]]:
        return parse_rater_classes(self.cleaned_data["rater_classes"])


class PaperImportForm(Form):
    file = workbook_file_field()
