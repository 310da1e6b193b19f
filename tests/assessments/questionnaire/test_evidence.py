"""Evidence behind a board member's answer: a title and an https link, saved with the
answer like its comment, shown back to the member, and refused whole when it is wrong."""

import html
import re

import pytest

from assessments.errors import AssessmentError
from assessments.models import Answer
from assessments.quarter.actions import assessment_close
from assessments.questionnaire.actions import AnswerInput, answers_save
from assessments.questionnaire.forms import describe_typed
from core.kept import TypedField
from principles.models import Question
from tests.helpers import answer_everything, page_data, submitted_board
from tests.helpers import questionnaire_url as url

TITLE = "Digital strategy 2026, section 4"
LINK = "https://trust.example.nhs.uk/strategy#section-4"
FIRST = "p1-user-needs"  # the first question on principle 1's page, as its fields are named


def evidence_data(assessment, title=TITLE, link=LINK, **kwargs):
    """Principle 1's page with evidence on its first question."""
    return page_data(assessment, 1, **kwargs) | {
        f"{FIRST}-evidence-title": title,
        f"{FIRST}-evidence-url": link,
    }


def saved_evidence(member):
    return {
        (a.question.key, a.evidence_title, a.evidence_url)
        for a in Answer.objects.filter(response__respondent=member).select_related("question")
        if a.evidence_title or a.evidence_url
    }


def loaded_version(client, assessment):
    page = client.get(url(assessment, "page", number=1)).content.decode()
    return re.search(r'name="version" value="([^"]*)"', page).group(1)


def test_evidence_is_saved_with_the_answer_and_shown_open_on_the_page_again(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    response = client.post(url(assessment, "page", number=1), evidence_data(assessment))
    assert response.status_code == 302
    assert saved_evidence(board_member) == {("p1.user-needs", TITLE, LINK)}
    content = client.get(url(assessment, "page", number=1)).content.decode()
    assert f'value="{TITLE}"' in content
    assert content.count('<details class="nhsuk-details qd-evidence" open>') == 1
    assert content.count('<details class="nhsuk-details qd-evidence">') == 2  # closed: none


def test_the_check_page_shows_the_evidence_as_a_link_with_its_address(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), evidence_data(assessment))
    content = client.get(url(assessment, "check")).content.decode()
    assert f'<a href="{LINK}" rel="noopener noreferrer">{TITLE}</a>' in content
    assert f"({LINK})" in content


HTTPS = (
    "Enter a full web address for the evidence on question 1 that starts with https://, "
    "like https://www.example.nhs.uk/report"
)
PERSONAL = (
    "The evidence link on question 1 is to a personal space, such as your OneDrive, and its "
    "address can show your name. Link to a copy on a team site or the trust's website instead"
)
# Links whose address shows whose they are, which the paper would print in full.
PERSONAL_LINKS = (
    "https://trust-my.sharepoint.com/personal/martin_oduya_trust_nhs_uk/Documents/report.pdf",
    "https://TRUST-MY.SHAREPOINT.COM/:b:/g/EaBcD",
    "https://trust.sharepoint.com/personal/martin_oduya_trust_nhs_uk/Shared%20Documents/a.pdf",
    "https://docs.google.com/document/d/1AbC/edit?authuser=martin.oduya@nhs.net",
    "https://drive.google.com/file/d/1AbC/view?usp=sharing&AuthUser=0",
    # However the path is written: percent-encoded, with slashes doubled or backslashed.
    "https://trust.sharepoint.com/%70ersonal/martin_oduya_trust_nhs_uk/a.pdf",
    "https://trust.sharepoint.com/%2Fpersonal/martin_oduya/a.pdf",
    "https://trust.sharepoint.com//personal/martin_oduya/a.pdf",
    "https://trust.sharepoint.com/\\PERSONAL\\martin_oduya/a.pdf",
    # A sharing link to a personal site on the trust's own SharePoint servers.
    "https://mysite.trust.nhs.uk/:w:/g/personal/martin_oduya/EaBcD?e=x1",
    # Consumer OneDrive: every address there is someone's own.
    "https://1drv.ms/w/s!AbCdEf",
    "https://onedrive.live.com/?id=ABC123&cid=DEF456",
    "https://d.docs.live.net/abc123/Documents/report.docx",
    "https://photos.onedrive.live.com/share/abc",
)


def summary_entries(content: str) -> list[tuple[str, str]]:
    """The error summary's entries: (the field its link goes to, the message)."""
    summary = content.split('nhsuk-error-summary__list">')[1].split("</ul>")[0]
    found = re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', summary)
    return [(anchor, html.unescape(message)) for anchor, message in found]


