import pytest
from django.contrib import admin
from django.urls import reverse

from assessments.models import Assessment
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


def test_admin_shows_an_assessment_but_edits_nothing_the_app_sets(superuser_client, assessment):
    """Opening, closing, the roadmap's review and the action log kept for the paper are the
    app's to set: an administrator sees them and cannot change the paper behind its back."""
    fields = {f.name for f in Assessment._meta.concrete_fields if f.editable and not f.primary_key}
    assert fields <= set(admin.site._registry[Assessment].readonly_fields)
    change = reverse("admin:assessments_assessment_change", args=[assessment.pk])
    page = superuser_client.get(change).content.decode()
    assert "Action log" in page
    assert 'name="action_log"' not in page
