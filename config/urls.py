from django.contrib import admin
from django.urls import include, path

from accounts.views import admin_sign_in

# Before admin.site.urls is read: the admin signs in through our throttled page.
admin.site.login = admin_sign_in

# Each app or room names its own URLs under its own namespace ("quarter:home"); the order
# here is the order Django tries them, and no two patterns overlap.
urlpatterns = [
    path("", include("core.urls")),
    path("", include("accounts.urls")),
    path("", include("trusts.urls")),
    path("", include("assessments.questionnaire.urls")),
    path("", include("assessments.quarter.urls")),
    path("", include("assessments.privacy.urls")),
    path("", include("reports.paper.urls")),
    path("", include("reports.meeting.urls")),
    path("", include("reports.national.urls")),
    path("", include("reports.opendata.urls")),
    path("api/v1/", include("reports.api.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Quarterdeck administration"
admin.site.site_title = "Quarterdeck admin"

# The plain error page, showing back what a form sent (core.views.server_error).
handler500 = "core.views.server_error"
