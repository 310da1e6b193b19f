"""Every form, fed what careless people and attackers type: past each column's limit, NUL
and other control characters, zero-width and whitespace-only text, dates and years at the
extremes, bytes that are not UTF-8. Run on SQLite and on PostgreSQL (the suite runs on
both). Never a 500; a form that refuses changes nothing."""

import pytest
from django.apps import apps
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import page_data, questionnaire_url

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# What people type, at its worst.
nasty_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=150, max_size=2100),
    st.sampled_from(
        [
            "",
            " ",
            "\u200b",
            "\u200b \u200b",
            "\x00",
            "a\x00b",
            "\x01\x02\x1f",
            "\r\n\t",
            "=1+1",
            "x" * 255,
            "x" * 1001,
            "x" * 2001,
            "<script>alert(1)</script>",
            "'; --",
        ]
    ),
)
nasty_date = st.one_of(
    st.dates().map(str),
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31",
            "1999-12-31",
            "2100-01-01",
            "2026-02-30",
            "",
            "31/12/2026",
            "\x00",
            "2026-13-01",
        ]
    ),
)
nasty_quarter = st.one_of(
    st.from_regex(r"\d{4}/\d{2} Q\d", fullmatch=True),
    st.sampled_from(
        [
            "9999/00 Q4",
            "0000/01 Q1",
            "9999/00 Q1",
            "2026/27 Q5",
            "2026/27 Q0",
            "2019/20 Q1",
            "",
            "\x00",
        ]
    ),
)


def table_counts() -> dict[str, int]:
    """Rows in every table of ours: a refused form must leave them all as they were."""
    ours = {"trusts", "assessments", "reports", "principles", "core", "accounts"}
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ours
    }


def refused_without_change(client, url, data) -> None:
    before = table_counts()
    response = client.post(url, data)
    assert response.status_code < 500, (url, data)
    if response.status_code == 200:  # the form again, with its errors
        assert "nhsuk-error-summary" in response.content.decode(), (url, data)
        assert table_counts() == before, (url, data)


@FUZZ
@given(name=nasty_text, email=nasty_text, seat=nasty_text)
def test_invite_form(signed_in, coordinator, trust, name, email, seat):
    url = reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code})
    data = {"full_name": name, "email": email, "seat_group": seat}
    refused_without_change(signed_in(coordinator), url, data)


def test_invite_email_past_the_column_is_an_error(signed_in, coordinator, trust):
    url = reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code})
    data = {"full_name": "Long Email", "email": "a" * 250 + "@x.example", "seat_group": "executive"}
    response = signed_in(coordinator).post(url, data)
    assert "Enter an email address of 254 characters or fewer" in response.content.decode()


@FUZZ
@given(quarter=nasty_quarter, opens=nasty_date, closes=nasty_date)
def test_new_quarter_form(signed_in, programme_staff, framework, quarter, opens, closes):
    data = {"quarter": quarter, "opens_on": opens, "closes_on": closes, "framework": framework.pk}
    refused_without_change(signed_in(programme_staff), reverse("quarter:cycle-new"), data)


@pytest.mark.parametrize("quarter", ["9999/00 Q4", "0000/01 Q1", "9999/00 Q1", "2019/20 Q1"])
def test_new_quarter_outside_the_programme_years_is_an_error(
    signed_in, programme_staff, framework, quarter
):
    response = signed_in(programme_staff).post(
        reverse("quarter:cycle-new"), {"quarter": quarter, "framework": framework.pk}
    )
    assert "Enter a quarter from 2020/21 to" in response.content.decode()


@FUZZ
@given(
    title=nasty_text,
    owner=nasty_text,
    due=nasty_date,
    notes=nasty_text,
    status=nasty_text,
    rag=nasty_text,
    principle=nasty_text,
)
def test_board_action_form(
    signed_in, coordinator, assessment, title, owner, due, notes, status, rag, principle
):
    url = reverse("quarter:board-action-new", kwargs={"ods_code": assessment.trust.ods_code})
    data = {
        "title": title,
        "owner": owner,
        "due_date": due,
        "notes": notes,
        "status": status,
        "rag": rag,
        "principle_number": principle,
    }
    refused_without_change(signed_in(coordinator), url, data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "\u200b", "Enter what the board agreed to do"),
        ("title", " \u200b\u00ad ", "Enter what the board agreed to do"),
        ("due_date", "0001-01-01", "Enter a date between 1 January 2000 and 31 December 2099"),
        ("title", "x" * 201, "Keep it to 200 characters or fewer"),
    ],
)
def test_board_action_blank_in_disguise_or_absurd_date_is_an_error(
    signed_in, coordinator, assessment, field, value, message
):
    url = reverse("quarter:board-action-new", kwargs={"ods_code": assessment.trust.ods_code})
    data = {
        "title": "Publish the plan",
        "owner": "CDO",
        "due_date": "2027-01-31",
        "status": "not_started",
        "rag": "green",
        "principle_number": "1",
        field: value,
    }
    assert message in signed_in(coordinator).post(url, data).content.decode()


