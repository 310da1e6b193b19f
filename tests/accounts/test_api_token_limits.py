"""The rate limit holds when requests with one token reach several app servers at once:
the count is the database's, kept by one UPDATE each. Run on PostgreSQL, as production
is (SQLite refuses a second writer at once instead of waiting: tests/house/test_faults.py)."""

import datetime

import pytest
import time_machine
from django.db import connection

from accounts.tokens import token_create, token_use
from tests.house.test_faults import at_once

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"
)

MOMENT = datetime.datetime(2026, 12, 7, 9, 30, 10, tzinfo=datetime.UTC)


def test_requests_at_once_across_servers_get_no_more_than_the_limit(
    transactional_db, coordinator, settings
):
    settings.API_REQUESTS_PER_MINUTE = 5
    token, raw = token_create(user=coordinator, name="Dashboard", expires_days=30, by=coordinator)
    with time_machine.travel(MOMENT, tick=False):
        uses = at_once(*[lambda: token_use(raw) for _ in range(12)])
    assert [use.limited for use in uses].count(False) == 5
    assert {use.retry_after for use in uses if use.limited} == {50}
    token.refresh_from_db()
    assert token.window_count == 5
