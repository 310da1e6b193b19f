"""One factory per model. People and memberships are made through the actions layer."""

import datetime
import hashlib
import secrets
import uuid
from fractions import Fraction

import factory
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.http import QueryDict
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.django import DjangoModelFactory

from accounts import keeping
from accounts.models import ApiToken, BrowserKey, KeptInput, SignedInSession, SignInTenant
from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    MeetingAttendance,
    OverallResult,
    PrincipleResult,
    quarter_dates,
)
from core.audit import SystemActor
from core.models import Email
from principles.models import LEVELS, Framework, LevelDescriptor, Principle, Question
from reports.models import OpenDataRelease
from trusts import actions
from trusts.models import Membership, Region, Role, SeatGroup, Trust, TrustType, User

# Who makes test data, in the audit trail (every entry names a person or a system actor).
SETUP = SystemActor("test set-up")


class TrustFactory(DjangoModelFactory):
    class Meta:
        model = Trust
        django_get_or_create = ["ods_code"]

    ods_code = factory.Sequence(lambda n: f"Q{n:02d}" if n < 100 else f"Q{n:04d}")
    name = factory.Sequence(lambda n: f"Testshire {n} NHS Trust")
    region = Region.LONDON
    icb_code = "QAA"
    trust_type = TrustType.ACUTE


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@test.example")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    password = "a-test-password"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return actions.user_create(by=SETUP, **kwargs)


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    trust = factory.SubFactory(TrustFactory)
    role = Role.BOARD_MEMBER
    seat_group = factory.LazyAttribute(
        lambda m: SeatGroup.NON_EXECUTIVE if m.role == Role.BOARD_MEMBER else ""
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return actions.membership_add(by=SETUP, **kwargs)


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework

    slug = "test-framework"
    version = factory.Sequence(lambda n: n + 1)
    title = "Test framework"
    published = True
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")


class PrincipleFactory(DjangoModelFactory):
    class Meta:
        model = Principle

    framework = factory.SubFactory(FrameworkFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Principle {n + 1}")
    summary = "What the principle is about."
    guidance = "How a board can tell."


class QuestionFactory(DjangoModelFactory):
    class Meta:
        model = Question
        skip_postgeneration_save = True

    principle = factory.SubFactory(PrincipleFactory)
    framework = factory.SelfAttribute("principle.framework")
    key = factory.Sequence(lambda n: f"p1.question-{n}")
    order = factory.Sequence(lambda n: n + 1)
    text = "How well do we do this?"
    help_text = "Think about last quarter."

    @factory.post_generation
    def levels(question, create, extracted, **kwargs):
        if create:
            for level in LEVELS:
                LevelDescriptorFactory(question=question, level=level)


class LevelDescriptorFactory(DjangoModelFactory):
    class Meta:
        model = LevelDescriptor
        django_get_or_create = ["question", "level"]

    question = factory.SubFactory(QuestionFactory)
    level = 1
    descriptor = factory.LazyAttribute(lambda d: f"What level {d.level} looks like.")


class CycleFactory(DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ["year", "quarter"]

    year = 2026
    quarter = 3
    opens_on = factory.LazyAttribute(lambda c: quarter_dates(c.year, c.quarter)[0])
    closes_on = factory.LazyAttribute(lambda c: quarter_dates(c.year, c.quarter)[1])
    framework = factory.SubFactory(FrameworkFactory)


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment
        django_get_or_create = ["trust", "cycle"]

    trust = factory.SubFactory(TrustFactory)
    cycle = factory.SubFactory(CycleFactory)
    status = AssessmentStatus.OPEN


class OverallResultFactory(DjangoModelFactory):
    class Meta:
        model = OverallResult

    assessment = factory.SubFactory(AssessmentFactory)
    respondents = 3
    score = Fraction(3)
    score_order = factory.LazyAttribute(lambda row: float(row.score))


class PrincipleResultFactory(DjangoModelFactory):
    class Meta:
        model = PrincipleResult

    assessment = factory.SubFactory(AssessmentFactory)
    principle = factory.SubFactory(PrincipleFactory)
    respondents = 3
    score = 3.0
    views_differ = False
    dont_know_share = 0.0


class MeetingAttendanceFactory(DjangoModelFactory):
    """Who was at the board meeting, as counts by role (no names)."""

    class Meta:
        model = MeetingAttendance

    assessment = factory.SubFactory(AssessmentFactory)
    executives = 2
    non_executives = 3
    in_attendance = 1


class OpenDataReleaseFactory(DjangoModelFactory):
    """A quarter's published open data: England alone, withheld (reports.opendata.files
    makes the real rows)."""

    class Meta:
        model = OpenDataRelease

    cycle = factory.SubFactory(CycleFactory)
    published_at = factory.LazyFunction(timezone.now)
    minimum_trusts = 5
    columns = factory.LazyFunction(
        lambda: [
            ["quarter", "The NHS financial year and quarter"],
            ["group_type", "What the row is about"],
            ["group_name", "The group's name"],
            ["suppressed", "yes where the group's counts and figures are withheld"],
            ["overall_median", "Median of the trusts' overall scores"],
        ]
    )
    rows = factory.LazyAttribute(
        lambda release: [
            {
                "quarter": release.cycle.label,
                "group_type": "england",
                "group_name": "England",
                "suppressed": True,
                "overall_median": None,
            }
        ]
    )


class EmailFactory(DjangoModelFactory):
    """An email waiting to be sent, as core.mail.send writes it."""

    class Meta:
        model = Email

    to = factory.Sequence(lambda n: f"person{n}@test.example")
    template = "reminder"
    subject = "A reminder"
    body = "Dear person,\n\nA reminder.\n"


class TOTPDeviceFactory(DjangoModelFactory):
    """An authenticator app, confirmed (its key is django-otp's random default)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class BrowserKeyFactory(DjangoModelFactory):
    """A browser's key, as signing in stores it: the digest of a random key."""

    class Meta:
        model = BrowserKey

    user = factory.SubFactory(UserFactory)
    digest = factory.LazyFunction(
        lambda: hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest()
    )


class ApiTokenFactory(DjangoModelFactory):
    """An API token as accounts.tokens.token_create stores it, for 90 days from now: the
    digest of a value nobody holds (make one with token_create to have its value)."""

    class Meta:
        model = ApiToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Dashboard {n}")
    digest = factory.LazyFunction(
        lambda: hashlib.sha256(f"qd_{secrets.token_urlsafe(32)}".encode()).hexdigest()
    )
    created_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda token: token.created_at + datetime.timedelta(days=90))


class KeptInputFactory(DjangoModelFactory):
    """A form sent after the session ended, kept (sealed) through accounts.keeping."""

    class Meta:
        model = KeptInput

    user = factory.SubFactory(UserFactory)
    path = "/somewhere/"
    post = "comment=Typed+after+the+session+ended"

    @classmethod
    def _create(cls, model_class, *args, user, path, post, **kwargs):
        keeping.keep(user_id=user.pk, path=path, post=QueryDict(post))
        return KeptInput.objects.get(user=user, path=path)


class SignInTenantFactory(DjangoModelFactory):
    """An Entra ID tenant allowed to sign people in; add trusts with ``trusts=[...]``."""

    class Meta:
        model = SignInTenant
        skip_postgeneration_save = True

    tenant_id = factory.LazyFunction(lambda: str(uuid.uuid4()))
    name = factory.Sequence(lambda n: f"Trust directory {n}")

    @factory.post_generation
    def trusts(tenant, create, extracted, **kwargs):
        if create and extracted:
            tenant.trusts.set(extracted)


class SignedInSessionFactory(DjangoModelFactory):
    """A place a person is signed in (no live session behind it unless given its key)."""

    class Meta:
        model = SignedInSession

    user = factory.SubFactory(UserFactory)
    session_key = factory.LazyFunction(lambda: secrets.token_hex(16))
    device = "Firefox on Windows"
    method = SignedInSession.Method.PASSWORD
    signed_in_at = factory.LazyFunction(timezone.now)
    last_seen_at = factory.LazyAttribute(lambda session: session.signed_in_at)


class AccessAttemptFactory(DjangoModelFactory):
    """django-axes' count of failed sign-ins for an address and a network address."""

    class Meta:
        model = AccessAttempt

    username = factory.Sequence(lambda n: f"person{n}@test.example")
    ip_address = "192.0.2.1"
    user_agent = "Test browser"
    path_info = "/sign-in/"
    failures_since_start = 1


class AccessFailureLogFactory(DjangoModelFactory):
    """django-axes' record of one failed sign-in."""

    class Meta:
        model = AccessFailureLog

    username = factory.Sequence(lambda n: f"person{n}@test.example")
    ip_address = "192.0.2.1"
    user_agent = "Test browser"
    path_info = "/sign-in/"
    locked_out = False


class AccessLogFactory(DjangoModelFactory):
    """django-axes' record of one sign-in."""

    class Meta:
        model = AccessLog

    username = factory.Sequence(lambda n: f"person{n}@test.example")
    ip_address = "192.0.2.1"
    user_agent = "Test browser"
    path_info = "/sign-in/"
