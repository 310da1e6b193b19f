"""Erasing a person: everything individual of them, in every store (docs/data-map.md).

Keyword-only arguments, the acting user as ``by``, one transaction, an audit record."""

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils.module_loading import import_string

from accounts.erasure import sign_in_records_erase
from assessments.models import (
    AgreedPosition,
    Assessment,
    BoardAction,
    PositionEvidence,
    Reminder,
    Response,
    RoomVoter,
)
from assessments.results.settling import ERASURE, answers_withdraw
from core.audit import audit
from core.erasure import scrub_everywhere
from core.models import AuditEvent, Email
from trusts.models import Invitation, Trust, User

ERASED_NAME = "Erased person"
RESPONSE = Response._meta.label_lower


@transaction.atomic
def person_erase(*, user: User, by) -> int:
    """A right-to-erasure request. Deletes the person's answers in every quarter (their
    rows leave every published release too, each paper that showed figures from them
    keeping those figures as aggregates, its comments and evidence withdrawn:
    assessments.results.settling), their roles, reminders, invitations and emails, what
    signing in kept (accounts.erasure), every link from the audit trail to their
    responses, and their name and address wherever a text of their trusts holds them;
    leaves an account with no name, address or password, so audit rows keep an actor.
    Returns how many responses were erased."""
    email, name = user.email, user.full_name
    response_ids = _response_ids(user)
    trust_ids = _trust_ids(user)
    # A close going on meanwhile must not publish a release that still holds them.
    list(
        Assessment.objects.select_for_update()
        .filter(trust_id__in=trust_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    answers_withdraw(response_ids=response_ids, trust_ids=trust_ids, reason=ERASURE)
    responses = Response.objects.filter(respondent=user)
    erased = responses.count()
    responses.delete()  # their answers go with them
    AuditEvent.objects.filter(target_type=RESPONSE, target_id__in=map(str, response_ids)).update(
        target_id=""
    )
    user.memberships.all().delete()
    Reminder.objects.filter(member=user).delete()
    RoomVoter.objects.filter(user=user).delete()  # an open vote counts them; who they were goes
    Invitation.objects.filter(email__iexact=email).delete()
    Email.objects.filter(to__iexact=email).delete()
    sign_in_records_erase(user=user, email=email)
    AuditEvent.objects.filter(actor=user).update(actor_name=ERASED_NAME)
    if name != ERASED_NAME:
        scrub_everywhere(needles=[email, name], places=_texts(trust_ids))
    for path in settings.PERSON_ERASED_HOOKS:
        import_string(path)(trust_ids=trust_ids)
    user.email = f"erased-{user.pk}@erased.invalid"
    user.full_name = ERASED_NAME
    user.is_active = False
    user.is_programme_staff = False
    user.set_unusable_password()
    user.save()
    for trust in Trust.objects.filter(pk__in=trust_ids).order_by("ods_code"):
        audit(action="person.erased", by=by, trust=trust, detail={"responses": erased})
    if not trust_ids:
        audit(action="person.erased", by=by, detail={"responses": erased})
    return erased


def _response_ids(user: User) -> set[int]:
    """Their responses now, and any the audit trail saw them submit (a response deleted
    when they left a board still has rows in the releases it fed)."""
    audited = AuditEvent.objects.filter(actor=user, target_type=RESPONSE)
    return set(Response.objects.filter(respondent=user).values_list("pk", flat=True)) | {
        int(target) for target in audited.values_list("target_id", flat=True) if target.isdigit()
    }


def _trust_ids(user: User) -> set[int]:
    """Every trust the person is or was part of, as far as any record says."""
    return (
        set(user.memberships.values_list("trust_id", flat=True))
        | set(
            Response.objects.filter(respondent=user).values_list("assessment__trust_id", flat=True)
        )
        | set(
            AuditEvent.objects.filter(actor=user, trust__isnull=False).values_list(
                "trust_id", flat=True
            )
        )
    )


def _texts(trust_ids: set[int]) -> list[tuple]:
    """The free texts that may name the person: their trusts' board records and audit
    details, every email, and the texts settings.ERASURE_TEXTS names above this app."""
    mine = Q(trust_id__in=trust_ids)
    places = [
        (AuditEvent.objects.filter(mine | Q(trust__isnull=True)), ["detail"]),
        (Email.objects.all(), ["subject", "body"]),
        (BoardAction.objects.filter(mine), None),
        (AgreedPosition.objects.filter(assessment__trust_id__in=trust_ids), None),
        # What the digital lead typed or uploaded as a position's evidence (never the PDF's
        # own content, which is the trust's document).
        (
            PositionEvidence.objects.filter(position__assessment__trust_id__in=trust_ids),
            ["title", "url", "pdf_name"],
        ),
        (Assessment.objects.filter(mine), ["reopen_reason", "action_log"]),
    ]
    for label, to_trust in settings.ERASURE_TEXTS.items():
        rows = apps.get_model(label).objects.all()
        places.append(
            (rows.filter(**{f"{to_trust}_id__in": trust_ids}) if to_trust else rows, None)
        )
    return places
