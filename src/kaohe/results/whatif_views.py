"""What-if pages (模拟测算): the drafts, a new draft copied from a scheme, and a draft's
page: a small form for weights, band lines and quota ratios, the YAML for experts, and
who would change grade against the stored run."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe.core.forms import Form
from kaohe.core.roles import Action, actor, can, require
from kaohe.results import whatif
from kaohe.results.models import RunRow
from kaohe.schemes.definitions import DefinitionError, as_yaml, parse_text
from kaohe.schemes.models import Scheme, SchemeStatus
from kaohe.schemes.notes import in_written_order, ordered_like
from kaohe.schemes.selectors import schemes_for_user

GROUP_LABELS = {
    whatif.WEIGHTS: gettext_lazy("计分权重"),
    whatif.BANDS: gettext_lazy("等次分数线"),
    whatif.QUOTAS: gettext_lazy("等次名额比例"),
}


class WhatIfCreateForm(Form):
    scheme = forms.ModelChoiceField(label=gettext_lazy("考核方案"), queryset=Scheme.objects.none())
    name = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)

    def __init__(self, *args: Any, schemes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["scheme"]
        field.queryset = schemes  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: f"{s.year.year} {s.label}"  # type: ignore[attr-defined]


class KnobsForm(Form):
    """One decimal field per knob of the draft's definition."""

    def __init__(self, *args: Any, knobs: list[whatif.Knob], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.knobs = knobs
        for knob in knobs:
            self.fields[knob.name] = forms.CharField(
                label=knob.label, initial=format(knob.value.normalize(), "f"), max_length=20,
                help_text=knob.note,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for knob in self.knobs:
            if knob.name in data:
                try:
                    data[knob.name] = whatif.parse_number(str(data[knob.name]))
                except ValidationError as error:
                    self.add_error(knob.name, error)
        return data

    def groups(self) -> list[tuple[str, list[Any]]]:
        found: dict[str, list[Any]] = {}
        for knob in self.knobs:
            found.setdefault(knob.group, []).append(self[knob.name])
        return [(str(GROUP_LABELS[group]), fields) for group, fields in found.items()]

    def engine_error(self, error: whatif.WhatIfError) -> bool:
        """Put the engine's message beside the knob it names (or the first of its group);
        False when the error is outside the knobs."""
        path = error.problem.path
        matching = [k for k in self.knobs if k.dotted == path or k.dotted.startswith(path + ".")
                    or k.dotted.startswith(path + "[")]  # fmt: skip
        matching = matching or [k for k in self.knobs if k.group == error.group]
        if not matching or error.group == whatif.DEFINITION:
            return False
        self.add_error(matching[0].name, error.problem.message)
        return True


class YamlForm(Form):
    text = forms.CharField(
        label=gettext_lazy("方案定义（YAML）"),
        widget=forms.Textarea(attrs={"rows": 18, "class": "mono", "spellcheck": "false"}),
        max_length=100_000,
    )


def _creatable(user: object) -> Any:
    return (
        schemes_for_user(user)
        .exclude(status=SchemeStatus.DRAFT)
        .filter(current_version__isnull=False)
        .select_related("year")
        .order_by("-year__year", "suite", "pk")
    )


@login_required
def whatif_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    drafts = whatif.drafts_for_user(request.user)
    form = WhatIfCreateForm(schemes=_creatable(request.user))
    return render(
        request,
        "results/whatif_list.html",
        {"drafts": drafts, "form": form, "can_edit": can(request.user, Action.RESULTS_RUN)},
    )


@login_required
@require_POST
def whatif_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    form = WhatIfCreateForm(request.POST, schemes=_creatable(request.user))
    if form.is_valid():
        try:
            draft = whatif.whatif_create(
                actor=actor(request), scheme=form.cleaned_data["scheme"],
                name=form.cleaned_data["name"],
            )  # fmt: skip
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return redirect("results:whatif_detail", pk=draft.pk)
    else:
        messages.error(request, _("请选择一个已发布的方案"))
    return redirect("results:whatif_list")


@login_required
def whatif_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_VIEW)
    draft = get_object_or_404(whatif.drafts_for_user(request.user), pk=pk)
    knobs = whatif.knobs(draft.definition, draft.base_version.notes)
    knobs_form = KnobsForm(knobs=knobs)
    # shown in the order its scheme version was written (jsonb keeps no key order)
    written, _notes = in_written_order(draft.base_version)
    yaml_form = YamlForm(initial={"text": as_yaml(ordered_like(draft.definition, written))})
    result: whatif.WhatIfResult | None = None
    error: str = ""
    if request.method == "POST":
        require(request.user, Action.RESULTS_RUN)
        definition: dict[str, Any] | None = None
        bound: Any
        if request.POST.get("form") == "yaml":
            bound = yaml_form = YamlForm(request.POST)
            if yaml_form.is_valid():
                try:
                    definition, _policy = parse_text(yaml_form.cleaned_data["text"])
                except DefinitionError as problem:
                    yaml_form.add_error("text", str(problem.problem))
        else:
            bound = knobs_form = KnobsForm(request.POST, knobs=knobs)
            if knobs_form.is_valid():
                definition = whatif.with_knobs(draft.definition, knobs_form.cleaned_data)
        if definition is not None:
            try:
                result = whatif.whatif_update(actor=actor(request), draft=draft,
                                              definition=definition)  # fmt: skip
            except whatif.WhatIfError as engine_error:
                if bound is knobs_form and knobs_form.engine_error(engine_error):
                    pass
                elif bound is yaml_form:
                    yaml_form.add_error("text", str(engine_error.problem))
                else:
                    error = str(engine_error.problem)
            except ValidationError as other:
                error = " ".join(other.messages)
            else:
                messages.success(request, _("已按修改后的方案重新模拟"))
                return redirect("results:whatif_detail", pk=draft.pk)
    if result is None and not error:
        try:
            result = whatif.whatif_result(draft)
        except whatif.WhatIfError as engine_error:
            error = str(engine_error.problem)
        except ValidationError as other:
            error = " ".join(other.messages)
    context = {
        "draft": draft,
        "knobs_form": knobs_form,
        "yaml_form": yaml_form,
        "result": result,
        "error": error,
        "changed_keys": _changed_keys(draft),
        "can_edit": can(request.user, Action.RESULTS_RUN),
        "rows": RunRow.objects.filter(run=draft.run, scheme=draft.scheme).count(),
    }
    return render(request, "results/whatif_detail.html", context)


def _changed_keys(draft: Any) -> list[str]:
    base, new = draft.base_version.definition, draft.definition
    return [key for key in dict.fromkeys([*base, *new]) if base.get(key) != new.get(key)]


@login_required
@require_POST
def whatif_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.RESULTS_RUN)
    draft = get_object_or_404(whatif.drafts_for_user(request.user), pk=pk)
    whatif.whatif_delete(actor=actor(request), draft=draft)
    messages.success(request, _("已删除模拟测算"))
    return redirect("results:whatif_list")
