from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.core.forms import Form
from kaohe.core.xlsx import workbook_file_field
from kaohe.orgs.models import AssessmentYear, Unit, UnitCategory
from kaohe.results.models import BatchScope, DocumentForm, Run
from kaohe.schemes.models import Scheme, SchemeStatus


class RunForm(Form):
    year = forms.ModelChoiceField(
        label=_("年度"), queryset=AssessmentYear.objects.order_by("-year"), empty_label=None
    )
    suite = forms.ChoiceField(
        label=_("方案组"), required=False, help_text=_("不选：计算该年度的全部方案组")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        suites = (
            Scheme.objects.exclude(status=SchemeStatus.DRAFT)
            .order_by("suite")
            .values_list("suite", flat=True)
            .distinct()
        )
        self.fields["suite"].choices = [("", _("全部方案组")), *((s, s) for s in suites)]  # type: ignore[attr-defined]


class CompareForm(Form):
    old = forms.ModelChoiceField(label=_("原计算"), queryset=Run.objects.none())
    new = forms.ModelChoiceField(label=_("新计算"), queryset=Run.objects.none())

    def __init__(self, *args: Any, runs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("old", "new"):
            self.fields[name].queryset = runs  # type: ignore[attr-defined]
            self.fields[name].label_from_instance = _run_label  # type: ignore[attr-defined]


def _run_label(run: Run) -> str:
    suite = run.suite or _("全部方案组")
    return f"#{run.pk} {run.year.year} {suite} · {run.get_status_display()}"


class ComponentImportForm(Form):
    file = workbook_file_field()


class DocumentBatchForm(Form):
    """The office picks the forms and the scope of a batch."""

    year = forms.ModelChoiceField(
        label=_("年度"), queryset=AssessmentYear.objects.order_by("-year"), empty_label=None
    )
    kinds = forms.MultipleChoiceField(
        label=_("表格"), choices=DocumentForm.choices, widget=forms.CheckboxSelectMultiple
    )
    scope = forms.ChoiceField(label=_("范围"), choices=BatchScope.choices, initial=BatchScope.ALL)
    unit = forms.ModelChoiceField(
        label=_("单位"), queryset=Unit.objects.filter(is_active=True).order_by("order", "code"),
        required=False, help_text=_("范围为“一个单位”时选择"),
    )  # fmt: skip
    category = forms.ModelChoiceField(
        label=_("类别"), queryset=UnitCategory.objects.order_by("order", "name"), required=False,
        help_text=_("范围为“一个类别”时选择"),
    )  # fmt: skip


class TemplateUploadForm(Form):
    file = forms.FileField(
        label=_("模板文件"), help_text=_("Word（.docx）或 Excel（.xlsx），不超过 2 MB")
    )
