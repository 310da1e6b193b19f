from django.urls import path

from accounts import self_service_views, session_views, sso, tenant_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("sign-in/organisation/", sso.sso_start, name="sso-start"),
    path("sign-in/organisation/callback/", sso.sso_callback, name="sso-callback"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two-factor"),
    path("session/keep-alive/", views.keep_alive, name="session-keep-alive"),
    path("account/", views.account, name="account"),
    path("account/two-factor/", views.two_factor_set_up, name="two-factor-set-up"),
    path(
        "account/two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("account/password/", views.password_change, name="password-change"),
    path("account/api-tokens/", views.api_tokens, name="api-tokens"),
    path("account/api-tokens/new/", views.api_token_create, name="api-token-create"),
    path("account/api-tokens/<int:pk>/revoke/", views.api_token_revoke, name="api-token-revoke"),
    path("password-reset/", views.password_reset, name="password-reset"),
    path("password-reset/sent/", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done/", views.password_reset_done, name="password-reset-done"),
]
# Where a person is signed in; their own account kept by themselves; the tenants that may
# sign people in (programme staff). Each module lists its own patterns.
urlpatterns += session_views.urlpatterns
urlpatterns += self_service_views.urlpatterns
urlpatterns += tenant_views.urlpatterns
