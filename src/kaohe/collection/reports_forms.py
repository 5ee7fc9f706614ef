"""Forms of the reports: the report's sections and its files, the office's decision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kaohe.collection.evidence import evidence_file_field
from kaohe.collection.reports import REASON_MAX_CHARS, SECTION_MAX_CHARS, sections_of
from kaohe.core.forms import Form, check_text

# Files added at once (each file is checked and stored on its own; more can be added later).
UPLOADS = 3


class ReportForm(Form):
    """One text area per section of the report's kind, and ``UPLOADS`` file inputs."""

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label in sections_of(kind):
            self.fields[f"section_{key}"] = forms.CharField(
                label=label,
                required=False,
                max_length=SECTION_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
        for number in range(1, UPLOADS + 1):
            upload = evidence_file_field()
            upload.label = _("佐证材料 %(n)s") % {"n": number}
            if number > 1:
                upload.help_text = ""
            self.fields[f"file_{number}"] = upload
        # The base form checked the fields it had; these are added per kind.
        for name, field in self.fields.items():
            if name.startswith(("section_", "file_")):
                check_text(field)

    def sections(self) -> dict[str, str]:
        return {
            name.removeprefix("section_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("section_")
        }

    def uploads(self) -> list[tuple[str, Any]]:
        return [
            (f"file_{n}", self.cleaned_data[f"file_{n}"])
            for n in range(1, UPLOADS + 1)
            if self.cleaned_data.get(f"file_{n}")
        ]

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("section_")]

    def file_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("file_")]


class ReviewForm(Form):
    decision = forms.ChoiceField(
        label=_("审核结果"),
        choices=(("accept", _("通过")), ("return", _("退回修改"))),
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("退回理由"),
        required=False,
        max_length=REASON_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("退回时必须填写，报送单位可以看到"),
    )
