"""Demo data: fictional trusts and people, so that no real trust is ever shown with
invented scores. Built only through actions, and safe to run again."""

from dataclasses import dataclass

from django.db import transaction

from trusts.actions import membership_add, user_create
from trusts.models import DataOrigin, Region, Role, SeatGroup, Trust, TrustType, User

DEMO_PASSWORD = "demo-quarterdeck-2026"


@dataclass(frozen=True)
class DemoTrust:
    ods_code: str
    name: str
    region: Region
    trust_type: TrustType
    domain: str
    coordinator: str  # the digital lead, who also sits on the board as an executive
    executives: tuple[str, ...]
    non_executives: tuple[str, ...]


DEMO_TRUSTS = (
    DemoTrust(
        "ZZA",
        "Wessex Vale Hospitals NHS Foundation Trust",
        Region.SOUTH_WEST,
        TrustType.ACUTE,
        "wessexvale.example",
        "Priya Shah",
        ("Martin Oduya", "Helen Carver", "Tom Reddish", "Grace Lin"),
        ("Margaret Hale", "Dev Patel", "Sian Morgan", "Bill Ashworth", "Ruth Adeyemi"),
    ),
    DemoTrust(
        "ZZB",
        "Pennine Moors Mental Health NHS Trust",
        Region.NORTH_EAST_AND_YORKSHIRE,
        TrustType.MENTAL_HEALTH,
        "penninemoors.example",
        "Owen Fairclough",
        ("Aisha Rahman", "Colin Birtwistle", "Jo Kettering"),
        ("Eleanor Sykes", "Farid Haddad", "Nell Ormerod", "Peter Quayle"),
    ),
    DemoTrust(
        "ZZC",
        "Saltmarsh Coast Community Health NHS Trust",
        Region.EAST_OF_ENGLAND,
        TrustType.COMMUNITY,
        "saltmarsh.example",
        "Kemi Ade",
        ("Lucy Thorne", "Graham Pell"),
        ("Anne Bracewell", "Ravi Menon", "Joan Tebbit"),
    ),
)

PROGRAMME_STAFF = ("Sam Okafor", "programme@quarterdeck.example")
ADMIN = ("Quarterdeck Admin", "admin@quarterdeck.example")


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


def email_for(name: str, domain: str) -> str:
    return f"{name.lower().replace(' ', '.')}@{domain}"


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    logins = []
    for demo in DEMO_TRUSTS:
        trust, _ = Trust.objects.get_or_create(
            ods_code=demo.ods_code,
            defaults={
                "name": demo.name,
                "region": demo.region,
                "trust_type": demo.trust_type,
                "origin": DataOrigin.DEMO,
            },
        )
        coordinator = _user(demo.coordinator, demo.domain)
        membership_add(trust=trust, user=coordinator, role=Role.COORDINATOR, by=None)
        logins.append(DemoLogin(coordinator.email, f"coordinator and board member, {trust.name}"))
        seats = [(coordinator.full_name, SeatGroup.EXECUTIVE)]
        seats += [(name, SeatGroup.EXECUTIVE) for name in demo.executives]
        seats += [(name, SeatGroup.NON_EXECUTIVE) for name in demo.non_executives]
        for position, (name, seat_group) in enumerate(seats):
            member = _user(name, demo.domain)
            membership_add(
                trust=trust, user=member, role=Role.BOARD_MEMBER, seat_group=seat_group, by=None
            )
            if position == 1:
                logins.append(DemoLogin(member.email, f"board member, {trust.name}"))
    programme = _user(*PROGRAMME_STAFF, is_programme_staff=True)
    logins.append(DemoLogin(programme.email, "programme staff (every trust)"))
    admin = _user(*ADMIN, is_superuser=True)
    logins.append(DemoLogin(admin.email, "administrator (Django admin at /admin/)"))
    return logins


def _user(name: str, domain_or_email: str, **flags) -> User:
    """The demo person, created with the demo password the first time, left alone after."""
    email = domain_or_email if "@" in domain_or_email else email_for(name, domain_or_email)
    existing = User.objects.filter(email__iexact=email).first()
    return existing or user_create(
        email=email, full_name=name, password=DEMO_PASSWORD, by=None, **flags
    )
