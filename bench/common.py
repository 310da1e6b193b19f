"""Shared set-up for benchmark scripts: Django on a throw-away test database (timing is
bench/harness.py's)."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Starts Django with a fresh test database (in memory for SQLite, test_<name> for
    PostgreSQL through DATABASE_URL), so a benchmark never touches real data."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    # One request line per request, for floor and subject alike: kept out of the output.
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django
    from django.conf import settings

    django.setup()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.db import connection

    # No setup_test_environment(): its instrumented template rendering would slow every page.
    connection.creation.create_test_db(verbosity=0, autoclobber=True)


def teardown_django() -> None:
    from django.db import connection

    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
