"""People leaving the board, and people erased: published results stay as published, the
board size is the board of that quarter, and nothing of the person is left behind."""

from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.core.management import CommandError, call_command
from django.http import QueryDict
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.keeping import keep
from accounts.models import KeptInput
from assessments.models import Answer, Response
from assessments.privacy.erasure import ERASED_NAME, person_erase
from assessments.quarter.actions import assessment_close, assessment_reopen
from core.models import AuditEvent, Email
from reports.paper.actions import paper_file
from reports.paper.presenters import board_paper
from tests.factories import SETUP
from tests.helpers import answer_everything, new_board_member, submitted_board
from trusts.actions import membership_remove
from trusts.models import Invitation, Role, SeatGroup


@pytest.fixture
def published(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 4, score=3)
    new_board_member(assessment.trust)  # a fifth who never answers
    return assessment_close(assessment=assessment, by=coordinator)


def test_board_size_of_a_published_quarter_stays_when_members_leave(published, coordinator):
    assert (board_paper(published).submitted, board_paper(published).board_size) == (4, 5)
    for membership in published.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]:
        membership_remove(membership=membership, by=coordinator)
    assert (board_paper(published).submitted, board_paper(published).board_size) == (4, 5)


def test_board_size_counts_a_member_who_submitted_and_left_before_close(
    assessment, coordinator, settings
):
    settings.MIN_RESPONSES = 3
    members = submitted_board(assessment, 4, score=3)
    membership_remove(membership=members[0].memberships.get(), by=coordinator)
    paper = board_paper(assessment_close(assessment=assessment, by=coordinator))
    assert (paper.submitted, paper.board_size) == (4, 4)  # never "4 of 3"


def test_erasure_removes_the_persons_answers_roles_invitations_emails_address_and_sign_in_records(
    published,
):
    person = Response.objects.filter(assessment=published).first().respondent
    email = person.email
    Invitation.objects.create(
        trust=published.trust,
        email=email,
        full_name="Again",
        seat_group=SeatGroup.EXECUTIVE,
        token_hash="x" * 64,
        sent_at=published.opened_at,
        expires_at=published.opened_at,
    )
    Email.objects.create(to=email, template="reminder", subject="S", body="B")
    AuditEvent.objects.create(action="reminder.sent", trust=published.trust, detail={"to": email})
    # What signing in keeps: input kept after a timeout, two-factor, lockout records.
    keep(user_id=person.pk, path="/somewhere/", post=QueryDict("comment=Mine"))
    TOTPDevice.objects.create(user=person, name="Authenticator app")
    AccessAttempt.objects.create(
        username=email, ip_address="192.0.2.1", user_agent="", failures_since_start=2
    )
    assert person_erase(user=person, by=SETUP) == 1
    person.refresh_from_db()
    assert (person.full_name, person.is_active, person.has_usable_password()) == (
        ERASED_NAME,
        False,
        False,
    )
    assert email not in person.email
    assert not Answer.objects.filter(response__respondent=person).exists()
    assert not person.memberships.exists()
    assert not Invitation.objects.filter(email__iexact=email).exists()
    assert not Email.objects.filter(to__iexact=email).exists()
    assert not KeptInput.objects.exists()
    assert not TOTPDevice.objects.exists()
    assert not AccessAttempt.objects.filter(username__iexact=email).exists()
    for event in AuditEvent.objects.all():
        assert email not in str(event.detail)
    assert AuditEvent.objects.filter(action="person.erased", trust=published.trust).exists()


def test_erasure_leaves_the_published_paper_as_it_was_with_a_note(
    published, coordinator, signed_in
):
    before = paper_file(assessment=published, by=coordinator)
    fingerprint = board_paper(published).fingerprint()
    person = Response.objects.filter(assessment=published).first().respondent
    person_erase(user=person, by=SETUP)
    assert board_paper(published).fingerprint() == fingerprint
    again = paper_file(assessment=published, by=coordinator)
    assert not again.made_now
    assert again.content == before.content
    page = signed_in(coordinator).get(
        reverse("paper:paper", args=[published.trust.ods_code, published.cycle.slug])
    )
    assert "1 response has been added, changed or removed since" in page.content.decode()


def test_erased_answers_are_left_out_of_the_next_release_only_with_enough_other_changes(
    published, coordinator
):
    person = Response.objects.filter(assessment=published).first().respondent
    reopened = assessment_reopen(assessment=published, reason="Erasure", by=coordinator)
    person_erase(user=person, by=SETUP)
    again = assessment_close(assessment=reopened, by=coordinator)
    assert board_paper(again).submitted == 4  # one removal alone is not published
    reopened = assessment_reopen(assessment=again, reason="Late answers", by=coordinator)
    for _ in range(2):
        answer_everything(reopened, new_board_member(reopened.trust), 5)
    paper = board_paper(assessment_close(assessment=reopened, by=coordinator))
    assert (paper.publication.number, paper.submitted) == (2, 5)  # 4 - 1 + 2


def test_erase_person_command_erases_and_refuses_an_unknown_address(published):
    person = Response.objects.filter(assessment=published).first().respondent
    out = StringIO()
    call_command("erase_person", person.email, "--yes", stdout=out)
    assert "Erased: 1 responses" in out.getvalue()
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_person", "nobody@test.example", "--yes")


def test_admin_erases_people_through_the_action_and_never_deletes_them(published, client):
    from tests.factories import UserFactory

    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    person = Response.objects.filter(assessment=published).first().respondent
    changelist = reverse("admin:trusts_user_changelist")
    response = client.post(
        changelist, {"action": "erase_people", "_selected_action": [person.pk]}, follow=True
    )
    assert "1 people erased (1 responses)" in response.content.decode()
    person.refresh_from_db()
    assert person.full_name == ERASED_NAME
    assert client.get(reverse("admin:trusts_user_delete", args=[person.pk])).status_code == 403
