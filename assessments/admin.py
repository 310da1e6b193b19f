"""Cycles and assessments for administrators. Responses and answers are deliberately not
registered: only a respondent ever sees their own answers (docs/decisions/0006)."""

from django.contrib import admin
from django.contrib.auth import get_user_model

from assessments.models import Assessment, Cycle


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_on", "closes_on", "framework"]
    readonly_fields = ["year", "quarter", "framework"]

    def has_add_permission(self, request):
        return False  # programme staff create quarters in the app, which opens every trust's


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["trust", "cycle", "status", "opened_at", "closed_at"]
    list_filter = ["status", "cycle"]
    search_fields = ["trust__name", "trust__ods_code"]
    # Everything here is set by the app (opening, closing, the roadmap's review, the action
    # log kept for the paper at close): shown, never edited, so no paper changes behind it.
    readonly_fields = [
        "trust",
        "cycle",
        "status",
        "opened_at",
        "closed_at",
        "reopen_reason",
        "roadmap_reviewed_at",
        "action_log",
        "action_log_since",
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# People are erased through the erasure action, which keeps results right and audits it;
# the people admin (trusts) gets it as its one way to remove someone.


@admin.action(description="Erase the selected people (right to erasure)")
def erase_people(modeladmin, request, queryset):
    from assessments.privacy.erasure import person_erase

    erased = [person_erase(user=user, by=request.user) for user in queryset]
    modeladmin.message_user(
        request, f"{len(erased)} people erased ({sum(erased)} responses); results stay published."
    )


people_admin = admin.site._registry[get_user_model()]
people_admin.actions = [*people_admin.actions, erase_people]
