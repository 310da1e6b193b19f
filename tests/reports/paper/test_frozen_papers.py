"""A closed quarter's paper is served from storage while the stamp of its inputs holds,
and worked out again after any write that changes what it is made from
(docs/architecture.md, "The board paper and its formats" and "Performance budgets": a
frozen paper download in a few queries, without the presenter)."""

import re
from decimal import Decimal
from unittest import mock

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import PositionInput, positions_record
from principles.content import forget_framework_content
from principles.models import Principle
from reports.models import CoverSheet, FrozenPaper
from reports.paper.actions import cover_sheet_save, cover_sheet_sections_choose, paper_file
from reports.paper.presenters import board_paper
from reports.paper.selectors import (
    FIXED_WHILE_CLOSED,
    PAPER_EDITION,
    SETTLED_BY_HOOKS,
    STAMPED,
    code_edition,
    paper_inputs_key,
)
from tests.factories import SETUP, MembershipFactory, TrustFactory, UserFactory
from tests.helpers import (
    answer_everything,
    new_board_member,
    quarter_of_year,
    submitted_board,
)
from trusts.actions import membership_add, membership_remove
from trusts.models import Role


@pytest.fixture
def frozen(assessment, coordinator):
    """The trust's quarter, closed with three answers and its paper frozen."""
    submitted_board(assessment, 3)
    closed = assessment_close(assessment=assessment, by=coordinator)
    paper_file(assessment=closed, by=coordinator)
    return closed


def pdf_url(assessment):
    return reverse("paper:paper-pdf", args=[assessment.trust.ods_code, assessment.cycle.slug])


def not_worked_out_again():
    return mock.patch(
        "reports.paper.actions.board_paper", side_effect=AssertionError("the paper was worked out")
    )


# session, user, memberships, assessment, the inputs' stamp, the frozen file
FROZEN_DOWNLOAD_QUERIES = 6


def test_frozen_paper_download_serves_the_stored_file_without_working_out_the_paper(
    signed_in, coordinator, frozen, django_assert_num_queries
):
    client = signed_in(coordinator)
    client.get(pdf_url(frozen))  # warm the process caches
    with not_worked_out_again(), django_assert_num_queries(FROZEN_DOWNLOAD_QUERIES):
        response = client.get(pdf_url(frozen))
    assert response.status_code == 200
    assert response.content == bytes(FrozenPaper.objects.get(assessment=frozen).pdf)
    assert response["Content-Disposition"] == (
        f'attachment; filename="board-paper-{frozen.trust.ods_code.lower()}-202627-q3.pdf"'
    )


def test_frozen_word_file_is_served_from_storage_once_made(signed_in, coordinator, frozen):
    client = signed_in(coordinator)
    url = reverse("paper:paper-docx", args=[frozen.trust.ods_code, frozen.cycle.slug])
    made = client.get(url)
    with not_worked_out_again():
        again = client.get(url)
    assert again.status_code == 200
    assert again.content == made.content == bytes(FrozenPaper.objects.get().docx)


def _meeting_today(assessment, coordinator, settings):
    """Before the stamp is taken: the board met the day the results were published."""
    values = {
        "meeting": "Trust board",
        "meeting_date": timezone.localdate(),
        "purpose": "assurance",
    }
    cover_sheet_save(assessment=assessment, values=values, by=coordinator)


def _position(assessment, coordinator, settings):
    principle = Principle.objects.get(framework=assessment.cycle.framework, number=1)
    positions_record(
        assessment=assessment,
        positions={principle: PositionInput(level=Decimal("3.0"), rationale="As discussed")},
        by=coordinator,
    )


def _cover_sheet(assessment, coordinator, settings):
    values = dict.fromkeys(CoverSheet.FIELDS, "") | {
        "meeting": "Trust board in public",
        "meeting_date": None,
        "purpose": "assurance",
    }
    cover_sheet_save(assessment=assessment, values=values, by=coordinator)


def _sections_chosen(assessment, coordinator, settings):
    cover_sheet_sections_choose(trust=assessment.trust, sections=["version"], by=coordinator)


def _peer_closes(assessment, coordinator, settings):
    peer = TrustFactory()
    opened = assessment_open(trust=peer, cycle=assessment.cycle, by=coordinator, notify=False)
    submitted_board(opened, 3)
    assessment_close(assessment=opened, by=SETUP)
    return peer


def _earlier_quarter_closes(assessment, coordinator, settings):
    earlier = quarter_of_year(assessment.cycle.framework, 2026, 2)
    opened = assessment_open(trust=assessment.trust, cycle=earlier, by=coordinator, notify=False)
    for membership in assessment.trust.memberships.filter(role=Role.BOARD_MEMBER):
        answer_everything(opened, membership.user, 2)
    assessment_close(assessment=opened, by=coordinator)


def _reopened_and_closed(assessment, coordinator, settings):
    reopened = assessment_reopen(assessment=assessment, reason="A late answer", by=coordinator)
    assessment_close(assessment=reopened, by=coordinator)


def _coordinator_added(assessment, coordinator, settings):
    membership_add(
        trust=assessment.trust, user=UserFactory(), role=Role.COORDINATOR, by=coordinator
    )


def _member_removed(assessment, coordinator, settings):
    membership = assessment.trust.memberships.filter(role=Role.BOARD_MEMBER).first()
    membership_remove(membership=membership, by=coordinator)


def _name_corrected(assessment, coordinator, settings):
    coordinator.full_name = "Dr Corrected Name"
    coordinator.save()  # as the people admin saves it


def _trust_renamed(assessment, coordinator, settings):
    assessment.trust.name = "Renamed NHS Trust"
    assessment.trust.save()


def _minimum_raised(assessment, coordinator, settings):
    settings.MIN_RESPONSES += 1


