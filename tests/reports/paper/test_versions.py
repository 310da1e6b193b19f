"""A closed quarter's paper is never changed silently: each new fingerprint is the next
version, which the paper prints with the day it was made and, from version 2, what changed
since the one before, in words that name nobody; the paper's page lists them. The agreed
positions print "Position agreed at the meeting on DATE", with the room vote and the
dissent minuted beside them."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.quarter.decisions import PositionInput, positions_record
from principles.models import Principle
from reports.meeting.actions import vote_cast, vote_close, vote_open
from reports.models import FrozenPaper, PaperVersion
from reports.paper.actions import cover_sheet_save, paper_file
from reports.paper.presenters import board_paper
from reports.paper.versions import FORGOTTEN, versioned
from tests.helpers import SETUP, answer_everything, new_board_member, on_day, submitted_board
from tests.reports.paper.test_counts_and_lists import pdf_text, word_text
from tests.reports.paper.test_counts_and_lists import squash as flat
from trusts.models import Role

PUBLISHED_ON = datetime.date(2026, 11, 20)
MEETING = datetime.date(2026, 11, 26)
DISSENT = "One director asked that their doubt about the pace be minuted."


def paper_url(assessment, name="paper"):
    return reverse(f"paper:{name}", args=[assessment.trust.ods_code, assessment.cycle.slug])


@pytest.fixture
def published(assessment, coordinator, settings):
    """Closed on PUBLISHED_ON with three answers, its paper frozen that day; the meeting on
    the cover sheet (saved before the close, so the first version has it)."""
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3, score=3)
    with on_day(PUBLISHED_ON):
        cover_sheet_save(
            assessment=assessment,
            values={"meeting": "Trust board", "meeting_date": MEETING, "purpose": "assurance"},
            by=coordinator,
        )
        assessment_close(assessment=assessment, by=coordinator)
        paper_file(assessment=assessment, by=coordinator)  # as the task after the close does
    return assessment


def decided(assessment, coordinator, *, vote=True):
    """The meeting agreed principle 2, with dissent minuted and (``vote``) a room vote."""
    principle = Principle.objects.get(framework=assessment.cycle.framework, number=2)
    with on_day(MEETING):
        positions_record(
            assessment=assessment,
            positions={principle: PositionInput(Decimal("3.5"), "Most teams test.", DISSENT)},
            by=coordinator,
        )
    if vote:
        room = vote_open(assessment=assessment, principle=principle, by=coordinator)
        voters = assessment.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]
        for member, level in zip(voters, (3, 4, 4), strict=True):
            vote_cast(vote=room, level=level, by=member.user)
        vote_close(vote=room, by=coordinator)


def test_the_paper_frozen_at_close_is_version_1_and_prints_it(published, coordinator):
    (version,) = PaperVersion.objects.filter(assessment=published)
    assert (version.number, version.changes) == (1, [])
    assert FrozenPaper.objects.get().version == 1
    text = pdf_text(paper_file(assessment=published, by=coordinator).content)
    assert "Version 1 of this paper, made 20 November 2026." in text
    assert "Changed since" not in text


def test_a_new_fingerprint_is_the_next_version_saying_what_changed(
    published, coordinator, signed_in
):
    decided(published, coordinator)
    with on_day(MEETING):
        pdf = pdf_text(paper_file(assessment=published, by=coordinator).content)
        word = word_text(paper_file(assessment=published, by=coordinator, extension="docx").content)
    said = (
        "Version 2 of this paper, made 26 November 2026. Changed since version 1: the board's "
        "agreed positions recorded at its meeting on 26 November 2026."
    )
    assert said in pdf
    assert said in word
    assert list(PaperVersion.objects.values_list("number", flat=True)) == [1, 2]
    assert FrozenPaper.objects.get().version == 2
    page = signed_in(coordinator).get(paper_url(published)).content.decode()
    assert said.replace("'", "&#x27;") in flat(page)


def test_the_same_fingerprint_keeps_its_version_in_every_format(published, coordinator):
    paper_file(assessment=published, by=coordinator, extension="docx")  # the Word file joins
    paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.count() == 1
    word = paper_file(assessment=published, by=coordinator, extension="docx").content
    assert "Version 1 of this paper, made 20 November 2026." in word_text(word)


def test_the_version_is_not_part_of_the_fingerprint(published):
    paper = board_paper(published)
    assert versioned(published, paper).version.number == 1
    assert versioned(published, paper).fingerprint() == paper.fingerprint()


def test_answers_changed_after_a_reopen_are_worded_without_names(published, coordinator):
    reopened = assessment_reopen(assessment=published, reason="Changed answers", by=coordinator)
    late = [new_board_member(published.trust) for _ in range(3)]  # enough to publish again
    for member in late:
        answer_everything(reopened, member, 5)
    closed = assessment_close(assessment=reopened, by=coordinator)
    paper_file(assessment=closed, by=coordinator)
    latest = PaperVersion.objects.get(number=2)
    assert "answers changed after the quarter was reopened" in latest.changes
    assert not any(member.full_name in str(latest.changes) for member in late)


def test_only_the_latest_version_keeps_the_digests_of_its_parts(published, coordinator):
    decided(published, coordinator, vote=False)
    with on_day(MEETING):
        paper_file(assessment=published, by=coordinator)
    first, second = PaperVersion.objects.order_by("number")
    assert first.parts == {}
    assert set(second.parts) >= {"positions", "results", "comments", "cover"}


def test_an_erasure_drops_the_digests_and_the_next_version_says_why(
    published, coordinator, settings
):
    lead = new_board_member(published.trust)
    lead.full_name = "Perpetua Vandersloot"
    lead.save()
    cover_sheet_save(
        assessment=published,
        values={"meeting": "Trust board", "meeting_date": MEETING, "author": lead.full_name},
        by=coordinator,
    )
    paper_file(assessment=published, by=coordinator)
    named = PaperVersion.objects.get(number=2)
    assert named.parts
    assert FORGOTTEN not in named.parts
    person_erase(user=lead, by=SETUP)
    assert PaperVersion.objects.get(number=2).parts == {FORGOTTEN: "erasure"}
    paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.get(number=3).changes == [
        "names and comments withdrawn when a person's data was erased"
    ]
    assert "Vandersloot" not in str(list(PaperVersion.objects.values_list("changes", "parts")))


def test_the_paper_page_lists_the_versions_newest_first(published, coordinator, signed_in):
    decided(published, coordinator, vote=False)
    with on_day(MEETING):
        paper_file(assessment=published, by=coordinator)
    page = flat(signed_in(coordinator).get(paper_url(published)).content.decode())
    listed = page.split("Versions of this paper")[1]
    assert listed.index("Version 2, made 26 November 2026") < listed.index(
        "Version 1, made 20 November 2026"
    )


def test_a_draft_has_no_version(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3)
    assert versioned(assessment, board_paper(assessment)).version is None
    text = pdf_text(paper_file(assessment=assessment, by=coordinator).content)
    assert "of this paper, made" not in text
    assert not PaperVersion.objects.exists()


def test_the_paper_shows_the_position_agreed_at_the_meeting_with_vote_and_dissent(
    published, coordinator, signed_in
):
    decided(published, coordinator)
    vote = "Room vote: 3 voted. 1 chose level 3 (developing), 2 chose level 4 (established)."
    page = flat(signed_in(coordinator).get(paper_url(published)).content.decode())
    with on_day(MEETING):
        pdf = pdf_text(paper_file(assessment=published, by=coordinator).content)
        word = word_text(paper_file(assessment=published, by=coordinator, extension="docx").content)
    assert "<strong>Position agreed at the meeting on 26 November 2026.</strong>" in page
    assert f"<td>{vote}</td>" in page
    assert f"<td>{DISSENT}</td>" in page
    for text in (pdf, word):
        assert "Position agreed at the meeting on 26 November 2026." in text
        assert vote in text
        assert DISSENT in text


def test_an_open_room_vote_is_not_in_the_paper(published, coordinator):
    principle = Principle.objects.get(framework=published.cycle.framework, number=3)
    room = vote_open(assessment=published, principle=principle, by=coordinator)
    for member in published.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]:
        vote_cast(vote=room, level=4, by=member.user)
    assert not board_paper(published).votes_taken
    vote_close(vote=room, by=coordinator)
    assert board_paper(published).votes_taken
