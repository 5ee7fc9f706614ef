from django.urls import path

from kaohe.ballots import ratings_views as views

urlpatterns = [
    path("ratings/", views.round_list, name="rating_round_list"),
    path("ratings/new/", views.round_create, name="rating_round_create"),
    path("ratings/<int:pk>/", views.round_detail, name="rating_round_detail"),
    path("ratings/<int:pk>/status/", views.round_status, name="rating_round_status"),
    path("ratings/<int:pk>/remind/", views.round_remind, name="rating_remind"),
    path("ratings/<int:pk>/rate/", views.rating_enter, name="rating_enter"),
]
