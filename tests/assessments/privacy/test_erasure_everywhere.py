"""After a right-to-erasure request nothing individual of the person is left anywhere:
not in any table, JSON column, stored file or the outbox, linked or not. What a published
paper showed stays as published, its comments withdrawn (docs/data-map.md)."""

import datetime
import io
import zipfile

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from assessments.models import AgreedPosition, BoardAction, Release, Response
from assessments.privacy.erasure import person_erase
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import ActionInput, board_action_save
from assessments.quarter.evidence import position_evidence_add
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from core.models import AuditEvent
from principles.models import Principle, Question
from reports.meeting.actions import vote_cast, vote_open
from reports.models import BulkExport, CoverSheet
from reports.national.bulk import bulk_export_start
from reports.paper.actions import cover_sheet_save, paper_file
from reports.paper.change import changes_of
from reports.paper.presenters import board_paper
from reports.paper.selectors import comparison_quarter, paper_inputs
from tests.factories import (
    AccessAttemptFactory,
    ApiTokenFactory,
    BrowserKeyFactory,
    EmailFactory,
    KeptInputFactory,
    MembershipFactory,
    TOTPDeviceFactory,
)
from tests.helpers import (
    SETUP,
    make_pdf,
    new_board_member,
    quarter_of_year,
    run_waiting_tasks,
)
from trusts.models import Invitation, SeatGroup, User

MARK = "Erasable-remark"  # in every comment of the person who asks to be erased


def cover_values(*, executive_sponsor: str, author: str) -> dict:
    """A cover sheet for next week's meeting, naming its sponsor and author."""
    return {
        "meeting": "Board meeting in public",
        "meeting_date": timezone.localdate() + datetime.timedelta(days=7),
        "agenda_item": "7",
        "executive_sponsor": executive_sponsor,
        "author": author,
        "purpose": "Assurance",
        "recommendation": "Note the results.",
        "previous_considerations": "",
        "strategy_title": "",
        "strategy_url": "",
    }


def answer(assessment, member, score, comment, *, submit=True):
    questions = Question.objects.filter(framework_id=assessment.cycle.framework_id)
    response = answers_save(
        assessment=assessment,
        respondent=member,
        answers={q: AnswerInput(score=score, comment=f"{comment} on {q.key}") for q in questions},
        by=member,
    )
    return response_submit(response=response, by=member) if submit else response


def quarter(framework, trust, coordinator, number, members, person, *, close=True):
    assessment = assessment_open(
        trust=trust, cycle=quarter_of_year(framework, 2026, number), by=coordinator
    )
    for n, member in enumerate(members, start=2):
        answer(assessment, member, n % 5 + 1, f"Colleague {n} view in Q{number}")
    answer(assessment, person, 1, f"{MARK} in Q{number}", submit=close)
    return assessment_close(assessment=assessment, by=coordinator) if close else assessment


def intervals(assessment) -> dict:
    """The paper's changes since last quarter, with the intervals that judge them."""
    inputs = paper_inputs(assessment)
    previous = comparison_quarter(inputs.history)
    return {key: change.interval for key, change in changes_of(inputs, previous).items()}


def figures(assessment) -> tuple:
    """Everything a paper shows that is worked out from answers, without the comments."""
    paper = board_paper(assessment)
    appendix = [
        (q.key, q.counts, q.dont_know, q.n, q.mean, q.agreement)
        for section in paper.appendix
        for q in section.questions
    ]
    return paper.overall, paper.overall_change, paper.rows, appendix


def text_of_file(content: bytes) -> str:
    """What a person could read in a stored file: a PDF's text, a Word file's, a ZIP's."""
    if content.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    if content.startswith(b"PK"):
        archive = zipfile.ZipFile(io.BytesIO(content))
        if "word/document.xml" in archive.namelist():
            return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs) + "\n".join(
                cell.text
                for table in Document(io.BytesIO(content)).tables
                for row in table.rows
                for cell in row.cells
            )
        return "\n".join(text_of_file(archive.read(name)) for name in archive.namelist())
    return content.decode("utf-8", "replace")


