from django.urls import path

from kaohe.collection import views

app_name = "collection"

urlpatterns = [
    path("evidence/<int:pk>/", views.attachment_download, name="attachment_download"),
]
