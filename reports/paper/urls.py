"""A quarter's board paper: the page, its files and data, and its cover sheet."""

from django.urls import path

from reports.paper import views

app_name = "paper"

PAPER = "trusts/<str:ods_code>/assessments/<str:cycle>/"

urlpatterns = [
    path(f"{PAPER}paper/", views.paper_page, name="paper"),
    path(f"{PAPER}paper.pdf", views.paper_pdf_download, name="paper-pdf"),
    path(f"{PAPER}paper.docx", views.paper_docx_download, name="paper-docx"),
    path(
        f"{PAPER}paper/evidence/<int:pk>.pdf",
        views.position_evidence_pdf,
        name="position-evidence-pdf",
    ),
    path(f"{PAPER}paper/cover/", views.cover_sheet_edit, name="cover-sheet"),
    path(
        f"{PAPER}paper/cover/sections/",
        views.cover_sheet_sections_edit,
        name="cover-sheet-sections",
    ),
    path(f"{PAPER}export/<str:level>.<str:extension>", views.paper_export, name="paper-export"),
]
