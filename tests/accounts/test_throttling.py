"""Throttling and lockout on sign-in, the admin and password reset (django-axes)."""

import datetime

from axes.models import AccessAttempt
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.pages import locked_out, redirected


def try_password(client, email, password, address="192.0.2.1"):
    return client.post(
        reverse("accounts:sign-in"), {"username": email, "password": password}, REMOTE_ADDR=address
    )


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(client, db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    for _ in range(4):
        assert try_password(client, "ada@test.example", "wrong").status_code == 200
    assert try_password(client, "ada@test.example", "wrong").status_code == 429
    response = try_password(client, "ada@test.example", "correct horse battery")
    assert response.status_code == 429
    content = response.content.decode()
    assert "nhsuk-error-summary" in content
    assert "Too many attempts. Try again after" in content
    assert "_auth_user_id" not in client.session


def test_lockout_is_kept_by_account_whatever_the_address(db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    for n in range(5):
        try_password(Client(), "Ada@test.example", "wrong", address=f"192.0.2.{n + 10}")
    response = try_password(Client(), "ada@test.example", "correct horse battery", "198.51.100.7")
    locked_out(response)


def test_lockout_is_kept_by_address_whatever_the_account(db, settings):
    UserFactory(email="bea@test.example", password="correct horse battery")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        try_password(Client(), f"guess{n % 4}@test.example", "wrong", address="203.0.113.9")
    locked = try_password(Client(), "bea@test.example", "correct horse battery", "203.0.113.9")
    locked_out(locked)
    elsewhere = try_password(Client(), "bea@test.example", "correct horse battery", "192.0.2.50")
    redirected(elsewhere, reverse("quarter:home"))


def test_lockout_ends_after_the_cool_off(client, db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    for _ in range(5):
        try_password(client, "ada@test.example", "wrong")
    AccessAttempt.objects.update(attempt_time=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    redirected(
        try_password(client, "ada@test.example", "correct horse battery"), reverse("quarter:home")
    )


def test_admin_sign_in_goes_through_the_throttled_sign_in_page(client, db):
    UserFactory(email="admin@test.example", password="correct horse battery", is_superuser=True)
    response = client.post(
        reverse("admin:login"),
        {"username": "admin@test.example", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))
    assert "_auth_user_id" not in client.session


def test_password_reset_requests_are_throttled_by_account(db, django_capture_on_commit_callbacks):
    UserFactory(email="ada@test.example")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(4):
            response = Client().post(
                reverse("accounts:password-reset"),
                {"email": "ada@test.example"},
                REMOTE_ADDR=f"192.0.2.{n}",
            )
            assert response.status_code == 302
        locked = Client().post(reverse("accounts:password-reset"), {"email": "ada@test.example"})
    locked_out(locked)
    assert "Try again after" in locked.content.decode()
    assert len(mail.outbox) == 4


def test_password_reset_requests_are_throttled_by_address(db, settings):
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT - 1):
        Client().post(reverse("accounts:password-reset"), {"email": f"guess{n}@test.example"})
    locked = Client().post(reverse("accounts:password-reset"), {"email": "another@test.example"})
    locked_out(locked)


def test_lockouts_are_listed_for_administrators(client, db):
    admin = UserFactory(email="admin@test.example", is_superuser=True)
    for _ in range(5):
        try_password(Client(), "ada@test.example", "wrong")
    client.force_login(admin)
    content = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "ada@test.example" in content
    assert "192.0.2.1" in content


def test_an_address_below_its_own_limit_locks_only_the_accounts_it_tried(db, settings):
    """A trust's board may share one address: one member's mistakes, or guesses at
    made-up accounts, lock those accounts but not the address, until the address's own
    (higher) limit."""
    UserFactory(email="bea@test.example", password="correct horse battery")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        try_password(Client(), "made-up@test.example", "wrong", address="203.0.113.9")
    locked_out(try_password(Client(), "made-up@test.example", "anything", "198.51.100.7"))
    same_address = try_password(
        Client(), "bea@test.example", "correct horse battery", "203.0.113.9"
    )
    redirected(same_address, reverse("quarter:home"))


def test_an_address_is_locked_at_its_own_limit_and_no_sooner(db, settings):
    UserFactory(email="bea@test.example", password="correct horse battery")
    limit = settings.SIGN_IN_ADDRESS_FAILURE_LIMIT
    for n in range(limit - 1):
        refused = try_password(Client(), f"guess{n}@test.example", "wrong", "203.0.113.9")
        assert refused.status_code == 200  # the form again, with its error: not locked
    assert try_password(Client(), "guess@test.example", "wrong", "203.0.113.9").status_code == 429
    locked_out(try_password(Client(), "bea@test.example", "correct horse battery", "203.0.113.9"))


PROXY = {"REMOTE_ADDR": "127.0.0.1"}


def through_proxy(email, password, client_address, sent_by_client=""):
    """A sign-in as the TLS proxy passes it on: from the proxy's address, with the
    client's address appended to whatever X-Forwarded-For the client sent."""
    chain = f"{sent_by_client}, {client_address}" if sent_by_client else client_address
    return Client().post(
        reverse("accounts:sign-in"),
        {"username": email, "password": password},
        HTTP_X_FORWARDED_FOR=chain,
        **PROXY,
    )


def test_behind_the_proxy_one_clients_failures_lock_that_client_not_everyone(db, settings):
    settings.PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1"]
    UserFactory(email="bea@test.example", password="correct horse battery")
    for n in range(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT):
        through_proxy(f"made-up{n % 3}@test.example", "wrong", "198.51.100.20")
    locked_out(through_proxy("bea@test.example", "correct horse battery", "198.51.100.20"))
    redirected(through_proxy("bea@test.example", "correct horse battery", "192.0.2.30"), "/")
    recorded = set(AccessAttempt.objects.values_list("ip_address", flat=True))
    assert recorded == {"198.51.100.20"}


def test_an_address_a_client_writes_into_the_header_is_never_believed(db, settings):
    settings.PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    for _ in range(settings.AXES_FAILURE_LIMIT):
        through_proxy("ada@test.example", "wrong", "198.51.100.20", sent_by_client="192.0.2.99")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.20"}


def test_the_header_is_ignored_unless_the_request_came_from_the_proxy(db, settings):
    settings.PROXY_COUNT = 1
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1"]
    Client().post(
        reverse("accounts:sign-in"),
        {"username": "ada@test.example", "password": "wrong"},
        HTTP_X_FORWARDED_FOR="192.0.2.99",
        REMOTE_ADDR="203.0.113.40",
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.40"}


def test_signing_in_at_a_shared_address_never_clears_anyone_elses_failures(db, settings):
    """Behind one trust network address, a colleague's sign-in must not reset the count of
    someone guessing at another account from the same address."""
    UserFactory(email="ada@test.example", password="correct horse battery")
    UserFactory(email="bea@test.example", password="correct horse battery")
    for _ in range(4):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            try_password(Client(), "ada@test.example", "guess", "203.0.113.9")
        redirected(
            try_password(Client(), "bea@test.example", "correct horse battery", "203.0.113.9"),
            reverse("quarter:home"),
        )
    locked_out(try_password(Client(), "ada@test.example", "correct horse battery", "192.0.2.8"))


def test_signing_in_clears_that_accounts_own_failures(db, settings):
    UserFactory(email="ada@test.example", password="correct horse battery")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        try_password(Client(), "ada@test.example", "typo", "203.0.113.9")
    redirected(try_password(Client(), "ada@test.example", "correct horse battery"), "/")
    assert not AccessAttempt.objects.filter(username="ada@test.example").exists()
