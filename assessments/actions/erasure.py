"""Erasing a person: everything individual of them, in every store (docs/data-map.md).

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from django.apps import apps
from django.conf import settings
from django.db import transaction

from accounts.erasure import sign_in_records_erase
from assessments.actions.settling import answers_withdraw
from assessments.models import AgreedPosition, Assessment, BoardAction, Reminder, Response
from core.audit import audit
from core.erasure import scrub_everywhere
from core.models import AuditEvent, Email
from trusts.models import Invitation, User

ERASED_NAME = "Erased person"
RESPONSE = Response._meta.label_lower


@transaction.atomic
def person_erase(*, user: User, by) -> int:
    """A right-to-erasure request. Deletes the person's answers in every quarter (their
    rows leave every published release too, each paper that showed figures from them
    keeping those figures as aggregates, its comments withdrawn:
    assessments.actions.settling), their roles, reminders, invitations and emails, what
    signing in kept (accounts.erasure), every link from the audit trail to their
    responses, and their name and address wherever a text holds them; leaves an account
    with no name, address or password, so audit rows keep an actor. Returns how many
    responses were erased."""
    email, name = user.email, user.full_name
    responses = Response.objects.filter(respondent=user)
    audited = AuditEvent.objects.filter(actor=user, target_type=RESPONSE)
    response_ids = set(responses.values_list("pk", flat=True)) | {
        int(target) for target in audited.values_list("target_id", flat=True) if target.isdigit()
    }
    trusts = {m.trust for m in user.memberships.select_related("trust")} | {
        r.assessment.trust for r in responses.select_related("assessment__trust")
    }
    trust_ids = {trust.pk for trust in trusts} | set(
        AuditEvent.objects.filter(actor=user, trust__isnull=False).values_list(
            "trust_id", flat=True
        )
    )
    answers_withdraw(response_ids=response_ids, trust_ids=trust_ids)
    erased = responses.count()
    responses.delete()  # their answers go with them
    AuditEvent.objects.filter(target_type=RESPONSE, target_id__in=map(str, response_ids)).update(
        target_id=""
    )
    user.memberships.all().delete()
    Reminder.objects.filter(member=user).delete()
    Invitation.objects.filter(email__iexact=email).delete()
    Email.objects.filter(to__iexact=email).delete()
    sign_in_records_erase(user=user, email=email)
    AuditEvent.objects.filter(actor=user).update(actor_name=ERASED_NAME)
    scrub_everywhere(
        needles=[email, name],
        texts=[
            (AuditEvent, ["detail"]),
            (Email, ["subject", "body"]),
            (BoardAction, ["title", "owner", "notes"]),
            (AgreedPosition, ["rationale"]),
            (Assessment, ["reopen_reason", "action_log"]),
            *_texts_above(),
        ],
    )
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


def _texts_above() -> list:
    """Texts of the apps above this one, and Django's own, that may name a person
    (settings.ERASURE_TEXTS)."""
    return [(apps.get_model(label), fields) for label, fields in settings.ERASURE_TEXTS.items()]
