"""The board paper's cover sheet: typed once a quarter by the digital lead, starting from
the last one, and shown on the cover of the web page, the PDF and the Word file."""

import datetime
import html
import io

import pytest
from django.urls import reverse
from django.utils.html import strip_tags
from pypdf import PdfReader

from assessments.errors import AssessmentError
from assessments.quarter.actions import assessment_close, assessment_open
from core.models import AuditEvent
from reports.models import CoverSheet, CoverSheetConventions
from reports.paper.actions import cover_sheet_sections_choose, paper_file
from tests.helpers import EVERY_COVER_SECTION, answer_everything, new_board_member, quarter_of_year
from tests.pages import forbidden, not_found


def url(assessment, name="paper:cover-sheet"):
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
    page = client.get(url(closed, "paper:paper")).content.decode()
    pdf = PdfReader(io.BytesIO(client.get(url(closed, "paper:paper-pdf")).content))
    pdf_text = " ".join(" ".join(page.extract_text().split()) for page in pdf.pages[:2])
    import docx

    word = docx.Document(io.BytesIO(client.get(url(closed, "paper:paper-docx")).content))
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


# The trust's own sections: switched on once, on every quarter's form and every format


# What the digital lead types in them: (field, value sent, label on the paper, shown there).
TRUST_SECTIONS = [
    ("session", "private", "Session", "Private"),
    ("approved_by", "Dr Amara Okoye, Chief Executive", "Approved by", None),
    ("version", "1.2 (final)", "Version", None),
    ("strategic_objectives", "SO3: Use digital to transform care", "Strategic objectives", None),
    ("baf_risks", "BAF 7: Cyber security", "Board Assurance Framework risks", None),
    (
        "foi_reason",
        "Section 43: commercial interests",
        "Freedom of Information",
        "Exempt from publication: Section 43: commercial interests",
    ),
    (
        "assurance_reason",
        "Most controls are in place and working.",
        "The author's assurance rating",
        "Reasonable. Most controls are in place and working.",
    ),
    ("alert", "Cyber training is behind plan.", "Alert", None),
    ("advise", "The EPR business case returns in March.", "Advise", None),
    ("assure", "Every member answered.", "Assure", None),
    ("impact_quality", "Safer discharge letters.", "Quality and patient safety", None),
    ("impact_equality", "Easy-read letters for all.", "Equality and health inequalities", None),
    ("impact_finance", "Within the digital budget.", "Finance", None),
    ("impact_legal", "Meets the DSPT standard.", "Legal and regulatory", None),
    ("impact_information_governance", "DPIA approved.", "Information governance", None),
    ("impact_sustainability", "Less paper printed.", "Sustainability", None),
]
TRUST_COVER = (
    COVER
    | {name: value for name, value, _, _ in TRUST_SECTIONS}
    | {
        "purposes": ["approval", "assurance"],
        "foi_status": "exempt",
        "assurance_rating": "reasonable",
    }
)


def sections_url(assessment):
    return url(assessment, "paper:cover-sheet-sections")


def word_cover(content: bytes) -> tuple[dict[str, str], str]:
    """The Word file's two-column rows (cover, alert-advise-assure, impact) and all its text."""
    import docx

    word = docx.Document(io.BytesIO(content))
    rows = {
        row.cells[0].text: row.cells[1].text
        for table in word.tables
        for row in table.rows
        if len(row.cells) == 2
    }
    text = " ".join([p.text for p in word.paragraphs] + list(rows.values()))
    return rows, text


def test_trust_sections_switched_on_are_asked_for_and_shown_on_every_format(
    signed_in, coordinator, closed
):
    client = signed_in(coordinator)
    page = client.get(url(closed)).content.decode()
    assert f'href="{sections_url(closed)}">Choose which sections your trust' in page
    response = client.post(sections_url(closed), EVERY_COVER_SECTION)
    assert response.url == url(closed)  # back to the cover sheet
    event = AuditEvent.objects.get(action="cover_sheet.sections_chosen")
    assert (
        event.detail["sections"] == EVERY_COVER_SECTION["sections"] + EVERY_COVER_SECTION["impacts"]
    )

    form = client.get(url(closed)).content.decode()
    for name, *_ in TRUST_SECTIONS:
        assert f'name="{name}"' in form
    assert 'name="purposes" type="checkbox" value="approval"' in form
    assert 'name="purpose" type="radio"' not in form  # several purposes in place of one
    assert client.post(url(closed), TRUST_COVER).status_code == 302

    web = client.get(url(closed, "paper:paper")).content.decode()
    pdf = PdfReader(io.BytesIO(client.get(url(closed, "paper:paper-pdf")).content))
    pdf_text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    rows, word_text = word_cover(client.get(url(closed, "paper:paper-docx")).content)
    assert rows["Purpose"] == "For approval and assurance"
    assert "For approval and assurance" in web
    words = " ".join(html.unescape(strip_tags(web)).split())
    for _, value, label, shown in TRUST_SECTIONS:
        assert rows[label] == (shown or value)
        assert (shown or value) in words
        assert " ".join((shown or value).split()) in pdf_text
        assert (shown or value) in word_text
    for heading in ("Alert, advise, assure", "Impact"):
        assert f"<h2>{heading}</h2>" in web
        assert heading in pdf_text
        assert heading in word_text
    # The author's rating sits beside the service's own confidence.
    labels = list(rows)
    assert labels.index("The author's assurance rating") == (
        labels.index("Confidence in these results") + 1
    )


