from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

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

    def has_delete_permission(self, request, obj=None):
        # Deleting a person would take their answers out of results without a trace:
        # the "erase" action (assessments.admin) does it through the erasure action. The
        # two-factor reset is accounts.admin's: each app adds the actions on its own data.
        return False
