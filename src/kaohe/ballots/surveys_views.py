"""The survey pages: the office's (questionnaire, areas and quotas, codes and QR slips,
import, progress, results) and the public's answering pages (no account).

No URL the server sees carries a code: a slip's QR code opens ``/ballots/s/scan/#CODE``,
whose fragment the browser keeps to itself; the evaluation's ``vote.js`` (shared) puts it in
the code form and posts it to ``/ballots/s/``, as a typed code is posted (without script the
resident types the code printed on the slip). The posted code goes into the (signed) session
and the answer is shown and submitted at ``/ballots/s/``; the code leaves the session when
it is used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from kaohe.ballots import surveys as services
from kaohe.ballots.evaluation_slips import qr_code, scan_address
from kaohe.ballots.models import SurveyCode, SurveyIndex, SurveyStatus
from kaohe.ballots.surveys_excel import (
    answers_import,
    answers_layout,
    answers_template,
    results_workbook,
)
from kaohe.ballots.surveys_forms import (
    AnswerForm,
    AnswersImportForm,
    AreaForm,
    CodeEntryForm,
    CodesForm,
    QuestionForm,
    SurveyForm,
)
from kaohe.ballots.surveys_results import survey_results
from kaohe.ballots.surveys_selectors import survey_progress, surveys_for_user
from kaohe.core.forms import apply_service_error
from kaohe.core.roles import Action, actor, require
from kaohe.core.xlsx import ImportFailed, xlsx_response
from kaohe.orgs.models import Unit
from kaohe.orgs.selectors import years_for_user

SESSION_KEY = "survey_code"
PRINT_LIMIT = 500  # slips on one printed page


def _survey(request: HttpRequest, pk: int) -> Any:
    require(request.user, Action.SURVEY_MANAGE)
    return get_object_or_404(surveys_for_user(request.user), pk=pk)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SURVEY_MANAGE)
    surveys = surveys_for_user(request.user).order_by("-year__year", "name")
    return render(request, "ballots/surveys/survey_list.html", {"surveys": surveys})


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.SURVEY_MANAGE)
    form = SurveyForm(request.POST or None, years=years_for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            survey = services.survey_create(
                actor=actor(request), year=data["year"], name=data["name"], kind=data["kind"],
                intro=data["intro"], index_weights=data["index_weights"],
                max_points=data["max_points"], point_bands=data["point_bands"],
                min_answers=data["min_answers"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已新建调查，请添加题目和调查区域"))
            return redirect("ballots:survey_detail", survey.pk)
    return render(
        request, "core/form.html",
        {"form": form, "title": _("新建民意调查"), "back": "ballots:survey_list"},
    )  # fmt: skip


@login_required
def survey_detail(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    question_form = QuestionForm(prefix="q")
    area_form = AreaForm(prefix="a", units=_units())
    if request.method == "POST":
        what = request.POST.get("what")
        try:
            if what == "question":
                question_form = QuestionForm(request.POST, prefix="q")
                if question_form.is_valid():
                    d = question_form.cleaned_data
                    services.survey_question_add(
                        actor=actor(request), survey=survey, text=d["text"], index=d["index"],
                        weight=d["weight"], choices=d["choices"] or None,
                    )  # fmt: skip
                    messages.success(request, _("已添加题目"))
                    return redirect("ballots:survey_detail", survey.pk)
            elif what == "area":
                area_form = AreaForm(request.POST, prefix="a", units=_units())
                if area_form.is_valid():
                    d = area_form.cleaned_data
                    services.survey_area_set(
                        actor=actor(request), survey=survey, unit=d["unit"], quota=d["quota"]
                    )
                    messages.success(request, _("已保存调查区域和配额"))
                    return redirect("ballots:survey_detail", survey.pk)
            elif what == "delete_question":
                raw = request.POST.get("question", "")
                question = get_object_or_404(survey.questions, pk=int(raw) if raw.isdigit() else 0)
                services.survey_question_delete(actor=actor(request), question=question)
                return redirect("ballots:survey_detail", survey.pk)
        except ValidationError as error:
            target = question_form if what == "question" else area_form
            apply_service_error(target, error)
            messages.error(request, " ".join(error.messages))
    moves = [(to, label) for (frm, to), label in services.SURVEY_TRANSITIONS.items()
             if frm == survey.status]  # fmt: skip
    return render(
        request,
        "ballots/surveys/survey_detail.html",
        {
            "survey": survey,
            "questions": survey.questions.all(),
            "progress": survey_progress(survey),
            "question_form": question_form,
            "area_form": area_form,
            "moves": moves,
            "editable": survey.status == SurveyStatus.DRAFT,
        },
    )


def _units() -> Any:
    return Unit.objects.filter(is_active=True).order_by("order", "name")


@login_required
@require_POST
def survey_status(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    try:
        services.survey_set_status(
            actor=actor(request), survey=survey, status=request.POST.get("status", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("调查状态已更新"))
    return redirect("ballots:survey_detail", survey.pk)


@login_required
def survey_codes(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = CodesForm(request.POST or None, areas=survey.areas.select_related("unit"))
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.survey_codes_issue(
                actor=actor(request), area=form.cleaned_data["area"],
                count=form.cleaned_data["count"],
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("已生成 %(n)s 个调查码") % {"n": len(codes)})
            return redirect("ballots:survey_codes", survey.pk)
    return render(
        request, "ballots/surveys/survey_codes.html",
        {"survey": survey, "form": form, "progress": survey_progress(survey)},
    )  # fmt: skip


@login_required
def survey_codes_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The unused codes of the survey (or of one area) as slips with QR codes, shuffled."""
    survey = _survey(request, pk)
    codes = SurveyCode.objects.filter(area__survey=survey, used=False).select_related("area__unit")
    if area := request.GET.get("area", "").strip():
        codes = codes.filter(area_id=int(area) if area.isdigit() else 0)
    codes = codes.order_by("?")[:PRINT_LIMIT]
    base = request.build_absolute_uri(reverse("ballots:survey_answer"))
    site = request.build_absolute_uri("/")[:-1]
    slips = []
    for code in codes:
        qr = qr_code(scan_address(site, code.code, page="ballots:survey_scan"))
        svg = qr.svg_inline(border=2, omitsize=True)  # a viewBox: the CSS sizes it
        slips.append({"code": code.code, "unit": code.area.unit.name, "qr": mark_safe(svg)})
    return render(
        request, "ballots/surveys/survey_codes_print.html",
        {"survey": survey, "slips": slips, "answer_url": base, "limit": PRINT_LIMIT},
    )  # fmt: skip


