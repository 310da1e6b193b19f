from django.core.management import call_command
from django.urls import reverse

from core.models import AuditEvent
from seeders.demo import DEMO_PASSWORD, DEMO_TRUSTS, seed_demo
from trusts.models import DataOrigin, Membership, Role, Trust, User


def test_seed_demo_creates_fictional_trusts_and_every_role(db):
    seed_demo()
    assert set(Trust.objects.values_list("origin", flat=True)) == {DataOrigin.DEMO}
    assert Trust.objects.count() == len(DEMO_TRUSTS)
    assert Membership.objects.filter(role=Role.COORDINATOR).count() == len(DEMO_TRUSTS)
    assert User.objects.filter(is_programme_staff=True).exists()
    assert User.objects.filter(is_superuser=True).exists()
    for trust in Trust.objects.all():
        assert trust.memberships.filter(role=Role.BOARD_MEMBER).count() >= 5


def test_seed_demo_codes_are_not_real_ods_trust_codes(db):
    # Real trust codes start with R (or are 5-character codes); ours start with ZZ.
    assert all(demo.ods_code.startswith("ZZ") for demo in DEMO_TRUSTS)


def test_seed_demo_users_can_sign_in_with_the_printed_password(client, db):
    logins = seed_demo()
    for login in logins:
        response = client.post(
            reverse("accounts:sign-in"), {"username": login.email, "password": DEMO_PASSWORD}
        )
        assert response.status_code == 302, login.email
        assert client.session.get("_auth_user_id"), login.email
        client.post(reverse("accounts:sign-out"))


def test_seed_demo_second_run_changes_nothing(db):
    seed_demo()
    counts = (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count())
    seed_demo()
    assert (User.objects.count(), Membership.objects.count(), AuditEvent.objects.count()) == counts


def test_seed_demo_command_prints_sign_ins(db, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "programme@quarterdeck.example" in out
    assert DEMO_PASSWORD in out


def test_seed_demo_last_quarters_meeting_has_its_minutes(db, settings):
    settings.MIN_RESPONSES = 3
    seed_demo()
    for trust in Trust.objects.filter(ods_code__in=[demo.ods_code for demo in DEMO_TRUSTS]):
        closed = trust.assessments.get(closed_at__isnull=False)
        vote = closed.room_votes.get()
        assert vote.shown
        assert sum(vote.counts.values()) == vote.voted >= 3
        assert closed.attendance.executives > 0
        assert closed.positions.exclude(dissent="").count() == 1
