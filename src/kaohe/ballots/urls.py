from django.urls import path  # noqa: F401  (each area adds its pages)

app_name = "ballots"

urlpatterns: list = []
