"""Publishing a quarter's open data from the national view, and the public page and files
it is served from: once, after the quarter has closed, never changing after; withheld
groups blank, smaller groups' spreads blank, no ICB; nothing served while the service does
not publish open data."""

import csv
import datetime
import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.errors import AssessmentError
from assessments.models import AssessmentStatus, Release
from core.models import AuditEvent
from reports.models import OpenDataRelease
from reports.opendata.actions import open_data_publish, publish_problem
from tests.factories import SETUP, AssessmentFactory, OpenDataReleaseFactory, TrustFactory
from tests.helpers import on_day, summary_rows
from tests.pages import forbidden, not_found, page_headed, text, to_sign_in
from trusts.models import Region, TrustType

AFTER_CLOSE = datetime.date(2027, 1, 5)  # 2026/27 Q3 closed on 31 December 2026
BEFORE_CLOSE = datetime.date(2026, 12, 20)


def closed_trust(cycle, code, region, icb, score, *, respondents=4, board=5):
    """A trust whose board closed the quarter: every principle, and so the overall score,
    at ``score``; its latest release with ``respondents`` of ``board``."""
    trust = TrustFactory(
        ods_code=code, name=f"Trust {code}", region=region, icb_code=icb, trust_type=TrustType.ACUTE
    )
    assessment = AssessmentFactory(trust=trust, cycle=cycle, status=AssessmentStatus.CLOSED)
    summary_rows(assessment, dict.fromkeys(cycle.framework.principles.all(), score), respondents)
    Release.objects.create(
        assessment=assessment,
        number=1,
        published_at=timezone.now(),
        board_size=board,
        respondents=respondents,
        figures_shown=respondents >= 3,
        groups_shown=False,
    )
    return trust


@pytest.fixture
def country(cycle, settings):
    """Five London trusts with results (2.0 to 4.0 by halves; one board of eight of whom
    four answered) and one closed with two answers, too few for results; five North West
    trusts with results (1.0 to 3.0) and one still open. Every trust acute; each region
    one ICB. England's ten with results show a spread; each region's five, counts only.
    (The ``trust`` and ``other_trust`` the quarter was made with: not asked.)"""
    settings.MIN_RESPONSES = 3
    settings.OPEN_DATA = True
    for n, score in enumerate((2.0, 2.5, 3.0, 3.5, 4.0)):
        closed_trust(cycle, f"QL{n}", Region.LONDON, "QLA", score, board=8 if n == 0 else 5)
    closed_trust(cycle, "QL9", Region.LONDON, "QLA", 1.0, respondents=2)
    for n, score in enumerate((1.0, 1.5, 2.0, 2.5, 3.0)):
        closed_trust(cycle, f"QN{n}", Region.NORTH_WEST, "QNA", score)
    still_open = TrustFactory(ods_code="QN9", region=Region.NORTH_WEST, icb_code="QNA")
    AssessmentFactory(trust=still_open, cycle=cycle, status=AssessmentStatus.OPEN)
    return cycle


def publish_url(cycle):
    return reverse("opendata:publish", args=[cycle.slug])


def file_url(cycle, extension):
    return reverse("opendata:quarter", args=[cycle.slug, extension])


def published(cycle):
    with on_day(AFTER_CLOSE):
        return open_data_publish(cycle=cycle, by=SETUP)


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def row_of(rows, group_type, group_name):
    return next(r for r in rows if (r["group_type"], r["group_name"]) == (group_type, group_name))


# Publishing, from the national view


def test_the_preview_shows_what_would_be_published_and_what_is_withheld(
    signed_in, programme_staff, country
):
    with on_day(AFTER_CLOSE):
        response = signed_in(programme_staff).get(publish_url(country))
    page_headed(response, "Open data")
    content = text(response)
    assert "What would be published now" in content
    # England's ten scores: 1, 1.5, 2, 2, 2.5, 2.5, 3, 3, 3.5, 4; its median response rate.
    assert "2.5 (2.0 to 3.0)" in content
    assert "0.80" in content
    # London's five and the North West's five: their counts, no spread.
    assert content.count("Counts only: fewer than 10 trusts with results for its figures") == 2
    assert "3.0 (2.5 to 3.5)" not in content
    assert "Withheld: fewer than 5 trusts with results" in content  # the empty regions
    assert "ICB" not in content
    assert "Publish the open data for 2026/27 Q3" in content
    assert 'aria-current="page">Open data</a>' in content  # its tab in the national view


