"""The leader-rating pages: the office's rounds (who has rated, reminders, results) and the
leader's phone page (one list, one save, editable until the round closes)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.ballots import ratings as services
from kaohe.ballots.evaluation_selectors import cadre_search
from kaohe.ballots.models import Rating, RatingGrade, RatingRound, RatingStatus, RatingSubject
from kaohe.ballots.ratings_export import round_workbook
from kaohe.ballots.ratings_forms import ReasonForm, RoundForm
from kaohe.ballots.ratings_results import cadre_rating_counts, rating_progress, unit_rating_scores
from kaohe.ballots.ratings_selectors import rating_rounds_for_user, ratings_for_user
from kaohe.core.forms import apply_service_error
from kaohe.core.models import User
from kaohe.core.roles import Action, Role, actor, can, require
from kaohe.core.xlsx import xlsx_response
from kaohe.orgs.models import Cadre, Posting, Unit, UnitCategory, active_on
from kaohe.orgs.selectors import years_for_user


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RATING_ENTER)
    manage = can(request.user, Action.RATING_MANAGE)

    # One subquery per count (joining the three lists at once would multiply their rows).
    def count(model: Any, key: str, **where: Any) -> Any:
        rows = model.objects.filter(**{key: OuterRef("pk")}, **where).order_by().values(key)
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")[:1]), 0)

    through = RatingRound.raters.through, RatingRound.units.through, RatingRound.cadres.through
    user_pk = getattr(request.user, "pk", 0)
    rounds = (
        rating_rounds_for_user(request.user)
        .annotate(
            n_raters=count(through[0], "ratinground"),
            n_targets=count(through[1], "ratinground") + count(through[2], "ratinground"),
            n_mine=count(Rating, "round", rater=user_pk),
        )
        .order_by("-year__year", "status", "period", "name")
    )
    return render(request, "ballots/ratings/round_list.html", {"rounds": rounds, "manage": manage})


def _cadres_of(units: Any, category: Any) -> list[Cadre]:
    """The cadres in office today in the units (or the category's active units)."""
    if category is not None:
        units = Unit.objects.filter(category=category, is_active=True)
    unit_ids = [u.pk for u in units]
    if not unit_ids:
        return []
    held = Posting.objects.filter(active_on(timezone.localdate()), unit_id__in=unit_ids)
    return list(
        Cadre.objects.filter(retired_on__isnull=True, pk__in=held.values("cadre_id")).order_by(
            "name", "pk"
        )
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RATING_MANAGE)
    form = RoundForm(
        request.POST or None,
        years=years_for_user(request.user),
        raters=User.objects.filter(role=Role.LEADER, is_active=True).order_by("username"),
        units=Unit.objects.filter(is_active=True).order_by("order", "name"),
        categories=UnitCategory.objects.order_by("order", "name"),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        cadres = (
            _cadres_of(d["cadre_units"], d["cadre_category"])
            if d["subject"] == RatingSubject.CADRE
            else []
        )
        try:
            round_ = services.rating_round_create(
                actor=actor(request), year=d["year"], name=d["name"], subject=d["subject"],
                period=d["period"], trimmed=d["trimmed"], due_on=d["due_on"],
                raters=d["raters"], units=d["units"], cadres=cadres,
            )  # fmt: skip
        except ValidationError as error:
            if d["subject"] == RatingSubject.CADRE and not cadres:
                form.add_error("cadre_units", _("所选单位没有在任干部：请选择一类单位或若干单位"))
            else:
                apply_service_error(form, error)
        else:
            messages.success(request, _("已发起领导评价"))
            return redirect("ballots:rating_round_detail", round_.pk)
    return render(
        request, "core/form.html",
        {"form": form, "title": _("发起领导评价"), "back": "ballots:rating_round_list"},
    )  # fmt: skip


def _managed(request: HttpRequest, pk: int) -> Any:
    require(request.user, Action.RATING_MANAGE)
    return get_object_or_404(rating_rounds_for_user(request.user), pk=pk)


def _cadre_places(cadre_ids: list[int]) -> dict[int, str]:
    """Each cadre's current primary post ("青山镇 党委书记")."""
    places: dict[int, str] = {}
    postings = (
        Posting.objects.filter(cadre_id__in=cadre_ids, end_date__isnull=True)
        .select_related("unit")
        .order_by("-is_primary", "start_date")
    )
    for posting in postings:
        places.setdefault(posting.cadre_id, f"{posting.unit.name} {posting.post}")
    return places


def _targets(round_: Any) -> list[dict[str, Any]]:
    if round_.subject == RatingSubject.UNIT:
        return [{"pk": u.pk, "name": u.name, "place": ""}
                for u in round_.units.order_by("order", "name")]  # fmt: skip
    cadres = list(round_.cadres.order_by("name"))
    places = _cadre_places([c.pk for c in cadres])
    return [{"pk": c.pk, "name": c.name, "place": places.get(c.pk, "")} for c in cadres]


@login_required
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    targets = _targets(round_)
    if round_.subject == RatingSubject.UNIT:
        scores = unit_rating_scores(round=round_)
        for t in targets:
            t["score"] = scores.get(t["pk"])
    else:
        counts = cadre_rating_counts(round=round_)
        for t in targets:
            t["counts"] = [(g, counts.get(t["pk"], {}).get(g, 0)) for g in RatingGrade.values]
    progress = rating_progress(round=round_)
    return render(
        request, "ballots/ratings/round_detail.html",
        {"round": round_, "targets": targets, "progress": progress,
         "pending": sum(1 for p in progress if not p.done),
         "grades": RatingGrade.values, "reason_form": ReasonForm()},
    )  # fmt: skip


@login_required
@require_POST
def round_status(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    try:
        services.rating_round_set_status(
            actor=actor(request), round=round_, status=request.POST.get("status", ""),
            reason=request.POST.get("reason", "")[:500],
        )  # fmt: skip
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("评价状态已更新"))
    return redirect("ballots:rating_round_detail", round_.pk)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    rater_id = request.POST.get("rater", "")
    rater = get_object_or_404(round_.raters, pk=int(rater_id) if rater_id.isdigit() else 0)
    try:
        services.rating_remind(actor=actor(request), round=round_, rater=rater)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已提醒 %(name)s（记入操作日志）") % {"name": rater})
    return redirect("ballots:rating_round_detail", round_.pk)


@login_required
def rating_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """The leader's sheet: every target of the round, one save."""
    require(request.user, Action.RATING_ENTER)
    round_ = get_object_or_404(rating_rounds_for_user(request.user), pk=pk)
    me = actor(request)
    if not round_.raters.filter(pk=me.pk).exists():
        raise PermissionDenied
    is_unit = round_.subject == RatingSubject.UNIT
    targets = _targets(round_)
    mine = {
        (r.unit_id if is_unit else r.cadre_id): (r.score if is_unit else r.grade)
        for r in ratings_for_user(me).filter(round=round_, rater=me)
    }
    done = len(mine)  # saved ones (not what a refused sheet asked for)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {t["pk"]: request.POST.get(f"t{t['pk']}", "").strip()[:10] for t in targets}
        try:
            services.ratings_save(actor=me, round=round_, values=values)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                errors = error.message_dict
            else:
                messages.error(request, " ".join(error.messages))
            mine = dict(values)
        else:
            messages.success(request, _("已保存。本轮结束前可以随时修改"))
            return redirect("ballots:rating_enter", round_.pk)
    for t in targets:
        value = mine.get(t["pk"])
        if isinstance(value, Decimal):
            value = f"{value.normalize():f}"
        t["value"] = value or ""
        t["errors"] = errors.get(f"t{t['pk']}", [])
    return render(
        request, "ballots/ratings/rating_enter.html",
        {"round": round_, "targets": targets, "is_unit": is_unit, "grades": RatingGrade.values,
         "closed": round_.status != RatingStatus.OPEN, "done": done},
    )  # fmt: skip


# --- the round's targets (htmx search, a whole unit or category at once) and its workbook


def _targets_context(round_: Any) -> dict[str, Any]:
    targets = _targets(round_)
    is_unit = round_.subject == RatingSubject.UNIT
    key = "unit_id" if is_unit else "cadre_id"
    rated = dict(
        Rating.objects.filter(round=round_).values_list(key).annotate(n=Count("id")).order_by()
    )
    for t in targets:
        t["rated"] = rated.get(t["pk"], 0)
    taken = {t["pk"] for t in targets}
    return {
        "round": round_,
        "targets": targets,
        "is_unit": is_unit,
        "open": round_.status == RatingStatus.OPEN,
        "units": Unit.objects.filter(is_active=True).exclude(pk__in=taken if is_unit else [])
        .order_by("order", "name"),
        "categories": UnitCategory.objects.order_by("order", "name"),
        "remove_label": _("移除"),
    }  # fmt: skip


@login_required
def round_targets(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    return render(request, "ballots/ratings/round_targets.html", _targets_context(round_))


def _targets_panel(request: HttpRequest, round_: Any) -> HttpResponse:
    if request.headers.get("HX-Request"):
        context = _targets_context(round_) | {"partial": True}
        return render(request, "ballots/ratings/_round_targets.html", context)
    return redirect("ballots:rating_round_targets", round_.pk)


def _posted_pk(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() else None


@login_required
@require_POST
def round_targets_add(request: HttpRequest, pk: int) -> HttpResponse:
    """One cadre (from the search), a unit (a unit round: the unit; a cadre round: its
    cadres in office) or a category (its units, or their cadres)."""
    round_ = _managed(request, pk)
    is_unit = round_.subject == RatingSubject.UNIT
    units: list[Any] = []
    cadres: list[Any] = []
    if (cadre_pk := _posted_pk(request, "cadre")) is not None:
        cadres = [get_object_or_404(Cadre, pk=cadre_pk)]
    elif (unit_pk := _posted_pk(request, "unit")) is not None:
        unit = get_object_or_404(Unit, pk=unit_pk, is_active=True)
        units, cadres = ([unit], []) if is_unit else ([], _cadres_of([unit], None))
    elif (category_pk := _posted_pk(request, "category")) is not None:
        category = get_object_or_404(UnitCategory, pk=category_pk)
        if is_unit:
            units = list(Unit.objects.filter(category=category, is_active=True))
        else:
            cadres = _cadres_of([], category)
    try:
        added = services.rating_round_targets_add(
            actor=actor(request), round=round_, units=units, cadres=cadres
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已加入 %(n)s 个评价对象") % {"n": added})
    return _targets_panel(request, round_)


@login_required
@require_POST
def round_target_remove(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    is_unit = round_.subject == RatingSubject.UNIT
    relation = round_.units if is_unit else round_.cadres
    target = get_object_or_404(relation, pk=_posted_pk(request, "target") or 0)
    try:
        services.rating_round_target_remove(actor=actor(request), round=round_, target=target)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已移除「%(name)s」") % {"name": target})
    return _targets_panel(request, round_)


@login_required
def round_cadre_search(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _managed(request, pk)
    query = request.GET.get("q", "")[:50]
    found: list[Any] = []
    if query.strip() and round_.subject == RatingSubject.CADRE:
        taken = set(round_.cadres.values_list("pk", flat=True))
        found = [c for c in cadre_search(query) if c.pk not in taken]
    return render(
        request, "ballots/_cadre_results.html",
        {"found": found, "query": query, "target": "#round-targets",
         "add_url": "ballots:rating_round_targets_add", "owner": round_},
    )  # fmt: skip


@login_required
def round_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The round's workbook (office only): results, who rated what, who has not rated."""
    round_ = _managed(request, pk)
    return xlsx_response(round_workbook(round_), f"{round_.name}-领导评价.xlsx")
