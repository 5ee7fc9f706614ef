from django.urls import path

from kaohe.orgs import views

app_name = "orgs"

urlpatterns = [
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("excel/", views.workbook_import, name="workbook_import"),
    path("excel/template.xlsx", views.workbook_template, name="workbook_template"),
    path("excel/export.xlsx", views.workbook_export, name="workbook_export"),
    path("years/", views.year_list, name="year_list"),
    path("years/<int:pk>/edit/", views.year_edit, name="year_edit"),
    path("teams/", views.team_list, name="team_list"),
    path("teams/<int:pk>/", views.team_detail, name="team_detail"),
    path("teams/<int:pk>/edit/", views.team_edit, name="team_edit"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/<int:pk>/edit/", views.category_edit, name="category_edit"),
    path("categories/<int:pk>/delete/", views.category_delete, name="category_delete"),
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/new/", views.cadre_create, name="cadre_create"),
    path("cadres/<int:pk>/", views.cadre_detail, name="cadre_detail"),
    path("cadres/<int:pk>/edit/", views.cadre_edit, name="cadre_edit"),
    path("cadres/<int:pk>/transfer/", views.cadre_transfer, name="cadre_transfer"),
    path("cadres/<int:pk>/secondments/new/", views.secondment_add, name="secondment_add"),
    path("cadres/<int:pk>/postings/<int:posting_pk>/end/", views.posting_end, name="posting_end"),
    path(
        "cadres/<int:pk>/secondments/<int:secondment_pk>/end/",
        views.secondment_end,
        name="secondment_end",
    ),
    path("cadres/<int:pk>/village/new/", views.village_add, name="village_add"),
    path("cadres/<int:pk>/village/<int:assignment_pk>/end/", views.village_end, name="village_end"),
    path(
        "cadres/<int:pk>/investigations/new/", views.investigation_open, name="investigation_open"
    ),
    path(
        "cadres/<int:pk>/investigations/<int:investigation_pk>/close/",
        views.investigation_close,
        name="investigation_close",
    ),
]
