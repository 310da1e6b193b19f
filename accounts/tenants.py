"""Which Entra ID tenants may sign in whom (docs/decisions/0043-many-tenants.md).

Through Microsoft's multi-tenant endpoint anyone with an account in any organisation's
directory can prove an email address. Programme staff keep the list of tenants that may
sign people in (accounts.models.SignInTenant); this module owns the rule that says whom a
listed tenant vouches for, and records the sign-ins it refuses.

A tenant vouches for a whole person or not at all: for every trust they belong to, and,
for programme staff and administrators, for that role too. It never signs someone in
to part of what they may see.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import SignInTenant
from core.audit import SystemActor, audit
from core.models import AuditEvent
from trusts.models import Invitation, Membership, normalise_email
from trusts.permissions import memberships_of

# Who the audit trail names for a refusal from a tenant no one listed: the person is not
# known to us, and may not be who the email says.
SINGLE_SIGN_ON = SystemActor("single sign-on")
# What the tenant a session was signed in through vouched for (session_vouching_keep).
VOUCHED_SESSION_KEY = "quarterdeck.tenant_vouched"
REFUSAL_EVENTS = ("sign_in.tenant_unknown", "sign_in.tenant_refused")


@dataclass(frozen=True)
class Person:
    """What the rule needs to know of someone: the trusts they belong to, and whether
    they hold a role beyond any one trust."""

    trust_ids: frozenset[int]
    beyond_trusts: bool


@dataclass(frozen=True)
class Vouching:
    """What a tenant may vouch for."""

    every_trust: bool
    programme_staff: bool
    trust_ids: frozenset[int]


def vouches(tenant: Vouching, person: Person) -> bool:
    """Whether the tenant vouches for the whole person. Someone with no trust and no role
    beyond one is vouched for by nobody."""
    return bool(person.trust_ids or person.beyond_trusts) and covers(tenant, person)


def covers(tenant: Vouching, person: Person) -> bool:
    """Whether everything the person is lies within what the tenant vouches for."""
    if person.beyond_trusts and not tenant.programme_staff:
        return False
    return tenant.every_trust or person.trust_ids <= tenant.trust_ids


def person_of(user) -> Person:
    """The trusts someone belongs to: their memberships or, while they have none yet, the
    trusts whose invitations to their address are waiting to be accepted."""
    trust_ids = frozenset(Membership.objects.filter(user=user).values_list("trust_id", flat=True))
    if not trust_ids:
        trust_ids = frozenset(
            Invitation.objects.filter(
                email=normalise_email(user.email),
                accepted_at=None,
                revoked_at=None,
                expires_at__gt=timezone.now(),
            ).values_list("trust_id", flat=True)
        )
    return Person(
        trust_ids=trust_ids,
        beyond_trusts=user.is_programme_staff or user.is_staff or user.is_superuser,
    )


def vouching_of(tenant: SignInTenant) -> Vouching:
    """What a listed tenant vouches for (its trusts read only where it matters)."""
    return Vouching(
        every_trust=tenant.every_trust,
        programme_staff=tenant.programme_staff,
        trust_ids=frozenset()
        if tenant.every_trust
        else frozenset(tenant.trusts.values_list("pk", flat=True)),
    )


def session_vouching_keep(request, tenant: SignInTenant) -> None:
    """At a sign-in through ``tenant``: what it vouched for, kept in the session, so that
    each request can tell whether the person has since become more than that."""
    vouching = vouching_of(tenant)
    request.session[VOUCHED_SESSION_KEY] = {
        "every_trust": vouching.every_trust,
        "programme_staff": vouching.programme_staff,
        "trust_ids": sorted(vouching.trust_ids),
    }


def session_outgrown(request) -> bool:
    """Whether the person signed in on this session through a tenant has since become more
    than it vouched for: joined another trust's board (an invitation accepted in this very
    session), or been made programme staff. Reads the memberships the request reads anyway
    (trusts.permissions.memberships_of); nothing for a session without a tenant."""
    vouched = request.session.get(VOUCHED_SESSION_KEY)
    if vouched is None:
        return False
    user = request.user
    person = Person(
        trust_ids=frozenset(memberships_of(user).roles),
        beyond_trusts=user.is_programme_staff or user.is_staff or user.is_superuser,
    )
    tenant = Vouching(
        every_trust=vouched["every_trust"],
        programme_staff=vouched["programme_staff"],
        trust_ids=frozenset(vouched["trust_ids"]),
    )
    return not covers(tenant, person)


def tenant_vouches_for(tenant: SignInTenant, user) -> bool:
    """Whether ``tenant`` may sign ``user`` in."""
    return vouches(vouching_of(tenant), person_of(user))


def tenant_find(tenant_id: str) -> SignInTenant | None:
    """The listed tenant with this id (a GUID, compared without regard to case)."""
    return SignInTenant.objects.filter(tenant_id__iexact=tenant_id).first()


def tenant_for_everyone() -> SignInTenant | None:
    """A listed tenant that vouches for every trust's members (NHSmail's), if there is one:
    the way in to suggest to someone their own organisation's tenant cannot sign in."""
    return SignInTenant.objects.filter(every_trust=True).first()


@transaction.atomic
def unknown_tenant_refuse(*, tenant_id: str) -> None:
    """Records a sign-in refused because its tenant is not on the list. Only the tenant id
    is kept: whoever it was is not known to us."""
    audit(action="sign_in.tenant_unknown", by=SINGLE_SIGN_ON, detail={"tenant_id": tenant_id})


@transaction.atomic
def tenant_refuse(*, tenant: SignInTenant, user) -> None:
    """Records a sign-in refused because ``tenant`` does not vouch for all of ``user``."""
    audit(
        action="sign_in.tenant_refused",
        by=user,
        target=tenant,
        detail={"tenant_id": tenant.tenant_id},
    )


# What programme staff see of the refusals


REFUSALS_SHOWN_DAYS = 30


@dataclass(frozen=True)
class Refusals:
    """The sign-ins one tenant had refused lately: how many, the latest, and the tenant
    if it is on the list (None: the tenant is not on the list)."""

    tenant_id: str
    count: int
    latest: datetime.datetime
    tenant: SignInTenant | None


def refusals_recent(now=None) -> list[Refusals]:
    """Sign-ins refused because of their tenant in the last REFUSALS_SHOWN_DAYS, one row a
    tenant, the latest first: where programme staff see which organisations are trying to
    sign in before they are on the list. Never who tried."""
    since = (now or timezone.now()) - datetime.timedelta(days=REFUSALS_SHOWN_DAYS)
    counts: dict[str, list] = {}
    events = AuditEvent.objects.filter(action__in=REFUSAL_EVENTS, at__gte=since)
    for tenant_id, at in events.values_list("detail__tenant_id", "at"):
        key = str(tenant_id).lower()
        count, latest = counts.get(key, (0, at))
        counts[key] = [count + 1, max(latest, at)]
    listed = {
        tenant.tenant_id: tenant for tenant in SignInTenant.objects.filter(tenant_id__in=counts)
    }
    rows = [
        Refusals(tenant_id=key, count=count, latest=latest, tenant=listed.get(key))
        for key, (count, latest) in counts.items()
    ]
    return sorted(rows, key=lambda row: row.latest, reverse=True)
