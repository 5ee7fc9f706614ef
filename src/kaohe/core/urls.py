from django.urls import path

from kaohe.core import guide, views

app_name = "core"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password/", views.user_password, name="user_password"),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("guide/", guide.guide, name="guide_index"),
    path("guide/img/<str:name>", guide.guide_image, name="guide_image"),
    path("guide/<str:slug>/", guide.guide, name="guide"),
    path("rejected/<int:pk>.xlsx", views.rejected_download, name="rejected_download"),
]
