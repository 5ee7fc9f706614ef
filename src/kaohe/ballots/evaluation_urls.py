"""The democratic evaluation's addresses (included by ``kaohe.ballots.urls``)."""

from django.urls import path

from kaohe.ballots import evaluation_office_views as office
from kaohe.ballots import evaluation_views as views

urlpatterns = [
    path("sessions/", views.session_list, name="session_list"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("forms/new/", views.ballot_form_create, name="ballot_form_create"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/status/", views.session_status, name="session_status"),
    path("sessions/<int:pk>/codes/", views.session_codes, name="session_codes"),
    path("sessions/<int:pk>/codes.docx", views.session_codes_print, name="session_codes_print"),
    path("sessions/<int:pk>/turnout/", views.session_turnout, name="session_turnout"),
    path("sessions/<int:pk>/results/", views.session_results, name="session_results"),
    # the office's edits and paper sheets (evaluation_office_views)
    path("sessions/<int:pk>/edit/", office.session_edit, name="session_edit"),
    path("sessions/<int:pk>/targets/add/", office.session_target_add, name="session_target_add"),
    path(
        "sessions/<int:pk>/targets/<int:target>/remove/",
        office.session_target_remove,
        name="session_target_remove",
    ),
    path(
        "sessions/<int:pk>/targets/search/",
        office.session_cadre_search,
        name="session_cadre_search",
    ),
    path("sessions/<int:pk>/paper/", office.session_paper, name="session_paper"),
    path(
        "sessions/<int:pk>/paper/template.xlsx",
        office.session_paper_template,
        name="session_paper_template",
    ),
    path(
        "sessions/<int:pk>/paper/import/", office.session_paper_import, name="session_paper_import"
    ),
    # the rater's pages: no account; the slips' QR codes open scan/#CODE (the fragment,
    # never sent to the server, carries the code)
    path("scan/", views.vote_scan, name="vote_scan"),
    path("vote/", views.vote, name="vote"),
    path("vote/done/", views.vote_done, name="vote_done"),
]
