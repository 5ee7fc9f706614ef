from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from kaohe.api import pages, views

app_name = "api"

router = SimpleRouter()
router.register("years", views.YearViewSet, basename="year")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("units", views.UnitViewSet, basename="unit")
router.register("teams", views.TeamViewSet, basename="team")
router.register("cadres", views.CadreViewSet, basename="cadre")
router.register("secondments", views.SecondmentViewSet, basename="secondment")
router.register(
    "village-assignments", views.VillageAssignmentViewSet, basename="village-assignment"
)
router.register("investigations", views.InvestigationViewSet, basename="investigation")
router.register("schemes", views.SchemeViewSet, basename="scheme")
router.register("indicator-systems", views.IndicatorSystemViewSet, basename="indicator-system")

urlpatterns = [
    # The documentation and the schema: signed-in users only (the schema: SERVE_PERMISSIONS).
    path("", login_required(pages.docs), name="docs"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("tokens/", pages.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", pages.token_revoke, name="token_revoke"),
    *router.urls,
]
