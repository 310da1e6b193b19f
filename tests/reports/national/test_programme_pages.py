"""Programme pages that lead somewhere: a trust's own page, finding a trust by name,
filters offered from the data (and cleared), spreads only for large enough groups, and a
bulk ZIP page in plain words."""

import re

import pytest
from django.urls import reverse

from assessments.models import AssessmentStatus
from reports.models import BulkExport
from tests.factories import AssessmentFactory, CycleFactory, TrustFactory
from tests.helpers import answer_everything, new_board_member, summary_rows
from tests.pages import forbidden, not_found
from tests.reports.national.test_national import compare
from trusts.models import Region, Trust, TrustType


def trust_page(client, code):
    return client.get(reverse("national:programme-trust", args=[code]))


def test_trust_page_lists_quarters_completion_scores_and_papers(
    signed_in, programme_staff, national, framework
):
    trust = national.assessments.get(trust__ods_code="QN3").trust
    # An earlier quarter still open: answered by one, no score, no paper yet.
    earlier = AssessmentFactory(
        trust=trust,
        cycle=CycleFactory(year=2026, quarter=2, framework=framework),
        status=AssessmentStatus.OPEN,
    )
    answer_everything(earlier, new_board_member(trust))
    content = trust_page(signed_in(programme_staff), "qn3").content.decode()
    rows = re.findall(r'<tr class="nhsuk-table__row" role="row">(.*?)</tr>', content, re.S)
    cells = [re.sub(r"<[^>]+>|\s+", " ", row).split() for row in rows[1:]]  # after the heading row
    assert "2026/27 Q3" in " ".join(cells[0])
    assert "3.9" in cells[0]  # the published overall score
    assert "2026/27 Q2" in " ".join(cells[1])
    assert "–" in cells[1]  # not closed: nothing published
    assert "1" in cells[1]  # one submitted
    assert f'href="{reverse("paper:paper", args=["QN3", "2026-27-q3"])}"' in content
    assert f'href="{reverse("paper:paper", args=["QN3", "2026-27-q2"])}"' not in content


def test_trust_page_hides_scores_below_the_minimum(signed_in, programme_staff, national):
    content = trust_page(signed_in(programme_staff), "QN5").content.decode()
    assert "1.0" not in content  # QN5 had two responses: its score is never shown


def test_programme_staff_open_a_closed_trusts_paper(signed_in, programme_staff, national):
    paper = reverse("paper:paper", args=["QN3", national.slug])
    response = signed_in(programme_staff).get(paper)
    assert response.status_code == 200
    assert Trust.objects.get(ods_code="QN3").name in response.content.decode()


@pytest.mark.parametrize("role", ["board_member", "coordinator"])
def test_trust_page_is_for_programme_staff_only(signed_in, request, role, trust):
    user = request.getfixturevalue(role)
    forbidden(trust_page(signed_in(user), trust.ods_code))


def test_trust_page_of_no_such_trust_is_404(signed_in, programme_staff, db):
    not_found(trust_page(signed_in(programme_staff), "NOPE"))


def test_trust_list_leads_to_the_trust_page(signed_in, programme_staff, national):
    content = signed_in(programme_staff).get(reverse("trusts:trust-list")).content.decode()
    assert f'href="{reverse("national:programme-trust", args=["QN1"])}"' in content


# Finding a trust


def test_trend_finds_a_trust_by_part_of_its_name(signed_in, programme_staff, national):
    TrustFactory(ods_code="ZWV", name="Wessex Vale Hospitals NHS Foundation Trust")
    response = compare(signed_in(programme_staff), national, trust="wessex vale")
    assert response.context["chosen"].ods_code == "ZWV"
    assert 'value="Wessex Vale Hospitals NHS Foundation Trust"' in response.content.decode()


def test_trend_offers_a_choice_when_several_trusts_match(signed_in, programme_staff, national):
    response = compare(signed_in(programme_staff), national, trust="trust qn")
    content = response.content.decode()
    assert response.context["chosen"] is None
    assert "5 trusts match" in content
    assert "?trust=QN1#trend" in content


