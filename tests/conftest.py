import functools

import hypothesis
import pytest
from django.core.cache import cache

from assessments.models import AssessmentStatus
from assessments.quarter.actions import assessment_close, assessment_open
from principles.actions import framework_load
from principles.content import forget_framework_content
from principles.loader import read_framework, shipped_framework_files
from tests.factories import (
    SETUP,
    AssessmentFactory,
    MembershipFactory,
    TrustFactory,
    UserFactory,
)
from tests.helpers import answer_everything, quarter_of_year, summary_rows
from trusts.models import Region, Role, SeatGroup, TrustType


@pytest.fixture(autouse=True)
def _fresh_caches():
    # Each test builds its own data: nothing cached by another test may leak into it.
    cache.clear()
    forget_framework_content()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    # Tasks (emails, freezing papers) run in the test's own process and transaction as
    # soon as they are queued; tests of the workers themselves ask for `database_tasks`.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def database_tasks(settings):
    """Tasks wait in the database for a worker, as in production (run them with
    tests.helpers.run_waiting_tasks)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is the production hasher (see test_settings); tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def trust(db):
    return TrustFactory(ods_code="QAA", name="Testshire Hospitals NHS Trust")


@pytest.fixture
def other_trust(db):
    return TrustFactory(ods_code="QBB", name="Otherton Community NHS Trust")


@pytest.fixture
def board_member(trust):
    """A non-executive board member of ``trust``."""
    return MembershipFactory(
        trust=trust,
        role=Role.BOARD_MEMBER,
        seat_group=SeatGroup.NON_EXECUTIVE,
        user=UserFactory(full_name="Bea Member", email="bea@test.example"),
    ).user


@pytest.fixture
def coordinator(trust):
    """The digital lead (coordinator) of ``trust``; not a board member."""
    return MembershipFactory(
        trust=trust,
        role=Role.COORDINATOR,
        seat_group="",
        user=UserFactory(full_name="Cora Ordinator", email="cora@test.example"),
    ).user


@pytest.fixture
def programme_staff(db):
    return UserFactory(
        full_name="Pat Programme", email="pat@programme.example", is_programme_staff=True
    )


@pytest.fixture
def signed_in(client):
    """Signs a user in on the test client and returns the client."""

    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


@functools.cache
def shipped_framework_spec():
    return read_framework(shipped_framework_files()[0])


@pytest.fixture
def framework(db):
    """The shipped framework: 8 principles, 24 questions."""
    return framework_load(spec=shipped_framework_spec()).framework


@pytest.fixture
def cycle(framework, trust, other_trust):
    return quarter_of_year(framework, 2026, 3)


@pytest.fixture
def assessment(cycle, trust, coordinator):
    """``trust``'s assessment for ``cycle``, opened by its coordinator."""
    return assessment_open(trust=trust, cycle=cycle, by=coordinator)


@pytest.fixture
def other_assessment(cycle, other_trust):
    coordinator = MembershipFactory(trust=other_trust, role=Role.COORDINATOR, seat_group="").user
    return assessment_open(trust=other_trust, cycle=cycle, by=coordinator)


@pytest.fixture(autouse=True, scope="session")
def _hypothesis_profile():
    # The same examples on every run, so that CI never fails by chance.
    hypothesis.settings.register_profile("quarterdeck", derandomize=True, database=None)
    hypothesis.settings.load_profile("quarterdeck")


# The national view's hand-made data, shared by its tests and the programme pages'.

# Hand-made results: (code, region, type, score for every principle, respondents)
TRUSTS = [
    ("QN1", Region.LONDON, TrustType.ACUTE, 2.0, 5),
    ("QN2", Region.LONDON, TrustType.MENTAL_HEALTH, 3.0, 5),
    ("QN3", Region.NORTH_WEST, TrustType.ACUTE, 4.0, 5),
    ("QN4", Region.NORTH_WEST, TrustType.ACUTE, 5.0, 5),
    ("QN5", Region.LONDON, TrustType.ACUTE, 1.0, 2),  # too few responses: left out
]


@pytest.fixture
def national(cycle, framework):
    principles = list(framework.principles.order_by("number"))
    for code, region, trust_type, score, respondents in TRUSTS:
        trust = TrustFactory(
            ods_code=code, name=f"Trust {code}", region=region, trust_type=trust_type
        )
        assessment = AssessmentFactory(trust=trust, cycle=cycle, status=AssessmentStatus.CLOSED)
        # principle 1 a level below the trust's usual score, to tell the columns apart
        scores = {
            principle: score - 1 if principle.number == 1 and score > 1 else score
            for principle in principles
        }
        summary_rows(assessment, scores, respondents)
    return cycle


@pytest.fixture
def closed_pair(cycle, framework, settings):
    settings.MIN_RESPONSES = 1
    assessments = []
    for code in ("QP1", "QP2"):
        trust = TrustFactory(ods_code=code, name=f"Paper Trust {code}")
        assessment = AssessmentFactory(trust=trust, cycle=cycle, status=AssessmentStatus.OPEN)
        answer_everything(
            assessment, MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user, 3
        )
        assessments.append(assessment_close(assessment=assessment, by=SETUP))
    return assessments