def everything_stored() -> list[tuple[str, str]]:
    """(where, text) for every value of every text, JSON, binary and file column of every
    model, sessions decoded."""
    found = []
    for model in apps.get_models():
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                value = getattr(row, field.attname)
                where = f"{model._meta.label}.{field.name} #{row.pk}"
                if isinstance(field, models.BinaryField) and value:
                    found.append((where, text_of_file(bytes(value))))
                elif isinstance(field, models.FileField) and value:
                    with value.open("rb") as stored:
                        found.append((where, text_of_file(stored.read())))
                elif isinstance(value, str | dict | list):
                    found.append((where, str(value)))
            if model is Session:
                found.append((f"session {row.pk}", str(row.get_decoded())))
    return found


@pytest.mark.django_db(transaction=True)
def test_an_erased_member_leaves_nothing_individual_in_any_store(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 3
    person = new_board_member(trust, SeatGroup.EXECUTIVE)
    person.full_name = "Quentin Erasmus-Whitlow"
    person.save()
    email, name = person.email, person.full_name
    members = [new_board_member(trust) for _ in range(3)]

    closed = quarter(framework, trust, coordinator, 1, members, person)
    later = quarter(framework, trust, coordinator, 2, members, person)  # compares with Q1
    reopened = assessment_reopen(
        assessment=quarter(framework, trust, coordinator, 3, members, person),
        reason="A late answer",
        by=coordinator,
    )
    still_open = quarter(framework, trust, coordinator, 4, members, person, close=False)
    for paper in (closed, later):
        cover_sheet_save(
            assessment=paper,
            values=cover_values(executive_sponsor=name, author=f"{name}, digital lead"),
            by=coordinator,
        )
        paper_file(assessment=paper, by=coordinator)
        paper_file(assessment=paper, by=coordinator, extension="docx")
    export = bulk_export_start(cycle=closed.cycle, by=coordinator)
    run_waiting_tasks()
    export.refresh_from_db()
    assert export.zip_file
    board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(
            1, "Hear from patients monthly", name, datetime.date(2027, 1, 1), "not_started", ""
        ),
        by=coordinator,
    )
    Invitation.objects.create(
        trust=trust,
        email=email,
        full_name=name,
        seat_group=SeatGroup.EXECUTIVE,
        token_hash="x" * 64,
        sent_at=datetime.datetime(2026, 6, 1, tzinfo=datetime.UTC),
        expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
    )
    EmailFactory(to=email, subject=f"Dear {name}", body=f"Hello {name}")
    EmailFactory(to="colleague@test.example", body=f"{name} asked us to write to you")
    KeptInputFactory(user=person, post=f"comment={MARK}+kept")
    BrowserKeyFactory(user=person)
    ApiTokenFactory(user=person, name=f"{name}'s dashboard")
    TOTPDeviceFactory(user=person)
    AccessAttemptFactory(username=email)
    LogEntry.objects.create(
        user=User.objects.filter(is_superuser=False).exclude(pk=person.pk).first(),
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(person.pk),
        object_repr=name,
        action_flag=CHANGE,
        change_message=f"Changed {email}",
    )
    # A room vote still open in the meeting counts them among those who voted.
    vote = vote_open(assessment=closed, principle=Principle.objects.get(number=1), by=coordinator)
    vote_cast(vote=vote, level=2, by=person)
    signed_in = Client()
    signed_in.force_login(person)
    response_ids = set(Response.objects.filter(respondent=person).values_list("pk", flat=True))
    published = {paper.pk: figures(paper) for paper in (closed, later)}
    assert any(MARK in text for _, text in everything_stored())  # the search finds them

    person_erase(user=person, by=SETUP)

    leftovers = [
        where
        for where, text in everything_stored()
        if any(needle.lower() in text.lower() for needle in (email, name, MARK))
    ]
    assert leftovers == []
    for release in Release.objects.all():
        assert not {row[0] for row in release.rows} & response_ids
        assert not {key for key in release.responses if key.isdigit()} & set(map(str, response_ids))
    assert not AuditEvent.objects.filter(
        target_type="assessments.response", target_id__in=map(str, response_ids)
    ).exists()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User and model is not AuditEvent:
                assert not model.objects.filter(**{field.name: person}).exists(), model
    # What the papers published stays as published: every figure, no comment.
    for paper in (closed, later):
        assert figures(paper) == published[paper.pk]
        shown = board_paper(paper)
        assert not any(q.comments for s in shown.appendix for q in s.questions)
        assert "withdrawn from this paper" in shown.withdrawn_note
        assert MARK not in text_of_file(paper_file(assessment=paper, by=coordinator).content)
    assert not BulkExport.objects.exists()  # its ZIP printed the comments: made again on request
    assert CoverSheet.objects.filter(author="(erased), digital lead").count() == 2
    assert still_open.responses.count() == 3
    assert reopened.responses.count() == 3


