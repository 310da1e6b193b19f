"""A closed quarter's paper is never changed silently: each new fingerprint is the next
version, which the paper prints with the day it was made and, from version 2, what changed
since the one before, in words that name nobody; the paper's page lists them. The agreed
positions print "Position agreed at the meeting on DATE", with the room vote and the
dissent minuted beside them."""

import datetime
import re
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse
from django.utils.html import escape

from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_reopen
from assessments.quarter.decisions import PositionInput, positions_record
from principles.models import Principle
from reports.meeting.actions import vote_cast, vote_close, vote_open
from reports.models import FrozenPaper, PaperVersion
from reports.paper.actions import FORMATS, cover_sheet_save, paper_file
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
    assert FrozenPaper.objects.get().fingerprint == version.fingerprint
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
        "Version 2 of this paper, made 26 November 2026. Changed since version 1: what the "
        "board recorded at its meeting on 26 November 2026: its agreed positions, its room "
        "vote and the dissent it minuted."
    )
    assert said in pdf
    assert said in word
    assert list(PaperVersion.objects.values_list("number", flat=True)) == [1, 2]
    assert FrozenPaper.objects.get().fingerprint == PaperVersion.objects.get(number=2).fingerprint
    page = signed_in(coordinator).get(paper_url(published)).content.decode()
    assert said.replace("'", "&#x27;") in flat(page)


def test_the_same_fingerprint_keeps_its_version_in_every_format(published, coordinator):
    paper_file(assessment=published, by=coordinator, extension="docx")  # the Word file joins
    paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.count() == 1
    word = paper_file(assessment=published, by=coordinator, extension="docx").content
    assert "Version 1 of this paper, made 20 November 2026." in word_text(word)


def compete(assessment) -> int:
    """Another download freezes the next version of the paper with another fingerprint
    (from inputs read a moment earlier or later); returns the number it took."""
    latest = PaperVersion.objects.filter(assessment=assessment).order_by("-number")[0]
    PaperVersion.objects.create(
        assessment=assessment, number=latest.number + 1, fingerprint="f" * 64
    )
    FrozenPaper.objects.update_or_create(
        assessment=assessment,
        defaults={"fingerprint": "f" * 64, "inputs_key": "", "pdf": b"%PDF", "docx": b""},
    )
    return latest.number + 1


def once_before(function, assessment, taken: list):
    """``function``, the first call of which meets another download's freeze first."""

    def raced(*args, **kwargs):
        if not taken:
            taken.append(compete(assessment))
        return function(*args, **kwargs)

    return raced


def printed_version(text: str) -> int:
    return int(re.search(r"Version (\d+) of this paper", text).group(1))


def served_as_its_own_version(assessment, served: bytes, text) -> int:
    """The version the served file prints is the one its fingerprint holds (and the latest
    now); returns it."""
    number = printed_version(text(served))
    fingerprint = board_paper(assessment).fingerprint()
    assert PaperVersion.objects.get(assessment=assessment, number=number).fingerprint == (
        fingerprint
    )
    assert PaperVersion.objects.order_by("-number")[0].number == number
    return number


def test_a_download_that_loses_the_race_to_freeze_never_prints_another_fingerprints_version(
    published, coordinator
):
    decided(published, coordinator, vote=False)
    taken = []
    rendering = once_before(FORMATS["pdf"], published, taken)
    with on_day(MEETING), mock.patch.dict(FORMATS, {"pdf": rendering}):
        served = paper_file(assessment=published, by=coordinator)
    assert taken == [2]  # while it rendered "Version 2", another download took that number
    assert served_as_its_own_version(published, served.content, pdf_text) == 3
    assert bytes(FrozenPaper.objects.get().pdf) == served.content


def test_a_word_file_joining_a_paper_just_replaced_never_prints_a_number_not_its_own(
    published, coordinator
):
    taken = []
    versioning = once_before(versioned, published, taken)
    with mock.patch("reports.paper.actions.versioned", versioning):
        served = paper_file(assessment=published, by=coordinator, extension="docx")
    assert taken == [2]  # found the frozen PDF of version 1; version 2 came before it rendered
    assert served_as_its_own_version(published, served.content, word_text) == 3
    assert FrozenPaper.objects.get().fingerprint == board_paper(published).fingerprint()


def room_vote(assessment, coordinator, number: int) -> str:
    """A closed room vote on principle ``number``, three voting; its words."""
    principle = Principle.objects.get(framework=assessment.cycle.framework, number=number)
    room = vote_open(assessment=assessment, principle=principle, by=coordinator)
    voters = assessment.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]
    for member, level in zip(voters, (2, 2, 3), strict=True):
        vote_cast(vote=room, level=level, by=member.user)
    vote_close(vote=room, by=coordinator)
    return "Room vote: 3 voted. 2 chose level 2 (emerging), 1 chose level 3 (developing)."


def principle_3_title(assessment) -> str:
    return Principle.objects.get(framework=assessment.cycle.framework, number=3).title


def test_a_room_vote_alone_is_said_and_shown_as_a_vote_never_as_agreed_positions(
    published, coordinator, signed_in
):
    vote = room_vote(published, coordinator, 3)
    with on_day(MEETING):
        pdf = pdf_text(paper_file(assessment=published, by=coordinator).content)
        word = word_text(paper_file(assessment=published, by=coordinator, extension="docx").content)
    said = (
        "Changed since version 1: what the board recorded at its meeting on 26 November 2026: "
        "its room vote."
    )
    page = flat(signed_in(coordinator).get(paper_url(published)).content.decode())
    for text in (pdf, word, page.replace("&#x27;", "'")):
        assert said in text
        assert "agreed positions recorded at its meeting on" not in text
        assert "The board has not yet recorded an agreed position for this quarter." in text
        assert "Room vote taken at the meeting on 26 November 2026." in text
        assert vote in text
    assert f"<li><strong>3. {escape(principle_3_title(published))}</strong>: {vote}</li>" in page
    assert "Position agreed at the meeting" not in page


def test_each_part_of_the_meetings_record_is_said_only_when_it_changed(published, coordinator):
    principle = Principle.objects.get(framework=published.cycle.framework, number=2)

    def record(dissent, day=MEETING):
        position = PositionInput(Decimal("3.5"), "Most teams test.", dissent)
        with on_day(day):
            positions_record(assessment=published, positions={principle: position}, by=coordinator)
            paper_file(assessment=published, by=coordinator)
        return PaperVersion.objects.order_by("-number")[0].changes

    on = "what the board recorded at its meeting on 26 November 2026: "
    assert record("") == [f"{on}its agreed positions"]
    # A day later: a stamp moves with the time a position is recorded.
    assert record(DISSENT, MEETING + datetime.timedelta(days=1)) == [f"{on}the dissent it minuted"]
    room_vote(published, coordinator, 2)
    paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.order_by("-number")[0].changes == [f"{on}its room vote"]
    with on_day(MEETING + datetime.timedelta(days=2)):
        positions_record(assessment=published, positions={principle: None}, by=coordinator)
        paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.order_by("-number")[0].changes == [
        "withdrawn from the record of the board's meeting: the agreed positions and the "
        "dissent minuted"
    ]


def test_a_version_kept_before_the_meetings_record_was_told_apart_is_worded_generally(
    published, coordinator
):
    first = PaperVersion.objects.get()
    first.parts = {name: digest for name, digest in first.parts.items() if "." not in name}
    first.save()
    room_vote(published, coordinator, 3)
    paper_file(assessment=published, by=coordinator)
    assert PaperVersion.objects.get(number=2).changes == [
        "the record of what the board decided at its meeting on 26 November 2026"
    ]


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
