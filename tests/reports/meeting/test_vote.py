"""The room vote: members choose a level from their phones; the screen shows how many have
voted, and how many chose each level only once the vote has closed with at least the
minimum group; nothing anywhere says who chose what; a principle's shown vote is not taken
again; moving on closes it; only the board's members vote, and only the digital lead opens
and closes it."""

import datetime
import re

import pytest
import time_machine
from cryptography.fernet import InvalidToken
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.middleware import LAST_SEEN
from accounts.models import KeptInput
from assessments.errors import AssessmentError
from assessments.models import RoomVote, RoomVoter
from assessments.quarter.actions import assessment_close, assessment_reopen
from core.kept import LOOKING_AGAIN
from core.models import AuditEvent
from core.sealing import sealer
from principles.models import Principle
from reports.meeting.actions import TALLY, vote_cast, vote_close, vote_open
from reports.paper.votes import room_votes_of
from tests.factories import MembershipFactory
from tests.helpers import new_board_member, submitted_board
from tests.pages import forbidden, text, to_sign_in
from trusts.models import Role

VOTE = "/vote/"


def args_of(assessment) -> list[str]:
    return [assessment.trust.ods_code, assessment.cycle.slug]


def page_url(assessment, number=2):
    return reverse("meeting:present-principle", args=[*args_of(assessment), number])


