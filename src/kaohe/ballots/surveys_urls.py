from django.urls import path

from kaohe.ballots import surveys_views as views

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/codes/", views.survey_codes, name="survey_codes"),
    path("surveys/<int:pk>/codes/print/", views.survey_codes_print, name="survey_codes_print"),
    path("surveys/<int:pk>/template.xlsx", views.survey_template, name="survey_template"),
    path("surveys/<int:pk>/import/", views.survey_import, name="survey_import"),
    path("surveys/<int:pk>/results/", views.survey_results_page, name="survey_results"),
    path(
        "surveys/<int:pk>/results.xlsx", views.survey_results_export, name="survey_results_export"
    ),
    # The public's pages: no account; no URL carries a code. The slips' QR codes open
    # s/scan/#CODE (the fragment, never sent to the server, carries the code).
    path("s/", views.survey_answer, name="survey_answer"),
    path("s/scan/", views.survey_scan, name="survey_scan"),
    path("s/done/", views.survey_done, name="survey_done"),
]
