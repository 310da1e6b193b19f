"""Two-factor authentication: required for privileged roles signing in with a password
(a setting, on in production), optional for board members, reset by an administrator."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from core.models import AuditEvent
from tests.pages import page_headed


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def sign_in(client, user, next_url=""):
    url = reverse("accounts:sign-in") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": user.email, "password": "a-test-password"})


def current_code(device: TOTPDevice, ahead: int = 0) -> str:
    """The app's code now, or ``ahead`` steps on (a code is accepted once, so a second
    sign-in within 30 seconds of the first uses the next one, which is within tolerance)."""
    device.refresh_from_db()
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead)
    return f"{code:06d}"


def set_up(client, name: str = "Work phone") -> list[str]:
    """Goes through set-up on the client's session, naming the authenticator; returns the
    recovery codes shown (none for a second authenticator)."""
    client.get(reverse("accounts:two-factor-set-up"))
    device = TOTPDevice.objects.get(confirmed=False)
    response = client.post(
        reverse("accounts:two-factor-set-up"),
        {"name": name, "code": current_code(device)},
        follow=True,
    )
    return re.findall(r"<li><code>([a-z0-9]+)</code></li>", response.content.decode())


def test_coordinator_password_sign_in_must_set_up_two_factor_before_anything(
    client, coordinator, trust, required
):
    response = sign_in(client, coordinator)
    assert response.status_code == 302
    trust_page = reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code})
    blocked = client.get(trust_page)
    assert blocked.status_code == 302
    assert blocked.url.startswith(reverse("accounts:two-factor"))
    assert (
        client.get(blocked.url, follow=True)
        .redirect_chain[-1][0]
        .startswith(reverse("accounts:two-factor-set-up"))
    )
    page = client.get(reverse("accounts:two-factor-set-up")).content.decode()
    assert "<svg" in page  # the QR code, inline
    assert re.search(r'class="qd-secret-key">([A-Z2-7]{4} ){7}[A-Z2-7]{4}<', page)
    codes = set_up(client)
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    assert client.get(trust_page).status_code == 200
    assert AuditEvent.objects.filter(action="user.two_factor_added").exists()


def test_recovery_codes_are_shown_once(client, coordinator, required):
    sign_in(client, coordinator)
    set_up(client)
    again = client.get(reverse("accounts:two-factor-recovery-codes")).content.decode()
    assert "<code>" not in again
    assert "You have 10 recovery codes left" in again


def test_next_sign_in_asks_for_the_code_and_refuses_a_wrong_one(coordinator, trust, required):
    first = Client()
    sign_in(first, coordinator)
    set_up(first)
    client = Client()
    trust_page = reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code})
    response = sign_in(client, coordinator, next_url=trust_page)
    asked = client.get(response.url, follow=True)
    assert "Enter your security code" in asked.content.decode()
    code_page = asked.redirect_chain[-1][0] if asked.redirect_chain else response.url
    wrong = client.post(code_page, {"code": "000000", "next": trust_page})
    assert "nhsuk-error-summary" in wrong.content.decode()
    assert client.get(trust_page).status_code == 302
    device = TOTPDevice.objects.get(user=coordinator)
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    reused = client.post(code_page, {"code": current_code(device), "next": trust_page})
    assert reused.status_code == 200  # the code set-up used cannot be replayed
    device.throttling_failure_count = 0
    device.save()
    right = client.post(code_page, {"code": current_code(device, ahead=1), "next": trust_page})
    assert right.status_code == 302
    assert right.url == trust_page
    assert client.get(trust_page).status_code == 200


def test_a_recovery_code_signs_in_once(coordinator, required):
    first = Client()
    sign_in(first, coordinator)
    code = set_up(first)[0]
    for expected in ("ok", "refused"):
        client = Client()
        sign_in(client, coordinator)
        response = client.post(reverse("accounts:two-factor"), {"code": code.upper()})
        if expected == "ok":
            assert response.status_code == 302
            assert client.get(reverse("accounts:account")).status_code == 200
        else:
            assert "nhsuk-error-summary" in response.content.decode()
    assert AuditEvent.objects.filter(action="user.recovery_code_used").count() == 1


def test_repeated_wrong_codes_are_throttled(client, coordinator, required):
    first = Client()
    sign_in(first, coordinator)
    set_up(first)
    sign_in(client, coordinator)
    for _ in range(3):
        client.post(reverse("accounts:two-factor"), {"code": "000000"})
    device = TOTPDevice.objects.get(user=coordinator)
    response = client.post(reverse("accounts:two-factor"), {"code": current_code(device)})
    assert "Too many wrong codes" in response.content.decode()


def test_programme_staff_and_administrators_need_it_too(programme_staff, required, db):
    from tests.factories import UserFactory

    admin = UserFactory(email="admin@test.example", is_superuser=True)
    for user in (programme_staff, admin):
        client = Client()
        sign_in(client, user)
        assert client.get(reverse("quarter:home")).url.startswith(reverse("accounts:two-factor"))
    client = Client()
    sign_in(client, admin)
    assert client.get(reverse("admin:index")).status_code == 302  # not the admin yet


def test_board_members_are_not_asked_unless_they_turn_it_on(client, board_member, required):
    sign_in(client, board_member)
    page_headed(client.get(reverse("quarter:home")), f"Hello, {board_member.get_short_name()}")
    set_up(client)
    later = Client()
    sign_in(later, board_member)
    assert later.get(reverse("quarter:home")).url.startswith(reverse("accounts:two-factor"))


def test_local_demo_keeps_password_only_sign_in(client, coordinator, settings):
    settings.TWO_FACTOR_REQUIRED = False
    sign_in(client, coordinator)
    page_headed(client.get(reverse("quarter:home")), f"Hello, {coordinator.get_short_name()}")


def test_production_settings_require_two_factor():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", "from config import settings; print(settings.TWO_FACTOR_REQUIRED)"],
        env={"QUARTERDECK_ENV": "production", "SECRET_KEY": "x" * 50, "PATH": "/usr/bin"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "True"


def test_administrator_resets_two_factor_with_an_audit_entry(client, coordinator, required, db):
    from tests.factories import UserFactory

    first = Client()
    sign_in(first, coordinator)
    set_up(first)
    admin = UserFactory(email="admin@test.example", is_superuser=True)
    client.force_login(admin)
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.DONE
    session.save()
    response = client.post(
        reverse("admin:trusts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coordinator.pk]},
        follow=True,
    )
    assert "Two-factor authentication reset for 1 person" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()
    event = AuditEvent.objects.get(action="user.two_factor_reset")
    assert (event.actor, event.target_id) == (admin, str(coordinator.pk))
    again = Client()
    sign_in(again, coordinator)
    assert (
        again.get(reverse("accounts:two-factor"), follow=True)
        .redirect_chain[-1][0]
        .startswith(reverse("accounts:two-factor-set-up"))
    )
