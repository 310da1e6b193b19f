"""Open data: the public page and each published quarter's files at addresses that never
change, and the national view's page that publishes a quarter."""

from django.urls import path

from reports.opendata import views

app_name = "opendata"

urlpatterns = [
    path("open-data/", views.index, name="index"),
    path("open-data/<str:cycle>.<str:extension>", views.quarter, name="quarter"),
    path("programme/cycles/<str:cycle>/open-data/", views.publish, name="publish"),
]
