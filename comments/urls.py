from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("post/<int:article_id>/", views.post, name="post"),
    path("<int:pk>/", views.permalink, name="permalink"),
    path("<int:pk>/report/", views.report, name="report"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