@login_required
def survey_template(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    return xlsx_response(answers_template(survey), f"{survey.name}-答卷导入模板.xlsx")


@login_required
def survey_import(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    form = AnswersImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            count = answers_import(actor=actor(request), survey=survey,
                                   file=form.cleaned_data["file"])  # fmt: skip
        except ImportFailed as failed:
            errors = list(failed.errors)
            messages.error(request, _("导入失败，未导入任何答卷：请按错误清单修改后重新导入"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已导入 %(n)s 份答卷") % {"n": count})
            return redirect("ballots:survey_detail", survey.pk)
    return render(
        request, "ballots/surveys/survey_import.html",
        {"survey": survey, "form": form, "errors": errors,
         "columns": answers_layout(survey).headers},
    )  # fmt: skip


@login_required
def survey_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    labels = [SurveyIndex(i).label for i in SurveyIndex.values
              if Decimal(str(survey.index_weights.get(i, 0))) > 0]  # fmt: skip
    return render(
        request, "ballots/surveys/survey_results.html",
        {"survey": survey, "results": survey_results(survey=survey), "index_labels": labels,
         "width": len(labels) + 2, "closed": survey.status == SurveyStatus.CLOSED},
    )  # fmt: skip


@login_required
def survey_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = _survey(request, pk)
    if survey.status != SurveyStatus.CLOSED:
        raise Http404
    return xlsx_response(results_workbook(survey), f"{survey.name}-调查结果.xlsx")


# ---- the public's pages (no account) ----------------------------------------------------


@never_cache
def survey_scan(request: HttpRequest) -> HttpResponse:
    """A QR code's address ``/ballots/s/scan/#CODE``: the code stays in the fragment, which
    the browser never sends (so no access log holds it); ``vote.js`` posts it with the code
    form to ``/ballots/s/``. Without script the resident types the code on the slip."""
    return render(
        request, "ballots/surveys/answer_code.html", {"form": CodeEntryForm(), "scan": True}
    )


@never_cache
def survey_answer(request: HttpRequest) -> HttpResponse:
    code = request.session.get(SESSION_KEY, "")
    if request.method == "POST" and "code" in request.POST:  # the code typed by hand
        entry = CodeEntryForm(request.POST)
        if entry.is_valid():
            request.session[SESSION_KEY] = entry.cleaned_data["code"]
            return redirect("ballots:survey_answer")
        return render(request, "ballots/surveys/answer_code.html", {"form": entry})
    if not code:
        return render(request, "ballots/surveys/answer_code.html", {"form": CodeEntryForm()})
    try:
        row = services.code_for_answering(code)
    except services.AnswerRefused as refused:
        request.session.pop(SESSION_KEY, None)
        form = CodeEntryForm()
        return render(
            request, "ballots/surveys/answer_code.html",
            {"form": form, "refused": refused.messages[0], "reason": refused.code},
            status=200,
        )  # fmt: skip
    survey = row.area.survey
    questions = list(survey.questions.all())
    answer = AnswerForm(request.POST if request.method == "POST" else None, questions=questions)
    if request.method == "POST" and answer.is_valid():
        try:
            services.survey_answer_submit(code=code, values=answer.values())
        except services.AnswerRefused as refused:
            request.session.pop(SESSION_KEY, None)
            return render(
                request, "ballots/surveys/answer_code.html",
                {"form": CodeEntryForm(), "refused": refused.messages[0], "reason": refused.code},
            )  # fmt: skip
        except ValidationError as error:
            apply_service_error(answer, error)
        else:
            request.session.pop(SESSION_KEY, None)
            return redirect("ballots:survey_done")
    return render(
        request, "ballots/surveys/answer.html",
        {"survey": survey, "unit": row.area.unit, "form": answer},
    )  # fmt: skip


def survey_done(request: HttpRequest) -> HttpResponse:
    return render(request, "ballots/surveys/answer_done.html")
