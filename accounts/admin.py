from django.contrib import admin
from django.contrib.auth import get_user_model
from django.template.defaultfilters import pluralize
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
