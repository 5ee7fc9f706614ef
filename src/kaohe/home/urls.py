from django.urls import path

from kaohe.home import views

app_name = "home"

urlpatterns = [
    path("", views.home, name="index"),
]
