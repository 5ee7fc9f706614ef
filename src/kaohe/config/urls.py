from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("kaohe.orgs.urls")),
    path("schemes/", include("kaohe.schemes.urls")),
    path("collection/", include("kaohe.collection.urls")),
    path("ballots/", include("kaohe.ballots.urls")),
    path("results/", include("kaohe.results.urls")),
    path("api/", include("kaohe.api.urls")),
    path("", include("kaohe.home.urls")),
    path("", include("kaohe.core.urls")),
]

# Error pages in the site's layout and language (static files: WhiteNoise, in settings).
handler400 = "kaohe.core.handlers.bad_request"
handler403 = "kaohe.core.handlers.permission_denied"
handler404 = "kaohe.core.handlers.page_not_found"
handler500 = "kaohe.core.handlers.server_error"
