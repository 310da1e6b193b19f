from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.template.defaultfilters import pluralize

from accounts.two_factor import two_factor_reset
from trusts.models import Membership, Trust, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Trust)
class TrustAdmin(admin.ModelAdmin):
    list_display = ["name", "ods_code", "region", "trust_type", "origin"]
    list_filter = ["region", "trust_type", "origin"]
    search_fields = ["name", "ods_code", "icb_code"]
    inlines = [MembershipInline]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_programme_staff", "is_staff", "is_active"]
    list_filter = ["is_programme_staff", "is_staff", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name"]}),
        (
            "Access",
            {"fields": ["is_active", "is_programme_staff", "is_staff", "is_superuser", "groups"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]}),
    ]
    filter_horizontal = ["groups"]

    actions = ["reset_two_factor"]

    @admin.action(description="Reset two-factor authentication")
    def reset_two_factor(self, request, queryset):
        """For someone who has lost their phone and their recovery codes: they set it up
        again when they next sign in. Each reset is in the audit trail."""
        for user in queryset:
            two_factor_reset(user=user, by=request.user)
        count = queryset.count()
        self.message_user(
            request,
            f"Two-factor authentication reset for {count} {pluralize(count, 'person,people')}.",
        )

    def has_delete_permission(self, request, obj=None):
        # Deleting a person would take their answers out of results without a trace:
        # the "erase" action (assessments.admin) does it through the erasure action.
        return False
