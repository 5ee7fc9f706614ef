from django.urls import path

from kaohe.results import (
    appeal_views,
    decision_views,
    document_views,
    own_views,
    publicity_views,
    use_views,
    views,
    whatif_views,
)

app_name = "results"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_create, name="run_create"),
    path("compare/", views.run_compare, name="run_compare"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("<int:pk>/recompute/", views.run_recompute, name="run_recompute"),
    path("<int:pk>/scenario.json", views.run_scenario, name="run_scenario"),
    path("<int:pk>/result.json", views.run_result, name="run_result"),
    path("rows/<int:pk>/", views.row_trace, name="row_trace"),
    path("schemes/<int:pk>/components/", views.component_import, name="component_import"),
    path(
        "schemes/<int:pk>/components/template.xlsx",
        views.component_template,
        name="component_template",
    ),
    path("<int:pk>/outcome/", decision_views.outcome_open, name="outcome_open"),
    path("outcomes/", decision_views.outcome_list, name="outcome_list"),
    path("outcomes/<int:pk>/", decision_views.outcome_detail, name="outcome_detail"),
    path("outcomes/<int:pk>/decide/", decision_views.outcome_decide, name="outcome_decide"),
    path("outcomes/<int:pk>/reopen/", decision_views.outcome_reopen, name="outcome_reopen"),
    path(
        "outcomes/<int:pk>/schemes/<int:scheme_pk>/groups/<str:group>/",
        decision_views.proposal_edit,
        name="proposal_edit",
    ),
    path(
        "outcomes/<int:pk>/schemes/<int:scheme_pk>/groups/<str:group>/check/",
        decision_views.proposal_check,
        name="proposal_check",
    ),
    path(
        "outcomes/<int:pk>/schemes/<int:scheme_pk>/groups/<str:group>/return/",
        decision_views.proposal_return,
        name="proposal_return",
    ),
    path("documents/", document_views.document_page, name="documents"),
    path(
        "documents/templates/<str:form>/",
        document_views.document_template,
        name="document_template",
    ),
    path("documents/<int:pk>/", document_views.document_batch, name="document_batch"),
    path(
        "documents/<int:pk>/progress/",
        document_views.document_batch_progress,
        name="document_batch_progress",
    ),
    path(
        "documents/<int:pk>/download/",
        document_views.document_batch_download,
        name="document_batch_download",
    ),
    path("use/", use_views.use_list, name="use_list"),
    path("outcomes/<int:pk>/use/", use_views.use_detail, name="use_detail"),
    path("outcomes/<int:pk>/use.xlsx", use_views.use_xlsx, name="use_xlsx"),
    path("outcomes/<int:pk>/explanations/", use_views.explanations_open, name="explanations_open"),
    path("outcomes/<int:pk>/party-flags/", use_views.party_flags_apply, name="party_flags_apply"),
    path("explanations/", use_views.explanation_list, name="explanation_list"),
    path("explanations/<int:pk>/", use_views.explanation_detail, name="explanation_detail"),
    path("whatif/", whatif_views.whatif_list, name="whatif_list"),
    path("whatif/new/", whatif_views.whatif_create, name="whatif_create"),
    path("whatif/<int:pk>/", whatif_views.whatif_detail, name="whatif_detail"),
    path("whatif/<int:pk>/delete/", whatif_views.whatif_delete, name="whatif_delete"),
]

urlpatterns += [
    path("publicity/", publicity_views.publicity_index, name="publicity_index"),
    path("outcomes/<int:pk>/publicity/", publicity_views.publicity_manage, name="publicity_manage"),
    path(
        "outcomes/<int:pk>/objections/new/",
        publicity_views.objection_create,
        name="objection_create",
    ),
    path("outcomes/<int:pk>/publish/", publicity_views.outcome_publish, name="outcome_publish"),
    path("objections/<int:pk>/", publicity_views.objection_handle, name="objection_handle"),
    path("grades/<int:pk>/", publicity_views.grade_detail, name="grade_detail"),
    path("gongshi/", publicity_views.publicity_public_index, name="publicity_public_index"),
    path("gongshi/<int:pk>/", publicity_views.publicity_public, name="publicity_public"),
    path("grades/<int:pk>/appeal/", appeal_views.appeal_create, name="appeal_create"),
    path("appeals/", appeal_views.appeal_list, name="appeal_list"),
    path("appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/recompute/", appeal_views.appeal_recompute, name="appeal_recompute"),
    path("appeals/<int:pk>/decide/", appeal_views.appeal_decide, name="appeal_decide"),
    path("investigations/", appeal_views.investigation_list, name="investigation_list"),
    path(
        "grades/<int:pk>/regrade/",
        appeal_views.investigation_regrade,
        name="investigation_regrade",
    ),
    path("mine/", own_views.own_results, name="own_results"),
]