@FUZZ
@given(date=nasty_date, level=nasty_text, why=nasty_text)
def test_positions_form(signed_in, coordinator, assessment, date, level, why):
    url = reverse(
        "quarter:assessment-positions", args=[assessment.trust.ods_code, assessment.cycle.slug]
    )
    data = {"meeting_date": date, "level-1": level, "rationale-1": why}
    refused_without_change(signed_in(coordinator), url, data)


@pytest.fixture
def closed_assessment(assessment, coordinator):
    from assessments.quarter.actions import assessment_close
    from tests.helpers import submitted_board

    submitted_board(assessment, 3)
    assessment_close(assessment=assessment, by=coordinator)
    return assessment


@FUZZ
@given(level=nasty_text, why=nasty_text, dissent=nasty_text, title=nasty_text, day=nasty_text)
def test_meeting_forms(signed_in, coordinator, closed_assessment, level, why, dissent, title, day):
    a = closed_assessment
    url = reverse("meeting:present-principle", args=[a.trust.ods_code, a.cycle.slug, 1])
    client = signed_in(coordinator)
    decision = {
        "form": "decision",
        "decision-level": level,
        "decision-rationale": why,
        "decision-dissent": dissent,
    }
    refused_without_change(client, url, decision)
    action = {
        "form": "action",
        "action-title": title,
        "action-owner": "",
        "action-due_date_day": day,
        "action-due_date_month": "3",
        "action-due_date_year": "2027",
    }
    refused_without_change(client, url, action)


@FUZZ
@given(vote=nasty_text, level=nasty_text, form=nasty_text)
def test_room_vote_forms(
    signed_in, board_member, coordinator, closed_assessment, vote, level, form
):
    from principles.models import Principle
    from reports.meeting.actions import vote_open

    a = closed_assessment
    principle = Principle.objects.get(framework_id=a.cycle.framework_id, number=1)
    opened = vote_open(assessment=a, principle=principle, by=coordinator)
    phone = signed_in(board_member)
    for sent in ({"vote": vote, "level": level}, {"vote": str(opened.pk), "level": level}):
        refused_without_change(phone, reverse("meeting:vote"), sent)
    screen = reverse("meeting:present-principle", args=[a.trust.ods_code, a.cycle.slug, 1])
    refused_without_change(signed_in(coordinator), screen, {"form": form})


@FUZZ
@given(level=nasty_text, comment=nasty_text)
def test_questionnaire_page(signed_in, board_member, assessment, level, comment):
    data = page_data(assessment, 1)
    first_level = next(name for name in data if name.endswith("-level"))
    data[first_level] = level
    data[first_level.replace("-level", "-comment")] = comment
    refused_without_change(
        signed_in(board_member), questionnaire_url(assessment, "page", number=1), data
    )


@FUZZ
@given(target=nasty_text)
def test_targets_form(signed_in, coordinator, assessment, target):
    url = reverse(
        "quarter:assessment-targets", args=[assessment.trust.ods_code, assessment.cycle.slug]
    )
    refused_without_change(signed_in(coordinator), url, {"principle-1": target})


@FUZZ
@given(username=nasty_text, password=nasty_text)
def test_sign_in_form(client, db, username, password):
    refused_without_change(
        client, reverse("accounts:sign-in"), {"username": username, "password": password}
    )


@FUZZ
@given(email=nasty_text)
def test_password_reset_form(client, db, email):
    response = client.post(reverse("accounts:password-reset"), {"email": email})
    if response.status_code == 302:  # an address: the same "sent" page, known or not
        assert response["Location"] == reverse("accounts:password-reset-sent")
    else:  # the form again, saying what is wrong
        assert response.status_code == 200
        assert "nhsuk-error-summary" in response.content.decode()


def test_a_body_that_is_not_utf8_is_a_clear_error(signed_in, coordinator, trust):
    url = reverse("trusts:board-people", kwargs={"ods_code": trust.ods_code})
    client = signed_in(coordinator)
    client.get(url)
    before = table_counts()
    response = client.post(
        url,
        data=b"full_name=\xff\xfe&email=\xc3\x28@x.example&seat_group=executive",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the form again, with its errors; nobody invited
    assert "nhsuk-error-summary" in response.content.decode()
    assert table_counts() == before
