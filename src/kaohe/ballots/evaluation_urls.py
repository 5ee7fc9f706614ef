"""The democratic evaluation's addresses (included by ``kaohe.ballots.urls``)."""

from django.urls import path

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
    # the rater's pages: no account; the slips' QR codes open scan/#CODE (the fragment,
    # never sent to the server, carries the code)
    path("scan/", views.vote_scan, name="vote_scan"),
    path("vote/", views.vote, name="vote"),
    path("vote/done/", views.vote_done, name="vote_done"),
]
