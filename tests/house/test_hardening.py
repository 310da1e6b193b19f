"""Hardening: the headers on every kind of response, and exports that are safe to open."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.quarter.actions import assessment_close
from core.security_headers import header_problems
from reports.exports import safe_cell
from tests.factories import UserFactory
from tests.helpers import submitted_board


@pytest.fixture
def published(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3)
    return assessment_close(assessment=assessment, by=coordinator)


def assessment_url(assessment, name, *args):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug, *args])


def test_every_kind_of_response_carries_the_security_headers(
    client, signed_in, published, coordinator, programme_staff
):
    admin = UserFactory(email="admin@test.example", is_superuser=True)
    anonymous = [
        reverse("accounts:sign-in"),
        reverse("accounts:password-reset"),
        reverse("core:healthz"),
        reverse("quarter:home"),  # a redirect
        "/no-such-page/",  # a 404
        "/invitations/not-a-token/",  # a 410
    ]
    for url in anonymous:
        assert header_problems(client.get(url).get) == [], url
    lead = signed_in(coordinator)
    for url in [
        reverse("quarter:home"),
        reverse("accounts:account"),
        assessment_url(published, "quarter:assessment-detail"),
        assessment_url(published, "paper:paper"),
        assessment_url(published, "paper:paper-pdf"),
        assessment_url(published, "paper:paper-export", "principles", "csv"),
        assessment_url(published, "paper:paper-export", "questions", "xlsx"),
        reverse("national:programme-home"),  # a 403
    ]:
        assert header_problems(lead.get(url).get) == [], url
    lead.force_login(admin)
    assert header_problems(lead.get(reverse("admin:index")).get) == []


def test_every_inline_script_carries_the_pages_nonce(client, db):
    response = client.get(reverse("accounts:sign-in"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S)
    inline = [attributes for attributes, body in scripts if body.strip()]
    assert len(inline) == 2  # marks the page as having JavaScript; starts NHS.UK's components
    assert all(f'nonce="{nonce}"' in attributes for attributes in inline)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ('=HYPERLINK("http://x.example")', '\'=HYPERLINK("http://x.example")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rReturn", "'\rReturn"),
        ("Guy's and St Thomas'", "Guy's and St Thomas'"),
        (-0.4, -0.4),
    ],
)
def test_cells_a_spreadsheet_would_run_are_neutralised(typed, written):
    assert safe_cell(typed) == written


def test_every_export_shows_a_formula_like_trust_name_as_text(
    signed_in, published, coordinator, programme_staff
):
    trust = published.trust
    trust.name = '=HYPERLINK("http://evil.example","Click")'
    trust.save()
    expected = "'" + trust.name
    lead = signed_in(coordinator)
    for level in ("principles", "questions"):
        content = lead.get(assessment_url(published, "paper:paper-export", level, "csv")).content
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert {row[1] for row in rows[1:]} == {expected}
        book = load_workbook(
            io.BytesIO(
                lead.get(assessment_url(published, "paper:paper-export", level, "xlsx")).content
            )
        )
        cells = [row[1] for row in book.active.iter_rows(min_row=2)]
        assert {(cell.value, cell.data_type) for cell in cells} == {(expected, "s")}
    staff = signed_in(programme_staff)
    slug = published.cycle.slug
    csv_rows = list(
        csv.reader(
            io.StringIO(
                staff.get(
                    reverse("national:programme-comparison-export", args=[slug, "csv"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert expected in [cell for row in csv_rows for cell in row]
    book = load_workbook(
        io.BytesIO(
            staff.get(reverse("national:programme-comparison-export", args=[slug, "xlsx"])).content
        )
    )
    written = [cell for row in book.active.iter_rows() for cell in row if cell.value == expected]
    assert written
    assert all(cell.data_type == "s" for cell in written)
    formulas = [cell for row in book.active.iter_rows() for cell in row if cell.data_type == "f"]
    assert formulas == []


def test_pdf_running_header_shows_the_trust_name_as_typed(published, coordinator):
    from pypdf import PdfReader

    from reports.paper.actions import paper_file

    trust = published.trust
    trust.name = "Guy's & St Thomas' \"Test\" <Trust>"
    trust.save()
    pdf = paper_file(assessment=published, by=coordinator).content
    first_page = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Guy's & St Thomas' \"Test\" <Trust>" in first_page
    assert "&amp;" not in first_page
    assert "&#x27;" not in first_page
