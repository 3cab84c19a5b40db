from django.urls import path

from . import views

app_name = "ratings"

urlpatterns = [
    path("<str:slug>/vote/", views.rate, name="rate"),
]
