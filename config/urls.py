from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_sign_in
from assessments import subject_access
from assessments.views import cycles, decisions, questionnaire, running
from assessments.views import home as home_views
from core.views import healthz, public_page
from reports.national import views as programme_views
from reports.paper import views as report_views
from trusts import views as trust_views

# Before admin.site.urls is read: the admin signs in through our throttled page.
admin.site.login = admin_sign_in

questionnaire_urls = [
    path("", questionnaire.questionnaire_start, name="questionnaire-start"),
    path("principles/<int:number>/", questionnaire.questionnaire_page, name="questionnaire-page"),
    path("check/", questionnaire.questionnaire_check, name="questionnaire-check"),
    path("submitted/", questionnaire.questionnaire_submitted, name="questionnaire-submitted"),
]

assessment_urls = [
    path("", running.assessment_detail, name="assessment-detail"),
    path("close/", running.assessment_close_view, name="assessment-close"),
    path("remind/", running.assessment_remind_view, name="assessment-remind"),
    path("reopen/", running.assessment_reopen_view, name="assessment-reopen"),
    path("targets/", running.targets_edit, name="assessment-targets"),
    path("positions/", decisions.positions_edit, name="assessment-positions"),
    path("questionnaire/", include(questionnaire_urls)),
    path("paper/", report_views.paper_page, name="paper"),
    path("paper.pdf", report_views.paper_pdf_download, name="paper-pdf"),
    path("paper.docx", report_views.paper_docx_download, name="paper-docx"),
    path("paper/cover/", report_views.cover_sheet_edit, name="cover-sheet"),
    path(
        "paper/cover/sections/",
        report_views.cover_sheet_sections_edit,
        name="cover-sheet-sections",
    ),
    path("export/<str:level>.<str:extension>", report_views.paper_export, name="paper-export"),
]

trust_urls = [
    path("", home_views.trust_detail, name="trust-detail"),
    path("people/", trust_views.board_people, name="board-people"),
    path(
        "people/invitations/<int:pk>/resend/",
        trust_views.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        "people/invitations/<int:pk>/revoke/",
        trust_views.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path("people/<int:pk>/remove/", trust_views.membership_remove_view, name="membership-remove"),
    path("audit/", trust_views.audit_trail, name="audit-trail"),
    path("actions/", decisions.board_actions, name="board-actions"),
    path("actions/new/", decisions.board_action_edit, name="board-action-new"),
    path("actions/<int:pk>/", decisions.board_action_edit, name="board-action-edit"),
    path("cycles/<str:cycle>/open/", running.assessment_open_view, name="assessment-open"),
    path("assessments/<str:cycle>/", include(assessment_urls)),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("papers/", home_views.papers, name="board-papers"),
    path("", include("accounts.urls")),
    # The signed-in person's own data (reads answers, so not in accounts: config/layers.py).
    path("account/your-data.json", subject_access.your_data_download, name="account-data"),
    path("about/", public_page("pages/about.html"), name="about"),
    path("accessibility/", public_page("pages/accessibility.html"), name="accessibility"),
    path("privacy/", public_page("pages/privacy.html"), name="privacy"),
    path("cookies/", public_page("pages/cookies.html"), name="cookies"),
    path("help/", public_page("pages/help.html"), name="help"),
    path("invitations/<str:token>/", trust_views.invitation_accept_view, name="invitation-accept"),
    path("trusts/", trust_views.trust_list, name="trust-list"),
    path("trusts/<str:ods_code>/", include(trust_urls)),
    path("programme/", programme_views.programme_home, name="programme-home"),
    path(
        "programme/trusts/<str:ods_code>/", programme_views.programme_trust, name="programme-trust"
    ),
    path(
        "programme/cycles/<str:cycle>/completion/",
        programme_views.completion_view,
        name="programme-completion",
    ),
    path(
        "programme/cycles/<str:cycle>/comparison/",
        programme_views.comparison_view,
        name="programme-comparison",
    ),
    path(
        "programme/cycles/<str:cycle>/comparison.<str:extension>",
        programme_views.comparison_export,
        name="programme-comparison-export",
    ),
    path("programme/cycles/<str:cycle>/papers/", programme_views.bulk_papers, name="bulk-papers"),
    path(
        "programme/exports/<int:pk>/download/",
        programme_views.bulk_papers_download,
        name="bulk-papers-download",
    ),
    path("programme/cycles/", cycles.cycle_list, name="cycle-list"),
    path("programme/cycles/new/", cycles.cycle_new, name="cycle-new"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Quarterdeck administration"
admin.site.site_title = "Quarterdeck admin"

# The plain error page, showing back what a form sent (core.views.server_error).
handler500 = "core.views.server_error"