def phone(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def next_link(response) -> str:
    return re.search(r'href="([^"]+)" rel="next"', response.content.decode())[1].replace(
        "&amp;", "&"
    )


def cast(client, vote, level):
    return client.post(VOTE, {"vote": vote.pk, "level": level}, follow=True)


@pytest.fixture
def closed(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3, score=3)
    return assessment_close(assessment=assessment, by=coordinator)


@pytest.fixture
def members(closed):
    return [new_board_member(closed.trust) for _ in range(4)]


@pytest.fixture
def screen(closed, coordinator):
    return phone(coordinator)


def principle(assessment, number=2):
    return Principle.objects.get(framework_id=assessment.cycle.framework_id, number=number)


def test_the_short_link_is_short():
    assert reverse("meeting:vote") == VOTE


def test_the_screen_counts_votes_and_shows_the_levels_only_when_closed(closed, members, screen):
    opened = screen.post(page_url(closed), {"form": "vote-open"}, follow=True)
    assert "Vote on your phone at" in text(opened)
    assert "http://testserver/vote/" in text(opened)
    assert "0 have voted" in text(opened)
    vote = RoomVote.objects.get()
    for member, level in zip(members[:3], (3, 3, 4), strict=True):
        counted = cast(phone(member), vote, level)
        assert "Your vote is counted" in text(counted)
        assert "You have voted on principle 2" in text(counted)
    during = text(screen.get(page_url(closed)))
    assert "3 have voted" in during
    assert "chose level" not in during
    assert "Close the vote and show the result" in during
    closing = text(screen.post(page_url(closed), {"form": "vote-close"}, follow=True))
    assert "Room vote: 3 voted. 2 chose level 3 (developing), 1 chose level 4" in closing
    assert "The room has voted on this principle: its result stands." in closing


def test_a_vote_of_fewer_than_the_minimum_shows_only_how_many_and_keeps_no_tally(
    closed, members, screen
):
    screen.post(page_url(closed), {"form": "vote-open"})
    vote = RoomVote.objects.get()
    cast(phone(members[0]), vote, 5)
    closing = text(screen.post(page_url(closed), {"form": "vote-close"}, follow=True))
    assert "Room vote: 1 voted, fewer than 3, so how they chose is not shown." in closing
    assert "chose level" not in closing
    vote.refresh_from_db()
    assert (vote.voted, vote.counts, vote.shown) == (1, {}, False)
    assert "Take the room vote again" in closing  # nothing was shown: it may be taken again


def test_who_voted_is_kept_apart_from_what_they_chose_and_forgotten_at_close(
    closed, members, coordinator
):
    assert {field.name for field in RoomVoter._meta.concrete_fields} == {"id", "vote", "user"}
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    for member, level in zip(members[:3], (1, 2, 2), strict=True):
        vote_cast(vote=vote, level=level, by=member)
    assert RoomVoter.objects.filter(vote=vote).count() == 3
    vote.refresh_from_db()
    # While open, the tally is sealed: reading the database as ballots arrive shows no level.
    assert vote.counts == {}
    another_key = override_settings(SECRET_KEY="not the service's key", SECRET_KEY_FALLBACKS=[])
    with another_key, pytest.raises(InvalidToken):
        sealer(TALLY).decrypt(vote.sealed_tally.encode())
    vote_close(vote=vote, by=coordinator)
    vote.refresh_from_db()
    assert (vote.counts, vote.sealed_tally) == ({"1": 1, "2": 2}, "")
    assert not RoomVoter.objects.exists()
    assert RoomVote.objects.get().shown
    assert not AuditEvent.objects.filter(action__startswith="room_vote.cast").exists()
    closed_event = AuditEvent.objects.get(action="room_vote.closed")
    assert closed_event.detail == {"principle": 2, "voted": 3, "shown": True}


def test_moving_on_closes_the_vote_and_a_late_arrival_is_not_counted(closed, members, screen):
    screen.post(page_url(closed), {"form": "vote-open"})
    vote = RoomVote.objects.get()
    for member in members[:3]:
        cast(phone(member), vote, 2)
    late = phone(members[3])
    assert "Which level is the trust at?" in text(late.get(VOTE))  # they open the page...
    assert "2 have voted" not in text(screen.get(page_url(closed, 3)))  # a look elsewhere...
    assert RoomVote.objects.get().is_open  # ...changes nothing, but following Next...
    screen.get(next_link(screen.get(page_url(closed))))  # ...moves the meeting on...
    refused = text(cast(late, vote, 5))  # ...and they send it
    assert "This vote has closed: the meeting has moved on: your choice was not counted." in (
        refused
    )
    vote.refresh_from_db()
    assert (vote.closed_at is not None, vote.voted, vote.counts) == (True, 3, {"2": 3})
    assert "No vote is open on your board just now" in refused


def test_a_member_votes_once(closed, members, coordinator):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    member = phone(members[0])
    cast(member, vote, 3)
    again = text(cast(member, vote, 1))
    assert "You have voted in this vote already." in again
    vote.refresh_from_db()
    assert vote.voted == 1


def test_a_principle_whose_vote_was_shown_is_not_voted_on_again(closed, members, screen):
    screen.post(page_url(closed), {"form": "vote-open"})
    vote = RoomVote.objects.get()
    for member in members[:3]:
        cast(phone(member), vote, 4)
    screen.post(page_url(closed), {"form": "vote-close"})
    again = text(screen.post(page_url(closed), {"form": "vote-open"}, follow=True))
    assert "The room has voted on principle 2 already and its result was shown" in again
    assert RoomVote.objects.count() == 1
    assert "Take a room vote" not in again


def test_opening_a_vote_on_another_principle_closes_the_one_open(closed, coordinator):
    first = vote_open(assessment=closed, principle=principle(closed, 1), by=coordinator)
    vote_open(assessment=closed, principle=principle(closed, 2), by=coordinator)
    first.refresh_from_db()
    assert not first.is_open
    assert RoomVote.objects.filter(closed_at__isnull=True).count() == 1


def test_a_vote_is_taken_only_on_a_closed_quarter(assessment, coordinator):
    with pytest.raises(AssessmentError, match="closed quarter"):
        vote_open(assessment=assessment, principle=principle(assessment), by=coordinator)


def test_no_level_chosen_is_an_error_and_counts_nothing(closed, members, coordinator):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    response = phone(members[0]).post(VOTE, {"vote": vote.pk})
    assert "There is a problem" in text(response)
    assert "Choose a level" in text(response)
    assert text(response).startswith("Error:") or "<title>Error:" in response.content.decode()
    vote.refresh_from_db()
    assert vote.voted == 0


def test_only_the_boards_members_vote_and_only_the_digital_lead_opens_it(
    closed, members, coordinator, other_trust, programme_staff, client
):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    outsider = MembershipFactory(trust=other_trust, role=Role.BOARD_MEMBER).user
    for user in (outsider, coordinator, programme_staff):
        visitor = phone(user)
        assert "No vote is open on your board just now" in text(visitor.get(VOTE))
        assert "not counted" in text(cast(visitor, vote, 1))
    vote.refresh_from_db()
    assert vote.voted == 0
    forbidden(phone(members[0]).post(page_url(closed), {"form": "vote-close"}))
    assert RoomVote.objects.get().is_open
    to_sign_in(client.get(VOTE), VOTE)


def test_the_phone_page_reads_a_fixed_number_of_queries(
    closed, members, coordinator, django_assert_num_queries
):
    vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    member = phone(members[0])
    member.get(VOTE)
    # session, user, memberships; any vote left open past its time; the open votes; whether
    # this member has voted
    with django_assert_num_queries(6):
        member.get(VOTE)


def test_a_vote_nobody_joined_says_so(closed, coordinator):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    vote_close(vote=vote, by=coordinator)
    assert room_votes_of(closed)[2].words == "Room vote: nobody voted."


def test_stop_presenting_closes_the_vote_left_open(closed, members, screen):
    opened = screen.post(page_url(closed), {"form": "vote-open"}, follow=True)
    stop = re.search(r'href="([^"]+)">Stop presenting', opened.content.decode())[1]
    assert stop.endswith(f"?closing={RoomVote.objects.get().pk}")
    response = screen.get(stop.replace("&amp;", "&"))
    assert response.url == reverse("quarter:assessment-detail", args=[*args_of(closed)])
    assert not RoomVote.objects.get().is_open


def test_a_vote_left_open_takes_no_ballot_once_the_quarter_reopens(closed, members, coordinator):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    assessment_reopen(assessment=closed, reason="A late answer", by=coordinator)
    member = phone(members[0])
    assert "No vote is open on your board just now" in text(member.get(VOTE))
    with pytest.raises(AssessmentError, match="closed"):
        vote_cast(vote=vote, level=3, by=members[0])
    assert not RoomVoter.objects.exists()


def test_a_vote_left_open_past_its_time_closes_at_the_next_look(closed, members, coordinator):
    with time_machine.travel(timezone.now() - datetime.timedelta(hours=5)):
        vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
        vote_cast(vote=vote, level=3, by=members[0])
    assert "No vote is open on your board just now" in text(phone(members[1]).get(VOTE))
    vote.refresh_from_db()
    assert not vote.is_open
    assert not RoomVoter.objects.exists()
    closing = AuditEvent.objects.get(action="room_vote.closed")
    assert closing.actor_name == "Quarterdeck (the room vote's time limit)"


@pytest.mark.parametrize("closing", ["²", "١", "-1", "1e3", "9" * 40, "", "%00"])
def test_a_strange_closing_value_is_ignored(closed, screen, coordinator, closing):
    vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    response = screen.get(page_url(closed, 3), {"closing": closing})
    assert response.status_code == 200
    assert RoomVote.objects.get().is_open


def test_the_close_button_closes_only_its_own_principles_vote(closed, screen, coordinator):
    vote_open(assessment=closed, principle=principle(closed, 2), by=coordinator)
    elsewhere = text(screen.post(page_url(closed, 5), {"form": "vote-close"}, follow=True))
    assert "No room vote is open on principle 5." in elsewhere
    assert RoomVote.objects.get().is_open


def test_a_tally_kept_under_a_lower_minimum_is_not_shown_once_it_is_raised(
    closed, members, coordinator, settings
):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    for member in members[:3]:
        vote_cast(vote=vote, level=2, by=member)
    vote_close(vote=vote, by=coordinator)
    settings.MIN_RESPONSES = 5
    words = room_votes_of(closed)[2].words
    assert words == "Room vote: 3 voted, fewer than 5, so how they chose is not shown."


def test_a_ballot_sent_after_the_session_ended_is_not_kept(closed, members, coordinator):
    vote = vote_open(assessment=closed, principle=principle(closed), by=coordinator)
    member = phone(members[0])
    session = member.session
    session[LAST_SEEN] -= 31 * 60
    session.save()
    response = member.post(VOTE, {"vote": vote.pk, "level": 4})
    assert response.status_code == 302
    assert "sign-in" in response.url
    assert not KeptInput.objects.exists()
    vote.refresh_from_db()
    assert vote.voted == 0


def test_the_page_looking_again_by_itself_keeps_no_idle_session_alive(closed, members):
    member = phone(members[0])
    member.get(VOTE)
    session = member.session
    session[LAST_SEEN] -= 20 * 60
    session.save()
    seen = member.session[LAST_SEEN]
    member.get(VOTE, headers={LOOKING_AGAIN: "1"})
    assert member.session[LAST_SEEN] == seen
    session = member.session
    session[LAST_SEEN] -= 11 * 60  # 31 minutes since the person last did anything
    session.save()
    assert member.get(VOTE, headers={LOOKING_AGAIN: "1"}).status_code == 302