def test_trend_by_ods_code_in_any_case_and_nothing_found(signed_in, programme_staff, national):
    client = signed_in(programme_staff)
    assert compare(client, national, trust="qn2").context["chosen"].ods_code == "QN2"
    content = compare(client, national, trust="Nowhere General").content.decode()
    assert "No trust's name or ODS code matches" in content


def test_trend_suggests_every_trust_name_as_you_type(signed_in, programme_staff, national):
    content = compare(signed_in(programme_staff), national).content.decode()
    assert content.count('<option value="Trust QN') == 5
    assert 'list="trust-names"' in content


# Filters


def test_filters_offer_only_what_the_trusts_have(signed_in, programme_staff, national):
    Trust.objects.update(icb_code="")
    content = compare(signed_in(programme_staff), national).content.decode()
    assert f'value="{Region.LONDON}"' in content
    assert f'value="{Region.SOUTH_WEST}"' not in content
    assert f'value="{TrustType.COMMUNITY}"' not in content
    assert 'id="filter-icb"' not in content  # no trust has an ICB code here
    TrustFactory(ods_code="QI1", icb_code="QKK")
    content = compare(signed_in(programme_staff), national).content.decode()
    assert '<option value="QKK"' in content


def test_filters_can_be_cleared(signed_in, programme_staff, national):
    client = signed_in(programme_staff)
    path = reverse("national:programme-comparison", args=[national.slug])
    assert "Clear filters" not in compare(client, national).content.decode()
    filtered = compare(client, national, region=Region.LONDON).content.decode()
    assert f'<a class="nhsuk-link" href="{path}">Clear filters</a>' in filtered


# The bulk ZIP page


def test_bulk_page_in_plain_words_refreshing_then_offering_the_download(
    signed_in, programme_staff, closed_pair
):
    client = signed_in(programme_staff)
    cycle = closed_pair[0].cycle
    url = reverse("national:bulk-papers", args=[cycle.slug])
    assert "Make the ZIP of all board papers" in client.get(url).content.decode()
    export = BulkExport.objects.create(
        cycle=cycle, total=2, status=BulkExport.Status.RUNNING, requested_by=programme_staff
    )
    waiting = client.get(url).content.decode()
    assert "Making the papers: 0 of 2 done" in waiting
    assert "Waiting for a worker" not in waiting
    assert 'data-qd-refresh="5"' in waiting
    assert "Make a new ZIP" not in waiting  # nothing to press twice while it runs
    BulkExport.objects.filter(pk=export.pk).update(status=BulkExport.Status.DONE)
    done = client.get(url).content.decode()
    assert "Your ZIP is ready" in done
    assert "data-qd-refresh" not in done
    download = reverse("national:bulk-papers-download", args=[export.pk])
    assert re.search(rf'<a class="nhsuk-button[^"]*"[^>]*href="{download}">Download the ZIP', done)
    assert (
        'nhsuk-button--secondary" data-module="nhsuk-button" type="submit">Make a new ZIP' in done
    )


def test_spread_is_hidden_for_small_groups_but_counts_them(signed_in, programme_staff, national):
    # Five more acute trusts make "Type: Acute" large enough; the regions stay small.
    for n in range(5):
        trust = TrustFactory(
            ods_code=f"QX{n}", region=Region.NORTH_WEST, trust_type=TrustType.ACUTE
        )
        assessment = AssessmentFactory(trust=trust, cycle=national, status=AssessmentStatus.CLOSED)
        summary_rows(assessment, dict.fromkeys(national.framework.principles.all(), 3.0), 5)
    rows = compare(signed_in(programme_staff), national).context["distribution"]
    by_label = {row.label: row for row in rows}
    assert by_label["All trusts"].shown
    assert by_label["Type: Acute"].shown
    assert not by_label["Region: London"].shown
    assert by_label["Region: London"].values == ("2",)


def test_programme_staff_never_see_a_draft_paper_or_the_data(
    signed_in, programme_staff, assessment, national
):
    client = signed_in(programme_staff)
    draft = reverse("paper:paper", args=[assessment.trust.ods_code, assessment.cycle.slug])
    forbidden(client.get(draft))  # still open: its paper is the board's draft
    export = reverse("paper:paper-export", args=["QN3", national.slug, "principles", "csv"])
    forbidden(client.get(export))
