"""Subject access: a signed-in person downloads everything held about them as one file,
their own answers and nobody else's, never a secret, from an address that names nobody."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import BrowserKey
from accounts.two_factor import recovery_codes_new
from assessments.privacy.subject_access import ABOUT, subject_access_file
from assessments.quarter.actions import assessment_close, assessment_open, board_remind
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from core.models import AuditEvent, Email
from principles.models import Principle, Question
from reports.meeting.actions import vote_cast, vote_open
from tests.factories import (
    AccessAttemptFactory,
    AccessFailureLogFactory,
    AccessLogFactory,
    BrowserKeyFactory,
    KeptInputFactory,
    MembershipFactory,
    TOTPDeviceFactory,
    UserFactory,
)
from tests.helpers import on_day, quarter_of_year
from tests.pages import page_headed, to_sign_in
from trusts.actions import invitation_send
from trusts.models import Invitation, Role, SeatGroup

URL = "/account/your-data.json"


def comment_of(person, quarter: str, question) -> str:
    return f"{person.full_name}'s own view in {quarter} on {question.key}"


def everything_answered(assessment, person, score: int, quarter: str) -> None:
    """Every question at ``score``, each with the person's own comment, and submitted."""
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    response = answers_save(
        assessment=assessment,
        respondent=person,
        answers={
            q: AnswerInput(score=score, comment=comment_of(person, quarter, q)) for q in questions
        },
        by=person,
    )
    response_submit(response=response, by=person)


@pytest.fixture
def olive(trust):
    """Another board member of the same trust, who answers too."""
    return MembershipFactory(
        trust=trust,
        role=Role.BOARD_MEMBER,
        seat_group=SeatGroup.EXECUTIVE,
        user=UserFactory(full_name="Olive Other", email="olive@test.example"),
    ).user


@pytest.fixture
def held(board_member, olive, coordinator, trust, other_trust, framework, settings):
    """Bea answered in two quarters with comments (the first closed and published), was
    reminded, invited to another trust's board, locked out once, kept input, signed in on
    a browser and set up two-factor. Olive answered the same quarters."""
    settings.MIN_RESPONSES = 1
    earlier = assessment_open(
        trust=trust, cycle=quarter_of_year(framework, 2026, 2), by=coordinator
    )
    for person, score in ((board_member, 2), (olive, 5)):
        everything_answered(earlier, person, score, "Q2")
    assessment_close(assessment=earlier, by=coordinator)
    principle = Principle.objects.get(framework=framework, number=1)
    vote = vote_open(assessment=earlier, principle=principle, by=coordinator)
    vote_cast(vote=vote, level=4, by=board_member)  # in the meeting, still open
    now = assessment_open(trust=trust, cycle=quarter_of_year(framework, 2026, 3), by=coordinator)
    first, second = Question.objects.filter(framework=framework).order_by(
        "principle__number", "order"
    )[:2]
    for person in (board_member, olive):
        answers_save(
            assessment=now,
            respondent=person,
            answers={
                first: AnswerInput(score=4, comment=comment_of(person, "Q3", first)),
                second: AnswerInput(dont_know=True, comment=comment_of(person, "Q3", second)),
            },
            by=person,
        )
    board_remind(assessment=now, by=coordinator)
    other_lead = MembershipFactory(trust=other_trust, role=Role.COORDINATOR, seat_group="").user
    invitation_send(
        trust=other_trust,
        email="Bea@Test.Example",
        full_name="Bea Member",
        seat_group=SeatGroup.EXECUTIVE,
        by=other_lead,
    )
    AccessAttemptFactory(
        username="bea@test.example", ip_address="192.0.2.7", failures_since_start=3
    )
    AccessFailureLogFactory(username="bea@test.example", ip_address="192.0.2.7", locked_out=True)
    AccessLogFactory(username="bea@test.example", ip_address="198.51.100.4")
    AccessAttemptFactory(username="olive@test.example", ip_address="203.0.113.9")
    KeptInputFactory(
        user=board_member,
        path="/trusts/QAA/",
        post="comment=Typed+while+away&csrfmiddlewaretoken=not-to-be-kept",
    )
    BrowserKeyFactory(user=board_member)
    TOTPDeviceFactory(user=board_member)
    recovery_codes_new(user=board_member)
    return board_member


