"""Faults: the same page saved twice at once, a double submit, a close while members are
saving. Nothing is lost, duplicated or half-written. (A worker killed in the middle of
saves is in the production smoke suite, scripts/smoke.py, where there is a real app
server to kill.)

These run on PostgreSQL, as production does. SQLite's in-memory test database shares one
cache between threads and refuses a second writer at once instead of waiting, which tests
SQLite, not us."""

import threading

import pytest
from django.db import connection
from django.test import Client

from assessments.models import Answer, AssessmentStatus, Response, ResponseStatus
from assessments.quarter.actions import assessment_open
from core.models import AuditEvent
from principles.models import Question
from tests.helpers import answer_everything, new_board_member, page_data, questionnaire_url

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)


def at_once(*calls) -> list:
    """Runs each call in its own thread, released together; returns their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        try:
            results[index] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def open_quarter(transactional_db, framework, trust, coordinator):
    from tests.helpers import quarter_of_year

    cycle = quarter_of_year(framework, 2026, 3)
    return assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)


def page_answers(member, assessment, number) -> set:
    return set(
        Answer.objects.filter(
            response__respondent=member,
            response__assessment=assessment,
            question__principle__number=number,
        ).values_list("question__key", "score", "comment")
    )


def test_the_same_page_saved_twice_at_once_keeps_one_whole_save(open_quarter, trust):
    member = new_board_member(trust)
    page = questionnaire_url(open_quarter, "page", number=1)
    first = page_data(open_quarter, 1, levels=("1", "1", "1"), comments=("A", "A", "A"))
    second = page_data(open_quarter, 1, levels=("5", "5", "5"), comments=("B", "B", "B"))
    statuses = at_once(
        lambda: signed_in_client(member).post(page, first).status_code,
        lambda: signed_in_client(member).post(page, second).status_code,
    )
    assert statuses == [302, 302]
    assert Response.objects.filter(respondent=member).count() == 1
    saved = page_answers(member, open_quarter, 1)
    keys = {key for key, _, _ in saved}
    assert len(saved) == len(keys) == 3  # one answer per question, never two
    assert {(score, comment) for _, score, comment in saved} in ({(1, "A")}, {(5, "B")})


def test_submit_twice_at_once_submits_once(open_quarter, trust):
    member = new_board_member(trust)
    answer_everything(open_quarter, member, 3, submit=False)
    check = questionnaire_url(open_quarter, "check")
    statuses = at_once(
        lambda: signed_in_client(member).post(check).status_code,
        lambda: signed_in_client(member).post(check).status_code,
    )
    assert statuses == [302, 302]
    response = Response.objects.get(respondent=member)
    assert response.status == ResponseStatus.SUBMITTED
    assert AuditEvent.objects.filter(action="response.submitted").count() == 1


def test_close_while_members_save_leaves_every_page_whole(open_quarter, trust, coordinator):
    members = [new_board_member(trust) for _ in range(6)]
    for member in members[:3]:
        answer_everything(open_quarter, member, 3)  # enough to publish
    close = f"/trusts/{trust.ods_code}/assessments/{open_quarter.cycle.slug}/close/"
    saves = [
        (
            lambda m=member, n=number: (
                signed_in_client(m)
                .post(
                    questionnaire_url(open_quarter, "page", number=n),
                    page_data(open_quarter, n, levels=("4", "4", "4"), comments=("C", "C", "C")),
                )
                .status_code
            )
        )
        for member in members[3:]
        for number in (1, 2, 3)
    ]
    statuses = at_once(*saves, lambda: signed_in_client(coordinator).post(close).status_code)
    assert statuses[-1] == 302
    open_quarter.refresh_from_db()
    assert open_quarter.status == AssessmentStatus.CLOSED
    assert set(statuses[:-1]) <= {302, 409}  # saved before the close, or told it closed
    per_page = Question.objects.filter(
        framework_id=open_quarter.cycle.framework_id, principle__number=1
    ).count()
    for member in members[3:]:
        for number in (1, 2, 3):
            assert len(page_answers(member, open_quarter, number)) in (0, per_page)
    saved_pages = sum(
        1
        for member in members[3:]
        for number in (1, 2, 3)
        if page_answers(member, open_quarter, number)
    )
    assert saved_pages == statuses[:-1].count(302)
