"""Every write to trusts, people and memberships (keyword-only, one transaction, audited)."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.audit import SystemActor, audit
from core.mail import absolute, send
from trusts.models import (
    DataOrigin,
    Invitation,
    Membership,
    Role,
    SeatGroup,
    Trust,
    User,
    normalise_email,
)
from trusts.ods import TrustRecord, type_from_name


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def trusts_import(*, records: list[TrustRecord], trust_types: dict[str, str], by) -> ImportReport:
    """Creates or updates open English trusts from ODS records; reports the rest as skipped.

    A trust type from ``trust_types`` wins; else one the name gives away (ambulance); else
    the type already recorded (set in the admin, say) is kept.
    """
    report = ImportReport()
    existing = {trust.ods_code: trust for trust in Trust.objects.all()}
    for record in records:
        if record.closed:
            report.skipped.append((record.ods_code, "closed"))
            continue
        if not record.english:
            report.skipped.append((record.ods_code, "not in an NHS England region"))
            continue
        trust_type = trust_types.get(record.ods_code) or type_from_name(record.name)
        trust = existing.get(record.ods_code)
        if trust is None:
            Trust.objects.create(
                ods_code=record.ods_code,
                name=record.name,
                region=record.region,
                icb_code=record.icb_code,
                trust_type=trust_type,
                origin=DataOrigin.ODS,
            )
            report.created.append(record.ods_code)
            continue
        wanted = {
            "name": record.name,
            "region": record.region,
            "icb_code": record.icb_code,
            "trust_type": trust_type or trust.trust_type,
            "origin": DataOrigin.ODS,
        }
        changed = [name for name, value in wanted.items() if getattr(trust, name) != value]
        if changed:
            for name in changed:
                setattr(trust, name, wanted[name])
            trust.save(update_fields=[*changed, "updated_at"])
            report.updated.append(record.ods_code)
        else:
            report.unchanged.append(record.ods_code)
    Trust.forget_invented_data()
    audit(
        action="trusts.imported",
        by=by,
        detail={
            "created": len(report.created),
            "updated": len(report.updated),
            "skipped": len(report.skipped),
        },
    )
    return report


@transaction.atomic
def trust_add(
    *,
    ods_code: str,
    name: str,
    region: str,
    trust_type: str,
    origin: DataOrigin,
    by,
    icb_code: str = "",
) -> Trust:
    """A trust that is not in an ODS file (the demo's fictional ones); an existing code is
    left as it is."""
    trust, created = Trust.objects.get_or_create(
        ods_code=ods_code,
        defaults={
            "name": name,
            "region": region,
            "trust_type": trust_type,
            "origin": origin,
            "icb_code": icb_code,
        },
    )
    if created:
        Trust.forget_invented_data()
        audit(action="trust.added", by=by, trust=trust, detail={"origin": origin})
    return trust


@transaction.atomic
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    by,
    is_programme_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """A new account; ``password=None`` leaves it without one until the person sets it."""
    user = User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        is_programme_staff=is_programme_staff,
        is_staff=is_superuser,
        is_superuser=is_superuser,
    )
    audit(
        action="user.created",
        by=by,
        target=user,
        detail={"programme_staff": is_programme_staff, "superuser": is_superuser},
    )
    return user


@transaction.atomic
def membership_add(
    *, trust: Trust, user: User, role: Role, seat_group: SeatGroup | str = "", by
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        trust=trust,
        user=user,
        role=role,
        defaults={"seat_group": seat_group if role == Role.BOARD_MEMBER else ""},
    )
    if created:
        audit(
            action="membership.added",
            by=by,
            trust=trust,
            target=membership,
            detail={"user": user.email, "role": role, "seat_group": membership.seat_group},
        )
    return membership


# Invitations and board membership


class InvitationError(Exception):
    """An invitation the rules refuse; the message is for the person who tried."""


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invitation_send(
    *, trust: Trust, email: str, full_name: str, seat_group: SeatGroup, by: User
) -> Invitation:
    """Invites someone to the board by email. Whether or not they already have an account,
    they get a single-use link and join only when they accept it, and the coordinator sees
    the same "invited" either way (the page reveals nothing about accounts)."""
    email = normalise_email(email)
    if trust.memberships.filter(user__email__iexact=email, role=Role.BOARD_MEMBER).exists():
        raise InvitationError(f"{email} is already on {trust.name}'s board.")
    if trust.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise InvitationError(f"{email} has already been invited: send that invitation again.")
    invitation = Invitation(
        trust=trust, email=email, full_name=full_name.strip(), seat_group=seat_group, invited_by=by
    )
    token = _issue_token(invitation)
    invitation.save()
    audit(
        action="invitation.sent",
        by=by,
        trust=trust,
        target=invitation,
        detail={"email": email, "seat_group": seat_group},
    )
    _email_invitation(invitation=invitation, token=token)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """A fresh link with a fresh expiry; the old link stops working."""
    if not invitation.is_pending:
        raise InvitationError("Only an invitation that is still waiting can be sent again.")
    token = _issue_token(invitation)
    invitation.save(update_fields=["token_hash", "sent_at", "expires_at"])
    audit(action="invitation.resent", by=by, trust=invitation.trust, target=invitation)
    _email_invitation(invitation=invitation, token=token)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    if not invitation.is_pending:
        raise InvitationError("That invitation has already been used or revoked.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    audit(action="invitation.revoked", by=by, trust=invitation.trust, target=invitation)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The invitation a link belongs to, if it can still be used."""
    invitation = (
        Invitation.objects.select_related("trust").filter(token_hash=_token_hash(token)).first()
    )
    return invitation if invitation is not None and invitation.is_usable else None


def account_for(invitation: Invitation) -> User | None:
    """The account the invitation's address already has, if any."""
    return User.objects.filter(email__iexact=invitation.email).first()


def needs_sign_in_to_accept(invitation: Invitation) -> bool:
    """Whether the invited person accepts by signing in to the account they have, rather
    than by setting a password (an account they can sign in to: a password, or single
    sign-on here)."""
    account = account_for(invitation)
    return account is not None and (account.has_usable_password() or settings.SINGLE_SIGN_ON)


@transaction.atomic
def invitation_accept(*, token: str, password: str | None, user: User | None = None) -> User:
    """Accepts an invitation and adds the person to the board; the link cannot be used
    again.

    With ``user``, the person is signed in and accepts for their own account, which must
    be the invited address. Otherwise the link itself is the proof: the account is made
    (or its password set) with ``password``, or with no password where single sign-on
    will sign them in.
    """
    invitation = (
        Invitation.objects.select_for_update().filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_usable:
        raise InvitationError("This invitation link has expired or has already been used.")
    if user is not None:
        if normalise_email(user.email) != invitation.email:
            raise InvitationError("This invitation is for another account.")
    elif needs_sign_in_to_accept(invitation):
        raise InvitationError("Sign in to your account to accept this invitation.")
    else:
        user = account_for(invitation) or user_create(
            email=invitation.email,
            full_name=invitation.full_name,
            password=None,
            by=SystemActor("an invitation accepted"),
        )
        user.set_password(password)  # None: no password, single sign-on only
        user.save(update_fields=["password"])
    membership_add(
        trust=invitation.trust,
        user=user,
        role=Role.BOARD_MEMBER,
        seat_group=invitation.seat_group,
        by=user,
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit(action="invitation.accepted", by=user, trust=invitation.trust, target=invitation)
    return user


@transaction.atomic
def membership_remove(*, membership: Membership, by: User) -> None:
    """Takes a role away. Their submitted answers stay in the results they were part of."""
    audit(
        action="membership.removed",
        by=by,
        trust=membership.trust,
        detail={"user": membership.user.email, "role": membership.role},
    )
    membership.delete()


def _issue_token(invitation: Invitation) -> str:
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    invitation.token_hash = _token_hash(token)
    invitation.sent_at = now
    invitation.expires_at = now + datetime.timedelta(days=settings.INVITATION_DAYS)
    return token


def _email_invitation(*, invitation: Invitation, token: str) -> None:
    """Queues the invitation's email and remembers it, so the people page can say whether
    it went."""
    invitation.delivery = send(
        about=invitation,
        to=invitation.email,
        template="trusts/email/invitation.txt",
        context={
            "invitation": invitation,
            "trust": invitation.trust,
            "invited_by": invitation.invited_by.full_name
            if invitation.invited_by
            else "Your trust",
            "link": absolute(reverse("trusts:invitation-accept", kwargs={"token": token})),
            "has_account": needs_sign_in_to_accept(invitation),
            "single_sign_on": settings.SINGLE_SIGN_ON,
        },
    )
    invitation.save(update_fields=["delivery"])
