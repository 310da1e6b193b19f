"""Every page knows where the quarter has got: the home page's next step and the trust
page's row for a quarter say the same thing in each state (not opened, open, open again,
closed), lead to what matters in that state, and call the thing the board answers the
questionnaire, never the assessment."""

import html
import re

import pytest
from django.urls import reverse

from assessments.models import QuarterState
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from tests.factories import AssessmentFactory, MembershipFactory
from tests.helpers import quarter_of_year, submitted_board
from trusts.models import Role


def link_texts(content: str) -> dict[str, str]:
    """Each link's text (tags and hidden words dropped) and where it goes."""
    return {
        " ".join(
            html.unescape(
                re.sub(r"<span class=\"nhsuk-u-visually-hidden\">.*?</span>|<[^>]+>", "", text)
            ).split()
        ): html.unescape(href)
        for href, text in re.findall(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', content, re.S)
    }


def quarters_table(content: str) -> str:
    return content.split("<h2>Quarters</h2>")[1].split("</table>")[0]


def on(assessment, name: str) -> str:
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


def test_trust_page_row_leads_to_completion_while_open_and_the_paper_once_closed(
    signed_in, coordinator, assessment
):
    client = signed_in(coordinator)
    table = quarters_table(
        client.get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    links = link_texts(table)
    assert links["See who has answered the 2026/27 Q3 questionnaire"] == (
        on(assessment, "quarter:assessment-detail") + "#who-has-answered"
    )
    assert links["2026/27 Q3"] == on(assessment, "quarter:assessment-detail")
    assert ">Open</strong>" in table

    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    table = quarters_table(
        client.get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    links = link_texts(table)
    assert links["Read the 2026/27 Q3 board paper"] == on(assessment, "paper:paper")
    assert ">Closed</strong>" in table
    assert "Run the" not in table


def test_trust_page_row_opens_a_quarter_not_yet_opened(signed_in, coordinator, trust, cycle):
    table = quarters_table(
        signed_in(coordinator).get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    assert link_texts(table)["Open the 2026/27 Q3 questionnaire for the board"] == reverse(
        "quarter:assessment-open", args=["QAA", cycle.slug]
    )
    assert ">Not opened</strong>" in table


def test_trust_page_every_column_is_headed(signed_in, coordinator, board_member, assessment):
    content = (
        signed_in(coordinator).get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    headers = re.findall(r'<th role="columnheader"[^>]*>(.*?)</th>', content, re.S)
    assert headers
    assert all(re.sub(r"<[^>]+>", "", h).strip() for h in headers)
    assert 'nhsuk-u-visually-hidden">Action' not in content


def test_trust_page_groups_sections_as_the_digital_lead_thinks(signed_in, coordinator, assessment):
    content = (
        signed_in(coordinator).get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    headings = re.findall(r"<h2>([^<]+)</h2>", content)
    assert headings == ["Quarters", "The board", "Decisions", "Records"]
    board = content.split("<h2>The board</h2>")[1].split("<h2>")[0]
    assert "action log" not in board
    assert "Audit trail" not in board


def test_board_member_sees_no_running_of_the_quarter(signed_in, board_member, assessment):
    content = (
        signed_in(board_member).get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    )
    assert re.findall(r"<h2>([^<]+)</h2>", content) == ["Your questionnaire"]
    assert "(open)" in content


@pytest.mark.parametrize("state", list(QuarterState))
def test_home_and_trust_page_say_the_same_next_step_in_each_state(
    signed_in, coordinator, trust, cycle, state
):
    if state != QuarterState.NOT_OPENED:
        assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator)
        if state != QuarterState.OPEN:
            submitted_board(assessment, 3)
            assessment_close(assessment=assessment, by=coordinator)
        if state == QuarterState.REOPENED:
            assessment_reopen(assessment=assessment, reason="A late answer", by=coordinator)
    client = signed_in(coordinator)
    home = link_texts(client.get(reverse("quarter:home")).content.decode())
    expected = {
        QuarterState.NOT_OPENED: "Open the 2026/27 Q3 questionnaire for the board",
        QuarterState.OPEN: "See who has answered the 2026/27 Q3 questionnaire",
        QuarterState.REOPENED: "See who has answered the 2026/27 Q3 questionnaire (open again)",
        QuarterState.CLOSED: "Prepare the 2026/27 Q3 board paper: the cover sheet, the "
        "board's agreed position, then the paper",
    }[state]
    assert expected in home
    table = client.get(reverse("quarter:trust-detail", args=["QAA"])).content.decode()
    assert f">{state.label}</strong>" in quarters_table(table)
    if state != QuarterState.CLOSED:  # a closed row leads to the paper itself
        assert expected in link_texts(quarters_table(table))


def test_home_tells_the_digital_lead_a_newer_quarter_is_waiting(signed_in, coordinator, assessment):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    newer = quarter_of_year(assessment.cycle.framework, 2026, 4)
    home = link_texts(signed_in(coordinator).get(reverse("quarter:home")).content.decode())
    assert home["Open the 2026/27 Q4 questionnaire for the board"] == reverse(
        "quarter:assessment-open", args=["QAA", newer.slug]
    )
    assert "Prepare the 2026/27 Q3 board paper" in " ".join(home)


def test_home_for_a_digital_lead_costs_one_more_query_whatever_the_trusts(
    signed_in, coordinator, assessment, django_assert_num_queries
):
    client = signed_in(coordinator)
    client.get(reverse("quarter:home"))  # warm the process caches (the data banner)
    # session, user, memberships with trusts, current assessments, own responses, newest quarter
    with django_assert_num_queries(6):
        client.get(reverse("quarter:home"))
    for code in ("QCC", "QDD", "QEE"):
        other = AssessmentFactory(trust__ods_code=code, cycle=assessment.cycle, status="open")
        MembershipFactory(trust=other.trust, user=coordinator, role=Role.COORDINATOR)
    with django_assert_num_queries(6):
        client.get(reverse("quarter:home"))


PAGES_OF_A_QUARTER = (
    "quarter:assessment-detail",
    "quarter:assessment-targets",
    "quarter:assessment-close",
    "quarter:assessment-positions",
    "quarter:assessment-roadmap",
    "quarter:assessment-roadmap-review",
    "paper:cover-sheet",
    "paper:paper",
    "questionnaire:questionnaire-start",
)


def visible_words(content: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", content, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def test_no_page_of_a_quarter_says_assessment(signed_in, coordinator, trust, cycle):
    """One word, in every state: the board answers a questionnaire; the digital lead
    opens, closes and reopens it. 'Self-assessment' names the exercise in the paper."""
    MembershipFactory(trust=trust, user=coordinator, role=Role.BOARD_MEMBER)
    client = signed_in(coordinator)
    draft = reverse("quarter:assessment-open", args=["QAA", cycle.slug])
    pages = [reverse("quarter:home"), reverse("quarter:trust-detail", args=["QAA"])]
    assessment = None
    for state in ("not opened", "open", "closed", "reopened"):
        quarter_pages = []
        if state == "not opened":
            quarter_pages = [draft]
        elif state == "open":
            assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator)
        elif state == "closed":
            submitted_board(assessment, 3)
            assessment_close(assessment=assessment, by=coordinator)
            quarter_pages = [
                on(assessment, "quarter:assessment-reopen")
            ]  # the form, before reopening
        else:
            client.post(on(assessment, "quarter:assessment-reopen"), {"reason": "A late answer"})
        if assessment is not None:
            quarter_pages += [on(assessment, name) for name in PAGES_OF_A_QUARTER]
        for url in [*pages, *quarter_pages]:
            response = client.get(url, follow=True)
            words = visible_words(response.content.decode())
            found = re.findall(r"(?<!self-)\bassessments?\b", words, re.I)
            assert not found, (state, url, found)


def test_trust_page_costs_the_same_however_many_quarters_have_closed(
    signed_in, coordinator, assessment, django_assert_num_queries
):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    client = signed_in(coordinator)
    url = reverse("quarter:trust-detail", args=["QAA"])
    client.get(url)  # warm the process caches (the data banner)
    # six, however many quarters have closed (no query per row)
    with django_assert_num_queries(6):
        client.get(url)
    for quarter in (1, 2):
        earlier = assessment_open(
            trust=assessment.trust,
            cycle=quarter_of_year(assessment.cycle.framework, 2026, quarter),
            by=coordinator,
        )
        assessment_close(assessment=earlier, by=coordinator)
    with django_assert_num_queries(6):
        client.get(url)


def test_programme_trust_page_shows_a_reopened_quarter_as_open_again_without_figures(
    signed_in, programme_staff, coordinator, assessment
):
    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    assessment_reopen(assessment=assessment, reason="A late answer", by=coordinator)
    content = signed_in(programme_staff).get(reverse("national:programme-trust", args=["QAA"]))
    row = content.content.decode().split("<tbody")[1].split("</tr>")[0]
    assert ">Open again</strong>" in row
    assert "Not yet" in row  # no paper while it is open again
