"""The board meeting's pages for a closed quarter."""

from django.urls import path

from reports.meeting import views

app_name = "meeting"

PRESENT = "trusts/<str:ods_code>/assessments/<str:cycle>/present/"

urlpatterns = [
    path(PRESENT, views.present, name="present"),
    path(f"{PRESENT}principles/<int:number>/", views.present_principle, name="present-principle"),
    path(f"{PRESENT}actions/", views.present_actions, name="present-actions"),
    path(f"{PRESENT}stop/", views.present_stop, name="stop"),
    path(f"{PRESENT}minutes/", views.minutes, name="minutes"),
    path(f"{PRESENT}minutes.pdf", views.minutes_pdf_download, name="minutes-pdf"),
    path(f"{PRESENT}minutes.docx", views.minutes_docx_download, name="minutes-docx"),
    path(f"{PRESENT}attendance/", views.attendance, name="attendance"),
    path("vote/", views.vote, name="vote"),  # short, to type on a phone in the room
]
