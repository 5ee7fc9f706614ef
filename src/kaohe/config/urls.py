from django.conf import settings
from django.contrib.staticfiles.views import serve as serve_static
from django.urls import include, path, re_path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("orgs/", include("kaohe.orgs.urls")),
    path("schemes/", include("kaohe.schemes.urls")),
    path("api/", include("kaohe.api.urls")),
    path("", include("kaohe.core.urls")),
]

if settings.SERVE_STATIC and not settings.DEBUG:
    # Every asset is vendored and served by the app itself (no CDN). With DEBUG on,
    # the staticfiles app already does this.
    urlpatterns.append(
        re_path(
            r"^static/(?P<path>.*)$",
            serve_static,
            kwargs={"insecure": True},
        )
    )
