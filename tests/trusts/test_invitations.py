"""Invitations: the coordinator adds board members; the app emails single-use links."""

import datetime
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from tests.factories import MembershipFactory, UserFactory
from tests.pages import forbidden, to_sign_in
from trusts.models import Invitation, Membership, Role, SeatGroup, User


def people_url(trust):
    return reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code})


def invite(client, trust, email="new.member@test.example", seat_group="executive", **extra):
    data = {"full_name": "New Member", "email": email, "seat_group": seat_group, **extra}
    return client.post(people_url(trust), data)


def link_in(message) -> str:
    (path,) = re.findall(r"http://[^\s]+/invitations/([^\s/]+)/", message.body)
    return reverse("trusts:invitation-accept", kwargs={"token": path})


@pytest.fixture
def coordinator_client(signed_in, coordinator, django_capture_on_commit_callbacks):
    return signed_in(coordinator)


def invite_and_send(client, trust, callbacks, **kwargs):
    with callbacks(execute=True):
        return invite(client, trust, **kwargs)


def test_invite_new_person_emails_a_single_use_link(
    coordinator_client, trust, django_capture_on_commit_callbacks
):
    response = invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.seat_group) == ("new.member@test.example", "executive")
    (message,) = mail.outbox
    assert message.to == ["new.member@test.example"]
    assert trust.name in message.subject
    token_path = link_in(message)
    assert invitation.token_hash not in message.body  # only the token travels, never its hash
    assert not User.objects.filter(email="new.member@test.example").exists()
    assert AuditEvent.objects.filter(action="invitation.sent", trust=trust).exists()
    assert token_path