@pytest.mark.parametrize(
    ("title", "link", "field", "message"),
    [
        (
            "",
            LINK,
            "title",
            "Enter a title for the evidence on question 1, or remove its link",
        ),
        (TITLE, "", "url", "Enter a link to the evidence on question 1, or remove its title"),
        (TITLE, "http://trust.example/strategy", "url", HTTPS),
        (TITLE, "javascript:alert(1)", "url", HTTPS),
        (TITLE, "not a web address", "url", HTTPS),
        (TITLE, "https://martin:secret@trust.example.nhs.uk/strategy", "url", HTTPS),
        (TITLE, "https://martin.oduya@trust.example.nhs.uk/strategy", "url", HTTPS),
        *((TITLE, link, "url", PERSONAL) for link in PERSONAL_LINKS),
        (
            "t" * 201,
            LINK,
            "title",
            "The evidence title on question 1 must be 200 characters or fewer",
        ),
        (
            TITLE,
            "https://a.example/" + "x" * 483,
            "url",
            "The evidence link on question 1 must be 500 characters or fewer",
        ),
    ],
)
def test_wrong_evidence_is_an_error_naming_the_question_and_saves_nothing(
    signed_in, board_member, assessment, title, link, field, message
):
    data = evidence_data(assessment, title, link, comments=("Kept", "", ""))
    response = signed_in(board_member).post(url(assessment, "page", number=1), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert summary_entries(content) == [(f"id_{FIRST}-evidence-{field}", message)]
    assert f'id="id_{FIRST}-evidence-{field}"' in content  # the summary's link lands
    assert '<details class="nhsuk-details qd-evidence" open>' in content  # the error shows
    assert "Kept</textarea>" in content  # what was typed stays on the page
    assert not Answer.objects.filter(response__respondent=board_member).exists()


@pytest.mark.parametrize(
    "link",
    [
        "https://trust.sharepoint.com/sites/digital/Shared%20Documents/strategy.pdf",
        "https://docs.google.com/document/d/1AbC/edit?usp=sharing",
        "https://www.example.nhs.uk/personal-health-budgets/report",
        "https://www.example.nhs.uk/about/personalised-care/%20report",
        "https://trust-1drv.ms.example.nhs.uk/onedrive.live.com/report",
        "https://trust.example.nhs.uk/report?q=martin@trust.nhs.uk",
    ],
)
def test_evidence_on_a_team_site_or_a_public_page_is_saved(
    signed_in, board_member, assessment, link
):
    signed_in(board_member).post(
        url(assessment, "page", number=1), evidence_data(assessment, link=link)
    )
    assert saved_evidence(board_member) == {("p1.user-needs", TITLE, link)}


def test_the_page_warns_that_links_are_printed_as_typed_and_asks_for_no_name(
    signed_in, board_member, assessment
):
    content = signed_in(board_member).get(url(assessment, "page", number=1)).content.decode()
    assert "printed in the board paper exactly as you type them" in content
    assert "do not link to anything that shows your name" in content
    assert 'autocomplete="url"' not in content  # the link is not the member's own website


def test_the_start_page_says_who_sees_the_evidence_and_its_link(
    signed_in, board_member, assessment
):
    content = signed_in(board_member).get(url(assessment, "start")).content.decode()
    who = content[content.index("Who sees your answers") :]
    assert "Comments and evidence appear in the board paper without your name" in who
    assert "evidence links are printed in full" in who
    assert "or link to anything, that would identify you" in who


def test_evidence_at_its_limits_is_saved(signed_in, board_member, assessment):
    title, link = "t" * 200, "https://a.example/" + "x" * 482
    assert len(link) == 500
    signed_in(board_member).post(
        url(assessment, "page", number=1), evidence_data(assessment, title, link)
    )
    assert saved_evidence(board_member) == {("p1.user-needs", title, link)}


def test_the_action_refuses_evidence_the_form_would_refuse(assessment, board_member):
    question = Question.objects.get(key="p1.user-needs")
    for wrong in (
        AnswerInput(score=3, evidence_title=TITLE),
        AnswerInput(score=3, evidence_url=LINK),
        AnswerInput(score=3, evidence_title=TITLE, evidence_url="http://trust.example/"),
        AnswerInput(score=3, evidence_title="t" * 201, evidence_url=LINK),
        AnswerInput(score=3, evidence_title=TITLE, evidence_url=LINK + "x" * 500),
        AnswerInput(score=3, evidence_title=TITLE, evidence_url="https://jo:pw@trust.example/"),
        *(AnswerInput(score=3, evidence_title=TITLE, evidence_url=link) for link in PERSONAL_LINKS),
    ):
        with pytest.raises(AssessmentError, match=r"p1\.user-needs"):
            answers_save(
                assessment=assessment,
                respondent=board_member,
                answers={question: wrong},
                by=board_member,
            )
    assert not Answer.objects.filter(response__respondent=board_member).exists()


def test_evidence_without_a_level_is_kept_like_a_comment_alone(signed_in, board_member, assessment):
    data = evidence_data(assessment, levels=("", "", ""))
    signed_in(board_member).post(url(assessment, "page", number=1), data)
    answer = Answer.objects.get(response__respondent=board_member)
    assert (answer.score, answer.dont_know, answer.evidence_url) == (None, False, LINK)


def test_clearing_both_fields_removes_the_evidence(signed_in, board_member, assessment):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), evidence_data(assessment))
    client.post(url(assessment, "page", number=1), evidence_data(assessment, "", ""))
    assert saved_evidence(board_member) == set()


