import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import UserFactory


@pytest.fixture
def superuser_client(client, db):
    client.force_login(UserFactory(is_superuser=True))
    return client


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_admin_changelist_opens_for_superuser(superuser_client, model, framework, assessment):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = superuser_client.get(url)
    assert response.status_code == 200
    assert f"Select {model._meta.verbose_name} to " in response.content.decode()


def test_admin_never_shows_answers_or_responses():
    labels = {model._meta.label for model in admin.site._registry}
    assert "assessments.Answer" not in labels
    assert "assessments.Response" not in labels


def test_admin_refuses_board_members(signed_in, board_member):
    response = signed_in(board_member).get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