def test_invitation_accept_sets_password_adds_member_and_signs_in(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    coordinator_client.logout()
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"password": "a long passphrase", "password_again": "a long passphrase"}
    )
    assert response.url == reverse("quarter:home")
    user = User.objects.get(email="new.member@test.example")
    assert user.check_password("a long passphrase")
    membership = Membership.objects.get(user=user, trust=trust)
    assert (membership.role, membership.seat_group) == (Role.BOARD_MEMBER, SeatGroup.EXECUTIVE)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_invitation_link_works_only_once(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    client.post(url, {"password": "a long passphrase", "password_again": "a long passphrase"})
    client.logout()
    response = client.post(
        url, {"password": "another passphrase", "password_again": "another passphrase"}
    )
    assert response.status_code == 410
    assert User.objects.get(email="new.member@test.example").check_password("a long passphrase")


def test_invitation_link_expires(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = client.get(link_in(mail.outbox[0]))
    assert response.status_code == 410
    assert "This link no longer works" in response.content.decode()


def test_invitation_unknown_token_is_410(client, db):
    response = client.get(reverse("trusts:invitation-accept", kwargs={"token": "nonsense"}))
    assert response.status_code == 410
    assert "<h1>This link no longer works</h1>" in response.content.decode()


def test_invitation_accept_weak_or_mismatched_password_is_an_error(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    url = link_in(mail.outbox[0])
    response = client.post(url, {"password": "a long passphrase", "password_again": "different"})
    assert "The passwords do not match" in response.content.decode()
    response = client.post(url, {"password": "12345678", "password_again": "12345678"})
    assert "nhsuk-error-summary" in response.content.decode()
    assert not User.objects.filter(email="new.member@test.example").exists()
    assert Invitation.objects.get().accepted_at is None


def test_invitation_resend_replaces_the_link(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            reverse("trusts:invitation-resend", args=[trust.ods_code, invitation.pk])
        )
    first, second = mail.outbox
    assert second.to == ["new.member@test.example"]
    assert client.get(link_in(first)).status_code == 410
    assert client.get(link_in(second)).status_code == 200


def test_invitation_revoke_stops_the_link(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    coordinator_client.post(
        reverse("trusts:invitation-revoke", args=[trust.ods_code, invitation.pk])
    )
    assert client.get(link_in(mail.outbox[0])).status_code == 410
    assert AuditEvent.objects.filter(action="invitation.revoked").exists()


def test_invite_existing_account_waits_for_the_person_to_accept(
    coordinator_client, trust, django_capture_on_commit_callbacks
):
    invitee = Client()  # the invited person's own browser
    existing = UserFactory(email="Known.Person@test.example", password="their own password")
    invite_and_send(
        coordinator_client,
        trust,
        django_capture_on_commit_callbacks,
        email="known.person@TEST.example",
    )
    # Nothing changes for them until they agree.
    assert not Membership.objects.filter(user=existing, trust=trust).exists()
    (message,) = mail.outbox
    assert message.to == ["known.person@test.example"]
    link = link_in(message)
    # Signed out, the link asks them to sign in to the account they have.
    page = invitee.get(link).content.decode()
    assert "Sign in to accept" in page
    assert not Membership.objects.filter(user=existing, trust=trust).exists()
    invitee.force_login(existing)
    assert "Join the board" in invitee.get(link).content.decode()
    response = invitee.post(link)
    assert response.status_code == 302
    assert Membership.objects.filter(user=existing, trust=trust, role=Role.BOARD_MEMBER).exists()
    assert User.objects.filter(email__iexact="known.person@test.example").count() == 1
    assert invitee.get(link).status_code == 410  # once only


def test_invitation_for_an_account_cannot_be_accepted_by_another_account(
    coordinator_client, trust, django_capture_on_commit_callbacks
):
    invitee = Client()  # the invited person's own browser
    UserFactory(email="known.person@test.example", password="their own password")
    someone_else = UserFactory(email="someone.else@test.example")
    invite_and_send(
        coordinator_client,
        trust,
        django_capture_on_commit_callbacks,
        email="known.person@test.example",
    )
    invitee.force_login(someone_else)
    link = link_in(mail.outbox[0])
    assert invitee.get(link).status_code == 403
    assert invitee.post(link).status_code == 403
    assert not Membership.objects.filter(trust=trust, user=someone_else).exists()


def test_invite_page_reveals_nothing_about_whether_an_account_exists(
    coordinator_client, trust, other_trust, django_capture_on_commit_callbacks
):
    # Another trust's coordinator has an account; a stranger has none.
    MembershipFactory(
        user=UserFactory(email="their.lead@test.example"), trust=other_trust, role=Role.COORDINATOR
    )
    pages = []
    for email in ("their.lead@test.example", "nobody@test.example"):
        response = invite_and_send(
            coordinator_client, trust, django_capture_on_commit_callbacks, email=email
        )
        page = coordinator_client.get(response.url).content.decode()
        pages.append(re.sub(r"(their\.lead|nobody)@test\.example", "EMAIL", page))
    messages = [re.search(r"We have emailed .*?</p>", page).group(0) for page in pages]
    assert messages[0] == messages[1]
    statuses = [
        Invitation.objects.get(email=email).status
        for email in ("their.lead@test.example", "nobody@test.example")
    ]
    assert statuses == ["Invited", "Invited"]
    assert not Membership.objects.filter(trust=trust, role=Role.BOARD_MEMBER).exists()


def test_invite_existing_account_without_password_gets_a_link_and_keeps_one_account(
    coordinator_client, client, trust, django_capture_on_commit_callbacks
):
    existing = UserFactory(email="no.password@test.example", password=None)
    invite_and_send(
        coordinator_client,
        trust,
        django_capture_on_commit_callbacks,
        email="no.password@test.example",
    )
    client.post(
        link_in(mail.outbox[0]),
        {"password": "a long passphrase", "password_again": "a long passphrase"},
    )
    existing.refresh_from_db()
    assert existing.check_password("a long passphrase")
    assert User.objects.filter(email="no.password@test.example").count() == 1


def test_invite_someone_already_on_the_board_is_an_error(coordinator_client, trust, board_member):
    response = invite(coordinator_client, trust, email=board_member.email)
    assert "is already on" in response.content.decode()
    assert not Invitation.objects.exists()


def test_invite_twice_is_an_error(coordinator_client, trust, django_capture_on_commit_callbacks):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    response = invite(coordinator_client, trust)
    assert "has already been invited" in response.content.decode()
    assert Invitation.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email"}, "Enter an email address like name@nhs.net"),
        ({"seat_group": ""}, "Choose executive or non-executive"),
        ({"full_name": ""}, "Enter the board member&#x27;s full name"),
    ],
)
def test_invite_bad_input_is_an_error_and_sends_nothing(coordinator_client, trust, data, message):
    response = invite(coordinator_client, trust, **data)
    assert message in response.content.decode()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_people_page_board_member_is_403(signed_in, board_member, trust):
    forbidden(signed_in(board_member).get(people_url(trust)))
    forbidden(invite(signed_in(board_member), trust))


def test_people_page_anonymous_redirects(client, trust):
    to_sign_in(client.get(people_url(trust)), people_url(trust))


def test_invitation_of_another_trust_is_404(
    signed_in, coordinator, other_trust, programme_staff, django_capture_on_commit_callbacks
):
    from trusts.actions import invitation_send

    invitation = invitation_send(
        trust=other_trust,
        email="elsewhere@test.example",
        full_name="Else Where",
        seat_group=SeatGroup.EXECUTIVE,
        by=programme_staff,
    )
    url = reverse(
        "trusts:invitation-revoke",
        args=[coordinator.memberships.get().trust.ods_code, invitation.pk],
    )
    assert signed_in(coordinator).post(url).status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_remove_member_after_confirming(coordinator_client, trust, board_member):
    membership = Membership.objects.get(user=board_member, trust=trust)
    url = reverse("trusts:membership-remove", args=[trust.ods_code, membership.pk])
    assert "Remove Bea Member" in coordinator_client.get(url).content.decode()
    assert coordinator_client.post(url).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.get(action="membership.removed").detail["user"] == board_member.email


def test_remove_member_of_another_trust_is_404(signed_in, coordinator, other_trust):
    from tests.factories import MembershipFactory

    other = MembershipFactory(trust=other_trust)
    url = reverse(
        "trusts:membership-remove", args=[coordinator.memberships.get().trust.ods_code, other.pk]
    )
    assert signed_in(coordinator).post(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_revoke_asks_first(coordinator_client, trust, django_capture_on_commit_callbacks):
    invite_and_send(coordinator_client, trust, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    url = reverse("trusts:invitation-revoke", args=[trust.ods_code, invitation.pk])
    content = coordinator_client.get(url).content.decode()
    assert f"Revoke the invitation to {invitation.email}?" in content
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    coordinator_client.post(url)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
