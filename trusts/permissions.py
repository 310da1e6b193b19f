"""One permission vocabulary and one check (docs/decisions/0003-permissions.md).

Every view declares what it needs with ``requires`` (a permission not tied to a trust),
``requires_on_trust`` (a permission on the trust named in the URL) or ``public``. The trust
is loaded through the trusts the user may see, so another trust is a 404, never a 403
that would confirm it exists.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from core.access import declare
from core.access import public as public  # declared here too, beside the other declarations
from trusts.models import Membership, Role, Trust


class Permission(StrEnum):
    SERVICE_USE = "service.use"
    TRUST_VIEW = "trust.view"
    MEMBERS_VIEW = "members.view"
    MEMBERS_MANAGE = "members.manage"
    AUDIT_VIEW = "audit.view"
    QUESTIONNAIRE_ANSWER = "questionnaire.answer"
    ASSESSMENT_RUN = "assessment.run"
    # Which optional sections the trust's board paper cover sheets have.
    COVER_SHEET_SECTIONS_CHOOSE = "cover_sheet.sections_choose"
    PAPER_VIEW = "paper.view"
    DATA_EXPORT = "data.export"
    TRUSTS_VIEW_ALL = "trusts.view_all"
    CYCLES_MANAGE = "cycles.manage"
    NATIONAL_VIEW = "national.view"
    PAPERS_BULK = "papers.bulk"
    # Reading the API (reports.api) with a token, and keeping one's own tokens.
    API_USE = "api.use"
    # Keeping the list of Entra ID tenants that may sign people in (accounts.tenant_admin).
    SIGN_IN_TENANTS_MANAGE = "sign_in_tenants.manage"


# Roles as data: what each trust role, and the global programme role, may do.
SIGNED_IN_PERMISSIONS = frozenset({Permission.SERVICE_USE})
TRUST_ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.BOARD_MEMBER: frozenset(
        {Permission.TRUST_VIEW, Permission.QUESTIONNAIRE_ANSWER, Permission.PAPER_VIEW}
    ),
    Role.COORDINATOR: frozenset(
        {
            Permission.TRUST_VIEW,
            Permission.MEMBERS_VIEW,
            Permission.MEMBERS_MANAGE,
            Permission.AUDIT_VIEW,
            Permission.ASSESSMENT_RUN,
            Permission.COVER_SHEET_SECTIONS_CHOOSE,
            Permission.PAPER_VIEW,
            Permission.DATA_EXPORT,
            Permission.API_USE,
        }
    ),
}
# Programme staff see every trust, but never an individual's answers: no trust role here.
PROGRAMME_PERMISSIONS = frozenset(
    {
        Permission.TRUSTS_VIEW_ALL,
        Permission.TRUST_VIEW,
        Permission.CYCLES_MANAGE,
        Permission.AUDIT_VIEW,
        Permission.NATIONAL_VIEW,
        Permission.PAPERS_BULK,
        Permission.API_USE,
        # Each trust's board paper, as in the bulk ZIP: aggregates only (decision 0019).
        Permission.PAPER_VIEW,
        Permission.SIGN_IN_TENANTS_MANAGE,
    }
)


@dataclass(frozen=True)
class Memberships:
    """A user's roles by trust id, their trusts by ODS code and their board seat by trust
    id, read in one query."""

    roles: dict[int, frozenset[Role]]
    trusts: dict[str, Trust]
    seats: dict[int, str]  # trust id -> seat group, where they sit on the board


def memberships_of(user) -> Memberships:
    """Read once per request and kept on the user object."""
    cached = memberships_read(user)
    if cached is None:
        roles: dict[int, set[Role]] = {}
        trusts: dict[str, Trust] = {}
        seats: dict[int, str] = {}
        for membership in Membership.objects.filter(user=user).select_related("trust").order_by():
            roles.setdefault(membership.trust_id, set()).add(Role(membership.role))
            trusts[membership.trust.ods_code] = membership.trust
            if membership.role == Role.BOARD_MEMBER:
                seats[membership.trust_id] = membership.seat_group
        cached = Memberships(
            roles={trust_id: frozenset(found) for trust_id, found in roles.items()},
            trusts=trusts,
            seats=seats,
        )
        user._quarterdeck_memberships = cached
    return cached


def memberships_read(user) -> Memberships | None:
    """The memberships already read for this request, if any (never a query)."""
    return getattr(user, "_quarterdeck_memberships", None)


def trust_roles(user) -> dict[int, frozenset[Role]]:
    return memberships_of(user).roles


def has_permission(user, permission: Permission, *, trust: Trust | None = None) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if permission in SIGNED_IN_PERMISSIONS:
        return True
    if user.is_programme_staff and permission in PROGRAMME_PERMISSIONS:
        return True
    if trust is None:
        return False
    return _grants(trust_roles(user).get(trust.pk, ()), permission)


def trust_ids_with(user, permission: Permission) -> list[int]:
    """The trusts where the person's own roles grant ``permission`` (the boards they
    answer for, say); programme staff's reach across every trust is not counted."""
    if not (user.is_authenticated and user.is_active):
        return []
    return [trust for trust, roles in trust_roles(user).items() if _grants(roles, permission)]


def has_permission_somewhere(user, permission: Permission) -> bool:
    """Whether the person holds ``permission`` anywhere: as programme staff, or at any trust
    where their own roles grant it (a digital lead's API access, say), as they are now."""
    return has_permission(user, permission) or bool(trust_ids_with(user, permission))


def _grants(roles, permission: Permission) -> bool:
    return any(permission in TRUST_ROLE_PERMISSIONS[role] for role in roles)


def visible_trusts(user) -> QuerySet[Trust]:
    """The trusts a user may see at all: every trust for programme staff, else their own."""
    if not (user.is_authenticated and user.is_active):
        return Trust.objects.none()
    if user.is_programme_staff:
        return Trust.objects.all()
    return Trust.objects.filter(pk__in=list(trust_roles(user)))


def visible_trust(user, ods_code: str) -> Trust | None:
    """The trust with this code if the user may see it, else None (the caller's 404)."""
    ods_code = ods_code.upper()
    if not (user.is_authenticated and user.is_active):
        return None
    if user.is_programme_staff:
        return Trust.objects.filter(ods_code=ods_code).first()
    return memberships_of(user).trusts.get(ods_code)


def requires(permission: Permission):
    """Declares a view that needs ``permission`` of a signed-in user, not tied to a trust."""
    return _declared(permission, has_permission)


def requires_somewhere(permission: Permission):
    """Declares a view that needs ``permission`` at one trust or more, or as programme
    staff (``has_permission_somewhere``): a person's own things, not a trust's."""
    return _declared(permission, has_permission_somewhere)


def _declared(permission: Permission, check):
    """A view decorator: sign in first, then ``check(user, permission)`` or a 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user, permission):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return declare(wrapped, permission)

    return decorator


def requires_on_trust(permission: Permission):
    """Declares a view that needs ``permission`` on the trust whose ODS code is in the URL.

    The view receives the trust in place of the ``ods_code`` argument.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, ods_code: str, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            trust = visible_trust(request.user, ods_code)
            if trust is None:
                raise Http404("No such trust.")
            if not has_permission(request.user, permission, trust=trust):
                raise PermissionDenied
            return view(request, *args, trust=trust, **kwargs)

        return declare(wrapped, permission)

    return decorator