CHANGES = {
    "agreed position recorded": _position,
    "cover sheet saved": _cover_sheet,
    "the trust's cover sheet sections chosen": _sections_chosen,
    "another trust closes the same quarter": _peer_closes,
    "an earlier quarter of the trust closes": _earlier_quarter_closes,
    "reopened and closed again": _reopened_and_closed,
    "a coordinator added": _coordinator_added,
    "a board member removed": _member_removed,
    "a person's name corrected": _name_corrected,
    "the trust renamed": _trust_renamed,
    "the minimum group size raised": _minimum_raised,
}


# What a change needs first (and is not itself the change).
BEFORE_CHANGES = {"agreed position recorded": _meeting_today}


@pytest.mark.parametrize("change", CHANGES)
def test_paper_inputs_key_moves_with_every_write_a_closed_paper_is_made_from(
    frozen, coordinator, settings, change
):
    if change in BEFORE_CHANGES:
        BEFORE_CHANGES[change](frozen, coordinator, settings)
    before = paper_inputs_key(frozen)
    CHANGES[change](frozen, coordinator, settings)
    frozen.refresh_from_db()
    assert paper_inputs_key(frozen) != before


def test_paper_inputs_key_moves_when_a_peer_trust_changes_type(frozen, coordinator, settings):
    peer = _peer_closes(frozen, coordinator, settings)
    before = paper_inputs_key(frozen)
    peer.trust_type = "ambulance" if peer.trust_type != "ambulance" else "community"
    peer.save()
    assert paper_inputs_key(frozen) != before


def test_paper_inputs_key_holds_while_nothing_the_paper_uses_changes(frozen, coordinator):
    before = paper_inputs_key(frozen)
    other = TrustFactory()
    MembershipFactory(trust=other, role=Role.BOARD_MEMBER)
    quarter_of_year(frozen.cycle.framework, 2027, 1)
    new_board_member(other)
    assert paper_inputs_key(frozen) == before


def test_moved_stamp_with_the_same_figures_serves_the_stored_file_and_keeps_the_new_stamp(
    frozen, coordinator
):
    stored = bytes(FrozenPaper.objects.get().pdf)
    member = frozen.trust.memberships.filter(role=Role.BOARD_MEMBER).first().user
    member.full_name = "A Board Member Renamed"  # never named in the paper
    member.save()
    again = paper_file(assessment=frozen, by=coordinator)
    assert not again.made_now
    assert again.content == stored
    with not_worked_out_again():
        assert paper_file(assessment=frozen, by=coordinator).content == stored


def test_cover_sheet_change_makes_the_frozen_paper_again(frozen, coordinator, settings):
    stored = bytes(FrozenPaper.objects.get().pdf)
    _cover_sheet(frozen, coordinator, settings)
    again = paper_file(assessment=frozen, by=coordinator)
    assert again.made_now
    assert again.content != stored
    assert FrozenPaper.objects.get().inputs_key == paper_inputs_key(frozen)


def test_a_close_from_anywhere_freezes_the_paper(
    assessment, coordinator, django_capture_on_commit_callbacks
):
    """The close action itself runs the hooks (not the page that calls it): a close from
    a command, the demo or a test freezes the paper once it commits, and not before."""
    submitted_board(assessment, 3)
    with django_capture_on_commit_callbacks(execute=False) as waiting:
        assessment_close(assessment=assessment, by=coordinator)
    assert not FrozenPaper.objects.exists()
    for callback in waiting:  # the commit
        callback()
    assert FrozenPaper.objects.get().inputs_key == paper_inputs_key(assessment)


def test_every_table_the_paper_reads_moves_its_stamp_or_is_fixed_while_closed(
    frozen, coordinator, settings
):
    """The stamp's tables are not kept by hand: a table the paper reads that neither moves
    the stamp, nor is fixed while the quarter is closed, nor is settled by a hook that drops
    the frozen files, fails here until it is classified (reports.paper.selectors). Every
    branch is taken: peers, an earlier quarter, a cover sheet and the trust's sections, an
    agreed position, the framework read afresh."""
    _peer_closes(frozen, coordinator, settings)
    _earlier_quarter_closes(frozen, coordinator, settings)
    _sections_chosen(frozen, coordinator, settings)
    _cover_sheet(frozen, coordinator, settings)
    _meeting_today(frozen, coordinator, settings)
    _position(frozen, coordinator, settings)
    forget_framework_content()
    statements = []

    def note(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note):
        board_paper(frozen)
    read = {
        table for sql in statements for table in re.findall(r'(?:FROM|JOIN)\s+"?([a-z_]+)"?', sql)
    }
    models = (*STAMPED.values(), *FIXED_WHILE_CLOSED, *SETTLED_BY_HOOKS)
    classified = {model._meta.db_table for model in models}
    for branch in ("principles_question", "reports_coversheetconventions", "assessments_release"):
        assert branch in read, f"the walk did not reach {branch}"
    assert read - classified == set()


def test_the_paper_edition_follows_the_code_that_works_the_paper_out(tmp_path):
    """A change of a paper's figures or wording in code moves every stamp: no number to
    remember to raise."""
    for app in ("principles", "assessments", "reports"):
        (tmp_path / app).mkdir()
        (tmp_path / app / "presenters.py").write_text("WORDS = 'before'\n")
    (tmp_path / "reports" / "migrations").mkdir()
    before = code_edition(tmp_path)
    (tmp_path / "reports" / "migrations" / "0001.py").write_text("# not the paper's code\n")
    assert code_edition(tmp_path) == before
    (tmp_path / "assessments" / "presenters.py").write_text("WORDS = 'after'\n")
    assert code_edition(tmp_path) != before
    assert code_edition() == PAPER_EDITION
