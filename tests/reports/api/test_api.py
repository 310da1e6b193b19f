"""The read-only API: who reads what, the disclosure rule, pages, filters, CSV, ETags, the
rate limit, the OpenAPI document and its reference page."""

import csv
import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import token_create
from assessments.models import OverallResult, PrincipleResult
from reports.national import queries as national
from reports.national.exports import comparison_columns
from tests.factories import MembershipFactory
from trusts.actions import membership_remove
from trusts.models import Role, Trust

BASE = "/api/v1"


def token_for(user, name="Power BI") -> str:
    return token_create(user=user, name=name, expires_days=30, by=user)[1]


def reader(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user)}"})


def get(client: Client, path: str, query=None, **environ):
    return client.get(f"{BASE}{path}", query or {}, **environ)


def published(cycle) -> dict:
    """What the national view reads for the quarter, by trust."""
    return {t.ods_code: t for t in national.closed_results(cycle, national.Filters())}


@pytest.fixture
def lead_of_qn1(national):
    membership = MembershipFactory(trust=Trust.objects.get(ods_code="QN1"), role=Role.COORDINATOR)
    return membership.user


# Who reads what


def test_programme_staff_read_every_trusts_published_results_as_the_national_view(
    programme_staff, national
):
    response = get(reader(programme_staff), f"/quarters/{national.slug}/results")
    assert response.status_code == 200
    rows = {row["ods_code"]: row for row in response.json()["results"]}
    expected = published(national)
    assert set(rows) == set(expected) == {"QN1", "QN2", "QN3", "QN4"}  # QN5: too few answered
    for code, trust in expected.items():
        assert rows[code]["overall"] == pytest.approx(float(trust.overall), abs=5e-5)
        scores = {p["principle"]: p["score"] for p in rows[code]["principles"]}
        assert scores == pytest.approx({n: float(s) for n, s in trust.scores.items()}, abs=5e-5)
        assert rows[code]["respondents"] == trust.rests_on.submitted
        assert rows[code]["board_size"] == trust.rests_on.board_size


def test_a_digital_lead_reads_only_their_own_trust(lead_of_qn1, national):
    client = reader(lead_of_qn1)
    results = get(client, f"/quarters/{national.slug}/results").json()["results"]
    assert [row["ods_code"] for row in results] == ["QN1"]
    trusts = get(client, "/trusts").json()["results"]
    assert [row["ods_code"] for row in trusts] == ["QN1"]
    completion = get(client, f"/quarters/{national.slug}/completion").json()["results"]
    assert [row["ods_code"] for row in completion] == ["QN1"]


@pytest.mark.parametrize("path", ["/trusts/QN2", "/trusts/QN2/trend", "/trusts/qn2/trend"])
def test_another_trust_is_not_found_for_a_digital_lead(lead_of_qn1, national, path):
    response = get(reader(lead_of_qn1), path)
    assert response.status_code == 404
    assert response.json() == {"detail": "No such trust."}


def test_the_early_warning_is_for_programme_staff_only(lead_of_qn1, programme_staff, national):
    path = f"/quarters/{national.slug}/early-warning"
    refused = get(reader(lead_of_qn1), path)
    assert refused.status_code == 403
    assert "roles" in refused.json()["detail"]
    assert get(reader(programme_staff), path).status_code == 200


def test_a_token_stops_reading_when_its_person_stops_being_digital_lead(lead_of_qn1, national):
    client = reader(lead_of_qn1)
    assert get(client, "/trusts").json()["count"] == 1
    membership = lead_of_qn1.memberships.get(role=Role.COORDINATOR)
    membership_remove(membership=membership, by=lead_of_qn1)
    lead_of_qn1.refresh_from_db()
    refused = get(client, "/trusts")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Unauthorized"}