def sign_in(client, person) -> None:
    """Signed in, the second factor given where the person has set one up."""
    client.force_login(person)
    session = client.session
    session[two_factor.SESSION_KEY] = two_factor.DONE
    session.save()


def download(client, person) -> dict:
    sign_in(client, person)
    response = client.get(URL)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content.decode("utf-8"))


def test_the_file_says_what_each_section_is_and_holds_each_of_them(client, held):
    data = download(client, held)
    assert set(data["about"]["sections"]) == set(data) - {"about"}
    assert data["about"]["sections"] == ABOUT
    assert "bea@test.example" in data["about"]["what_this_is"]
    account = data["account"]
    assert (account["name"], account["email"], account["two_factor_set_up"]) == (
        "Bea Member",
        "bea@test.example",
        True,
    )
    assert account["joined"]
    assert account["last_signed_in"]
    (membership,) = data["memberships"]
    assert (membership["trust"], membership["role"], membership["seat"]) == (
        "Testshire Hospitals NHS Trust",
        "Board member",
        "Non-executive",
    )
    assert membership["since"]


def test_the_file_holds_every_answer_and_comment_of_the_person_in_every_quarter(
    client, held, framework
):
    data = download(client, held)
    earlier, now = data["responses"]
    questions = Question.objects.filter(framework=framework).order_by("principle__number", "order")
    assert (earlier["quarter"], earlier["status"]) == ("2026/27 Q2", "Submitted")
    assert earlier["submitted_at"]
    assert [a["question_key"] for a in earlier["answers"]] == [q.key for q in questions]
    assert {a["answer"] for a in earlier["answers"]} == {"2: Emerging"}
    assert [a["comment"] for a in earlier["answers"]] == [
        comment_of(held, "Q2", q) for q in questions
    ]
    assert earlier["answers"][0]["question"] == questions[0].text
    assert all(answer["saved_at"] for answer in earlier["answers"])
    # Published at close: the copy kept in the release is the person's own, whole.
    (published,) = earlier["as_published"]
    assert published["publication"] == 1
    assert [a["comment"] for a in published["answers"]] == [
        comment_of(held, "Q2", q) for q in questions
    ]
    assert (now["quarter"], now["status"], now["submitted_at"]) == (
        "2026/27 Q3",
        "In progress",
        None,
    )
    assert [(a["answer"], a["level"], a["dont_know"]) for a in now["answers"]] == [
        ("4: Established", 4, False),
        ("Don't know", None, True),
    ]
    assert now["answers"][1]["comment"] == comment_of(held, "Q3", questions[1])
    assert now["as_published"] == []
    (reminder,) = data["reminders"]
    assert reminder["quarter"] == "2026/27 Q3"
    (vote,) = data["room_votes"]  # that they voted, never what they chose
    assert vote == {
        "trust": "Testshire Hospitals NHS Trust",
        "quarter": "2026/27 Q2",
        "principle": f"1. {Principle.objects.get(number=1).title}",
    }


def test_the_file_holds_invitations_emails_audit_entries_kept_input_keys_and_lockouts(client, held):
    data = download(client, held)
    (invitation,) = data["invitations_to_you"]
    assert (invitation["trust"], invitation["email"], invitation["status"]) == (
        "Otherton Community NHS Trust",
        "bea@test.example",
        "Waiting to be sent",
    )
    assert data["invitations_you_sent"] == []
    subjects = [email["subject"] for email in data["emails_to_you"]]
    assert len(subjects) == Email.objects.filter(to="bea@test.example").count() == 4
    assert any("invited" in subject for subject in subjects)
    actions = [entry["action"] for entry in data["audit_entries"]]
    for action in (
        "user.created",
        "membership.added",
        "response.submitted",
        "reminder.sent",
        "invitation.sent",
        "user.recovery_codes_replaced",
    ):
        assert action in actions
    kept = data["input_kept_for_you"]
    assert kept["pages"] == 1
    assert kept["kept"][0]["page"] == "/trusts/QAA/"
    assert kept["kept"][0]["fields"] == {"comment": ["Typed while away"]}
    # The one made in the fixture, and this browser's, given when it signed in.
    assert len(data["browser_keys"]) == BrowserKey.objects.filter(user=held).count() == 2
    assert all(browser["made_at"] for browser in data["browser_keys"])
    records = data["sign_in_records"]
    (attempt,) = records["attempts_counted_towards_a_lockout"]
    assert (attempt["network_address"], attempt["page"], attempt["failures"]) == (
        "192.0.2.7",
        "/sign-in/",
        3,
    )
    assert attempt["at"]
    assert records["failures"][0]["locked_out"] is True
    assert records["sign_ins"][0]["network_address"] == "198.51.100.4"


