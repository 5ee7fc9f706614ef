from django.urls import path

from kaohe.ballots import ratings_views as views

urlpatterns = [
    path("ratings/", views.round_list, name="rating_round_list"),
    path("ratings/new/", views.round_create, name="rating_round_create"),
    path("ratings/<int:pk>/", views.round_detail, name="rating_round_detail"),
    path("ratings/<int:pk>/status/", views.round_status, name="rating_round_status"),
    path("ratings/<int:pk>/remind/", views.round_remind, name="rating_remind"),
    path("ratings/<int:pk>/rate/", views.rating_enter, name="rating_enter"),
    path("ratings/<int:pk>/targets/", views.round_targets, name="rating_round_targets"),
    path("ratings/<int:pk>/targets/add/", views.round_targets_add, name="rating_round_targets_add"),
    path(
        "ratings/<int:pk>/targets/remove/",
        views.round_target_remove,
        name="rating_round_target_remove",
    ),
    path(
        "ratings/<int:pk>/targets/search/",
        views.round_cadre_search,
        name="rating_round_cadre_search",
    ),
    path("ratings/<int:pk>/export.xlsx", views.round_export, name="rating_round_export"),
]
