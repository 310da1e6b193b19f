"""What each trust's figures rest on, in the national view: how many of its board had
submitted, the response rate and the confidence its board paper gives, beside its scores
on the comparison, on its programme page and in the comparison's exports; and the key to
the comparison's colours. Counts come from the published release, never the live answers;
a quarter whose figures are hidden shows no confidence."""

import csv
import io
import re
from fractions import Fraction as F

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments.models import AssessmentStatus
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from reports.national import rows as programme_rows
from reports.paper.presenters import board_paper
from tests.factories import SETUP, AssessmentFactory, CycleFactory, MembershipFactory, TrustFactory
from tests.helpers import answer_everything, new_board_member, summary_rows
from tests.reports.national.test_national import compare
from trusts.actions import membership_remove
from trusts.models import Role

LEVELS = ("High", "Moderate", "Low")


@pytest.fixture(autouse=True)
def _minimum_of_three(settings):
    settings.MIN_RESPONSES = 3


def closed_quarter(cycle, code: str, *, board: int, submitted: int, score=3):
    """A trust whose ``board`` members were asked, ``submitted`` of them answering every
    question with ``score`` (None: "don't know"), closed through the actions."""
    trust = TrustFactory(ods_code=code, name=f"Trust {code}")
    assessment = assessment_open(trust=trust, cycle=cycle, by=SETUP)
    members = [new_board_member(trust) for _ in range(board)]
    for member in members[:submitted]:
        answer_everything(assessment, member, score)
    return assessment_close(assessment=assessment, by=SETUP), members


def rests_on_cells(response, code: str) -> list[str]:
    row = next(cells for trust, cells in response.context["rows"] if trust.ods_code == code)
    return [cell.value for cell in row[-3:]]


def heading(label: str) -> str:
    """A cell's heading, repeated in it for a narrow screen (NHS.UK responsive table)."""
    return f'<span class="nhsuk-table-responsive__heading" aria-hidden="true">{label} </span>'


def trust_page(client, code: str):
    return client.get(reverse("national:programme-trust", args=[code]))


def export_rows(client, cycle, extension: str) -> list[list]:
    url = reverse("national:programme-comparison-export", args=[cycle.slug, extension])
    content = client.get(url).content
    if extension == "csv":
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return [list(row) for row in load_workbook(io.BytesIO(content))["Comparison"].values]


# Beside the scores, as the paper gives them


def test_comparison_shows_submitted_of_board_rate_and_the_papers_confidence(
    signed_in, programme_staff, cycle
):
    high, _ = closed_quarter(cycle, "QR1", board=4, submitted=4)
    low, _ = closed_quarter(cycle, "QR2", board=9, submitted=4)  # 4 of 9: below half
    response = compare(signed_in(programme_staff), cycle)
    assert rests_on_cells(response, "QR1") == ["4 of 4", "100%", "High"]
    assert rests_on_cells(response, "QR2") == ["4 of 9", "44%", "Low"]
    for assessment, code in ((high, "QR1"), (low, "QR2")):
        paper = board_paper(assessment)
        published = paper.submissions
        assert (
            rests_on_cells(response, code)[0] == f"{published.submitted} of {published.board_size}"
        )
        assert rests_on_cells(response, code)[2] == paper.cover.confidence


def test_counts_stay_as_published_when_the_board_changes_after_close(
    signed_in, programme_staff, cycle
):
    assessment, members = closed_quarter(cycle, "QR1", board=9, submitted=7)
    membership_remove(membership=members[0].memberships.get(), by=SETUP)  # one who answered
    for _ in range(3):
        new_board_member(assessment.trust)  # 11 on the board today
    client = signed_in(programme_staff)
    assert rests_on_cells(compare(client, cycle), "QR1") == ["7 of 9", "78%", "High"]
    (row,) = trust_page(client, "QR1").context["quarters"]
    assert (row.rests_on.submitted, row.rests_on.rate, row.rests_on.confidence) == (
        "7 of 9",
        "78%",
        "High",
    )
    assert export_rows(client, cycle, "csv")[1][-4:] == ["7", "9", "0.7778", "High"]
    paper = board_paper(assessment)
    assert (paper.submissions.submitted, paper.submissions.board_size) == (7, 9)
    assert paper.cover.confidence == "High"


def test_a_late_answer_held_back_at_reclose_leaves_the_published_counts(
    signed_in, programme_staff, cycle
):
    """Reopened, one more answers, closed: one response new is fewer than the minimum, so
    the first release stays published, and with it its 5 of 9."""
    assessment, members = closed_quarter(cycle, "QR1", board=9, submitted=5)
    assessment_reopen(assessment=assessment, reason="A late answer", by=SETUP)
    answer_everything(assessment, members[5], 3)
    assessment = assessment_close(assessment=assessment, by=SETUP)
    assert assessment.releases.count() == 1
    client = signed_in(programme_staff)
    assert rests_on_cells(compare(client, cycle), "QR1") == ["5 of 9", "56%", "Moderate"]
    paper = board_paper(assessment)
    assert (paper.submissions.submitted, paper.submissions.board_size) == (5, 9)
    assert paper.cover.confidence == "Moderate"
    (row,) = trust_page(client, "QR1").context["quarters"]
    assert row.rests_on.submitted == "5 of 9"


