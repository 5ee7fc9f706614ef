from django.conf import settings
from rest_framework.pagination import PageNumberPagination


class Pages(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 200); the site's page size by default."""

    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = 200
