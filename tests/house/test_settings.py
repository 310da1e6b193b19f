import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

PRODUCTION = {
    "QUARTERDECK_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-0123456789",
    "DEBUG": "false",
    "ALLOWED_HOSTS": "quarterdeck.example",
}


def manage(*args, **environment):
    # As a production server would run: none of the test run's own settings.
    skip = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env.update(environment)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_with_production_settings_prints_no_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", **{**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


@pytest.mark.parametrize("debug", ["true", "1"])
def test_production_refuses_to_start_with_debug_on(debug):
    result = manage("check", **{**PRODUCTION, "DEBUG": debug})
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr
