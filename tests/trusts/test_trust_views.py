import pytest
from django.urls import reverse

from assessments.quarter.actions import assessment_open
from tests.factories import SETUP, MembershipFactory, TrustFactory
from tests.helpers import answer_everything
from tests.pages import forbidden, not_found, page_headed, to_sign_in
from trusts.models import Region, Role


def trust_url(trust):
    return reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code})


# Home


def test_home_anonymous_redirects_to_sign_in(client):
    response = client.get(reverse("quarter:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_home_board_member_sees_trust_role_and_next_step(signed_in, board_member, trust):
    response = signed_in(board_member).get(reverse("quarter:home"))
    assert response.status_code == 200
    content = response.content.decode()
    assert trust.name in content
    assert "Your role: Board member (non-executive)" in content
    assert "questionnaire opens" in content


def test_home_person_with_two_roles_sees_both(signed_in, coordinator, trust):
    MembershipFactory(trust=trust, user=coordinator, role=Role.BOARD_MEMBER)
    content = signed_in(coordinator).get(reverse("quarter:home")).content.decode()
    assert "Your role: Board member and Coordinator" in content
    assert "Programme staff have not created a quarter yet." in content


def test_home_programme_staff_sees_link_to_all_trusts(signed_in, programme_staff):
    content = signed_in(programme_staff).get(reverse("quarter:home")).content.decode()
    assert reverse("trusts:trust-list") in content


def test_home_person_without_trust_is_told_what_to_do(signed_in, db):
    from tests.factories import UserFactory

    content = signed_in(UserFactory()).get(reverse("quarter:home")).content.decode()
    assert "not linked to a trust yet" in content


def test_home_queries_stay_constant_as_trusts_grow(
    signed_in, board_member, trust, assessment, django_assert_num_queries
):
    client = signed_in(board_member)
    client.get(reverse("quarter:home"))  # warm the process caches (the data banner)
    # session, user, memberships with trusts, current assessments, own responses
    with django_assert_num_queries(5):
        client.get(reverse("quarter:home"))
    for _ in range(5):
        other = TrustFactory()
        MembershipFactory(trust=other, user=board_member)
        assessment_open(trust=other, cycle=assessment.cycle, by=SETUP)
    with django_assert_num_queries(5):
        client.get(reverse("quarter:home"))


def test_home_board_member_is_sent_to_the_open_questionnaire(signed_in, board_member, assessment):
    content = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    assert "Answer the 2026/27 Q3 questionnaire" in content
    answer_everything(assessment, board_member, submit=False)
    content = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    assert "Continue the 2026/27 Q3 questionnaire" in content
    answer_everything(assessment, board_member)
    content = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    assert "You have submitted the 2026/27 Q3 questionnaire" in content


def test_home_coordinator_is_sent_to_completion(signed_in, coordinator, assessment):
    content = signed_in(coordinator).get(reverse("quarter:home")).content.decode()
    assert "See who has answered the 2026/27 Q3 questionnaire" in content


def test_trust_detail_coordinator_can_open_a_quarter(signed_in, coordinator, trust, cycle):
    content = signed_in(coordinator).get(trust_url(trust)).content.decode()
    assert "Open the 2026/27 Q3 questionnaire for the board" in content


def test_trust_detail_board_member_sees_open_questionnaire(signed_in, board_member, assessment):
    content = signed_in(board_member).get(trust_url(assessment.trust)).content.decode()
    assert "The 2026/27 Q3 board questionnaire" in content


# Trust page


def test_trust_detail_anonymous_redirects_to_sign_in(client, trust):
    response = client.get(trust_url(trust))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_trust_detail_coordinator_sees_people(signed_in, coordinator, board_member, trust):
    response = signed_in(coordinator).get(trust_url(trust))
    assert response.status_code == 200
    content = response.content.decode()
    assert board_member.email in content
    assert "Board member (non-executive)" in content


def test_trust_detail_board_member_sees_trust_but_not_people(
    signed_in, coordinator, board_member, trust
):
    response = signed_in(board_member).get(trust_url(trust))
    assert response.status_code == 200
    assert coordinator.email not in response.content.decode()


def test_trust_detail_unknown_trust_is_404(signed_in, coordinator):
    response = signed_in(coordinator).get(
        reverse("quarter:trust-detail", kwargs={"ods_code": "XYZ"})
    )
    not_found(response)


def test_trust_detail_lower_case_code_finds_trust(signed_in, coordinator, trust):
    url = reverse("quarter:trust-detail", kwargs={"ods_code": trust.ods_code.lower()})
    page_headed(signed_in(coordinator).get(url), trust.name)


def test_trust_detail_programme_staff_sees_any_trust_without_people(
    signed_in, programme_staff, board_member, other_trust
):
    response = signed_in(programme_staff).get(trust_url(other_trust))
    assert response.status_code == 200
    assert board_member.email not in response.content.decode()


# All trusts


def test_trust_list_anonymous_redirects_to_sign_in(client, db):
    to_sign_in(client.get(reverse("trusts:trust-list")), reverse("trusts:trust-list"))


@pytest.mark.parametrize("role_fixture", ["board_member", "coordinator"])
def test_trust_list_trust_roles_are_forbidden(signed_in, request, role_fixture):
    user = request.getfixturevalue(role_fixture)
    forbidden(signed_in(user).get(reverse("trusts:trust-list")))


def test_trust_list_programme_staff_sees_all(signed_in, programme_staff, trust, other_trust):
    response = signed_in(programme_staff).get(reverse("trusts:trust-list"))
    assert response.status_code == 200
    assert list(response.context["trusts"]) == [other_trust, trust]


def test_trust_list_filters_by_region(signed_in, programme_staff, trust):
    northern = TrustFactory(region=Region.NORTH_WEST)
    response = signed_in(programme_staff).get(reverse("trusts:trust-list"), {"region": "Y62"})
    assert list(response.context["trusts"]) == [northern]


def test_trust_list_unknown_region_shows_all(signed_in, programme_staff, trust, other_trust):
    response = signed_in(programme_staff).get(reverse("trusts:trust-list"), {"region": "nonsense"})
    assert len(response.context["trusts"]) == 2


def test_home_board_member_sees_when_to_answer_by(signed_in, board_member, assessment):
    content = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    deadline = f"{assessment.cycle.closes_on:%A %-d %B %Y}"
    assert f"Answer the {assessment.cycle.label} questionnaire by {deadline}" in content


def test_home_after_close_links_the_board_member_to_the_paper(
    signed_in, board_member, assessment, coordinator
):
    from assessments.quarter.actions import assessment_close

    assessment_close(assessment=assessment, by=coordinator)
    content = signed_in(board_member).get(reverse("quarter:home")).content.decode()
    paper = reverse("paper:paper", args=[assessment.trust.ods_code, assessment.cycle.slug])
    assert f'<a href="{paper}">The {assessment.cycle.label} questionnaire has closed' in content
