"""Every page that ends a POST without saving it (the busy page, the server error page, a
CSRF failure, a closed quarter) shows back everything that was sent: each level chosen by
its name and each comment, under its question."""

import pytest
from django.db import OperationalError
from django.test import Client

from assessments.models import Answer, AssessmentStatus
from principles.models import Question
from tests.helpers import page_data, questionnaire_url

SECRET = "never-shown-back-2026"
COMMENT = "Our discharge tracker goes live in March; the board has not seen it yet."


def fail_with(exception):
    def failing(**kwargs):
        raise exception

    return failing


def closed(assessment):
    assessment.status = AssessmentStatus.CLOSED
    assessment.save()


FAILURES = {
    # name: (status, how to make the save fail)
    "busy (503)": (503, lambda mp, a: mp.setattr(_SAVE, fail_with(OperationalError("timeout")))),
    "server error (500)": (500, lambda mp, a: mp.setattr(_SAVE, fail_with(RuntimeError("bug")))),
    "closed meanwhile (409)": (409, lambda mp, a: closed(a)),
}
_SAVE = "assessments.questionnaire.views.answers_save"


def sent(assessment) -> dict:
    data = page_data(assessment, 1, levels=("2", "5", "dont-know"), comments=(COMMENT, "", ""))
    return {**data, "password": SECRET}


def shows_everything_sent(content: str, assessment) -> None:
    first = Question.objects.filter(
        framework_id=assessment.cycle.framework_id, principle__number=1
    ).order_by("order")
    assert first[0].text in content
    assert "discharge tracker goes live in March" in content
    for level in ("2 – Emerging", "5 – Leading", "Don&#x27;t know"):
        assert level in content
    assert SECRET not in content  # never a password or a code


@pytest.mark.parametrize("failure", FAILURES)
def test_a_save_that_fails_shows_back_every_level_and_comment(
    failure, board_member, assessment, monkeypatch
):
    status, make_it_fail = FAILURES[failure]
    make_it_fail(monkeypatch, assessment)
    client = Client(raise_request_exception=False)
    client.force_login(board_member)
    data = sent(assessment)
    response = client.post(questionnaire_url(assessment, "page", number=1), data)
    assert response.status_code == status
    shows_everything_sent(response.content.decode(), assessment)
    assert not Answer.objects.exists()


def test_a_form_refused_for_its_csrf_token_shows_back_everything_sent(board_member, assessment):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)
    data = sent(assessment)
    response = client.post(
        questionnaire_url(assessment, "page", number=1),
        data,
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403
    content = response.content.decode()
    assert "<h1>This page could not be sent</h1>" in content
    shows_everything_sent(content, assessment)
    assert not Answer.objects.exists()


def test_the_error_page_after_a_get_shows_nothing_typed(board_member, assessment, monkeypatch):
    monkeypatch.setattr(
        "assessments.questionnaire.views.page_answers", fail_with(RuntimeError("bug"))
    )
    client = Client(raise_request_exception=False)
    client.force_login(board_member)
    response = client.get(questionnaire_url(assessment, "page", number=1))
    assert response.status_code == 500
    content = response.content.decode()
    assert "Try again later" in content
    assert "everything you chose and typed" not in content


@pytest.mark.parametrize(
    "sender",
    [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"}, {}],
)
def test_a_form_from_another_site_is_refused_without_showing_its_words(
    sender, board_member, assessment
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(board_member)
    url = questionnaire_url(assessment, "page", number=1)
    response = client.post(url, sent(assessment), headers=sender)
    content = response.content.decode()
    assert "<h1>This page could not be sent</h1>" in content
    assert "discharge tracker" not in content
