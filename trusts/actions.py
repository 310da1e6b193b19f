"""Every write to trusts, people and memberships (keyword-only, one transaction, audited)."""

from dataclasses import dataclass, field

from django.db import transaction

from core.audit import audit
from trusts.models import DataOrigin, Membership, Role, SeatGroup, Trust, User, normalise_email
from trusts.ods import TrustRecord, type_from_name


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


@transaction.atomic
def trusts_import(
    *, records: list[TrustRecord], trust_types: dict[str, str], by: User | None
) -> ImportReport:
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
def user_create(
    *,
    email: str,
    full_name: str,
    password: str | None,
    by: User | None,
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


def user_find_or_create(*, email: str, full_name: str, by: User | None) -> User:
    """An existing account is reused (matched by email, ignoring case), never duplicated."""
    user = User.objects.filter(email__iexact=normalise_email(email)).first()
    return user or user_create(email=email, full_name=full_name, password=None, by=by)


@transaction.atomic
def membership_add(
    *, trust: Trust, user: User, role: Role, seat_group: SeatGroup | str = "", by: User | None
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