def test_evidence_changed_in_another_tab_is_shown_beside_what_was_typed_and_kept(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    first_tab = loaded_version(client, assessment)
    second_tab = loaded_version(client, assessment)
    other = evidence_data(assessment, "Audit report", "https://audit.example/report")
    client.post(url(assessment, "page", number=1), other | {"version": second_tab})
    mine = evidence_data(assessment) | {"version": first_tab}
    response = client.post(url(assessment, "page", number=1), mine)
    assert response.status_code == 409
    content = response.content.decode()
    typed_side = content.index("Typed on this page")
    assert "Audit report (https://audit.example/report)" in content[:typed_side]
    assert f"{TITLE} ({LINK})" in content[typed_side:]
    assert saved_evidence(board_member) == {
        ("p1.user-needs", "Audit report", "https://audit.example/report")
    }


def test_a_page_sent_after_the_close_shows_back_the_evidence_typed(
    signed_in, board_member, assessment, coordinator
):
    client = signed_in(board_member)
    client.get(url(assessment, "page", number=1))
    assessment_close(assessment=assessment, by=coordinator)
    response = client.post(url(assessment, "page", number=1), evidence_data(assessment))
    assert response.status_code == 409
    content = response.content.decode()
    assert f'Your evidence: {TITLE} <span class="qd-url">({LINK})</span>' in content
    assert f'href="{LINK}"' not in content  # never checked, so not a link
    assert not Answer.objects.filter(response__respondent=board_member).exists()


def test_the_members_mirror_shows_their_own_evidence_beside_their_answer(
    signed_in, board_member, assessment, coordinator
):
    submitted_board(assessment, 3)
    answer_everything(assessment, board_member)
    question = Question.objects.get(key="p1.user-needs")
    answers_save(
        assessment=assessment,
        respondent=board_member,
        answers={question: AnswerInput(score=3, evidence_title=TITLE, evidence_url=LINK)},
        by=board_member,
    )
    assessment_close(assessment=assessment, by=coordinator)
    content = signed_in(board_member).get(url(assessment, "mirror")).content.decode()
    assert f'Your evidence: <a href="{LINK}" rel="noopener noreferrer">{TITLE}</a>' in content


def test_typed_evidence_kept_when_a_session_ends_is_shown_back_by_its_question(assessment):
    question = Question.objects.get(key="p1.user-needs")
    described = describe_typed(
        [(f"{FIRST}-evidence-title", TITLE), (f"{FIRST}-evidence-url", LINK)]
    )
    assert described[(f"{FIRST}-evidence-title", TITLE)] == TypedField(
        f"{question.text} (evidence title)", TITLE
    )
    assert described[(f"{FIRST}-evidence-url", LINK)] == TypedField(
        f"{question.text} (evidence link)", LINK
    )


def evidence_shown(content: str) -> str:
    """The evidence as a page shows it, after its label."""
    return re.search(r'qd-evidence-link">[^:]*: (.*?)</p>', content).group(1)


def test_the_mirror_shows_evidence_as_the_check_page_does(
    signed_in, board_member, assessment, coordinator
):
    submitted_board(assessment, 3)
    answer_everything(assessment, board_member, submit=False)
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), evidence_data(assessment))
    checked = evidence_shown(client.get(url(assessment, "check")).content.decode())
    assessment_close(assessment=assessment, by=coordinator)
    mirrored = evidence_shown(client.get(url(assessment, "mirror")).content.decode())
    assert mirrored == checked
    assert checked == (
        f'<a href="{LINK}" rel="noopener noreferrer">{TITLE}</a> '
        f'<span class="qd-url">({LINK})</span>'
    )


def test_the_action_says_why_a_personal_link_is_refused(assessment, board_member):
    question = Question.objects.get(key="p1.user-needs")
    personal = AnswerInput(score=3, evidence_title=TITLE, evidence_url=PERSONAL_LINKS[0])
    with pytest.raises(AssessmentError, match="personal space, such as your OneDrive"):
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={question: personal},
            by=board_member,
        )
