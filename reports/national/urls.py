"""The national view for programme staff: completion, the comparison and its file, the
early warning and its file, a trust's quarters, and every closed paper of a quarter in one
ZIP."""

from django.urls import path

from reports.national import views

app_name = "national"

CYCLE = "programme/cycles/<str:cycle>/"

urlpatterns = [
    path("programme/", views.programme_home, name="programme-home"),
    path("programme/trusts/<str:ods_code>/", views.programme_trust, name="programme-trust"),
    path(f"{CYCLE}completion/", views.completion_view, name="programme-completion"),
    path(f"{CYCLE}comparison/", views.comparison_view, name="programme-comparison"),
    path(
        f"{CYCLE}comparison.<str:extension>",
        views.comparison_export,
        name="programme-comparison-export",
    ),
    path(f"{CYCLE}early-warning/", views.early_warning_view, name="early-warning"),
    path(f"{CYCLE}early-warning.csv", views.early_warning_export, name="early-warning-export"),
    path(f"{CYCLE}papers/", views.bulk_papers, name="bulk-papers"),
    path(
        "programme/exports/<int:pk>/download/",
        views.bulk_papers_download,
        name="bulk-papers-download",
    ),
]
