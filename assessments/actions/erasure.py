"""Erasing a person: their responses, memberships, invitations and name.

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from django.db import transaction

from accounts.erasure import sign_in_records_erase
from assessments.models import Response
from core.audit import audit
from core.models import AuditEvent, Email
from trusts.models import Invitation, User

ERASED_NAME = "Erased person"


@transaction.atomic
def person_erase(*, user: User, by) -> int:
    """A right-to-erasure request: deletes the person's answers in every quarter, their
    roles, invitations and emails, removes their address from the audit trail, and leaves
    an account with no name, address or password (so audit rows keep an actor), and none of
    what signing in kept (accounts.erasure). Results
    already published stay as they were; each paper's page then says its figures would now
    differ. Returns how many responses were erased."""
    email = user.email
    responses = Response.objects.filter(respondent=user)
    trusts = {m.trust for m in user.memberships.select_related("trust")} | {
        r.assessment.trust for r in responses.select_related("assessment__trust")
    }
    erased = responses.count()
    responses.delete()  # their answers go with them
    user.memberships.all().delete()
    Invitation.objects.filter(email__iexact=email).delete()
    Email.objects.filter(to__iexact=email).delete()
    sign_in_records_erase(user=user, email=email)
    _scrub_address_from_audit(email)
    AuditEvent.objects.filter(actor=user).update(actor_name=ERASED_NAME)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ERASED_NAME
    user.is_active = False
    user.is_programme_staff = False
    user.set_unusable_password()
    user.save()
    for trust in sorted(trusts, key=lambda t: t.ods_code):
        audit(action="person.erased", by=by, trust=trust, detail={"responses": erased})
    if not trusts:
        audit(action="person.erased", by=by, detail={"responses": erased})
    return erased


def _scrub_address_from_audit(email: str) -> None:
    for event in AuditEvent.objects.filter(detail__icontains=email):
        event.detail = {
            key: "(erased)" if isinstance(value, str) and value.lower() == email.lower() else value
            for key, value in event.detail.items()
        }
        event.save(update_fields=["detail"])
