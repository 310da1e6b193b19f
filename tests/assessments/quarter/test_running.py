"""The coordinator running the quarter, and programme staff creating quarters."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Assessment, AssessmentStatus, Cycle, Response, Target
from assessments.quarter.actions import assessment_close
from core.models import AuditEvent
from principles.models import Principle
from tests.helpers import (
    answer_everything,
    new_board_member,
    on_day,
    page_data,
    questionnaire_url,
    submitted_board,
)
from tests.pages import forbidden, not_found, redirected, to_sign_in


def url(assessment, name):
    return reverse(
        f"quarter:assessment-{name}",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug},
    )


def open_url(trust, cycle):
    return reverse(
        "quarter:assessment-open", kwargs={"ods_code": trust.ods_code, "cycle": cycle.slug}
    )


# Opening


def test_assessment_open_coordinator_opens_the_quarter(signed_in, coordinator, trust, cycle):
    response = signed_in(coordinator).post(open_url(trust, cycle))
    assessment = Assessment.objects.get(trust=trust, cycle=cycle)
    assert response.url == url(assessment, "detail")
    assert assessment.status == AssessmentStatus.OPEN
    assert AuditEvent.objects.filter(action="assessment.opened", trust=trust).count() == 1


def test_assessment_open_for_a_trust_added_after_the_quarter_was_created(
    signed_in, coordinator, trust, cycle
):
    Assessment.objects.filter(trust=trust).delete()
    signed_in(coordinator).post(open_url(trust, cycle))
    assert Assessment.objects.get(trust=trust, cycle=cycle).is_open


def test_assessment_open_twice_is_refused_with_a_message(signed_in, coordinator, assessment):
    client = signed_in(coordinator)
    response = client.post(open_url(assessment.trust, assessment.cycle), follow=True)
    assert "already open" in response.content.decode()
    assert AuditEvent.objects.filter(action="assessment.opened").count() == 1


def test_assessment_open_by_get_asks_first_and_names_who_will_be_emailed(
    signed_in, coordinator, board_member, trust, cycle
):
    from assessments.models import Assessment

    response = signed_in(coordinator).get(open_url(trust, cycle))
    content = response.content.decode()
    assert response.status_code == 200
    assert f"Open the {cycle.label} questionnaire?" in content
    assert "Who will be emailed" in content
    assert board_member.full_name in content
    assert not Assessment.objects.filter(trust=trust, cycle=cycle, status="open").exists()


def test_assessment_open_board_member_is_403(signed_in, board_member, trust, cycle):
    assert signed_in(board_member).post(open_url(trust, cycle)).status_code == 403
    assert Assessment.objects.get(trust=trust, cycle=cycle).status == AssessmentStatus.DRAFT


def test_assessment_open_unknown_quarter_is_404(signed_in, coordinator, trust, cycle):
    bad = reverse(
        "quarter:assessment-open", kwargs={"ods_code": trust.ods_code, "cycle": "2031-32-q1"}
    )
    not_found(signed_in(coordinator).post(bad))


def test_assessment_open_anonymous_redirects(client, trust, cycle):
    to_sign_in(client.post(open_url(trust, cycle)), open_url(trust, cycle))
    assert not trust.assessments.filter(cycle=cycle).exclude(status="draft").exists()


# The coordinator's page: completion, never answers


def test_assessment_detail_shows_each_members_status_not_answers(
    signed_in, coordinator, board_member, assessment
):
    answer_everything(assessment, board_member, score=5, submit=False)
    submitted = new_board_member(assessment.trust)
    answer_everything(assessment, submitted, score=1)
    new_board_member(assessment.trust)
    response = signed_in(coordinator).get(url(assessment, "detail"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "1 submitted, 1 in progress, 1 not started" in content
    assert board_member.full_name in content
    statuses = {row.name: row.status for row in response.context["members"]}
    assert statuses[board_member.full_name] == "In progress"
    assert statuses[submitted.full_name] == "Submitted"


def test_assessment_detail_shows_no_results_while_open_however_many_submitted(
    signed_in, coordinator, assessment, settings
):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 4, score=4)
    response = signed_in(coordinator).get(url(assessment, "detail"))
    content = response.content.decode()
    assert "Results are published when the quarter closes" in content
    assert "Overall score" not in content
    assert response.context["results"].rows == []


def test_assessment_detail_hides_published_results_below_minimum(
    signed_in, coordinator, assessment, settings
):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 2, score=4)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).get(url(assessment, "detail"))
    content = response.content.decode()
    assert "2 of 2 board members had submitted when the results were published on " in content
    assert "figures are shown only from at least 3, so that no one" in content
    assert "Overall score" not in content
    assert response.context["results"].rows == []


def test_assessment_detail_shows_results_at_minimum(signed_in, coordinator, assessment, settings):
    settings.MIN_RESPONSES = 3
    submitted_board(assessment, 3, score=4)
    Target.objects.create(
        assessment=assessment,
        principle=Principle.objects.get(framework=assessment.cycle.framework, number=1),
        level=Decimal("5.0"),
    )
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).get(url(assessment, "detail"))
    content = response.content.decode()
    assert "Overall score: <strong>4.0</strong>" in content
    first = response.context["results"].rows[0]
    assert (first.score, first.target, first.gap, first.rag) == ("4.0", "5.0", "1.0", "Red")
    assert first.scores == 9  # three members, three questions
    assert "Scores behind it" in content


def test_assessment_detail_in_progress_answers_never_count(
    signed_in, coordinator, assessment, settings
):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 1, score=2)
    answer_everything(assessment, new_board_member(assessment.trust), score=5, submit=False)
    assessment_close(assessment=assessment, by=coordinator)
    response = signed_in(coordinator).get(url(assessment, "detail"))
    assert response.context["results"].overall == "2.0"


def test_assessment_detail_board_member_is_403(signed_in, board_member, assessment):
    forbidden(signed_in(board_member).get(url(assessment, "detail")))


def test_assessment_detail_programme_staff_is_403(signed_in, programme_staff, assessment):
    forbidden(signed_in(programme_staff).get(url(assessment, "detail")))


def test_assessment_detail_anonymous_redirects(client, assessment):
    to_sign_in(client.get(url(assessment, "detail")), url(assessment, "detail"))


@pytest.mark.parametrize("board_size", [2, 12])
def test_assessment_detail_queries_are_constant(
    signed_in, coordinator, assessment, django_assert_num_queries, board_size
):
    submitted_board(assessment, board_size)
    client = signed_in(coordinator)
    client.get(url(assessment, "detail"))  # warm the process caches
    # session, user, memberships with trusts, assessment, board members, responses,
    # targets, agreed positions, who was reminded today, the open actions counted,
    # whether the cover sheet is filled in, results, the latest release, emails not sent,
    # last quarter's roadmap to review
    with django_assert_num_queries(15):
        assert client.get(url(assessment, "detail")).status_code == 200


# Closing and reopening


def test_assessment_close_closes_and_stores_results(signed_in, coordinator, assessment):
    submitted_board(assessment, 3)
    response = signed_in(coordinator).post(url(assessment, "close"))
    assessment.refresh_from_db()
    assert response.url == url(assessment, "detail")
    assert assessment.is_closed
    assert assessment.results.count() == 8
    assert AuditEvent.objects.filter(action="assessment.closed").exists()


def test_assessment_close_twice_is_refused(signed_in, coordinator, assessment):
    client = signed_in(coordinator)
    client.post(url(assessment, "close"))
    response = client.post(url(assessment, "close"), follow=True)
    assert "Only an open questionnaire can be closed" in response.content.decode()
    assert AuditEvent.objects.filter(action="assessment.closed").count() == 1


def test_assessment_close_board_member_is_403(signed_in, board_member, assessment):
    assert signed_in(board_member).post(url(assessment, "close")).status_code == 403
    assessment.refresh_from_db()
    assert assessment.is_open


def test_assessment_close_wrong_trust_is_404(signed_in, coordinator, other_assessment):
    assert signed_in(coordinator).post(url(other_assessment, "close")).status_code == 404
    other_assessment.refresh_from_db()
    assert other_assessment.is_open


def test_assessment_close_by_get_asks_first_and_names_who_has_not_submitted(
    signed_in, coordinator, board_member, assessment
):
    response = signed_in(coordinator).get(url(assessment, "close"))
    content = response.content.decode()
    assert f"Close the {assessment.cycle.label} questionnaire?" in content
    assert "Not submitted yet" in content
    assert board_member.full_name in content
    assert "0 of 1 board members have submitted" in content
    assessment.refresh_from_db()
    assert assessment.is_open


def test_assessment_reopen_needs_a_reason(signed_in, coordinator, assessment):
    client = signed_in(coordinator)
    client.post(url(assessment, "close"))
    response = client.post(url(assessment, "reopen"), {"reason": "  "})
    assert "Enter a reason for reopening" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.is_closed


def test_assessment_reopen_with_reason_is_audited(signed_in, coordinator, assessment):
    client = signed_in(coordinator)
    client.post(url(assessment, "close"))
    response = client.post(url(assessment, "reopen"), {"reason": "Two members were on leave"})
    assessment.refresh_from_db()
    assert response.url == url(assessment, "detail")
    assert assessment.is_open
    event = AuditEvent.objects.get(action="assessment.reopened")
    assert event.detail == {"reason": "Two members were on leave"}
    assert event.actor == coordinator


def test_assessment_reopen_an_open_assessment_is_refused(signed_in, coordinator, assessment):
    response = signed_in(coordinator).get(url(assessment, "reopen"))
    redirected(response, url(assessment, "detail"))
    assessment.refresh_from_db()
    assert assessment.is_open


def test_assessment_reopen_board_member_is_403(signed_in, board_member, assessment):
    forbidden(signed_in(board_member).get(url(assessment, "reopen")))


# Targets


def test_targets_edit_saves_half_levels_and_clears(signed_in, coordinator, assessment):
    data = {f"principle-{n}": "" for n in range(1, 9)} | {
        "principle-1": "3.5",
        "principle-2": "5.0",
    }
    response = signed_in(coordinator).post(url(assessment, "targets"), data)
    assert response.url == url(assessment, "detail")
    targets = {t.principle.number: t.level for t in assessment.targets.select_related("principle")}
    assert targets == {1: Decimal("3.5"), 2: Decimal("5.0")}
    data["principle-2"] = ""
    signed_in(coordinator).post(url(assessment, "targets"), data)
    assert assessment.targets.count() == 1


def test_targets_of_a_closed_quarter_are_refused_and_the_paper_stays(
    signed_in, coordinator, assessment
):
    assessment_close(assessment=assessment, by=coordinator)
    client = signed_in(coordinator)
    assert client.get(url(assessment, "targets")).url == url(assessment, "detail")
    data = {f"principle-{n}": "" for n in range(1, 9)} | {"principle-1": "3.5"}
    response = client.post(url(assessment, "targets"), data)
    assert response.status_code == 200
    assert "Reopen the quarter to change them" in response.content.decode()
    assert not assessment.targets.exists()


@pytest.mark.parametrize("bad", ["6", "0.5", "3.25", "high"])
def test_targets_edit_bad_level_is_an_error_and_saves_nothing(
    signed_in, coordinator, assessment, bad
):
    response = signed_in(coordinator).post(
        url(assessment, "targets"), {"principle-1": bad, "principle-2": "4.0"}
    )
    assert "Choose a level from 1 to 5, in halves" in response.content.decode()
    assert 'href="#id_principle-1"' in response.content.decode()
    assert not assessment.targets.exists()


def test_targets_edit_board_member_is_403(signed_in, board_member, assessment):
    forbidden(signed_in(board_member).post(url(assessment, "targets"), {}))


def test_targets_from_another_framework_are_refused(assessment, coordinator):
    from assessments.errors import AssessmentError
    from assessments.quarter.actions import targets_set
    from tests.factories import PrincipleFactory

    with pytest.raises(AssessmentError, match="another framework"):
        targets_set(
            assessment=assessment, levels={PrincipleFactory(): Decimal("3.0")}, by=coordinator
        )


# Programme staff: quarters


def test_cycle_new_creates_quarter_with_default_dates_and_assessments(
    signed_in, programme_staff, framework, trust, other_trust
):
    response = signed_in(programme_staff).post(
        reverse("quarter:cycle-new"), {"quarter": "2027/28 Q4", "framework": framework.pk}
    )
    assert response.url == reverse("quarter:cycle-list")
    cycle = Cycle.objects.get()
    assert cycle.label == "2027/28 Q4"
    assert (str(cycle.opens_on), str(cycle.closes_on)) == ("2028-01-01", "2028-03-31")
    assert cycle.assessments.count() == 2
    assert set(cycle.assessments.values_list("status", flat=True)) == {AssessmentStatus.DRAFT}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"quarter": "2027/29 Q1"}, "Enter the quarter like 2026/27 Q3"),
        ({"quarter": "2027 Q5"}, "Enter the quarter like 2026/27 Q3"),
        ({"quarter": ""}, "Enter the quarter, for example 2026/27 Q3"),
        (
            {"quarter": "2027/28 Q1", "opens_on": "2027-05-01", "closes_on": "2027-04-01"},
            "The closing date must be on or after the opening date",
        ),
        (
            {"quarter": "2027/28 Q1", "opens_on": "2027-02-30"},
            "Enter the opening date as a real date",
        ),
    ],
)
def test_cycle_new_bad_input_is_an_error_and_creates_nothing(
    signed_in, programme_staff, framework, data, message
):
    response = signed_in(programme_staff).post(
        reverse("quarter:cycle-new"), data | {"framework": framework.pk}
    )
    assert message in response.content.decode()
    assert "nhsuk-error-summary" in response.content.decode()
    assert not Cycle.objects.exists()


def test_cycle_new_same_quarter_twice_is_an_error(signed_in, programme_staff, cycle):
    response = signed_in(programme_staff).post(
        reverse("quarter:cycle-new"), {"quarter": "2026/27 Q3", "framework": cycle.framework_id}
    )
    assert "That quarter already exists" in response.content.decode()
    assert Cycle.objects.count() == 1


@pytest.mark.parametrize("role_fixture", ["board_member", "coordinator"])
def test_cycle_new_trust_roles_are_403(signed_in, request, role_fixture, framework):
    user = request.getfixturevalue(role_fixture)
    response = signed_in(user).post(
        reverse("quarter:cycle-new"), {"quarter": "2027/28 Q1", "framework": framework.pk}
    )
    assert response.status_code == 403
    assert not Cycle.objects.exists()


def test_cycle_list_shows_quarters(signed_in, programme_staff, cycle):
    content = signed_in(programme_staff).get(reverse("quarter:cycle-list")).content.decode()
    assert "2026/27 Q3" in content


def test_cycle_list_anonymous_redirects(client, db):
    to_sign_in(client.get(reverse("quarter:cycle-list")), reverse("quarter:cycle-list"))


def test_a_members_last_activity_is_their_latest_save(
    signed_in, coordinator, board_member, assessment
):
    def save_page(number):
        page = questionnaire_url(assessment, "page", number=number)
        signed_in(board_member).post(page, page_data(assessment, number))

    with on_day(datetime.date(2026, 10, 5)):
        save_page(1)
    started = Response.objects.get().updated_at
    with on_day(datetime.date(2026, 10, 9)):
        save_page(2)
        shown = signed_in(coordinator).get(url(assessment, "detail")).content.decode()
    assert "9 Oct 2026, 12:00" in shown
    assert "5 Oct 2026" not in shown
    assert Response.objects.get().updated_at == started  # a save stamps only its answers