def test_publishing_fixes_the_files_and_a_trust_closing_later_changes_nothing(
    signed_in, programme_staff, country, client
):
    with on_day(AFTER_CLOSE):
        staff = signed_in(programme_staff)
        response = staff.post(publish_url(country))
        assert response.status_code == 302
        shown = staff.get(response["Location"])
    assert "The open data for 2026/27 Q3 is published." in text(shown)
    assert "What was published" in text(shown)
    assert "Publish the open data" not in text(shown)
    before = client.get(file_url(country, "csv")).content
    closed_trust(country, "QL7", Region.LONDON, "QLA", 5.0)
    assert client.get(file_url(country, "csv")).content == before


def test_publishing_records_who_published_in_the_audit_trail(signed_in, programme_staff, country):
    with on_day(AFTER_CLOSE):
        signed_in(programme_staff).post(publish_url(country))
    event = AuditEvent.objects.get(action="open_data.published")
    assert event.actor == programme_staff
    assert event.detail == {"cycle": "2026/27 Q3", "groups": 14, "withheld": 10}


def test_publishing_before_the_quarter_has_closed_is_refused_with_an_error_summary(
    signed_in, programme_staff, country
):
    with on_day(BEFORE_CLOSE):
        staff = signed_in(programme_staff)
        offered = text(staff.get(publish_url(country)))
        response = staff.post(publish_url(country))
    said = "You can publish the open data for 2026/27 Q3 from 1 January 2027"
    assert said in offered
    assert "Publish the open data for 2026/27 Q3" not in offered  # no button that would fail
    assert response.status_code == 409
    assert "There is a problem" in text(response)
    assert f'<a href="#publish">{said}' in text(response)
    assert not OpenDataRelease.objects.exists()


def test_publishing_a_second_time_is_refused(signed_in, programme_staff, country):
    first = published(country)
    with on_day(AFTER_CLOSE + datetime.timedelta(days=30)):
        response = signed_in(programme_staff).post(publish_url(country))
    assert response.status_code == 409
    assert "The open data for 2026/27 Q3 was published on 5 January 2027" in text(response)
    assert list(OpenDataRelease.objects.all()) == [first]


def test_of_two_publishing_at_the_same_moment_the_second_is_told_it_is_published(
    country, monkeypatch
):
    from reports.opendata import actions

    first = published(country)
    checked = []

    def not_yet_seen(cycle, release):
        # The second finds no release when it looks, as if the first had not committed.
        checked.append(release)
        return "" if len(checked) == 1 else publish_problem(cycle, release)

    monkeypatch.setattr(actions, "publish_problem", not_yet_seen)
    with on_day(AFTER_CLOSE), pytest.raises(AssessmentError, match="was published on 5 January"):
        open_data_publish(cycle=country, by=SETUP)
    assert list(OpenDataRelease.objects.all()) == [first]


@pytest.mark.parametrize("role", ["board_member", "coordinator"])
def test_only_programme_staff_publish(signed_in, request, role, country):
    user = request.getfixturevalue(role)
    with on_day(AFTER_CLOSE):
        client = signed_in(user)
        forbidden(client.get(publish_url(country)))
        forbidden(client.post(publish_url(country)))
    assert not OpenDataRelease.objects.exists()


def test_publishing_asks_a_stranger_to_sign_in(client, country):
    url = publish_url(country)
    to_sign_in(client.post(url), url)
    assert not OpenDataRelease.objects.exists()


