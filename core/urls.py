"""The public pages and the health check: no sign-in, no trust."""

from django.urls import path

from core.views import healthz, public_page

app_name = "core"

urlpatterns = [
    path("about/", public_page("core/about.html"), name="about"),
    path("accessibility/", public_page("core/accessibility.html"), name="accessibility"),
    path("privacy/", public_page("core/privacy.html"), name="privacy"),
    path("cookies/", public_page("core/cookies.html"), name="cookies"),
    path("help/", public_page("core/help.html"), name="help"),
    path("healthz", healthz, name="healthz"),
]
