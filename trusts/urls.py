"""The trusts and their people: the list of trusts, a board's people and invitations, the
audit trail."""

from django.urls import path

from trusts import views

app_name = "trusts"

TRUST = "trusts/<str:ods_code>/"

urlpatterns = [
    path("trusts/", views.trust_list, name="trust-list"),
    path("invitations/<str:token>/", views.invitation_accept_view, name="invitation-accept"),
    path(f"{TRUST}people/", views.board_people, name="board-people"),
    path(
        f"{TRUST}people/invitations/<int:pk>/resend/",
        views.invitation_resend_view,
        name="invitation-resend",
    ),
    path(
        f"{TRUST}people/invitations/<int:pk>/revoke/",
        views.invitation_revoke_view,
        name="invitation-revoke",
    ),
    path(f"{TRUST}people/<int:pk>/remove/", views.membership_remove_view, name="membership-remove"),
    path(f"{TRUST}audit/", views.audit_trail, name="audit-trail"),
]
