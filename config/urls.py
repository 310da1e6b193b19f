from django.contrib import admin
from django.urls import path

from core.views import healthz
from trusts import views as trust_views

urlpatterns = [
    path("", trust_views.home, name="home"),
    path("sign-in/", trust_views.sign_in, name="sign-in"),
    path("sign-out/", trust_views.sign_out, name="sign-out"),
    path("about/", trust_views.about, name="about"),
    path("trusts/", trust_views.trust_list, name="trust-list"),
    path("trusts/<str:ods_code>/", trust_views.trust_detail, name="trust-detail"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Quarterdeck administration"
admin.site.site_title = "Quarterdeck admin"
