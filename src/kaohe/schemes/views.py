"""Thin views: an access check, a selector, a form, a service call, a response."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core.listing import list_page
from kaohe.core.roles import Action, actor, can, require
from kaohe.core.services import rejected_upload_keep
from kaohe.core.xlsx import ImportFailed, RowError, xlsx_response
from kaohe.orgs.forms import apply_service_error
from kaohe.orgs.models import Unit
from kaohe.orgs.selectors import categories_for_user, years_for_user
from kaohe.presets import list_presets
from kaohe.schemes import describe, excel, notes, services, structured, tree
from kaohe.schemes.filters import ChangeFilter, SchemeFilter, SystemFilter
from kaohe.schemes.forms import (
    ChangeOpFormSet,
    ChangeRequestForm,
    DecisionForm,
    ImportForm,
    IndicatorForm,
    PresetForm,
    SchemeCreateForm,
    SchemeEditForm,
    SystemCreateForm,
    SystemEditForm,
    UnlockForm,
)
from kaohe.schemes.models import (
    CHANGE_TRANSITIONS,
    SCHEME_TRANSITIONS,
    SYSTEM_TRANSITIONS,
    ChangeOp,
    ChangeStatus,
    IndicatorSystem,
    SchemeStatus,
    SystemStatus,
)
from kaohe.schemes.selectors import (
    change_requests_for_user,
    indicator_systems_for_user,
    indicators_for_user,
    scheme_versions_for_user,
    schemes_for_user,
    system_versions_for_user,
)


def _units() -> Any:
    return Unit.objects.filter(is_active=True).select_related("category")


def _moves(transitions: dict[tuple[str, str], Any], status: str) -> list[tuple[str, Any]]:
    return [(to, label) for (frm, to), label in transitions.items() if frm == status]


def _all_years(request: HttpRequest) -> Any:
    years = years_for_user(request.user)
    if not years.exists():
        messages.info(request, _("还没有考核年度，请先由考核办新增年度"))
    return years


# ---- schemes ------------------------------------------------------------------------


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SCHEME_VIEW)
    schemes = (
        schemes_for_user(request.user)
        .annotate(system_count=Count("systems"))
        .order_by("-year__year", "suite", "id")
    )
    filters = SchemeFilter(request.GET or None, queryset=schemes, request=request)
    return list_page(request, filters, "schemes/scheme_list.html", "schemes/_scheme_table.html")


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SCHEME_VIEW)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    version = scheme.current_version
    written, clauses = notes.in_written_order(version) if version else ({}, {})
    summary = structured.initial(written, clauses) if version else None
    if version:
        names = _suite_names(request, scheme)
        rules = written.get("rules") or []
        summary["sentences"] = [  # type: ignore[index]
            (describe.rule(item, names), notes.under(clauses, f"rules[{index}]"))
            for index, item in enumerate(rules)
        ]
    return render(
        request,
        "schemes/scheme_detail.html",
        {
            "scheme": scheme,
            "summary": summary,
            "text": notes.dump(written, clauses) if version else "",
            "versions": scheme_versions_for_user(request.user).filter(scheme=scheme),
            "systems": indicator_systems_for_user(request.user).filter(scheme=scheme),
            "suite": schemes_for_user(request.user)
            .filter(year=scheme.year_id, suite=scheme.suite)
            .exclude(pk=scheme.pk),
            "moves": _moves(SCHEME_TRANSITIONS, scheme.status),
        },
    )


def _suite_names(request: HttpRequest, scheme: Any) -> dict[str, str]:
    """The names of the schemes of a suite by engine id (for rules that read them)."""
    suite = schemes_for_user(request.user).filter(year=scheme.year_id, suite=scheme.suite)
    return dict(suite.values_list("code", "name"))


@login_required
def scheme_create_from_preset(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SCHEME_EDIT)
    years = _all_years(request)
    chosen = request.POST.get("year") or request.GET.get("year") or ""
    # the open year: the one asked for, else the newest (the one being assessed)
    year = (years.filter(pk=chosen).first() if chosen.isdigit() else None) or years.first()
    chosen_preset = request.GET.get("preset")  # kept when htmx redraws the list for a year
    form = PresetForm(
        request.POST or None, years=years, initial={"year": year, "preset": chosen_preset}
    )
    if request.method == "POST" and form.is_valid():
        try:
            schemes = services.scheme_create_from_preset(
                actor=actor(request),
                year=form.cleaned_data["year"],
                preset_id=form.cleaned_data["preset"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(
                request,
                _("已由预置方案创建 %(n)s 个方案：%(names)s")
                % {"n": len(schemes), "names": "、".join(s.name for s in schemes)},
            )
            return redirect("schemes:scheme_detail", pk=schemes[-1].pk)
    made = schemes_for_user(request.user).filter(year=year).exclude(preset="") if year else []
    presets = [
        {"info": info, "made": [scheme for scheme in made if scheme.preset == info.id]}
        for info in list_presets()
    ]
    return render(
        request, "schemes/preset_form.html", {"form": form, "presets": presets, "year": year}
    )


@login_required
def scheme_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SCHEME_EDIT)
    form = SchemeCreateForm(request.POST or None, years=_all_years(request))
    if request.method == "POST" and form.is_valid():
        try:
            scheme = services.scheme_create(actor=actor(request), **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存方案：%(name)s") % {"name": scheme.name})
            return redirect("schemes:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "schemes/scheme_form.html",
        {"form": form, "title": _("手工编写方案"), "back_url": reverse("schemes:scheme_list")},
    )


def _editable_scheme(request: HttpRequest, pk: int) -> Any:
    require(request.user, Action.SCHEME_EDIT)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    if scheme.status != SchemeStatus.DRAFT:
        messages.warning(request, _("只有草稿状态的方案可以修改；请先撤回为草稿"))
    return scheme


@login_required
def scheme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The scheme as a form in Chinese; engine errors beside the fields they concern."""
    scheme = _editable_scheme(request, pk)
    version = scheme.current_version
    written, clauses = notes.in_written_order(version) if version else ({"id": scheme.code}, {})
    sets = structured.SchemeForms(
        request.POST or None,
        definition=written,
        notes=clauses,
        names=_suite_names(request, scheme),
    )
    if request.method == "POST" and sets.is_valid() and not sets.has_changed():
        messages.info(request, _("没有修改，未生成新版本"))
        return redirect("schemes:scheme_detail", pk=scheme.pk)
    if request.method == "POST" and sets.is_valid() and (built := sets.build()):
        definition, clauses = built
        try:
            services.scheme_update(
                actor=actor(request),
                scheme=scheme,
                text=notes.dump(definition, clauses),
                note=sets.basics.cleaned_data["note"],
            )
        except ValidationError as error:
            _place_scheme_error(sets, error)
        else:
            messages.success(request, _("已保存为新版本"))
            return redirect("schemes:scheme_detail", pk=scheme.pk)
    conditions: dict[int, list[Any]] = {}
    for form in sets.sets["conditions"].forms:
        conditions.setdefault(_int(form["rule"].value()), []).append(form)
    rules = [
        (index, form, conditions.get(index, []), sets.rule_sentences[index]
         if index < len(sets.rule_sentences) else "")
        for index, form in enumerate(sets.sets["rules"].forms)
    ]  # fmt: skip
    return render(
        request,
        "schemes/scheme_structured.html",
        {"scheme": scheme, "sets": sets, "rules": rules},
    )


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _place_scheme_error(sets: structured.SchemeForms, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        sets.basics.add_error(None, error.messages)
        return
    for field, items in error.error_dict.items():
        for item in items:
            problem = getattr(item, "problem", None)
            if problem is not None and problem.path:
                sets.place_error(problem.path, problem.message)
            elif item.code == "name_taken":
                sets.basics.add_error("name", item.messages)
            else:
                sets.basics.add_error(field if field in sets.basics.fields else None, item.messages)


@login_required
def scheme_form_row(request: HttpRequest) -> HttpResponse:
    """One more row of a section (``?section=``) of the scheme form (htmx): the row with
    the next index and the section's TOTAL_FORMS raised by one (an out-of-band swap)."""
    require(request.user, Action.SCHEME_EDIT)
    section = request.GET.get("section", "")
    formset_class = structured.SECTIONS.get(section)
    if formset_class is None:
        raise Http404
    index = _int(request.GET.get(f"{section}-TOTAL_FORMS"))
    if not 0 <= index < 100:
        raise Http404
    formset = formset_class(prefix=section)
    form = formset._construct_form(index, **formset.get_form_kwargs(index))
    if section == "conditions":
        form.initial = {"rule": _int(request.GET.get("rule")), "group": 1}
    context = {"form": form, "section": section, "total": index + 1, "oob": True}
    if section == "rules":  # a rule comes with its (empty) conditions and their button
        header = structured.ConditionFormSet(prefix="conditions").empty_form
        context |= {"index": index, "conditions": [], "sentence": "", "header": header}
        return render(request, "schemes/_scheme_rule.html", context)
    return render(request, "schemes/_scheme_row.html", context)


@login_required
def scheme_edit_yaml(request: HttpRequest, pk: int) -> HttpResponse:
    """The expert view: the definition as YAML (clause notes as comments), and import."""
    scheme = _editable_scheme(request, pk)
    version = scheme.current_version
    text = ""
    if version:
        text = version.source_text or notes.dump(version.definition, version.notes)
    form = SchemeEditForm(
        request.POST or None, request.FILES or None, initial={"text": text} if version else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(actor=actor(request), scheme=scheme, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存为新版本"))
            return redirect("schemes:scheme_detail", pk=scheme.pk)
    return render(
        request,
        "schemes/scheme_form.html",
        {
            "form": form,
            "scheme": scheme,
            "title": _("修改方案（YAML）：%(name)s") % {"name": scheme.name},
            "back_url": reverse("schemes:scheme_detail", args=[scheme.pk]),
        },
    )


@login_required
def scheme_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The current version as YAML, clause notes as comments (an import reads them)."""
    require(request.user, Action.SCHEME_VIEW)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    version = scheme.current_version
    text = notes.dump(*notes.in_written_order(version)) if version else ""
    response = HttpResponse(text, content_type="application/yaml; charset=utf-8")
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", scheme.code) or "scheme"
    response["Content-Disposition"] = f'attachment; filename="{safe}.yaml"'
    return response


@login_required
@require_POST
def scheme_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.SCHEME_PUBLISH)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    return _move(request, scheme, request.POST.get("status", ""))


def _scheme_to_move(request: HttpRequest, pk: int, status: str, otherwise: str) -> Any:
    """The scheme, when it has ``status``; else None and a note why."""
    require(request.user, Action.SCHEME_PUBLISH)
    scheme = get_object_or_404(schemes_for_user(request.user), pk=pk)
    if scheme.status != status:
        messages.info(request, otherwise)
        return None
    return scheme


@login_required
def scheme_lock(request: HttpRequest, pk: int) -> HttpResponse:
    """Locking, confirmed on a page that says what it means; the POST locks."""
    scheme = _scheme_to_move(request, pk, SchemeStatus.PUBLISHED, _("只有已发布的方案可以锁定"))
    if scheme is None:
        return redirect("schemes:scheme_detail", pk=pk)
    if request.method == "POST":
        return _move(request, scheme, SchemeStatus.LOCKED)
    systems = indicator_systems_for_user(request.user).filter(scheme=scheme)
    return render(
        request,
        "schemes/scheme_lock.html",
        {
            "scheme": scheme,
            "draft_systems": [s for s in systems if s.status == SystemStatus.DRAFT],
            "system_count": len(systems),
            "pending_changes": change_requests_for_user(request.user)
            .filter(system__scheme=scheme, status=ChangeStatus.PENDING)
            .count(),
        },
    )


@login_required
def scheme_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    """The office unlocks a locked scheme with a written reason (kept in the audit row)."""
    scheme = _scheme_to_move(request, pk, SchemeStatus.LOCKED, _("方案未锁定"))
    if scheme is None:
        return redirect("schemes:scheme_detail", pk=pk)
    form = UnlockForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_set_status(
                actor=actor(request),
                scheme=scheme,
                status=SchemeStatus.PUBLISHED,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("方案已解锁，恢复为「已发布」"))
            return redirect("schemes:scheme_detail", pk=scheme.pk)
    return render(request, "schemes/scheme_unlock.html", {"scheme": scheme, "form": form})


def _move(request: HttpRequest, scheme: Any, status: str) -> HttpResponse:
    try:
        services.scheme_set_status(actor=actor(request), scheme=scheme, status=status)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("方案状态已改为「%(s)s」") % {"s": scheme.get_status_display()})
    return redirect("schemes:scheme_detail", pk=scheme.pk)


# ---- indicator systems --------------------------------------------------------------


@login_required
def system_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.INDICATOR_VIEW)
    systems = (
        indicator_systems_for_user(request.user)
        .annotate(
            indicator_count=Count("indicators", distinct=True),
            pending_count=Count(
                "change_requests",
                filter=Q(change_requests__status=ChangeStatus.PENDING),
                distinct=True,
            ),
        )
        .order_by("-scheme__year__year", "scheme_id", "category__order", "id")
    )
    filters = SystemFilter(request.GET or None, queryset=systems, request=request)
    return list_page(request, filters, "schemes/system_list.html", "schemes/_system_table.html")


def _system(request: HttpRequest, pk: int) -> IndicatorSystem:
    return get_object_or_404(indicator_systems_for_user(request.user), pk=pk)


@login_required
def system_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_VIEW)
    system = _system(request, pk)
    rows = services.indicator_rows(system)
    depth = tree.depths(rows)
    ids = dict(indicators_for_user(request.user).filter(system=system).values_list("code", "pk"))
    for row in rows:
        row["depth"] = depth[row["code"]]
        row["pk"] = ids.get(row["code"])
        row["method_label"] = tree.display(row, "method")
    editable = system.status == SystemStatus.DRAFT and system.scheme.status != SchemeStatus.LOCKED
    return render(
        request,
        "schemes/system_detail.html",
        {
            "system": system,
            "rows": rows,
            "problems": tree.check(rows, total=system.total_points) if editable else [],
            "editable": editable and can(request.user, Action.INDICATOR_EDIT),
            "can_request": system.status == SystemStatus.PUBLISHED
            and system.scheme.status != SchemeStatus.LOCKED
            and can(request.user, Action.CHANGE_REQUEST),
            "versions": system_versions_for_user(request.user).filter(system=system),
            "requests": change_requests_for_user(request.user).filter(system=system)[:20],
            "moves": _moves(SYSTEM_TRANSITIONS, system.status),
        },
    )


@login_required
def system_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    schemes = schemes_for_user(request.user).exclude(status=SchemeStatus.LOCKED)
    form = SystemCreateForm(
        request.POST or None,
        initial={"scheme": request.GET.get("scheme")},
        schemes=schemes,
        categories=categories_for_user(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            system = services.indicator_system_create(actor=actor(request), **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新建指标体系"))
            return redirect("schemes:system_detail", pk=system.pk)
    return render(
        request,
        "schemes/form.html",
        {"form": form, "title": _("新建指标体系"), "back_url": reverse("schemes:system_list")},
    )


@login_required
def system_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    system = _system(request, pk)
    form = SystemEditForm(
        request.POST or None,
        initial={"name": system.name, "total_points": system.total_points},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_system_update(
                actor=actor(request), system=system, **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("schemes:system_detail", pk=system.pk)
    return render(
        request,
        "schemes/form.html",
        {
            "form": form,
            "title": _("编辑指标体系：%(name)s") % {"name": system.name},
            "back_url": reverse("schemes:system_detail", args=[system.pk]),
        },
    )


@login_required
@require_POST
def system_status(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_PUBLISH)
    system = _system(request, pk)
    try:
        services.indicator_system_set_status(
            actor=actor(request), system=system, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, _("未能修改状态：%(e)s") % {"e": "；".join(error.messages)})
    else:
        messages.success(
            request, _("指标体系状态已改为「%(s)s」") % {"s": system.get_status_display()}
        )
    return redirect("schemes:system_detail", pk=system.pk)


def _indicator_form(request: HttpRequest, system: IndicatorSystem, **kwargs: Any) -> IndicatorForm:
    parents = indicators_for_user(request.user).filter(system=system)
    if exclude := kwargs.pop("exclude", None):
        parents = parents.exclude(pk=exclude)
    return IndicatorForm(request.POST or None, parents=parents, units=_units(), **kwargs)


@login_required
def indicator_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    system = _system(request, pk)
    form = _indicator_form(request, system, initial={"parent": request.GET.get("parent")})
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_create(actor=actor(request), system=system, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新增指标"))
            return redirect("schemes:system_detail", pk=system.pk)
    return render(
        request,
        "schemes/form.html",
        {
            "form": form,
            "title": _("新增指标：%(name)s") % {"name": system.name},
            "back_url": reverse("schemes:system_detail", args=[system.pk]),
        },
    )


@login_required
def indicator_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    indicator = get_object_or_404(
        indicators_for_user(request.user).select_related("system", "system__scheme"), pk=pk
    )
    system = indicator.system
    initial = {
        name: getattr(indicator, name)
        for name in ("code", "name", "points", "method", "cap", "rule", "evidence_required",
                     "evidence_text", "order")
    }  # fmt: skip
    initial |= {
        "parent": indicator.parent_id,
        "responsible_unit": indicator.responsible_unit_id,
        "lead_unit": indicator.lead_unit_id,
    }
    form = _indicator_form(request, system, initial=initial, exclude=indicator.pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if data["order"] is None:
            data.pop("order")
        try:
            services.indicator_update(actor=actor(request), indicator=indicator, **data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存指标 %(code)s") % {"code": indicator.code})
            return redirect("schemes:system_detail", pk=system.pk)
    return render(
        request,
        "schemes/form.html",
        {
            "form": form,
            "title": _("编辑指标：%(name)s") % {"name": indicator},
            "back_url": reverse("schemes:system_detail", args=[system.pk]),
            "locked_note": None
            if system.status == SystemStatus.DRAFT
            else _("指标体系已发布，修改须提交变更申请"),
        },
    )


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    indicator = get_object_or_404(
        indicators_for_user(request.user).select_related("system", "system__scheme"), pk=pk
    )
    try:
        services.indicator_delete(actor=actor(request), indicator=indicator)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已删除指标 %(code)s") % {"code": indicator.code})
    return redirect("schemes:system_detail", pk=indicator.system_id)


# ---- Excel --------------------------------------------------------------------------


@login_required
def system_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_VIEW)
    system = _system(request, pk)
    return xlsx_response(excel.export_bytes(services.indicator_rows(system)), f"{system.name}.xlsx")


@login_required
def system_template(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    return xlsx_response(excel.template_bytes(), "指标体系导入模板.xlsx")


@login_required
def system_import(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_EDIT)
    system = _system(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[RowError] = []
    rejected = None
    if request.method == "POST" and form.is_valid():
        try:
            count = services.indicator_system_import(
                actor=actor(request), system=system, file=form.cleaned_data["file"]
            )
        except ImportFailed as failure:
            errors = failure.errors
            upload = form.cleaned_data["file"]
            form.add_error(
                "file", _("有 %(n)s 处错误，未导入任何数据") % {"n": len(failure.errors)}
            )
            upload.seek(0)
            rejected = rejected_upload_keep(
                owner=actor(request), file_name=upload.name, data=upload.read(), failure=failure
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已导入 %(n)s 个指标") % {"n": count})
            return redirect("schemes:system_detail", pk=system.pk)
    return render(
        request,
        "schemes/system_import.html",
        {"form": form, "system": system, "errors": errors, "rejected": rejected},
    )


# ---- versions -----------------------------------------------------------------------


@login_required
def system_diff(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.INDICATOR_VIEW)
    system = _system(request, pk)
    versions = list(system_versions_for_user(request.user).filter(system=system))
    by_number = {v.number: v for v in versions}
    context: dict[str, Any] = {"system": system, "versions": versions}
    if len(versions) >= 1:
        newest = versions[0].number
        try:
            a = int(request.GET.get("a") or max(newest - 1, 1))
            b = int(request.GET.get("b") or newest)
        except ValueError:
            raise Http404 from None
        if a not in by_number or b not in by_number:
            raise Http404
        old, new = by_number[a], by_number[b]
        context |= {"old": old, "new": new, "diff": tree.diff(old.indicators, new.indicators)}
    return render(request, "schemes/system_diff.html", context)


# ---- change requests ----------------------------------------------------------------


def _apply_change_error(form: ChangeRequestForm, formset: Any, error: ValidationError) -> None:
    """Errors of single changes beside their fields; the rest above the form."""
    if hasattr(error, "error_dict"):
        apply_service_error(form, error)
        return
    for item in error.error_list:
        params = item.params or {}
        index, field = params.get("index"), params.get("field")
        message = item.message % params if params else item.message
        if index is not None and index < len(formset.forms):
            target = formset.forms[index]
            target.add_error(field if field in target.fields else None, message)
        else:
            form.add_error(None, message)


@login_required
def change_create(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CHANGE_REQUEST)
    system = _system(request, pk)
    form = ChangeRequestForm(request.POST or None)
    initial = []
    if code := request.GET.get("code"):
        initial = [{"op": ChangeOp.UPDATE, "code": code}]
    formset = ChangeOpFormSet(
        request.POST or None, initial=initial, units=_units(), prefix="change"
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        changes = [c for c in (f.change() for f in formset.forms) if c]
        try:
            change = services.change_request_create(
                actor=actor(request),
                system=system,
                reason=form.cleaned_data["reason"],
                changes=changes,
            )
        except ValidationError as error:
            _apply_change_error(form, formset, error)
        else:
            messages.success(request, _("已提交变更申请，等待考核办审批"))
            return redirect("schemes:change_detail", pk=change.pk)
    rows = services.indicator_rows(system)
    return render(
        request,
        "schemes/change_form.html",
        {"form": form, "formset": formset, "system": system, "rows": rows},
    )


@login_required
def change_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CHANGE_VIEW)
    filters = ChangeFilter(
        request.GET or None, queryset=change_requests_for_user(request.user), request=request
    )
    return list_page(request, filters, "schemes/change_list.html", "schemes/_change_table.html")


def _described(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    labels = dict(ChangeOp.choices)
    result = []
    for change in changes:
        fields = change.get("fields") or {}
        result.append(
            {
                "op": labels.get(str(change.get("op")), change.get("op")),
                "code": change.get("code"),
                "fields": [
                    (tree.LABELS.get(name, name), tree.display(fields, name)) for name in fields
                ],
            }
        )
    return result


@login_required
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CHANGE_VIEW)
    change = get_object_or_404(change_requests_for_user(request.user), pk=pk)
    form = DecisionForm()
    return render(request, "schemes/change_detail.html", _change_context(change, form))


def _change_context(change: Any, form: DecisionForm) -> dict[str, Any]:
    proposal: Any = None
    problems: list[str] = []
    if change.status == ChangeStatus.PENDING:
        try:
            proposal = services.change_proposal(change.system, change.changes)
        except ValidationError as error:
            problems = error.messages
    base = change.system.current_version.indicators if change.system.current_version else []
    if change.result_version_id:
        previous = change.system.versions.filter(number=change.result_version.number - 1).first()
        base = previous.indicators if previous else []
        proposal = change.result_version.indicators
    return {
        "change": change,
        "form": form,
        "described": _described(change.changes),
        "diff": tree.diff(base, proposal) if proposal is not None else None,
        "problems": problems,
        "moves": _moves(CHANGE_TRANSITIONS, change.status),
    }


@login_required
@require_POST
def change_decide(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CHANGE_DECIDE)
    change = get_object_or_404(change_requests_for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.change_request_decide(
                actor=actor(request),
                request=change,
                status=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("变更申请%(what)s") % {"what": change.get_status_display()})
            return redirect("schemes:change_detail", pk=change.pk)
    return render(request, "schemes/change_detail.html", _change_context(change, form), status=200)
