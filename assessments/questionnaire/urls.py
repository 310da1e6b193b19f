"""A board member's questionnaire for one quarter of one trust."""

from django.urls import path

from assessments.questionnaire import views

app_name = "questionnaire"

QUESTIONNAIRE = "trusts/<str:ods_code>/assessments/<str:cycle>/questionnaire/"

urlpatterns = [
    path(QUESTIONNAIRE, views.questionnaire_start, name="questionnaire-start"),
    path(
        f"{QUESTIONNAIRE}principles/<int:number>/",
        views.questionnaire_page,
        name="questionnaire-page",
    ),
    path(f"{QUESTIONNAIRE}check/", views.questionnaire_check, name="questionnaire-check"),
    path(
        f"{QUESTIONNAIRE}submitted/", views.questionnaire_submitted, name="questionnaire-submitted"
    ),
    path(f"{QUESTIONNAIRE}yours/", views.questionnaire_mirror, name="questionnaire-mirror"),
]
