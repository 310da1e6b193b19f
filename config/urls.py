from django.contrib import admin
from django.urls import include, path

from assessments.views import cycles, questionnaire, running
from core.views import healthz
from reports import views as report_views
from trusts import views as trust_views

questionnaire_urls = [
    path("", questionnaire.questionnaire_start, name="questionnaire-start"),
    path("principles/<int:number>/", questionnaire.questionnaire_page, name="questionnaire-page"),
    path("check/", questionnaire.questionnaire_check, name="questionnaire-check"),
    path("submitted/", questionnaire.questionnaire_submitted, name="questionnaire-submitted"),
]

assessment_urls = [
    path("", running.assessment_detail, name="assessment-detail"),
    path("close/", running.assessment_close_view, name="assessment-close"),
    path("reopen/", running.assessment_reopen_view, name="assessment-reopen"),
    path("targets/", running.targets_edit, name="assessment-targets"),
    path("questionnaire/", include(questionnaire_urls)),
    path("paper/", report_views.paper_page, name="paper"),
    path("paper.pdf", report_views.paper_pdf_download, name="paper-pdf"),
    path("export/<str:level>.<str:extension>", report_views.paper_export, name="paper-export"),
]

trust_urls = [
    path("", trust_views.trust_detail, name="trust-detail"),
    path("cycles/<str:cycle>/open/", running.assessment_open_view, name="assessment-open"),
    path("assessments/<str:cycle>/", include(assessment_urls)),
]

urlpatterns = [
    path("", trust_views.home, name="home"),
    path("sign-in/", trust_views.sign_in, name="sign-in"),
    path("sign-out/", trust_views.sign_out, name="sign-out"),
    path("about/", trust_views.about, name="about"),
    path("trusts/", trust_views.trust_list, name="trust-list"),
    path("trusts/<str:ods_code>/", include(trust_urls)),
    path("programme/cycles/", cycles.cycle_list, name="cycle-list"),
    path("programme/cycles/new/", cycles.cycle_new, name="cycle-new"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Quarterdeck administration"
admin.site.site_title = "Quarterdeck admin"