def test_erasing_someone_who_answered_only_last_quarter_leaves_this_quarters_paper_as_it_was(
    framework, trust, coordinator, settings
):
    """Q2's "since last quarter" resamples Q1's answers: it keeps what it published, even
    while Q2 is reopened, and keeps its own comments (none of the person's are in it)."""
    settings.MIN_RESPONSES = 3
    person = new_board_member(trust)
    members = [new_board_member(trust) for _ in range(3)]
    first = quarter(framework, trust, coordinator, 1, members, person)
    second = assessment_open(trust=trust, cycle=quarter_of_year(framework, 2026, 2), by=coordinator)
    for n, member in enumerate(members, start=2):
        answer(second, member, n % 5 + 1, f"Colleague {n} view in Q2")
    second = assessment_close(assessment=second, by=coordinator)
    published, judged = figures(second), intervals(second)
    comments = [q.comments for s in board_paper(second).appendix for q in s.questions]
    reopened = assessment_reopen(assessment=second, reason="A late answer", by=coordinator)

    person_erase(user=person, by=SETUP)

    assert figures(reopened) == published
    assert intervals(reopened) == judged
    assert [q.comments for s in board_paper(reopened).appendix for q in s.questions] == comments
    assert board_paper(reopened).withdrawn_note == ""
    closed_again = assessment_close(assessment=reopened, by=coordinator)
    assert figures(closed_again) == published
    assert intervals(closed_again) == judged
    assert "withdrawn from this paper" in board_paper(first).withdrawn_note


def test_a_digital_lead_named_on_a_paper_who_never_answered_leaves_no_stored_file_naming_them(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 3
    members = [new_board_member(trust) for _ in range(3)]
    lead = new_board_member(trust)
    lead.full_name = "Perpetua Vandersloot"
    lead.save()
    closed = quarter(framework, trust, coordinator, 1, members[1:], members[0])
    cover_sheet_save(
        assessment=closed,
        values=cover_values(executive_sponsor="Chief executive", author="Perpetua Vandersloot"),
        by=coordinator,
    )
    assert "Vandersloot" in text_of_file(paper_file(assessment=closed, by=coordinator).content)
    # Evidence the digital lead attached to the board's position, named after them.
    principle = Principle.objects.filter(framework=framework, number=1).get()
    position = AgreedPosition.objects.create(
        assessment=closed, principle=principle, level="3.0", rationale="Agreed."
    )
    position_evidence_add(
        position=position,
        title="Perpetua Vandersloot's review",
        pdf=make_pdf(),
        pdf_name="Perpetua Vandersloot review.pdf",
        by=coordinator,
    )
    position_evidence_add(
        position=position,
        title="Review by Perpetua Vandersloot",
        url="https://example.org/reviews/2026",
        by=coordinator,
    )

    person_erase(user=lead, by=SETUP)

    assert not [where for where, text in everything_stored() if "Vandersloot" in text]


def test_a_name_is_replaced_only_as_a_whole_word_and_only_in_the_persons_trusts(
    trust, other_trust, coordinator
):
    from tests.factories import UserFactory

    person = UserFactory(full_name="Annabel")
    MembershipFactory(trust=trust, user=person)
    action = ActionInput(1, "Annabel to review the Annabelle contract", "Annabel", None, "", "")
    mine = BoardAction.objects.create(trust=trust, **action.__dict__ | {"due_date": "2027-01-01"})
    theirs = BoardAction.objects.create(
        trust=other_trust, **action.__dict__ | {"due_date": "2027-01-01"}
    )
    person_erase(user=person, by=SETUP)
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.title, mine.owner) == ("(erased) to review the Annabelle contract", "(erased)")
    assert theirs.owner == "Annabel"