def test_the_preview_reads_the_same_number_of_queries_however_many_trusts(
    signed_in, programme_staff, country, django_assert_num_queries
):
    with on_day(AFTER_CLOSE):
        client = signed_in(programme_staff)
        client.get(publish_url(country))  # the framework's content, cached for the process
        # session, user, the quarters, its release (none), trusts, their closed assessments
        # and principle rows
        with django_assert_num_queries(7):
            client.get(publish_url(country))
        for n in range(4):
            closed_trust(country, f"QS{n}", Region.SOUTH_WEST, "QSA", 3.0)
        with django_assert_num_queries(7):
            client.get(publish_url(country))


# The public page and files


def test_the_open_data_page_lists_quarters_licence_columns_and_what_is_left_out(client, country):
    published(country)
    response = client.get(reverse("opendata:index"))
    page_headed(response, "Open data")
    content = text(response)
    assert "2026/27 Q3" in content
    assert "5 January 2027" in content
    assert f'href="{file_url(country, "csv")}"' in content
    assert f'href="{file_url(country, "json")}"' in content
    assert "Open Government Licence v3.0</a>" in content
    assert "<code>principle_N_median</code>" in content
    assert "<code>trusts_with_results</code>" in content
    assert "fewer than 5 trusts with results shows no counts and no figures" in content
    assert "fewer than 10 trusts behind it (twice as many) is left blank" in content
    assert "integrated care board" in content  # among what is left out
    assert "eight digital" not in content  # however many principles the framework has
    assert "Any trust&#x27;s name or its own scores" in content


def test_the_open_data_page_says_when_nothing_is_published_yet(client, country):
    response = client.get(reverse("opendata:index"))
    assert "No quarter has been published yet." in text(response)


