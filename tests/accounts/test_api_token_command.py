"""``manage.py api_token``: a token for a digital lead or programme staff from the command
line, printed once with its expiry; a clear error for anyone or anything else."""

import datetime
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.models import ApiToken
from accounts.tokens import token_use
from core.models import AuditEvent

MORNING = datetime.datetime(2026, 12, 7, 9, 30, tzinfo=datetime.UTC)


def run(*arguments) -> list[str]:
    out = io.StringIO()
    call_command("api_token", *arguments, stdout=out)
    return out.getvalue().splitlines()


def test_prints_a_working_token_once_with_its_expiry(coordinator):
    with time_machine.travel(MORNING, tick=False):
        said, raw = run("--user", "CORA@test.example")
        assert token_use(raw).token.user == coordinator
    assert said == (
        "API token 'Command line' for cora@test.example, working until 7 March 2027 09:30 "
        "(UK time). It is shown only this once:"
    )
    token = ApiToken.objects.get()
    assert token.expires_at - token.created_at == datetime.timedelta(days=90)
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor_name == "Quarterdeck (api_token)"


def test_takes_a_name_and_a_number_of_days(programme_staff):
    run("--user", programme_staff.email, "--name", "Regional dashboard", "--expires-days", "365")
    token = ApiToken.objects.get()
    assert (token.name, (token.expires_at - token.created_at).days) == ("Regional dashboard", 365)


@pytest.mark.parametrize(
    ("arguments", "found"),
    [
        (["--user", "nobody@test.example"], "No account has the address 'nobody@test.example'"),
        (["--user", "no\x00body@test.example"], "No account has the address"),
        (["--user", "bea@test.example"], "cannot use the API"),
        (["--user", "cora@test.example", "--expires-days", "0"], "from 1 to 365"),
        (["--user", "cora@test.example", "--expires-days", "366"], "from 1 to 365"),
        (["--user", "cora@test.example", "--expires-days", "ninety"], "from 1 to 365"),
        (["--user", "cora@test.example", "--expires-days", str(10**30)], "from 1 to 365"),
        (["--user", "cora@test.example", "--name", " "], "a name of 1 to 80 characters"),
        (["--user", "cora@test.example", "--name", "x" * 81], "a name of 1 to 80 characters"),
    ],
)
def test_anything_else_is_a_clear_error_and_makes_nothing(
    board_member, coordinator, arguments, found
):
    with pytest.raises(CommandError, match=found):
        run(*arguments)
    assert not ApiToken.objects.exists()
