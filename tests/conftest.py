import pytest

from tests.factories import MembershipFactory, TrustFactory, UserFactory
from trusts.models import Role, SeatGroup


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
