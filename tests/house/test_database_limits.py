"""A save that cannot get its lock in time ends in a clear page that keeps what was typed,
never a dropped connection; the database's own limits are set from settings."""

import contextlib
import threading

import pytest
from django.db import OperationalError, connection, transaction

from assessments.models import Answer, Assessment
from tests.assessments.questionnaire.test_questionnaire import page_data, url

COMMENT = "Our discharge tracker goes live in March; the board has not seen it yet."


@contextlib.contextmanager
def held_by_another_transaction(assessment):
    """Another transaction holds the assessment's row (a close that is taking its time):
    PostgreSQL's row lock, SQLite's write lock."""
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Assessment.objects.select_for_update().filter(pk=assessment.pk).update(
                    closed_at=None
                )
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(timeout=10)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 200")  # the setting's 5 s, shortened for tests
    try:
        yield
    finally:
        release.set()
        holder.join()


@pytest.mark.django_db(transaction=True)
def test_save_blocked_by_a_lock_says_nothing_was_saved_and_shows_what_was_typed(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    data = page_data(assessment, 1, comments=(COMMENT, "", ""))
    with held_by_another_transaction(assessment):
        response = client.post(url(assessment, "page", number=1), data)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Nothing on the page you sent was saved" in page
    assert "discharge tracker goes live in March" in page
    assert not Answer.objects.exists()


def test_database_error_in_a_view_is_a_busy_page_with_the_typed_words(
    signed_in, board_member, assessment, monkeypatch
):
    def stuck(**kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr("assessments.questionnaire.views.answers_save", stuck)
    data = page_data(assessment, 1, comments=(COMMENT, "", ""))
    response = signed_in(board_member).post(url(assessment, "page", number=1), data)
    assert response.status_code == 503
    assert "discharge tracker" in response.content.decode()


def test_busy_page_for_a_read_asks_to_try_again(signed_in, board_member, assessment, monkeypatch):
    def stuck(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr("assessments.questionnaire.views.page_answers", stuck)
    response = signed_in(board_member).get(url(assessment, "page", number=1))
    assert response.status_code == 503
    assert "Try again in a few seconds" in response.content.decode()


def test_postgresql_connections_carry_lock_and_statement_timeouts(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own limits")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, setting FROM pg_settings"
            " WHERE name IN ('lock_timeout', 'statement_timeout') ORDER BY name"
        )
        limits = cursor.fetchall()
    assert limits == [
        ("lock_timeout", str(settings.DB_LOCK_TIMEOUT_MS)),
        ("statement_timeout", str(settings.DB_STATEMENT_TIMEOUT_MS)),
    ]


def test_limits_sit_below_the_app_server_timeout(settings):
    from config import gunicorn

    worker_timeout_ms = gunicorn.timeout * 1000
    sqlite_busy_ms = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 0) * 1000
    assert settings.DB_LOCK_TIMEOUT_MS < settings.DB_STATEMENT_TIMEOUT_MS < worker_timeout_ms
    assert sqlite_busy_ms < worker_timeout_ms