def test_the_file_holds_no_other_members_answers_comments_audit_or_sign_ins(client, held, olive):
    text = json.dumps(download(client, held))
    assert "Olive Other's own view" not in text
    assert "olive@test.example" not in text
    assert "203.0.113.9" not in text
    assert AuditEvent.objects.filter(actor=olive).exists()
    assert "Olive Other" not in {entry["by"] for entry in json.loads(text)["audit_entries"]}
    # Olive's own file, from the same address, holds hers and none of Bea's.
    theirs = download(Client(), olive)
    assert theirs["account"]["email"] == "olive@test.example"
    olive_text = json.dumps(theirs)
    assert "Olive Other's own view" in olive_text
    assert "Bea Member's own view" not in olive_text
    assert "bea@test.example" not in olive_text


def test_the_address_names_nobody_so_each_person_gets_only_their_own_file(
    client, held, coordinator
):
    assert reverse("privacy:account-data") == URL
    assert (resolve(URL).args, resolve(URL).kwargs) == ((), {})
    theirs = download(client, coordinator)
    assert theirs["account"]["email"] == "cora@test.example"
    assert theirs["responses"] == []


def test_the_file_never_holds_a_password_hash_two_factor_secret_or_token(client, held):
    codes = recovery_codes_new(user=held)
    sign_in(client, held)
    text = client.get(URL).content.decode()
    held.refresh_from_db()
    assert held.password.startswith("md5$")
    assert held.password not in text
    device = TOTPDevice.objects.get(user=held)
    assert device.key not in text
    for code in codes:
        assert code not in text
    invitation_email = Email.objects.get(to="bea@test.example", template="invitation")
    (token,) = re.findall(r"/invitations/([^\s/]+)/", invitation_email.body)
    assert token not in text
    assert "[link left out]" in text
    assert Invitation.objects.get().token_hash not in text
    for digest in BrowserKey.objects.values_list("digest", flat=True):
        assert digest not in text
    assert "not-to-be-kept" not in text
    assert "csrfmiddlewaretoken" not in text


@pytest.mark.parametrize("how_much", ["one answer", "two quarters of answers and more"])
def test_the_file_is_made_in_the_same_number_of_queries_however_much_is_held(
    how_much, board_member, django_assert_num_queries, request
):
    if how_much == "one answer":
        assessment = request.getfixturevalue("assessment")
        question = Question.objects.filter(framework=assessment.cycle.framework).first()
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={question: AnswerInput(score=3, comment="Mine")},
            by=board_member,
        )
        person = board_member
    else:
        person = request.getfixturevalue("held")
    with django_assert_num_queries(18):
        data = subject_access_file(person)
    assert data["responses"]


def test_someone_signed_out_is_sent_to_sign_in_and_given_nothing(client, db):
    response = to_sign_in(client.get(URL), URL)
    assert b"responses" not in response.content


def test_the_download_is_an_attachment_named_by_the_day_and_never_cached(client, board_member):
    with on_day(datetime.date(2026, 11, 3)):
        client.force_login(board_member)
        response = client.get(URL)
    assert response["Content-Disposition"] == (
        'attachment; filename="quarterdeck-my-data-2026-11-03.json"'
    )
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["account"]["email"] == "bea@test.example"


def test_the_account_page_offers_everything_we_hold_about_you(client, board_member):
    client.force_login(board_member)
    page = page_headed(client.get(reverse("accounts:account")), "Your account").content.decode()
    assert "<h2>Your data</h2>" in page
    assert f'<a href="{URL}" download>Download everything we hold about you</a>' in page
    assert "your own answers and comments in every quarter" in page
