from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.defaultfilters import pluralize
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken
from accounts.tokens import token_revoke
from accounts.two_factor import two_factor_reset

# Two-factor devices are reset only through the people admin's audited action, and their
# keys are never shown: django-otp's own device pages are taken away.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.action(description="Reset two-factor authentication")
def reset_two_factor(modeladmin, request, queryset):
    """For someone who has lost their phone and their recovery codes: they set it up again
    when they next sign in. Each reset is in the audit trail."""
    for user in queryset:
        two_factor_reset(user=user, by=request.user)
    count = queryset.count()
    modeladmin.message_user(
        request, f"Two-factor authentication reset for {count} {pluralize(count, 'person,people')}."
    )


# The people admin is the trusts app's (trusts.admin, installed before this app).
people_admin = admin.site._registry[get_user_model()]
people_admin.actions = [*people_admin.actions, reset_two_factor]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """People's API tokens, to see and to revoke (a token someone else may have seen, say).
    Made only by their person (or ``manage.py api_token``): never added or changed here,
    nor deleted, and the digest is not shown."""

    list_display = ["name", "user", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email"]
    fields = ["user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, so that the audit trail says who stopped it and when

    def has_revoke_permission(self, request) -> bool:
        """Revoking changes a token: for those who may change tokens, not only view them."""
        return request.user.has_perm("accounts.change_apitoken")

    @admin.action(description="Revoke the chosen tokens", permissions=["revoke"])
    def revoke(self, request, queryset):
        count = sum(
            token_revoke(token=token, by=request.user) for token in queryset.select_related("user")
        )
        self.message_user(request, f"{count} {pluralize(count, 'token,tokens')} revoked.")
