from django.urls import path

from kaohe.schemes import views

app_name = "schemes"

urlpatterns = [
    path("", views.scheme_list, name="scheme_list"),
    path("new/", views.scheme_create, name="scheme_create"),
    path("from-preset/", views.scheme_create_from_preset, name="scheme_create_from_preset"),
    path("<int:pk>/", views.scheme_detail, name="scheme_detail"),
    path("<int:pk>/edit/", views.scheme_edit, name="scheme_edit"),
    path("<int:pk>/edit/yaml/", views.scheme_edit_yaml, name="scheme_edit_yaml"),
    path("<int:pk>/export.yaml", views.scheme_export, name="scheme_export"),
    path("form-row/", views.scheme_form_row, name="scheme_form_row"),
    path("<int:pk>/status/", views.scheme_status, name="scheme_status"),
    path("<int:pk>/lock/", views.scheme_lock, name="scheme_lock"),
    path("<int:pk>/unlock/", views.scheme_unlock, name="scheme_unlock"),
    path("systems/", views.system_list, name="system_list"),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/template.xlsx", views.system_template, name="system_template"),
    path("systems/<int:pk>/", views.system_detail, name="system_detail"),
    path("systems/<int:pk>/edit/", views.system_edit, name="system_edit"),
    path("systems/<int:pk>/status/", views.system_status, name="system_status"),
    path("systems/<int:pk>/export.xlsx", views.system_export, name="system_export"),
    path("systems/<int:pk>/import/", views.system_import, name="system_import"),
    path("systems/<int:pk>/diff/", views.system_diff, name="system_diff"),
    path("systems/<int:pk>/indicators/new/", views.indicator_create, name="indicator_create"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("systems/<int:pk>/changes/new/", views.change_create, name="change_create"),
    path("changes/", views.change_list, name="change_list"),
    path("changes/<int:pk>/", views.change_detail, name="change_detail"),
    path("changes/<int:pk>/decide/", views.change_decide, name="change_decide"),
]
