"""Thin views: an access check, a selector, a form, a service call, a response."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.core.listing import list_page, paginate
from kaohe.core.roles import Action, actor, can, require
from kaohe.core.services import job_submit
from kaohe.core.xlsx import xlsx_response
from kaohe.orgs import services, workbooks
from kaohe.orgs.apps import ASSIGNMENTS_IMPORT, CADRES_IMPORT, TEAMS_IMPORT, UNITS_IMPORT
from kaohe.orgs.filters import CadreFilter, TeamFilter, UnitFilter
from kaohe.orgs.forms import (
    CadreCreateForm,
    CadreForm,
    CategoryForm,
    EndDateForm,
    InvestigationCloseForm,
    InvestigationOpenForm,
    PostingForm,
    SecondmentForm,
    TeamForm,
    TeamOrderForm,
    UnitForm,
    VillageForm,
    WorkbookImportForm,
    YearForm,
    apply_service_error,
)
from kaohe.orgs.models import Cadre, Unit, UnitCategory
from kaohe.orgs.selectors import (
    cadre_records,
    cadres_for_user,
    cadres_in_unit,
    categories_for_user,
    flags_for_user,
    in_list_order,
    postings_for_user,
    team_members,
    teams_for_user,
    today,
    units_for_user,
    with_current_state,
    years_for_user,
)

# ---- units ---------------------------------------------------------------------------


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.UNIT_VIEW)
    units = units_for_user(request.user).prefetch_related("flags")
    filters = UnitFilter(request.GET or None, queryset=units, request=request)
    return list_page(request, filters, "orgs/unit_list.html", "orgs/_unit_table.html")


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.UNIT_VIEW)
    unit = get_object_or_404(units_for_user(request.user).prefetch_related("flags"), pk=pk)
    context: dict[str, Any] = {
        "unit": unit,
        "team": getattr(unit, "team", None),
        "children": unit.children.select_related("category"),
        "entrusted": unit.entrusted_units.select_related("category"),
    }
    if can(request.user, Action.CADRE_VIEW):
        cadres = cadres_in_unit(cadres_for_user(request.user), unit)
        context["cadre_page"] = paginate(
            request, with_current_state(in_list_order(cadres, unit=unit))
        )
    return render(request, "orgs/unit_detail.html", context)


def _unit_form(
    request: HttpRequest, *, initial: dict[str, Any] | None = None, exclude: int | None = None
) -> UnitForm:
    units = units_for_user(request.user)
    if exclude is not None:
        units = units.exclude(pk=exclude)
    return UnitForm(
        request.POST or None,
        initial=initial,
        categories=categories_for_user(request.user),
        units=units,
        flags=flags_for_user(request.user),
    )


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.UNIT_EDIT)
    form = _unit_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=actor(request), **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新增单位：%(name)s") % {"name": unit.name})
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(
        request, "orgs/form.html", {"form": form, "title": _("新增单位"), "back": "orgs:unit_list"}
    )


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.UNIT_EDIT)
    unit = get_object_or_404(units_for_user(request.user), pk=pk)
    initial = {
        "code": unit.code,
        "name": unit.name,
        "category": unit.category_id,
        "parent": unit.parent_id,
        "supervisor": unit.supervisor_id,
        "flags": list(unit.flags.values_list("pk", flat=True)),
        "order": unit.order,
        "is_active": unit.is_active,
    }
    form = _unit_form(request, initial=initial, exclude=unit.pk)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        flags = data.pop("flags")
        try:
            services.unit_update(actor=actor(request), unit=unit, flags=flags, **data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:unit_detail", pk=unit.pk)
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("编辑单位：%(name)s") % {"name": unit.name},
            "back_url": unit_url(unit),
        },
    )


def unit_url(unit: Unit) -> str:
    from django.urls import reverse

    return reverse("orgs:unit_detail", args=[unit.pk])


# ---- categories ----------------------------------------------------------------------


@login_required
def category_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CATEGORY_VIEW)
    # An aggregate drops the model's ordering (Django does not order GROUP BY queries by
    # Meta.ordering): the office's order is asked for again.
    categories = (
        categories_for_user(request.user)
        .annotate(unit_count=Count("units"))
        .order_by(*(UnitCategory._meta.ordering or ()))
    )
    form = CategoryForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.CATEGORY_EDIT)
        if form.is_valid():
            try:
                services.category_create(actor=actor(request), **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("已新增类别"))
                return redirect("orgs:category_list")
    return render(request, "orgs/category_list.html", {"categories": categories, "form": form})


@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CATEGORY_EDIT)
    category = get_object_or_404(categories_for_user(request.user), pk=pk)
    form = CategoryForm(
        request.POST or None,
        initial={
            "name": category.name,
            "order": category.order,
            "description": category.description,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.category_update(actor=actor(request), category=category, **form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:category_list")
    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": _("编辑类别：%(name)s") % {"name": category.name},
            "back": "orgs:category_list",
        },
    )


@login_required
@require_POST
def category_delete(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CATEGORY_EDIT)
    category = get_object_or_404(categories_for_user(request.user), pk=pk)
    try:
        services.category_delete(actor=actor(request), category=category)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已删除类别"))
    return redirect("orgs:category_list")


# ---- cadres --------------------------------------------------------------------------


@login_required
def cadre_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CADRE_VIEW)
    cadres = with_current_state(in_list_order(cadres_for_user(request.user)))
    filters = CadreFilter(request.GET or None, queryset=cadres, request=request)
    return list_page(request, filters, "orgs/cadre_list.html", "orgs/_cadre_table.html")


@login_required
def cadre_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.CADRE_VIEW)
    cadre = get_object_or_404(with_current_state(cadres_for_user(request.user)), pk=pk)
    return render(
        request,
        "orgs/cadre_detail.html",
        {
            "cadre": cadre,
            "postings": cadre.postings.select_related("unit").order_by("-start_date", "-id"),
            "secondments": cadre.secondments.select_related("host"),
            "village_assignments": cadre.village_assignments.all(),
            "investigations": cadre.investigations.all(),
            "today": today(),
        },
    )


@login_required
def cadre_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CADRE_EDIT)
    form = CadreCreateForm(request.POST or None, units=units_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cadre = services.cadre_create(
                actor=actor(request),
                **{k: data[k] for k in services.CADRE_FIELDS},
                first_posting={k: data[k] for k in ("unit", "post", "role", "duties", "order")}
                | {"start_date": data["on"]},
            )
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新增干部：%(name)s") % {"name": cadre.name})
            return redirect("orgs:cadre_detail", pk=cadre.pk)
    return render(
        request, "orgs/form.html", {"form": form, "title": _("新增干部"), "back": "orgs:cadre_list"}
    )


def _cadre_for_edit(request: HttpRequest, pk: int) -> Cadre:
    require(request.user, Action.CADRE_EDIT)
    return get_object_or_404(cadres_for_user(request.user), pk=pk)


def _cadre_form_page(
    request: HttpRequest, cadre: Cadre, form: Any, title: str, run: Any
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            run(form.cleaned_data)
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已保存"))
            return redirect("orgs:cadre_detail", pk=cadre.pk)
    from django.urls import reverse

    return render(
        request,
        "orgs/form.html",
        {
            "form": form,
            "title": f"{title}：{cadre.name}",
            "back_url": reverse("orgs:cadre_detail", args=[cadre.pk]),
        },
    )


@login_required
def cadre_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    form = CadreForm(
        request.POST or None, initial={f: getattr(cadre, f) for f in services.CADRE_FIELDS}
    )
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("编辑干部"),
        lambda data: services.cadre_update(actor=actor(request), cadre=cadre, **data),
    )


@login_required
def cadre_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    form = PostingForm(request.POST or None, units=units_for_user(request.user))

    def run(data: dict[str, Any]) -> None:
        services.cadre_transfer(actor=actor(request), cadre=cadre, **data)

    return _cadre_form_page(request, cadre, form, _("职务变动"), run)


@login_required
def secondment_add(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    form = SecondmentForm(request.POST or None, units=units_for_user(request.user))
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("登记挂职"),
        lambda data: services.secondment_create(actor=actor(request), cadre=cadre, **data),
    )


@login_required
def village_add(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    form = VillageForm(request.POST or None)
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("登记驻村"),
        lambda data: services.village_assignment_create(actor=actor(request), cadre=cadre, **data),
    )


@login_required
def investigation_open(request: HttpRequest, pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    form = InvestigationOpenForm(request.POST or None)
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("登记立案审查"),
        lambda data: services.investigation_open(actor=actor(request), cadre=cadre, **data),
    )


@login_required
def investigation_close(request: HttpRequest, pk: int, investigation_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    investigation = get_object_or_404(cadre.investigations, pk=investigation_pk)
    form = InvestigationCloseForm(request.POST or None)
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("结案"),
        lambda data: services.investigation_close(
            actor=actor(request), investigation=investigation, **data
        ),
    )


# ---- Excel: templates, exports and imports of units, teams, cadres and their records --

# kind: (the action to export it, the action to import it)
WORKBOOK_ACTIONS = {
    "units": (Action.UNIT_VIEW, Action.UNIT_EDIT),
    "teams": (Action.UNIT_VIEW, Action.UNIT_EDIT),
    "cadres": (Action.CADRE_VIEW, Action.CADRE_EDIT),
    "assignments": (Action.CADRE_VIEW, Action.CADRE_EDIT),
}
# kind: the background job that imports it (``kaohe.orgs.jobs``)
IMPORT_JOBS = {
    "units": UNITS_IMPORT,
    "teams": TEAMS_IMPORT,
    "cadres": CADRES_IMPORT,
    "assignments": ASSIGNMENTS_IMPORT,
}


def _kind(request: HttpRequest, which: int) -> workbooks.Kind:
    """The kind named by ``?kind=`` (units when absent), after the role check."""
    kind = workbooks.KINDS.get(request.GET.get("kind") or "units")
    if kind is None:
        raise Http404
    require(request.user, WORKBOOK_ACTIONS[kind.key][which])
    return kind


@login_required
def workbook_template(request: HttpRequest) -> HttpResponse:
    kind = _kind(request, 1)
    return xlsx_response(
        workbooks.template_bytes(kind), _("%(kind)s导入模板.xlsx") % {"kind": kind.label}
    )


@login_required
def workbook_export(request: HttpRequest) -> HttpResponse:
    kind = _kind(request, 0)
    if kind is workbooks.UNITS:
        content = workbooks.units_export(units_for_user(request.user).prefetch_related("flags"))
    elif kind is workbooks.TEAMS:
        content = workbooks.teams_export(teams_for_user(request.user))
    elif kind is workbooks.ASSIGNMENTS:
        content = workbooks.assignments_export(cadre_records(cadres_for_user(request.user)))
    else:
        cadres = with_current_state(in_list_order(cadres_for_user(request.user)))
        content = workbooks.cadres_export(cadres.iterator(chunk_size=2000))
    stamp = today().strftime("%Y%m%d")
    return xlsx_response(content, f"{kind.label}-{stamp}.xlsx")


@login_required
def workbook_import(request: HttpRequest) -> HttpResponse:
    kinds = [
        kind
        for kind in workbooks.KINDS.values()
        if can(request.user, WORKBOOK_ACTIONS[kind.key][1])
    ]
    if not kinds:
        require(request.user, Action.UNIT_EDIT)
    form = WorkbookImportForm(
        request.POST or None,
        request.FILES or None,
        kinds=kinds,
        initial={"kind": request.GET.get("kind")},
    )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        job = job_submit(
            actor=actor(request),
            kind=IMPORT_JOBS[form.cleaned_data["kind"]],
            file=file.read(),
            file_name=file.name,
        )
        return redirect("core:job_detail", job.pk)
    return render(request, "orgs/workbook_import.html", {"form": form, "kinds": kinds})


# ---- assessment years ----------------------------------------------------------------


@login_required
def year_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.DASHBOARD_VIEW)
    years = years_for_user(request.user)
    form = YearForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Action.YEAR_EDIT)
        if form.is_valid():
            try:
                services.year_create(actor=actor(request), **form.cleaned_data)
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("已新增考核年度"))
                return redirect("orgs:year_list")
    return render(request, "orgs/year_list.html", {"years": years, "form": form})


@login_required
def year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.YEAR_EDIT)
    year = get_object_or_404(years_for_user(request.user), pk=pk)
    form = YearForm(request.POST or None, initial={"year": year.year, "name": year.name,
                                                   "note": year.note})  # fmt: skip
    form.fields["year"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "note")}
        services.year_update(actor=actor(request), year=year, **data)
        messages.success(request, _("已保存"))
        return redirect("orgs:year_list")
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("编辑考核年度：%(year)s") % {"year": year.year},
         "back": "orgs:year_list"},
    )  # fmt: skip


# ---- leadership teams ----------------------------------------------------------------


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.UNIT_VIEW)
    filters = TeamFilter(
        request.GET or None, queryset=teams_for_user(request.user), request=request
    )
    return list_page(request, filters, "orgs/team_list.html", "orgs/_team_table.html")


@login_required
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A leadership team and its members as a Chinese list orders them (书记, 正职, the other
    members, each step in the office's order); the office sets that order here."""
    require(request.user, Action.UNIT_VIEW)
    team = get_object_or_404(teams_for_user(request.user), pk=pk)
    members = (
        list(team_members(postings_for_user(request.user), team))
        if can(request.user, Action.CADRE_VIEW)
        else None
    )
    form = None
    if members and can(request.user, Action.UNIT_EDIT):
        form = TeamOrderForm(request.POST or None, members=members)
        if request.method == "POST" and form.is_valid():
            services.team_order_set(actor=actor(request), team=team, orders=form.orders())
            messages.success(request, _("已保存班子成员排序"))
            return redirect("orgs:team_detail", pk=team.pk)
    elif request.method == "POST":
        require(request.user, Action.UNIT_EDIT)
    rows = [(p, form[f"order_{p.pk}"] if form else None) for p in members or ()]
    return render(
        request,
        "orgs/team_detail.html",
        {"team": team, "members": members, "rows": rows, "form": form},
    )


