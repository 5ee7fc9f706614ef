from django.urls import path

from kaohe.collection import (
    circular_views,
    notice_views,
    period_views,
    reports_views,
    scoring_views,
    unit_score_views,
    views,
    warning_views,
)

app_name = "collection"

urlpatterns = [
    path("evidence/<int:pk>/", views.attachment_download, name="attachment_download"),
    # the calendar (periods)
    path("periods/", period_views.period_list, name="period_list"),
    path("periods/scheme/<int:pk>/", period_views.period_calendar, name="period_calendar"),
    path(
        "periods/scheme/<int:pk>/create/",
        period_views.period_calendar_create,
        name="period_calendar_create",
    ),
    path("periods/scheme/<int:pk>/add/", period_views.period_add, name="period_add"),
    path(
        "periods/scheme/<int:pk>/default/",
        period_views.period_calendar_default,
        name="period_calendar_default",
    ),
    path("periods/<int:pk>/edit/", period_views.period_edit, name="period_edit"),
    path("periods/<int:pk>/open/", period_views.period_open, name="period_open"),
    path("periods/<int:pk>/close/", period_views.period_close, name="period_close"),
    path("periods/<int:pk>/reopen/", period_views.period_reopen, name="period_reopen"),
    # notices
    path("notices/", notice_views.notice_list, name="notice_list"),
    path("notices/<int:pk>/read/", notice_views.notice_read, name="notice_read"),
    path("notices/read-all/", notice_views.notice_read_all, name="notice_read_all"),
]

urlpatterns += [
    path("reports/", reports_views.report_list, name="report_list"),
    path("reports/period/<int:pk>/new/", reports_views.report_start, name="report_start"),
    path("reports/<int:pk>/", reports_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports_views.report_edit, name="report_edit"),
    path("reports/<int:pk>/review/", reports_views.report_review, name="report_review"),
    path(
        "reports/attachments/<int:pk>/remove/",
        reports_views.report_attachment_remove,
        name="report_attachment_remove",
    ),
    path("progress/", reports_views.progress, name="progress"),
    path("scores/", unit_score_views.unit_scores, name="own_scores"),
]

# Rankings, warnings and rectification (seed 000 三(3); seed 001 第十一条(七)(八)).
urlpatterns += [
    path("warnings/", warning_views.warning_list, name="warning_list"),
    path("warnings/periods/<int:pk>/", warning_views.warning_ranking, name="warning_ranking"),
    path("warnings/periods/<int:pk>/rank/", warning_views.warning_rank, name="warning_rank"),
    path("warnings/<int:pk>/letter/", warning_views.warning_letter, name="warning_letter"),
    path("warnings/template/", warning_views.warning_template, name="warning_template"),
    # the half-year circular (seed 001 第十二条(六))
    path("circulars/periods/<int:pk>/", circular_views.circular, name="circular"),
    path("circulars/template/", circular_views.circular_template, name="circular_template"),
    path("rectifications/", warning_views.rectification_list, name="warning_rectification_list"),
    path(
        "rectifications/<int:pk>/",
        warning_views.rectification_detail,
        name="warning_rectification_detail",
    ),
]
# scoring and field checks
urlpatterns += [
    # scoring and field checks
    path("scoring/", scoring_views.scoring_index, name="scoring_index"),
    path("scoring/<int:period_pk>/<int:unit_pk>/", scoring_views.scoring_grid, name="scoring_grid"),
    path("scoring/<int:period_pk>/<int:unit_pk>/fill-zero/", scoring_views.scoring_fill_zero, name="scoring_fill_zero"),
    path("scoring/<int:period_pk>/<int:unit_pk>/cell/<int:target_pk>/<int:indicator_pk>/", scoring_views.scoring_cell, name="scoring_cell"),
    path("scoring/<int:period_pk>/<int:unit_pk>/detail/<int:target_pk>/<int:indicator_pk>/", scoring_views.scoring_detail, name="scoring_detail"),
    path("field-checks/", scoring_views.field_check_index, name="field_check_index"),
    path("field-checks/period/<int:period_pk>/", scoring_views.field_check_list, name="field_check_list"),
    path("field-checks/period/<int:period_pk>/new/", scoring_views.field_check_new, name="field_check_new"),
    path("field-checks/<int:pk>/", scoring_views.field_check_detail, name="field_check_detail"),
    path("field-checks/deduction/<int:pk>/confirm/", scoring_views.field_check_confirm, name="field_check_confirm"),
    path("field-checks/deduction/<int:pk>/copy-evidence/", scoring_views.field_check_copy_evidence, name="field_check_evidence_copy"),
    path("scoring/evidence/<int:pk>/delete/", scoring_views.scoring_evidence_delete, name="scoring_evidence_delete"),
]  # fmt: skip