# Hidden where the scores are hidden


def test_a_quarter_with_too_few_responses_shows_counts_but_no_confidence(
    signed_in, programme_staff, cycle
):
    """Two of eight is below the minimum of three: no scores anywhere, and no confidence,
    which is made from the answers; how many submitted is public on the completion page."""
    closed_quarter(cycle, "QS1", board=8, submitted=2, score=None)  # all "don't know"
    client = signed_in(programme_staff)
    assert compare(client, cycle).context["rows"] == []
    assert export_rows(client, cycle, "csv")[1:] == []
    response = trust_page(client, "QS1")
    (row,) = response.context["quarters"]
    assert (row.rests_on.submitted, row.rests_on.rate, row.overall) == ("2 of 8", "25%", "–")
    assert row.rests_on.confidence == "–"
    table = response.content.decode().split("<tbody")[1].split("</tbody>")[0]
    assert not any(level in table for level in LEVELS)


def test_an_open_quarter_shows_submitted_so_far_of_the_board_as_the_draft_paper_counts_it(
    signed_in, programme_staff, trust, cycle, framework
):
    """Counted as the draft paper counts it: today's members and anyone who submitted and
    has left since (four members, one of whom answered and left: 1 of 4, 3 today)."""
    assessment = assessment_open(trust=trust, cycle=cycle, by=SETUP)
    members = [new_board_member(trust) for _ in range(4)]
    answer_everything(assessment, members[0], 3)
    membership_remove(membership=members[0].memberships.get(), by=SETUP)
    response = trust_page(signed_in(programme_staff), trust.ods_code)
    (row,) = response.context["quarters"]
    assert (row.rests_on.submitted, row.rests_on.rate, row.rests_on.confidence) == (
        "1 of 4",
        "25%",
        "–",
    )
    assert response.context["board_size"] == 3
    draft = board_paper(assessment).submissions
    assert (draft.submitted, draft.board_size) == (1, 4)


# The exports carry the same


def test_comparison_exports_carry_submitted_board_rate_and_confidence(
    signed_in, programme_staff, cycle
):
    closed_quarter(cycle, "QR1", board=8, submitted=6)
    client = signed_in(programme_staff)
    header, row = export_rows(client, cycle, "csv")
    assert header[-4:] == ["respondents", "board_size", "response_rate", "confidence"]
    assert row[-4:] == ["6", "8", "0.75", "High"]
    header, row = export_rows(client, cycle, "xlsx")
    assert header[-4:] == ["respondents", "board_size", "response_rate", "confidence"]
    assert row[-4:] == [6, 8, 0.75, "High"]
    url = reverse("national:programme-comparison-export", args=[cycle.slug, "xlsx"])
    notes = dict(load_workbook(io.BytesIO(client.get(url).content))["Columns"].values)
    assert notes["confidence"].startswith("Confidence in these results (High, Moderate or Low)")


# The key to the colours


def test_the_key_gives_each_colour_its_printed_scores_in_words():
    key = [(row.heat, row.scores, row.meaning) for row in programme_rows.heat_key()]
    assert key == [
        (1, "1.0 to 1.4", "Nearest level 1, not started"),
        (2, "1.5 to 2.4", "Nearest level 2, emerging"),
        (3, "2.5 to 3.4", "Nearest level 3, developing"),
        (4, "3.5 to 4.4", "Nearest level 4, established"),
        (5, "4.5 to 5.0", "Nearest level 5, leading"),
        (0, "–", 'No score: every answer was "don\'t know"'),
    ]


@pytest.mark.parametrize(
    ("exact", "printed", "heat"),
    [
        (F(149, 100), "1.5", 2),  # 1.49 prints 1.5: the key's colour for 1.5, not 1's
        (F(29, 20), "1.5", 2),  # 1.45, half up
        (F(289, 200), "1.4", 1),  # 1.445
        (F(5, 2), "2.5", 3),
        (F(449, 100), "4.5", 5),
        (F(5), "5.0", 5),
        (None, "–", 0),
    ],
)
def test_a_cells_colour_is_the_keys_colour_for_the_score_it_prints(exact, printed, heat):
    cell = programme_rows.heat_cell(exact)
    assert (cell.value, cell.heat) == (printed, heat)
    (row,) = [row for row in programme_rows.heat_key() if row.heat == heat]
    if exact is not None:
        low, high = (F(part) for part in row.scores.split(" to "))
        assert low <= F(printed) <= high


