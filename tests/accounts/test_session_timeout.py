"""Sessions end after the idle timeout, and nothing typed is lost when they do."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.keeping import KEPT_MESSAGE
from accounts.middleware import LAST_SEEN
from accounts.models import KeptInput
from assessments.models import Answer
from tests.helpers import new_board_member, page_data, questionnaire_url
from tests.pages import page_headed, to_sign_in


def idle_for(client, minutes: int) -> None:
    session = client.session
    session[LAST_SEEN] -= minutes * 60
    session.save()


def sign_in_with_password(client, user, next_url: str):
    return client.post(
        f"{reverse('accounts:sign-in')}?next={next_url}",
        {"username": user.email, "password": "a-test-password"},
        follow=True,
    )


def test_idle_session_is_signed_out_with_a_message(signed_in, board_member, assessment):
    client = signed_in(board_member)
    idle_for(client, 31)
    page = questionnaire_url(assessment, "start")
    response = client.get(page)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign-in')}?next={page}"
    assert "_auth_user_id" not in client.session
    signed_out = client.get(response.url).content.decode()
    assert "You were signed out after 30 minutes without activity" in signed_out


def test_activity_slides_the_timeout(signed_in, board_member, assessment):
    client = signed_in(board_member)
    for _ in range(3):  # 20 minutes apart, an hour in all
        idle_for(client, 20)
        assert client.get(questionnaire_url(assessment, "start")).status_code == 200
    assert "_auth_user_id" in client.session


def test_timeout_is_a_setting(signed_in, board_member, assessment, settings):
    settings.SESSION_IDLE_MINUTES = 10
    client = signed_in(board_member)
    idle_for(client, 11)
    start = questionnaire_url(assessment, "start")
    to_sign_in(client.get(start), start)


def test_answers_sent_after_timeout_are_kept_and_shown_back_after_sign_in(
    signed_in, board_member, assessment
):
    client = signed_in(board_member)
    page = questionnaire_url(assessment, "page", number=1)
    idle_for(client, 45)
    typed = page_data(assessment, 1, comments=("Our patient portal pilot", "", ""))
    response = client.post(page, typed)
    # Nothing is saved while signed out, and what was typed is not lost.
    assert response.status_code == 302
    assert reverse("accounts:sign-in") in response.url
    assert not Answer.objects.exists()
    kept = KeptInput.objects.get(user=board_member)
    assert "patient portal" not in kept.sealed  # sealed: encrypted, not readable
    assert "csrfmiddlewaretoken" not in str(kept.sealed)
    signed_out = client.get(response.url).content.decode()
    assert "what you typed will be shown back" in signed_out

    back = sign_in_with_password(Client(), board_member, page)
    assert back.redirect_chain[-1][0] == page
    content = back.content.decode()
    assert KEPT_MESSAGE.format(minutes=30)[:40] in content
    assert "Our patient portal pilot" in content
    assert 'value="3" checked' in content
    assert not KeptInput.objects.exists()  # shown back once
    assert not Answer.objects.exists()  # ready to save, not saved behind their back


def test_kept_input_is_shown_only_to_the_same_account(signed_in, board_member, assessment):
    client = signed_in(board_member)
    page = questionnaire_url(assessment, "page", number=1)
    idle_for(client, 45)
    client.post(page, page_data(assessment, 1, comments=("Only mine", "", "")))
    colleague = new_board_member(assessment.trust)
    content = sign_in_with_password(Client(), colleague, page).content.decode()
    assert "Only mine" not in content
    assert KeptInput.objects.filter(user=board_member).exists()


def test_kept_input_is_never_kept_for_secrets(signed_in, coordinator, trust):
    client = signed_in(coordinator)
    idle_for(client, 45)
    client.post(
        reverse("accounts:password-change"),
        {"old_password": "a-test-password", "new_password1": "x", "new_password2": "x"},
    )
    client.post(
        reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code}),
        {"full_name": "Kept Name", "email": "kept@test.example", "seat_group": "executive"},
    )
    from accounts.keeping import unseal

    for kept in KeptInput.objects.all():
        fields = unseal(user_id=coordinator.pk, sealed=kept.sealed)
        assert not [name for name in fields if "password" in name or "csrf" in name]


def test_kept_input_on_a_coordinator_form_is_shown_back(signed_in, coordinator, trust):
    client = signed_in(coordinator)
    people = reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code})
    idle_for(client, 31)
    client.post(
        people, {"full_name": "Kept Name", "email": "kept@test.example", "seat_group": "executive"}
    )
    content = sign_in_with_password(Client(), coordinator, people).content.decode()
    assert 'value="Kept Name"' in content
    assert 'value="kept@test.example"' in content


def test_keep_alive_resets_the_clock_and_answers_401_once_idle(signed_in, board_member):
    client = signed_in(board_member)
    idle_for(client, 25)
    assert client.post(reverse("accounts:session-keep-alive")).status_code == 204
    idle_for(client, 25)
    assert client.post(reverse("accounts:session-keep-alive")).status_code == 204
    idle_for(client, 31)
    assert client.post(reverse("accounts:session-keep-alive")).status_code == 401
    assert "_auth_user_id" not in client.session


def test_pages_carry_the_timeout_warning_for_signed_in_people(
    signed_in, board_member, assessment, client
):
    content = signed_in(board_member).get(questionnaire_url(assessment, "start")).content.decode()
    assert 'data-module="qd-timeout-warning"' in content
    assert 'data-idle-seconds="1800"' in content


@pytest.mark.parametrize("minutes", [29, 30])
def test_session_within_the_timeout_stays_signed_in(signed_in, board_member, assessment, minutes):
    client = signed_in(board_member)
    # The boundary is to the second: the clock stands still, so a slow machine crossing a
    # second between the two lines cannot make it 30 minutes and one.
    with time_machine.travel(time.time(), tick=False):
        session = client.session
        session[LAST_SEEN] = int(time.time()) - minutes * 60
        session.save()
        page_headed(
            client.get(questionnaire_url(assessment, "start")),
            f"{assessment.cycle.label} board questionnaire",
        )