def test_the_csv_is_one_header_row_then_a_row_a_group_with_withheld_cells_blank(client, country):
    published(country)
    response = client.get(file_url(country, "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="quarterdeck-open-data-2026-27-q3.csv"'
    )
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith(
        "quarter,group_type,group_code,group_name,suppressed,trusts_asked,trusts_with_results,"
        "response_rate_median,principle_1_lower_quartile,principle_1_median,"
    )
    assert header.endswith("overall_upper_quartile,published_on,licence")
    rows = csv_rows(response)
    assert len(rows) == 14  # England, 7 regions, 6 types: no ICB
    assert {row["group_type"] for row in rows} == {"england", "region", "trust_type"}
    england = row_of(rows, "england", "England")
    assert (england["trusts_asked"], england["trusts_with_results"]) == ("12", "10")
    assert (england["overall_lower_quartile"], england["overall_median"]) == ("2.0", "2.5")
    assert england["overall_upper_quartile"] == "3.0"
    assert england["principle_8_median"] == "2.5"
    assert england["response_rate_median"] == "0.80"
    assert (england["suppressed"], england["published_on"]) == ("no", "2027-01-05")
    assert england["licence"] == "Open Government Licence v3.0"
    london = row_of(rows, "region", "London")
    assert (london["group_code"], london["suppressed"], london["trusts_asked"]) == (
        "Y56",
        "no",
        "6",
    )
    assert london["trusts_with_results"] == "5"
    assert all(london[name] == "" for name in london if name.endswith(("_median", "_quartile")))
    midlands = row_of(rows, "region", "Midlands")
    assert midlands["suppressed"] == "yes"
    assert all(midlands[name] == "" for name in list(midlands)[5:-2])


def test_the_json_carries_licence_date_suppression_rule_columns_and_rows(client, country):
    published(country)
    response = client.get(file_url(country, "json"))
    assert response["Content-Type"] == "application/json"
    document = json.loads(response.content)
    assert document["quarter"] == "2026/27 Q3"
    assert document["published_on"] == "2027-01-05"
    assert document["licence"] == {
        "name": "Open Government Licence v3.0",
        "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    }
    assert "fewer than 5 trusts with results" in document["suppression"]
    assert document["leaves_out"][0].startswith("Any trust's name")
    meanings = {column["name"]: column["meaning"] for column in document["columns"]}
    principle = country.framework.principles.get(number=1)
    assert principle.title in meanings["principle_1_median"]
    assert "at least 3 members" in meanings["trusts_with_results"]
    assert "1 decimal place" in meanings["principle_1_median"]
    assert "icb" not in meanings["group_type"]
    england, midlands = document["rows"][0], document["rows"][4]
    assert (england["group_name"], england["suppressed"], england["trusts_with_results"]) == (
        "England",
        False,
        10,
    )
    assert (england["overall_median"], england["response_rate_median"]) == (2.5, 0.8)
    assert (midlands["group_name"], midlands["suppressed"], midlands["overall_median"]) == (
        "Midlands",
        True,
        None,
    )


def test_the_files_name_no_trust_and_no_icb(client, country):
    published(country)
    for extension in ("csv", "json"):
        content = client.get(file_url(country, extension)).content.decode("utf-8-sig")
        assert "Trust QL" not in content
        assert "QL0" not in content
        assert "QLA" not in content  # London's trusts' ICB
        assert "QNA" not in content
    rows = json.loads(client.get(file_url(country, "json")).content)["rows"]
    assert "icb" not in {row["group_type"] for row in rows}


def test_a_client_that_has_the_file_is_told_it_has_not_changed(client, country):
    published(country)
    first = client.get(file_url(country, "json"))
    assert first["Last-Modified"] == "Tue, 05 Jan 2027 12:00:00 GMT"
    assert first["Link"] == (
        "<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>; "
        'rel="license"'
    )
    assert first["Access-Control-Allow-Origin"] == "*"
    again = client.get(file_url(country, "json"), headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(
        file_url(country, "csv"), headers={"If-Modified-Since": first["Last-Modified"]}
    )
    assert since.status_code == 304
    assert client.get(file_url(country, "csv"))["ETag"] != first["ETag"]
    head = client.head(file_url(country, "json"))
    assert (head.status_code, head.content, head["ETag"]) == (200, b"", first["ETag"])


def test_a_file_is_read_in_one_query(client, country, django_assert_num_queries):
    published(country)
    with django_assert_num_queries(1):
        response = client.get(file_url(country, "csv"))
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/2026-27-q3.xlsx",  # not a format we publish
        "/open-data/2026-27-q2.csv",  # no such quarter
        "/open-data/2026-28-q3.csv",  # not a quarter at all
    ],
)
def test_a_file_that_was_never_published_is_not_found(client, country, path):
    published(country)
    not_found(client.get(path))


def test_a_quarter_not_yet_published_is_not_found(client, country):
    not_found(client.get(file_url(country, "csv")))


def test_nothing_is_served_while_the_service_does_not_publish_open_data(
    client, country, settings, signed_in, programme_staff
):
    published(country)
    settings.OPEN_DATA = False
    for url in (reverse("opendata:index"), file_url(country, "csv"), file_url(country, "json")):
        not_found(client.get(url))
        # Whatever the method: not "Method not allowed", which would say the address exists.
        not_found(client.post(url))
        not_found(client.put(url))
    # Programme staff still see what was published, and are told it is not served.
    with on_day(AFTER_CLOSE):
        shown = text(signed_in(programme_staff).get(publish_url(country)))
    assert "does not publish open data yet" in shown


def test_the_about_page_leads_to_the_open_data_only_while_it_is_published(client, db, settings):
    settings.OPEN_DATA = True
    link = f'<a href="{reverse("opendata:index")}">open data</a>'
    assert link in text(client.get(reverse("core:about")))
    settings.OPEN_DATA = False
    assert link not in text(client.get(reverse("core:about")))


def test_a_release_made_by_its_factory_is_served_as_it_was_stored(client, cycle, settings):
    settings.OPEN_DATA = True
    release = OpenDataReleaseFactory(cycle=cycle)
    rows = csv_rows(client.get(file_url(cycle, "csv")))
    assert [row["group_name"] for row in rows] == [row["group_name"] for row in release.rows]
