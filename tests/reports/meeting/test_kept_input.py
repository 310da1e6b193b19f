"""Nothing typed in the meeting is lost when the session ends: the board's decision (level,
reason, dissent) or a new action sent from a principle's page after the laptop slept is
kept, shown back on that page once the digital lead has signed in again, and saved only
when they send it again."""

import datetime

from django.test import Client

from accounts.keeping import KEPT_MESSAGE
from accounts.models import KeptInput
from assessments.models import AgreedPosition, BoardAction
from tests.accounts.test_session_timeout import sign_in_with_password
from tests.helpers import on_day
from tests.pages import text, to_sign_in
from tests.reports.meeting.test_record import (
    MEETING,
    decision,
    in_the_meeting,  # noqa: F401 (a fixture)
    new_action,
    page_url,
)

ASLEEP = datetime.timedelta(minutes=45)  # longer than the 30-minute idle timeout
REASON = "Typed while the laptop slept: most teams test with users."
DISSENT = "One member asked that their doubt about the pace be minuted."


def test_a_decision_sent_after_the_session_ended_comes_back_and_is_saved_only_when_sent_again(
    signed_in,
    coordinator,
    in_the_meeting,  # noqa: F811 (the fixture imported above)
):
    url = page_url(in_the_meeting)
    with on_day(MEETING) as clock:
        client = signed_in(coordinator)
        clock.shift(ASLEEP)
        to_sign_in(client.post(url, decision(rationale=REASON, dissent=DISSENT)), url)
        assert not AgreedPosition.objects.exists()
        kept = KeptInput.objects.get(user=coordinator, path=url)
        assert "laptop slept" not in kept.sealed  # sealed: encrypted, not readable

        back = sign_in_with_password(Client(), coordinator, url)
        assert back.redirect_chain[-1][0] == url
        page = text(back)
        assert KEPT_MESSAGE[:40] in page
        assert '<option value="3.5" selected>' in page
        assert REASON in page
        assert DISSENT in page
        assert not KeptInput.objects.exists()  # shown back once
        assert not AgreedPosition.objects.exists()  # ready to save, not saved behind their back

        back.client.post(url, decision(rationale=REASON, dissent=DISSENT))
    position = AgreedPosition.objects.get(assessment=in_the_meeting, principle__number=2)
    assert (position.level, position.rationale, position.dissent) == (3.5, REASON, DISSENT)


def test_an_action_sent_after_the_session_ended_comes_back_and_is_added_only_when_sent_again(
    signed_in,
    coordinator,
    in_the_meeting,  # noqa: F811 (the fixture imported above)
):
    url = page_url(in_the_meeting)
    typed = new_action(title="Publish the user research plan", due=("31", "3", "2027"))
    with on_day(MEETING) as clock:
        client = signed_in(coordinator)
        clock.shift(ASLEEP)
        to_sign_in(client.post(url, typed), url)
        assert not BoardAction.objects.exists()
        assert KeptInput.objects.filter(user=coordinator, path=url).exists()

        back = sign_in_with_password(Client(), coordinator, url)
        page = text(back)
        assert KEPT_MESSAGE[:40] in page
        for shown in ("Publish the user research plan", "Chief Digital Officer"):
            assert f'value="{shown}"' in page
        for shown in ('name="action-due_date_day"', 'value="31"', 'value="3"', 'value="2027"'):
            assert shown in page
        # Shown back as typed, ready to send: no error on either of the page's forms.
        assert "nhsuk-error-message" not in page
        assert not BoardAction.objects.exists()

        back.client.post(url, typed)
    action = BoardAction.objects.get()
    assert (action.principle_number, action.owner, action.due_date) == (
        2,
        "Chief Digital Officer",
        datetime.date(2027, 3, 31),
    )
