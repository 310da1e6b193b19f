from unittest import mock

from django.contrib.staticfiles import finders
from django.db import DatabaseError
from django.urls import reverse

from seeders.demo import seed_demo


def test_healthz_reports_database_migrations_and_static_ok(client, db):
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "static": "ok",
    }


def test_healthz_reports_unreachable_database_as_503(client, db):
    with mock.patch("core.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_reports_unapplied_migrations_as_503(client, db):
    with mock.patch("core.views.MigrationExecutor.migration_plan", return_value=["0099_new"]):
        response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["migrations"] == "pending"


def test_healthz_reports_a_missing_static_manifest_as_503(client, db, settings, tmp_path):
    # The production storage with no manifest written: every page would be an error.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = client.get(reverse("core:healthz"))
    assert response.status_code == 503
    assert response.json()["static"] == "missing"


def test_layout_has_skip_link_header_and_footer(client, db):
    content = client.get(reverse("accounts:sign-in")).content.decode()
    assert (
        '<a class="nhsuk-skip-link" data-module="nhsuk-skip-link" href="#maincontent">' in content
    )
    assert '<main class="nhsuk-main-wrapper" id="maincontent">' in content
    assert '<span class="nhsuk-header__service-name">Quarterdeck</span>' in content
    assert 'class="nhsuk-footer"' in content
    assert '<html lang="en-GB">' in content


def test_nhsuk_frontend_assets_are_installed_as_static_files():
    for asset in (
        "vendor/nhsuk/nhsuk-frontend.min.css",
        "vendor/nhsuk/nhsuk-frontend.min.js",
        "vendor/nhsuk/assets/images/favicon.svg",
    ):
        assert finders.find(asset), asset


def test_no_banner_without_invented_data(client, trust):
    assert "qd-invented-data" not in client.get(reverse("accounts:sign-in")).content.decode()


def test_banner_on_every_page_while_demo_data_is_loaded(client, db):
    seed_demo()
    content = client.get(reverse("accounts:sign-in")).content.decode()
    assert "qd-invented-data" in content
    assert "Demo data" in content


def test_not_found_page_uses_the_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
