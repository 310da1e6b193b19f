"""The board paper's cover sheet: typed once a quarter by the digital lead, starting from
the last one, and shown on the cover of the web page, the PDF and the Word file."""

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from assessments.actions import assessment_close, assessment_open
from core.models import AuditEvent
from reports.actions import paper_file
from reports.models import CoverSheet
from tests.helpers import answer_everything, new_board_member, quarter_of_year


def url(assessment, name="cover-sheet"):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


COVER = {
    "meeting": "Trust board (held in public)",
    "meeting_date_day": "14",
    "meeting_date_month": "1",
    "meeting_date_year": "2027",
    "agenda_item": "7.2",
    "executive_sponsor": "Chief Digital Information Officer",
    "author": "Priya Shah, Head of Digital Delivery",
    "purpose": "discussion",
    "recommendation": "The board is asked to agree two priority actions.",
    "previous_considerations": "Digital committee, 2 December 2026",
    "strategy_title": "Digital strategy 2025 to 2030",
    "strategy_url": "https://example.nhs.uk/digital-strategy",
}


@pytest.fixture
def closed(assessment, coordinator):
    for _ in range(3):
        answer_everything(assessment, new_board_member(assessment.trust), 3)
    return assessment_close(assessment=assessment, by=coordinator)


def test_cover_sheet_saved_and_shown_on_every_format(signed_in, coordinator, closed):
    client = signed_in(coordinator)
    response = client.post(url(closed), COVER)
    assert response.status_code == 302
    sheet = CoverSheet.objects.get(assessment=closed)
    assert sheet.meeting_date == datetime.date(2027, 1, 14)
    assert AuditEvent.objects.filter(action="cover_sheet.saved", actor=coordinator).exists()
    page = client.get(url(closed, "paper")).content.decode()
    pdf = PdfReader(io.BytesIO(client.get(url(closed, "paper-pdf")).content))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages[:2])
    import docx

    word = docx.Document(io.BytesIO(client.get(url(closed, "paper-docx")).content))
    cover = {row.cells[0].text: row.cells[1].text for row in word.tables[0].rows}
    for label, value in [
        ("Date of meeting", "14 January 2027"),
        ("Agenda item", "7.2"),
        ("Executive sponsor", "Chief Digital Information Officer"),
        ("Report from", "Priya Shah, Head of Digital Delivery"),
        ("Purpose", "For discussion"),
        ("Recommendation", "The board is asked to agree two priority actions."),
        ("Previously considered by", "Digital committee, 2 December 2026"),
        ("Link to strategy", "Digital strategy 2025 to 2030"),
    ]:
        assert cover[label] == value
        assert value in page
        assert value in pdf_text
    assert 'href="https://example.nhs.uk/digital-strategy"' in page


def test_cover_sheet_starts_from_last_quarters_without_its_meeting(
    signed_in, coordinator, assessment
):
    earlier_cycle = quarter_of_year(assessment.cycle.framework, 2026, 2)
    earlier = assessment_open(trust=assessment.trust, cycle=earlier_cycle, by=coordinator)
    client = signed_in(coordinator)
    client.post(url(earlier), COVER)
    page = client.get(url(assessment)).content.decode()
    assert "starts from the cover sheet for 2026/27 Q2, without its meeting date" in page
    assert 'value="Chief Digital Information Officer"' in page
    assert 'value="7.2"' not in page  # a new meeting, a new agenda item
    assert 'name="meeting_date_day" type="text" inputmode="numeric" value=""' in page
    assert not CoverSheet.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"meeting": ""}, "Enter the meeting the paper goes to"),
        ({"meeting_date_month": "13"}, "Enter the date of the meeting as a real date"),
        ({"strategy_url": ""}, "Enter the web address of the strategy, or clear its name"),
        ({"strategy_url": "not a web address"}, "Enter the web address of the strategy"),
        ({"purpose": "vibes"}, "Select a valid choice"),
    ],
)
def test_cover_sheet_bad_input_is_an_error_and_saves_nothing(
    signed_in, coordinator, assessment, overrides, message
):
    response = signed_in(coordinator).post(url(assessment), COVER | overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CoverSheet.objects.exists()


def test_cover_sheet_is_the_coordinators_of_that_trust(
    signed_in, board_member, coordinator, assessment, other_assessment
):
    assert signed_in(board_member).get(url(assessment)).status_code == 403
    assert signed_in(coordinator).post(url(other_assessment), COVER).status_code == 404
    assert not CoverSheet.objects.exists()


def test_changing_the_cover_sheet_makes_the_frozen_paper_again(signed_in, coordinator, closed):
    first = paper_file(assessment=closed, by=coordinator)
    assert not paper_file(assessment=closed, by=coordinator).made_now
    signed_in(coordinator).post(url(closed), COVER)
    again = paper_file(assessment=closed, by=coordinator)
    assert again.made_now
    assert again.content != first.content