def test_trust_sections_switched_off_show_nothing_and_keep_what_was_typed(
    signed_in, coordinator, closed
):
    client = signed_in(coordinator)
    client.post(sections_url(closed), EVERY_COVER_SECTION)
    client.post(url(closed), TRUST_COVER)
    client.post(sections_url(closed), {"sections": [], "impacts": []})
    form = client.get(url(closed)).content.decode()
    for name, *_ in TRUST_SECTIONS:
        assert f'name="{name}"' not in form
    assert 'name="purpose" type="radio"' in form
    assert client.post(url(closed), COVER).status_code == 302
    web = client.get(url(closed, "paper:paper")).content.decode()
    words = " ".join(html.unescape(strip_tags(web)).split())
    rows, word_text = word_cover(client.get(url(closed, "paper:paper-docx")).content)
    for _, value, label, shown in TRUST_SECTIONS:
        assert label not in rows
        assert (shown or value) not in words
        assert (shown or value) not in word_text
    assert "Alert, advise, assure" not in web
    assert rows["Purpose"] == "For discussion"
    sheet = CoverSheet.objects.get(assessment=closed)
    assert sheet.alert == "Cyber training is behind plan."  # kept for when it is back on
    client.post(sections_url(closed), {"sections": ["alert_advise_assure"]})
    assert (
        "Cyber training is behind plan." in client.get(url(closed, "paper:paper")).content.decode()
    )


def test_a_trust_that_has_not_chosen_has_the_programmes_sections(
    signed_in, coordinator, assessment, settings
):
    settings.COVER_SHEET_SECTIONS = ["version", "impact_finance", "no_longer_offered"]
    client = signed_in(coordinator)
    form = client.get(url(assessment)).content.decode()
    assert 'name="version"' in form
    assert 'name="impact_finance"' in form
    assert 'name="alert"' not in form
    choice = client.get(sections_url(assessment)).content.decode()
    assert 'name="sections" type="checkbox" value="version" checked' in choice
    assert 'name="impacts" type="checkbox" value="impact_finance" checked' in choice
    assert 'value="alert_advise_assure" checked' not in choice
    settings.COVER_SHEET_SECTIONS = []
    assert 'name="version"' not in client.get(url(assessment)).content.decode()


def test_the_programmes_default_sections(signed_in, coordinator, assessment):
    form = signed_in(coordinator).get(url(assessment)).content.decode()
    for name in ("assurance_rating", "assurance_reason", "alert", "advise", "assure"):
        assert f'name="{name}"' in form
    for name in ("strategic_objectives", "baf_risks"):
        assert f'name="{name}"' in form
    assert 'name="approved_by"' not in form


def test_trust_sections_carry_forward_from_last_quarter(signed_in, coordinator, assessment):
    earlier_cycle = quarter_of_year(assessment.cycle.framework, 2026, 2)
    earlier = assessment_open(trust=assessment.trust, cycle=earlier_cycle, by=coordinator)
    client = signed_in(coordinator)
    client.post(sections_url(earlier), EVERY_COVER_SECTION)
    client.post(url(earlier), TRUST_COVER)
    page = client.get(url(assessment)).content.decode()
    assert 'value="Dr Amara Okoye, Chief Executive"' in page
    assert "Cyber training is behind plan." in page
    assert 'name="purposes" type="checkbox" value="approval" checked' in page
    assert not CoverSheet.objects.filter(assessment=assessment).exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"purposes": []}, "Choose at least one purpose"),
        ({"assurance_reason": ""}, "Give the reason for the assurance rating"),
        ({"assurance_rating": ""}, "Choose the assurance rating, or clear its reason"),
        ({"foi_reason": ""}, "Give the reason the paper is exempt from publication"),
        ({"foi_status": "publishable"}, "Choose Exempt from publication, or clear the reason"),
        ({"approved_by": "x" * 151}, "Keep it to 150 characters or fewer"),
    ],
)
def test_trust_sections_bad_input_is_an_error_and_keeps_what_was_typed(
    signed_in, coordinator, assessment, overrides, message
):
    client = signed_in(coordinator)
    client.post(sections_url(assessment), EVERY_COVER_SECTION)
    response = client.post(url(assessment), TRUST_COVER | overrides)
    content = response.content.decode()
    assert '<h2 class="nhsuk-error-summary__heading">There is a problem</h2>' in content
    assert message in content
    assert "Cyber training is behind plan." in content
    assert not CoverSheet.objects.exists()


def test_choosing_sections_is_the_coordinators_of_that_trust(
    signed_in, board_member, coordinator, assessment, other_assessment
):
    forbidden(signed_in(board_member).get(sections_url(assessment)))
    not_found(signed_in(coordinator).get(sections_url(other_assessment)))
    not_found(signed_in(coordinator).post(sections_url(other_assessment), EVERY_COVER_SECTION))
    assert not CoverSheetConventions.objects.exists()


def test_an_unknown_section_is_refused(signed_in, coordinator, assessment):
    response = signed_in(coordinator).post(
        sections_url(assessment), {"sections": ["version", "horoscope"]}
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CoverSheetConventions.objects.exists()
    with pytest.raises(AssessmentError, match="no cover sheet section 'horoscope'"):
        cover_sheet_sections_choose(trust=assessment.trust, sections=["horoscope"], by=coordinator)
