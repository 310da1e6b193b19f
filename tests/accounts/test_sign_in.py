from django.urls import reverse

from config import settings as project_settings
from tests.factories import UserFactory
from tests.pages import redirected, signed_in_as
from trusts.models import User


def test_sign_in_page_renders_nhsuk_form(client, db):
    response = client.get(reverse("accounts:sign-in"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="nhsuk-input"' in content
    assert 'type="email"' in content
    assert '<button class="nhsuk-button"' in content


def test_sign_in_success_goes_home(client, db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "ada@test.example", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    assert response.url == reverse("quarter:home")


def test_sign_in_email_ignores_case(client, db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "Ada@Test.Example", "password": "correct horse battery"},
    )
    redirected(response, reverse("quarter:home"))
    signed_in_as(client, User.objects.get(email="ada@test.example"))


def test_sign_in_wrong_password_shows_error_summary(client, db):
    UserFactory(email="ada@test.example", password="correct horse battery")
    response = client.post(
        reverse("accounts:sign-in"), {"username": "ada@test.example", "password": "x"}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in content
    assert 'href="#id_username"' in content
    assert "Enter the email address and password of your Quarterdeck account." in content
    assert "<title>Error: Sign in" in content


def test_sign_in_blank_fields_link_each_error_to_its_field(client, db):
    response = client.post(reverse("accounts:sign-in"), {"username": "", "password": ""})
    content = response.content.decode()
    assert '<a href="#id_username">Enter your email address</a>' in content
    assert '<a href="#id_password">Enter your password</a>' in content
    assert 'aria-describedby="id_username-error"' in content
    assert "nhsuk-input--error" in content


def test_sign_in_inactive_account_is_refused(client, db):
    user = UserFactory(email="gone@test.example", password="correct horse battery")
    user.is_active = False
    user.save()
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "gone@test.example", "password": "correct horse battery"},
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_sign_in_when_signed_in_goes_home(signed_in, board_member):
    response = signed_in(board_member).get(reverse("accounts:sign-in"))
    redirected(response, reverse("quarter:home"))


def test_sign_out_ends_the_session(signed_in, board_member):
    client = signed_in(board_member)
    response = client.post(reverse("accounts:sign-out"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_out_by_get_is_refused(signed_in, board_member):
    client = signed_in(board_member)
    assert client.get(reverse("accounts:sign-out")).status_code == 405
    signed_in_as(client, board_member)  # a link or an image cannot sign anyone out


def test_passwords_are_hashed_with_argon2id_at_owasps_cost_in_the_project_settings():
    from django.utils.module_loading import import_string

    hasher = import_string(project_settings.PASSWORD_HASHERS[0])()
    assert hasher.algorithm == "argon2"
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (2, 19456, 1)


def test_a_hash_with_the_old_cost_still_signs_in_and_is_remade(client, db, settings):
    from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    user = UserFactory(email="old@test.example")
    user.password = make_password("correct horse battery", hasher=Argon2PasswordHasher())
    user.save()
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": "old@test.example", "password": "correct horse battery"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert "m=19456,t=2,p=1" in user.password


def test_user_email_is_stored_in_lower_case(db):
    assert UserFactory(email="Mixed@Case.Example").email == "mixed@case.example"
