"""The site's URLs plus one view that fails, for the 500 page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path

from kaohe.config.urls import handler400, handler403, handler404, handler500
from kaohe.config.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault in a view")


urlpatterns: list[URLPattern | URLResolver] = [path("test-fail/", fail), *site_urlpatterns]
__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
