"""One factory per model. People and memberships are made through the actions layer."""

from fractions import Fraction

import factory
from factory.django import DjangoModelFactory

from assessments.models import (
    Assessment,
    AssessmentStatus,
    Cycle,
    OverallResult,
    PrincipleResult,
    quarter_dates,
)
from core.audit import SystemActor
from principles.models import LEVELS, Framework, LevelDescriptor, Principle, Question
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