@pytest.mark.parametrize(
    "authorization", [None, "Bearer", "Bearer qd_not-a-token", "Basic dXNlcjpwYXNz", "qd_x"]
)
def test_no_working_token_is_401(national, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = Client(headers=headers).get(f"{BASE}/quarters/{national.slug}/results")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_board_members_session_reads_nothing_from_the_api(signed_in, board_member, cycle):
    refused = signed_in(board_member).get(f"{BASE}/quarters")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Unauthorized"}


# The disclosure rule


def test_results_below_the_minimum_or_not_closed_are_never_sent(programme_staff, national):
    client = reader(programme_staff)
    codes = {
        row["ods_code"]
        for row in get(client, f"/quarters/{national.slug}/results").json()["results"]
    }
    assert "QN5" not in codes
    csv_text = get(client, f"/quarters/{national.slug}/results", HTTP_ACCEPT="text/csv")
    assert "QN5" not in csv_text.content.decode()


# Pages and filters


def test_a_page_at_a_time_with_the_next_address(programme_staff, national):
    client = reader(programme_staff)
    first = get(client, f"/quarters/{national.slug}/results", {"page_size": 3})
    body = first.json()
    assert (body["count"], len(body["results"]), body["previous"]) == (4, 3, None)
    assert body["next"].endswith("page_size=3&page=2")
    assert first["Link"] == f'<{body["next"]}>; rel="next"'
    second = client.get(body["next"]).json()
    assert [row["ods_code"] for row in second["results"]] == ["QN4"]
    assert second["next"] is None
    assert second["previous"]


def test_filters_are_the_national_views(programme_staff, national):
    client = reader(programme_staff)
    path = f"/quarters/{national.slug}/results"
    in_london = get(client, path, {"region": "Y56"}).json()["results"]
    assert sorted(row["ods_code"] for row in in_london) == ["QN1", "QN2"]
    acute = get(client, path, {"region": "Y56", "type": "acute"}).json()["results"]
    assert [row["ods_code"] for row in acute] == ["QN1"]


@pytest.mark.parametrize(
    "query", [{"region": "Y99"}, {"page": "0"}, {"page_size": "5000"}, {"icb": "<b>"}]
)
def test_a_parameter_not_understood_is_422_and_says_which(programme_staff, national, query):
    response = get(reader(programme_staff), f"/quarters/{national.slug}/results", query)
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"][-1] == next(iter(query))


def test_an_unknown_quarter_is_404(programme_staff, national):
    response = get(reader(programme_staff), "/quarters/2001-02-q1/results")
    assert response.status_code == 404
    assert "results" not in response.json()


# CSV and ETags


def test_csv_by_accept_has_the_national_comparison_files_columns(programme_staff, national):
    response = get(
        reader(programme_staff), f"/quarters/{national.slug}/results", HTTP_ACCEPT="text/csv"
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    numbers = tuple(range(1, 9))
    assert rows[0] == [column.name for column in comparison_columns(numbers)]
    assert [row[0] for row in rows[1:]] == ["QN1", "QN2", "QN3", "QN4"]


def test_json_is_preferred_unless_csv_is_asked_for_first(programme_staff, national):
    client = reader(programme_staff)
    path = f"/quarters/{national.slug}/results"
    assert get(client, path, HTTP_ACCEPT="*/*")["Content-Type"] == "application/json"
    both = "application/json;q=0.5, text/csv"
    assert get(client, path, HTTP_ACCEPT=both)["Content-Type"].startswith("text/csv")


def test_the_same_answer_again_is_304_and_a_new_one_after_a_change(programme_staff, national):
    client = reader(programme_staff)
    path = f"/quarters/{national.slug}/results"
    first = get(client, path)
    tag = first["ETag"]
    again = get(client, path, HTTP_IF_NONE_MATCH=tag)
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", tag)
    PrincipleResult.objects.filter(assessment__trust__ods_code="QN1").update(score="2/1")
    changed = get(client, path, HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200
    assert changed["ETag"] != tag
    assert {"Accept", "Authorization"} <= set(first["Vary"].split(", "))


# The rate limit and the log


def test_a_token_used_too_often_is_told_when_to_come_back(programme_staff, national, settings):
    settings.API_REQUESTS_PER_MINUTE = 2
    client = reader(programme_staff)
    assert [get(client, "/quarters").status_code for _ in range(2)] == [200, 200]
    limited = get(client, "/quarters")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60


def test_each_use_is_logged_by_the_tokens_name_never_its_value(programme_staff, national, caplog):
    token = token_for(programme_staff, name="Regional dashboard")
    with caplog.at_level(logging.INFO, logger="quarterdeck.api"):
        Client(headers={"Authorization": f"Bearer {token}"}).get(f"{BASE}/quarters")
    logged = " ".join(str(getattr(r, "fields", "")) + r.getMessage() for r in caplog.records)
    assert "Regional dashboard" in logged
    assert token not in logged
    assert token[3:20] not in logged


# Speed: the budget's query count


def test_one_quarters_results_take_five_queries_however_many_trusts(
    programme_staff, national, django_assert_num_queries
):
    client = reader(programme_staff)
    path = f"/quarters/{national.slug}/results"
    get(client, path)  # the framework's principles are read once per process
    # The token and its use, the quarter, the closed assessments and their principle rows.
    with django_assert_num_queries(5):
        assert get(client, path).status_code == 200


def test_a_digital_leads_results_take_six_queries(lead_of_qn1, national, django_assert_num_queries):
    client = reader(lead_of_qn1)
    get(client, f"/quarters/{national.slug}/results")  # the framework, once per process
    with django_assert_num_queries(6):  # and the lead's memberships
        assert get(client, f"/quarters/{national.slug}/results").status_code == 200


# The document and its reference page


def test_the_openapi_document_describes_every_operation(client, db):
    document = client.get(reverse("api:openapi-json")).json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {
        "/api/v1/trusts",
        "/api/v1/trusts/{ods_code}",
        "/api/v1/trusts/{ods_code}/trend",
        "/api/v1/quarters",
        "/api/v1/quarters/{quarter}/completion",
        "/api/v1/quarters/{quarter}/results",
        "/api/v1/quarters/{quarter}/early-warning",
    }
    assert document["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"


def test_the_reference_page_says_who_may_call_each_operation(client, db):
    content = client.get(reverse("api:reference")).content.decode()
    assert "GET /api/v1/quarters/{quarter}/results" in content
    everyone = "Programme staff (every trust) and digital leads (their own trusts)"
    assert content.count(everyone) == 6
    warning = content.split('id="op-early_warning"')[1]
    assert "Programme staff only" in warning.split("</section>")[0]


# What a digital lead's trend leaves out


def test_a_digital_leads_trend_counts_the_other_trusts_only_where_there_are_enough(
    lead_of_qn1, programme_staff, national
):
    (point,) = get(reader(lead_of_qn1), "/trusts/QN1/trend").json()["points"]
    assert point["quarter"] == national.slug
    assert point["overall"] is not None
    # Three other trusts published: too few for a median, and too few to count aloud.
    assert (point["peers_median"], point["peers"]) == (None, None)
    (seen,) = get(reader(programme_staff), "/trusts/QN1/trend").json()["points"]
    assert seen["peers"] == 3


def test_only_programme_staff_narrow_the_trusts_a_trend_is_compared_with(lead_of_qn1, national):
    refused = get(reader(lead_of_qn1), "/trusts/QN1/trend", {"icb": "QN2"})
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Only programme staff may narrow the trusts compared with."


def test_a_quarter_only_other_trusts_published_is_not_in_a_leads_trend(
    lead_of_qn1, programme_staff, national
):
    PrincipleResult.objects.filter(assessment__trust__ods_code="QN1").delete()
    OverallResult.objects.filter(assessment__trust__ods_code="QN1").delete()
    assert get(reader(lead_of_qn1), "/trusts/QN1/trend").json()["points"] == []
    (point,) = get(reader(programme_staff), "/trusts/QN1/trend").json()["points"]
    assert point["overall"] is None


# Files whose shape does not move


def test_the_results_file_has_every_principles_column_even_with_nothing_published(
    programme_staff, national
):
    response = get(
        reader(programme_staff),
        f"/quarters/{national.slug}/results",
        {"region": "Y61"},  # East of England: no trust here
        HTTP_ACCEPT="TEXT/CSV",
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [[column.name for column in comparison_columns(tuple(range(1, 9)))]]


# Filters as the national view sends them


def test_a_filter_left_blank_is_any_and_spaces_are_ignored(programme_staff, national):
    client = reader(programme_staff)
    path = f"/quarters/{national.slug}/results"
    blank = get(client, path, {"region": "", "icb": "", "type": "acute"}).json()["results"]
    assert [row["ods_code"] for row in blank] == ["QN1", "QN3", "QN4"]
    assert get(client, path, {"icb": "  "}).json()["count"] == 4


@pytest.mark.parametrize("name", ["region_code", "trust_type_code", "sort"])
def test_a_parameter_the_operation_does_not_have_is_422_not_ignored(
    programme_staff, national, name
):
    response = get(reader(programme_staff), "/trusts", {name: "Y56"})
    assert response.status_code == 422
    (problem,) = response.json()["detail"]
    assert problem["loc"] == ["query", name]


def test_past_the_last_page_there_is_no_page_before_with_nothing_in_it(programme_staff, national):
    body = get(reader(programme_staff), f"/quarters/{national.slug}/results", {"page": 9}).json()
    assert (body["results"], body["next"], body["previous"]) == ([], None, None)


def test_the_early_warning_csv_is_the_national_views_file(programme_staff, national):
    from reports.national.exports import WARNING_COLUMNS

    response = get(
        reader(programme_staff), f"/quarters/{national.slug}/early-warning", HTTP_ACCEPT="text/csv"
    )
    (header, *_rows) = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == [column.name for column in WARNING_COLUMNS]