@login_required
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Action.UNIT_EDIT)
    team = get_object_or_404(teams_for_user(request.user), pk=pk)
    form = TeamForm(
        request.POST or None, initial={"name": team.name, "is_assessed": team.is_assessed}
    )
    if request.method == "POST" and form.is_valid():
        services.team_update(actor=actor(request), team=team, **form.cleaned_data)
        messages.success(request, _("已保存"))
        return redirect("orgs:team_list")
    return render(
        request,
        "orgs/form.html",
        {"form": form, "title": _("编辑领导班子：%(name)s") % {"name": team.unit.name},
         "back": "orgs:team_list"},
    )  # fmt: skip


# ---- ending a posting or a secondment -------------------------------------------------


@login_required
def posting_end(request: HttpRequest, pk: int, posting_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    posting = get_object_or_404(cadre.postings.select_related("unit"), pk=posting_pk)
    form = EndDateForm(request.POST or None, initial={"end_date": today()})
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("免职（%(unit)s %(post)s）") % {"unit": posting.unit, "post": posting.post},
        lambda data: services.posting_end(actor=actor(request), posting=posting, **data),
    )


@login_required
def secondment_end(request: HttpRequest, pk: int, secondment_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    secondment = get_object_or_404(cadre.secondments.select_related("host"), pk=secondment_pk)
    form = EndDateForm(request.POST or None, initial={"end_date": today()})
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("结束挂职（%(host)s）") % {"host": secondment.host},
        lambda data: services.secondment_end(actor=actor(request), secondment=secondment, **data),
    )


@login_required
def village_end(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    cadre = _cadre_for_edit(request, pk)
    assignment = get_object_or_404(cadre.village_assignments, pk=assignment_pk)
    form = EndDateForm(request.POST or None, initial={"end_date": today()})
    return _cadre_form_page(
        request,
        cadre,
        form,
        _("结束驻村（%(village)s）") % {"village": assignment.village},
        lambda data: services.village_assignment_end(
            actor=actor(request), assignment=assignment, **data
        ),
    )