def test_comparison_heads_every_column_marks_the_numbers_and_has_the_key(
    signed_in, programme_staff, cycle
):
    """The comparison stays a table that scrolls sideways (its headings sort it, on a phone
    too); the key is a responsive table, each cell under its heading on a narrow screen."""
    closed_quarter(cycle, "QR1", board=8, submitted=6)
    content = compare(signed_in(programme_staff), cycle).content.decode()
    table, key = content.split('<table class="nhsuk-table qd-heat">')[1].split(
        "What the colours mean"
    )
    headings = re.findall(r'<th scope="col" class="([^"]+)"[^>]*>(.*?)</th>', table)
    labels = [re.sub(r"<[^>]+>", "", label) for _, label in headings]
    assert labels == [
        "Trust",
        *(f"P{n}" for n in range(1, 9)),
        "Overall",
        "Submitted",
        "Response rate",
        "Confidence",
    ]
    numeric = [
        label
        for (classes, _), label in zip(headings, labels, strict=True)
        if "--numeric" in classes
    ]
    assert numeric == labels[1:-1]
    (row,) = re.findall(r'<tr class="nhsuk-table__row"><th scope="row".*?</tr>', table)
    cells = re.findall(r'<td class="([^"]+)">(.*?)</td>', row)
    assert len(cells) == len(labels) - 1  # after the trust's name
    assert [classes for classes, _ in cells[-3:]] == [
        "nhsuk-table__cell nhsuk-table__cell--numeric",
        "nhsuk-table__cell nhsuk-table__cell--numeric",
        "nhsuk-table__cell",
    ]
    assert [value for _, value in cells[-3:]] == ["6 of 8", "75%", "High"]
    assert f'qd-heat--2" role="cell">{heading("Scores shown")}1.5 to 2.4' in key
    assert "at least three quarters of the board answered" in key  # the paper's words


def test_comparison_with_no_results_says_so_across_every_column(signed_in, programme_staff, cycle):
    content = compare(signed_in(programme_staff), cycle).content.decode()
    assert '<td class="nhsuk-table__cell" colspan="13">No closed results match' in content


def test_trust_page_heads_every_column_and_marks_the_numbers(signed_in, programme_staff, cycle):
    closed_quarter(cycle, "QR1", board=8, submitted=6)
    content = trust_page(signed_in(programme_staff), "QR1").content.decode()
    headings = re.findall(
        r'<th role="columnheader" scope="col" class="([^"]+)">(.*?)</th>', content
    )
    assert [label for _, label in headings] == [
        "Quarter",
        "Status",
        "Submitted",
        "Response rate",
        "Overall score",
        "Confidence",
        "Board paper",
    ]
    assert [label for classes, label in headings if "--numeric" in classes] == [
        "Submitted",
        "Response rate",
        "Overall score",
    ]
    assert f"{heading('Submitted')}6 of 8</td>" in content
    assert f"{heading('Confidence')}High</td>" in content


# No query per trust


def test_comparison_reads_what_the_figures_rest_on_without_a_query_per_trust(
    signed_in, programme_staff, cycle, django_assert_num_queries
):
    closed_quarter(cycle, "QR1", board=4, submitted=4)
    client = signed_in(programme_staff)
    compare(client, cycle)  # warm the process caches
    # session, user, the quarters (the one shown among them), the closed assessments with
    # each one's release, their principle rows, ICB list
    with django_assert_num_queries(6):
        compare(client, cycle)
    for n in range(2, 6):
        closed_quarter(cycle, f"QR{n}", board=4, submitted=3)
    with django_assert_num_queries(6):
        response = compare(client, cycle)
    assert len(response.context["rows"]) == 5


def test_trust_page_queries_do_not_grow_with_its_quarters(
    signed_in, programme_staff, framework, django_assert_num_queries
):
    trust = TrustFactory(ods_code="QR1")
    MembershipFactory(trust=trust, role=Role.BOARD_MEMBER)
    client = signed_in(programme_staff)

    def quarter(number):
        assessment = AssessmentFactory(
            trust=trust,
            cycle=CycleFactory(year=2025, quarter=number, framework=framework),
            status=AssessmentStatus.CLOSED,
        )
        summary_rows(assessment, dict.fromkeys(framework.principles.all(), 3.0), 5)

    quarter(1)
    trust_page(client, "QR1")
    with django_assert_num_queries(TRUST_PAGE_QUERIES):
        trust_page(client, "QR1")
    for number in (2, 3, 4):
        quarter(number)
    with django_assert_num_queries(TRUST_PAGE_QUERIES):
        trust_page(client, "QR1")


# session, user, the trust, its quarters with their releases, their summary rows, board
# members, submitted responses
TRUST_PAGE_QUERIES = 7
