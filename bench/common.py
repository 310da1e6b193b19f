"""Shared set-up for benchmark scripts: Django on a throw-away test database (timing is
bench/harness.py's)."""

import os
import sys
from contextlib import contextmanager
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


def bare(request):
    """The floor for a page: the least a signed-in page can do (load the session and the
    user, and answer), through the same middleware."""
    from django.http import HttpResponse

    return HttpResponse(f"ok {request.user.pk}")


BARE_URL = "/bench/bare/"


@contextmanager
def app_with_bare_view(module):
    """Django on a throw-away test database with the shipped framework loaded, serving
    the app's URLs and the bare view at BARE_URL (from ``module``, which becomes the URL
    configuration); the database is dropped afterwards."""
    setup_django()
    from django.conf import settings
    from django.urls import path

    from config.urls import urlpatterns
    from principles.actions import framework_load
    from principles.loader import read_framework, shipped_framework_files

    module.urlpatterns = [*urlpatterns, path(BARE_URL.strip("/") + "/", bare)]
    settings.ROOT_URLCONF = module.__name__
    try:
        framework_load(spec=read_framework(shipped_framework_files()[0]))
        yield
    finally:
        teardown_django()
