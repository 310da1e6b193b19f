"""The board member's questionnaire: every exit condition of every view."""

import html
import re

import pytest
from django.urls import reverse

from assessments.errors import AssessmentError
from assessments.models import Answer, AssessmentStatus, Response, ResponseStatus
from assessments.questionnaire.actions import AnswerInput, answers_save, response_submit
from core.models import AuditEvent
from principles.models import Question
from tests.factories import (
    AssessmentFactory,
    CycleFactory,
    FrameworkFactory,
    PrincipleFactory,
    QuestionFactory,
)
from tests.helpers import answer_everything, new_board_member, page_data
from tests.helpers import questionnaire_url as url
from tests.pages import forbidden, not_found, to_sign_in
from trusts.models import Role


def saved(member):
    return {
        (a.question.key, a.score, a.dont_know, a.comment)
        for a in Answer.objects.filter(response__respondent=member).select_related("question")
    }


# Start page


def test_questionnaire_start_not_started_offers_start_now(signed_in, board_member, assessment):
    response = signed_in(board_member).get(url(assessment, "start"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Start now" in content
    assert "15 to 20 minutes" in content
    assert "Only you see your own answers" in content


def test_questionnaire_start_in_progress_offers_continue(signed_in, board_member, assessment):
    answer_everything(assessment, board_member, submit=False)
    assert "Continue" in signed_in(board_member).get(url(assessment, "start")).content.decode()


def test_questionnaire_start_submitted_offers_change(signed_in, board_member, assessment):
    answer_everything(assessment, board_member)
    content = signed_in(board_member).get(url(assessment, "start")).content.decode()
    assert "You can change them until the questionnaire closes" in content


def test_questionnaire_start_anonymous_redirects_to_sign_in(client, assessment):
    response = client.get(url(assessment, "start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_questionnaire_start_coordinator_only_is_403(signed_in, coordinator, assessment):
    forbidden(signed_in(coordinator).get(url(assessment, "start")))


def test_questionnaire_start_programme_staff_is_403(signed_in, programme_staff, assessment):
    forbidden(signed_in(programme_staff).get(url(assessment, "start")))


def test_questionnaire_start_draft_assessment_is_404(signed_in, board_member, cycle, trust):
    draft = trust.assessments.get(cycle=cycle)
    assert draft.status == AssessmentStatus.DRAFT
    assert signed_in(board_member).get(url(draft, "start")).status_code == 404


def test_questionnaire_start_unknown_quarter_is_404(signed_in, board_member, trust):
    bad = reverse(
        "questionnaire:questionnaire-start",
        kwargs={"ods_code": trust.ods_code, "cycle": "2026-28-q3"},
    )
    not_found(signed_in(board_member).get(bad))


def test_questionnaire_start_closed_says_so(signed_in, board_member, assessment, coordinator):
    from assessments.quarter.actions import assessment_close

    assessment_close(assessment=assessment, by=coordinator)
    content = signed_in(board_member).get(url(assessment, "start")).content.decode()
    assert "Answers can no longer be changed" in content
    assert "Start now" not in content


# One page per principle


def test_questionnaire_page_shows_principle_questions_and_rubric(
    signed_in, board_member, assessment
):
    response = signed_in(board_member).get(url(assessment, "page", number=3))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Principle 3 of 8" in content
    assert "Test, measure and learn how it&#x27;s working" in content
    question = Question.objects.get(
        framework=assessment.cycle.framework, key="p3.outcomes-not-plan"
    )
    assert question.levels.get(level=1).descriptor in content
    assert "Don&#x27;t know" in content
    assert '<div class="nhsuk-radios__divider">or</div>' in content
    assert "Save and come back later" in content


def test_questionnaire_page_shows_saved_answers(signed_in, board_member, assessment):
    client = signed_in(board_member)
    client.post(
        url(assessment, "page", number=1), page_data(assessment, 1, comments=("Kept", "", ""))
    )
    content = client.get(url(assessment, "page", number=1)).content.decode()
    assert 'value="3" checked' in content
    assert 'value="dont-know" checked' in content
    assert "Kept</textarea>" in content


def test_questionnaire_page_save_and_continue_saves_and_goes_to_next(
    signed_in, board_member, assessment
):
    response = signed_in(board_member).post(
        url(assessment, "page", number=1), page_data(assessment, 1, comments=("Why", "", ""))
    )
    assert response.status_code == 302
    assert response.url == url(assessment, "page", number=2)
    assert saved(board_member) == {
        ("p1.user-needs", 3, False, "Why"),
        ("p1.hearing-from-users", 4, False, ""),
        ("p1.riskiest-assumption", None, True, ""),
    }
    assert Response.objects.get(respondent=board_member).status == ResponseStatus.IN_PROGRESS


def test_questionnaire_page_save_and_come_back_later_saves_and_goes_to_start(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    response = client.post(
        url(assessment, "page", number=2), page_data(assessment, 2, action="later")
    )
    assert response.url == url(assessment, "start")
    assert len(saved(board_member)) == 3
    assert "Your answers are saved" in client.get(response.url).content.decode()


def test_questionnaire_page_partly_answered_page_is_saved(signed_in, board_member, assessment):
    data = page_data(assessment, 1, levels=("2", "", ""), comments=("", "Thinking", ""))
    signed_in(board_member).post(url(assessment, "page", number=1), data)
    assert saved(board_member) == {
        ("p1.user-needs", 2, False, ""),
        ("p1.hearing-from-users", None, False, "Thinking"),
    }


def test_questionnaire_page_last_page_goes_to_check(signed_in, board_member, assessment):
    response = signed_in(board_member).post(
        url(assessment, "page", number=8), page_data(assessment, 8)
    )
    assert response.url == url(assessment, "check")


def test_questionnaire_page_score_outside_scale_is_an_error_and_saves_nothing(
    signed_in, board_member, assessment
):
    data = page_data(assessment, 1, levels=("7", "4", "3"))
    response = signed_in(board_member).post(url(assessment, "page", number=1), data)
    content = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in content
    assert 'href="#id_p1-user-needs-level_0"' in content
    assert "Choose one of the levels for question 1" in content
    assert saved(board_member) == set()


def test_questionnaire_page_overlong_comment_is_an_error_and_keeps_the_text(
    signed_in, board_member, assessment
):
    long_comment = "x" * 2001
    data = page_data(assessment, 1, comments=("", long_comment, ""))
    response = signed_in(board_member).post(url(assessment, "page", number=1), data)
    content = response.content.decode()
    assert "must be 2,000 characters or fewer" in content
    assert long_comment in content  # shown back, not lost
    assert saved(board_member) == set()


def test_questionnaire_page_unknown_principle_is_404(signed_in, board_member, assessment):
    not_found(signed_in(board_member).get(url(assessment, "page", number=9)))


def test_questionnaire_page_anonymous_post_saves_nothing(client, assessment):
    response = client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    assert response.status_code == 302
    assert not Answer.objects.exists()


def test_questionnaire_page_wrong_trust_is_404(signed_in, board_member, other_assessment):
    response = signed_in(board_member).post(
        url(other_assessment, "page", number=1), page_data(other_assessment, 1)
    )
    assert response.status_code == 404
    assert not Answer.objects.exists()


def test_questionnaire_page_coordinator_only_is_403(signed_in, coordinator, assessment):
    response = signed_in(coordinator).post(
        url(assessment, "page", number=1), page_data(assessment, 1)
    )
    assert response.status_code == 403
    assert not Answer.objects.exists()


def test_questionnaire_page_closed_assessment_refuses_and_shows_every_level_and_comment(
    signed_in, board_member, assessment, coordinator
):
    client = signed_in(board_member)
    client.get(url(assessment, "page", number=1))  # the page is open in a browser...
    from assessments.quarter.actions import assessment_close

    assessment_close(assessment=assessment, by=coordinator)  # ...when the quarter closes
    data = page_data(assessment, 1, comments=("My late thought", "", ""))
    response = client.post(url(assessment, "page", number=1), data)
    assert response.status_code == 409
    content = response.content.decode()
    assert "This questionnaire has closed" in content
    assert "My late thought" in content
    # page_data chose levels 3, 4 and "don't know": each is shown back with its words.
    assert "3 – " in content
    assert "4 – " in content
    assert "Don&#x27;t know" in content
    assert saved(board_member) == set()


def test_questionnaire_page_closed_assessment_get_says_closed(
    signed_in, board_member, assessment, coordinator
):
    from assessments.quarter.actions import assessment_close

    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(board_member).get(url(assessment, "page", number=1))
    assert "This questionnaire has closed" in response.content.decode()


def test_questionnaire_page_submitted_response_can_be_changed_while_open(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, score=2)
    response = signed_in(board_member).post(
        url(assessment, "page", number=1), page_data(assessment, 1, levels=("5", "5", "5"))
    )
    assert response.status_code == 302
    assert {s for key, s, _, _ in saved(board_member) if key.startswith("p1.")} == {5}
    assert Response.objects.get(respondent=board_member).status == ResponseStatus.SUBMITTED


def test_questionnaire_page_submitted_response_cannot_lose_an_answer(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, score=2)
    response = signed_in(board_member).post(
        url(assessment, "page", number=1), page_data(assessment, 1, levels=("5", "", "5"))
    )
    assert response.status_code == 200
    assert "Choose a level for question 2, or choose Don" in response.content.decode()
    assert {s for key, s, _, _ in saved(board_member) if key.startswith("p1.")} == {2}


def test_questionnaire_page_saves_only_the_members_own_response(
    signed_in, board_member, assessment
):
    other = new_board_member(assessment.trust)
    answer_everything(assessment, other, score=1, submit=False)
    signed_in(board_member).post(url(assessment, "page", number=1), page_data(assessment, 1))
    assert {s for _, s, _, _ in saved(other)} == {1}
    assert Response.objects.filter(assessment=assessment).count() == 2


# Check your answers and submit


def test_questionnaire_check_lists_answers_with_change_links(signed_in, board_member, assessment):
    answer_everything(assessment, board_member, score=4, submit=False)
    response = signed_in(board_member).get(url(assessment, "check"))
    content = response.content.decode()
    assert content.count("4 – Established") == 24
    assert (
        url(assessment, "page", number=5) + "?return=check#id_p5-in-house-team-level_0" in content
    )
    assert "Submit answers" in content


def test_questionnaire_check_marks_unanswered_questions(signed_in, board_member, assessment):
    signed_in(board_member).post(url(assessment, "page", number=1), page_data(assessment, 1))
    content = signed_in(board_member).get(url(assessment, "check")).content.decode()
    assert content.count("Not answered") == 21
    assert "21 questions still need an answer" in content


def test_questionnaire_check_submit_with_gaps_is_an_error(signed_in, board_member, assessment):
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    response = client.post(url(assessment, "check"))
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert Response.objects.get(respondent=board_member).status == ResponseStatus.IN_PROGRESS


def test_questionnaire_check_submit_with_gaps_summarises_them_by_principle(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, 3, submit=False)
    framework = assessment.cycle.framework
    Answer.objects.filter(response__respondent=board_member, question__principle__number=2).delete()
    Answer.objects.filter(
        response__respondent=board_member, question__principle__number=5, question__order=2
    ).delete()
    response = signed_in(board_member).post(url(assessment, "check"))
    content = response.content.decode()
    summary = content.split('nhsuk-error-summary__list">')[1].split("</ul>")[0]
    entries = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', summary)
    second = framework.principles.get(number=2)
    fifth = framework.principles.get(number=5)
    first_of_2 = Question.objects.get(framework=framework, principle__number=2, order=1)
    second_of_5 = Question.objects.get(framework=framework, principle__number=5, order=2)
    assert [(link, html.unescape(text)) for link, text in entries] == [
        (
            url(assessment, "page", number=2)
            + f"?return=check#id_{first_of_2.key.replace('.', '-')}-level_0",
            f"2. {second.title}: 3 questions not answered",
        ),
        (
            url(assessment, "page", number=5)
            + f"?return=check#id_{second_of_5.key.replace('.', '-')}-level_0",
            f"5. {fifth.title}: 1 question not answered",
        ),
    ]
    assert not Response.objects.get(respondent=board_member).is_submitted
    # The link opens the principle's page, which saves back to check answers.
    page = signed_in(board_member).get(entries[0][0].split("#")[0]).content.decode()
    assert "Save and return to check your answers" in page


def test_questionnaire_check_submit_without_any_answer_is_an_error(
    signed_in, board_member, assessment
):
    response = signed_in(board_member).post(url(assessment, "check"))
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Response.objects.exists()


def test_questionnaire_check_submit_complete_response(signed_in, board_member, assessment):
    answer_everything(assessment, board_member, submit=False)
    response = signed_in(board_member).post(url(assessment, "check"))
    assert response.url == url(assessment, "submitted")
    assert Response.objects.get(respondent=board_member).status == ResponseStatus.SUBMITTED
    event = AuditEvent.objects.get(action="response.submitted")
    assert event.detail == {"quarter": "2026/27 Q3"}  # the audit never holds an answer


def test_questionnaire_check_double_submit_changes_nothing(signed_in, board_member, assessment):
    answer_everything(assessment, board_member, submit=False)
    client = signed_in(board_member)
    first = client.post(url(assessment, "check"))
    submitted_at = Response.objects.get(respondent=board_member).submitted_at
    second = client.post(url(assessment, "check"))
    assert first.url == second.url == url(assessment, "submitted")
    assert Response.objects.get(respondent=board_member).submitted_at == submitted_at
    assert AuditEvent.objects.filter(action="response.submitted").count() == 1


def test_questionnaire_check_closed_assessment_refuses_submit(
    signed_in, board_member, assessment, coordinator
):
    from assessments.quarter.actions import assessment_close

    answer_everything(assessment, board_member, submit=False)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(board_member).post(url(assessment, "check"))
    assert response.status_code == 409
    assert Response.objects.get(respondent=board_member).status == ResponseStatus.IN_PROGRESS


def test_questionnaire_check_coordinator_only_is_403(signed_in, coordinator, assessment):
    forbidden(signed_in(coordinator).get(url(assessment, "check")))


def test_questionnaire_submitted_confirms(signed_in, board_member, assessment):
    answer_everything(assessment, board_member)
    response = signed_in(board_member).get(url(assessment, "submitted"))
    assert "Answers submitted" in response.content.decode()


def test_questionnaire_submitted_before_submitting_goes_to_check(
    signed_in, board_member, assessment
):
    response = signed_in(board_member).get(url(assessment, "submitted"))
    assert response.url == url(assessment, "check")


def test_questionnaire_submitted_anonymous_redirects(client, assessment):
    to_sign_in(client.get(url(assessment, "submitted")), url(assessment, "submitted"))


# Query counts stay constant as boards and questionnaires grow


def assessment_with_questions(trust, count):
    framework = FrameworkFactory(slug=f"size-{count}", version=1)
    principle = PrincipleFactory(framework=framework, number=1)
    for order in range(1, count + 1):
        QuestionFactory(principle=principle, key=f"p1.q{order}", order=order)
    cycle = CycleFactory(year=2030 + count, quarter=1, framework=framework)
    return AssessmentFactory(trust=trust, cycle=cycle, status=AssessmentStatus.OPEN)


def post_all(assessment, level="3"):
    return {
        f"p1-q{n}-level": level for n in range(1, assessment.cycle.framework.questions.count() + 1)
    } | {"action": "continue"}


# Once warm (framework content and the data banner are cached per process): session, user,
# memberships with their trusts, assessment with cycle and framework, answers with response.
PAGE_QUERIES = 5


@pytest.mark.parametrize("questions", [3, 9])
def test_questionnaire_page_queries_are_constant(
    signed_in, board_member, trust, django_assert_num_queries, questions
):
    assessment = assessment_with_questions(trust, questions)
    for _ in range(questions):  # a bigger board too
        new_board_member(trust)
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), post_all(assessment, "2"))  # has answers
    client.get(url(assessment, "page", number=1))  # warm the process caches
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url(assessment, "page", number=1)).status_code == 200


@pytest.mark.parametrize("questions", [3, 9])
def test_questionnaire_save_queries_are_constant(
    signed_in, board_member, trust, django_assert_num_queries, questions
):
    assessment = assessment_with_questions(trust, questions)
    for _ in range(questions):
        new_board_member(trust)
    client = signed_in(board_member)
    client.post(url(assessment, "page", number=1), post_all(assessment, "2"))  # the first save
    data = post_all(assessment, "4")
    with django_assert_num_queries(SAVE_QUERIES):
        response = client.post(url(assessment, "page", number=1), data)
    assert response.status_code == 302
    assert {a.score for a in Answer.objects.filter(response__respondent=board_member)} == {4}


# session, user, memberships, assessment; then in one transaction: savepoint, the
# assessment locked, the response read, one upsert of all answers (a cleared one saved
# blank), release. The response is not touched (its last activity is its answers'); a
# first save makes it, with the seat the permission check read. The budget allows ten at
# most, for every kind (docs/architecture.md, "Performance budgets").
SAVE_QUERIES = 9
FIRST_SAVE_QUERIES = 10


@pytest.mark.parametrize(
    "kind",
    [
        "later save",
        "submitted member's edit",  # no results worked out in the request
        "first save",
        "clearing an answer",
    ],
)
def test_every_kind_of_save_takes_a_fixed_number_of_queries(
    signed_in, board_member, assessment, django_assert_num_queries, kind
):
    client = signed_in(board_member)
    if kind == "submitted member's edit":
        answer_everything(assessment, board_member, 3)
    elif kind != "first save":
        client.post(url(assessment, "page", number=1), page_data(assessment, 1))
    levels = ("", "4", "") if kind == "clearing an answer" else ("2", "4", "dont-know")
    data = page_data(assessment, 1, levels=levels)
    client.get(url(assessment, "page", number=1))  # warm the process caches
    with django_assert_num_queries(FIRST_SAVE_QUERIES if kind == "first save" else SAVE_QUERIES):
        assert client.post(url(assessment, "page", number=1), data).status_code == 302


def test_membership_role_is_required_to_answer(assessment, trust):
    from assessments.errors import AssessmentError
    from assessments.questionnaire.actions import AnswerInput, answers_save
    from tests.factories import MembershipFactory

    coordinator_only = MembershipFactory(trust=trust, role=Role.COORDINATOR, seat_group="").user
    question = Question.objects.filter(framework=assessment.cycle.framework).first()
    with pytest.raises(AssessmentError, match="Only the trust's board members"):
        answers_save(
            assessment=assessment,
            respondent=coordinator_only,
            answers={question: AnswerInput(score=3)},
            by=coordinator_only,
        )


def test_questionnaire_start_continue_goes_to_the_first_unfinished_principle(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    for number in (1, 2, 3, 4):
        client.post(url(assessment, "page", number=number), page_data(assessment, number))
    content = client.get(url(assessment, "start")).content.decode()
    assert f'href="{url(assessment, "page", number=5)}">Continue</a>' in content


def test_questionnaire_start_continue_goes_to_check_when_every_question_is_answered(
    signed_in, board_member, assessment
):
    answer_everything(assessment, board_member, 3, submit=False)
    content = signed_in(board_member).get(url(assessment, "start")).content.decode()
    assert f'href="{url(assessment, "check")}">Continue</a>' in content


def test_questionnaire_start_says_when_to_answer_by(signed_in, board_member, assessment):
    content = signed_in(board_member).get(url(assessment, "start")).content.decode()
    assert f"Answer by {assessment.cycle.closes_on:%A %-d %B %Y}." in content


def test_cleared_answer_is_unanswered_on_the_page_the_check_page_and_at_submit(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    answer_everything(assessment, board_member, 3, submit=False)
    page = url(assessment, "page", number=1)
    client.post(page, page_data(assessment, 1, levels=("", "4", "3"), comments=("", "", "")))
    first = Question.objects.get(framework=assessment.cycle.framework, principle__number=1, order=1)
    answer = Answer.objects.get(response__respondent=board_member, question=first)
    assert (answer.score, answer.dont_know, answer.comment) == (None, False, "")
    reopened = client.get(page).content.decode()
    assert "Still to answer on this page: question 1" in reopened
    check = client.get(url(assessment, "check"))
    assert "1 question still needs an answer" in check.content.decode()
    refused = client.post(url(assessment, "check"))
    assert "Answer every question" in refused.content.decode()
    assert not Response.objects.get(respondent=board_member).is_submitted


def test_only_the_board_member_who_answers_saves_or_submits_their_answers(
    assessment, board_member, coordinator
):
    """Nobody else writes a member's answers, whatever their role: not even their own
    trust's digital lead through the actions."""
    question = Question.objects.filter(framework_id=assessment.cycle.framework_id).first()
    with pytest.raises(AssessmentError, match="Only the board member who answers"):
        answers_save(
            assessment=assessment,
            respondent=board_member,
            answers={question: AnswerInput(score=5, dont_know=False)},
            by=coordinator,
        )
    assert not Response.objects.exists()
    response = answer_everything(assessment, board_member, submit=False)
    with pytest.raises(AssessmentError, match="Only the board member who answers"):
        response_submit(response=response, by=coordinator)
    response.refresh_from_db()
    assert not response.is_submitted


@pytest.mark.django_db(transaction=True)
def test_saving_and_submitting_need_no_transaction_from_the_caller(assessment, board_member):
    """The actions open their own transaction: with none around them (as a page's save
    runs), locking the quarter's row still works on PostgreSQL, which refuses a row lock
    outside a transaction."""
    response = answer_everything(assessment, board_member, submit=False)
    response = response_submit(response=response, by=board_member)
    assert response.is_submitted
