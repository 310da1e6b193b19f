"""Questionnaire page and save against a bare Django view through the same middleware.

DESIGN.md §8: the questionnaire page and its save should take a constant number of queries
and stay within a small multiple (goal: 5 times) of a bare view. All three are measured in
this run, as the median of many requests, by the same test client and signed-in session.

    .venv/bin/python bench/questionnaire.py     (DATABASE_URL=postgres://... for PostgreSQL)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import median_seconds, ms, setup_django, teardown_django

REPEAT = 300
BOARD_SIZE = 12


def bare(request):
    """The least a signed-in page can do: load the session and the user, and answer."""
    from django.http import HttpResponse

    return HttpResponse(f"ok {request.user.pk}")


def urlpatterns_with_bare_view():
    from django.urls import path

    from config.urls import urlpatterns

    return [*urlpatterns, path("bench/bare/", bare)]


urlpatterns: list = []


def build():
    """A trust with a 12-member board, 11 of whom have submitted, through the actions."""

    from assessments.actions import assessment_open
    from principles.actions import framework_load
    from principles.loader import read_framework, shipped_framework_files
    from tests.factories import MembershipFactory, TrustFactory
    from tests.helpers import answer_everything, quarter_of_year
    from trusts.models import Role, SeatGroup

    framework = framework_load(spec=read_framework(shipped_framework_files()[0])).framework
    trust = TrustFactory(ods_code="QBE", name="Benchmark NHS Trust")
    TrustFactory.create_batch(20)
    cycle = quarter_of_year(framework, 2026, 3)
    coordinator = MembershipFactory(trust=trust, role=Role.COORDINATOR, seat_group="").user
    assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator)
    members = [
        MembershipFactory(trust=trust, role=Role.BOARD_MEMBER, seat_group=SeatGroup.EXECUTIVE).user
        for _ in range(BOARD_SIZE)
    ]
    for member in members[1:]:
        answer_everything(assessment, member, score=3)
    return assessment, members[0]


def main() -> None:
    global urlpatterns
    setup_django()
    from django.conf import settings

    urlpatterns = urlpatterns_with_bare_view()
    settings.ROOT_URLCONF = __name__
    try:
        run()
    finally:
        teardown_django()


def run() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from assessments.forms import field_prefix
    from principles.models import Question

    assessment, member = build()
    client = Client()
    client.force_login(member)
    page_url = reverse(
        "questionnaire-page",
        kwargs={"ods_code": assessment.trust.ods_code, "cycle": assessment.cycle.slug, "number": 3},
    )
    questions = Question.objects.filter(framework=assessment.cycle.framework, principle__number=3)
    posts = [
        {f"{field_prefix(q)}-level": level for q in questions}
        | {f"{field_prefix(q)}-comment": f"Comment {level}" for q in questions}
        | {"action": "continue"}
        for level in ("2", "4")
    ]
    turn = iter(range(10**9))

    def save():
        response = client.post(page_url, posts[next(turn) % 2])
        assert response.status_code == 302, response.status_code

    def page():
        assert client.get(page_url).status_code == 200

    def bare_view():
        assert client.get("/bench/bare/").status_code == 200

    save()
    page()  # warm the per-process caches (framework content, data banner)
    with CaptureQueriesContext(connection) as page_queries:
        page()
    with CaptureQueriesContext(connection) as save_queries:
        save()
    # Count now: every later request clears Django's query log.
    page_query_count, save_query_count = len(page_queries), len(save_queries)

    bare_s = median_seconds(bare_view, repeat=REPEAT)
    page_s = median_seconds(page, repeat=REPEAT)
    save_s = median_seconds(save, repeat=REPEAT)
    bare_again_s = median_seconds(bare_view, repeat=REPEAT)
    floor = min(bare_s, bare_again_s)

    print(f"database: {connection.vendor}; board of {BOARD_SIZE}, 24 questions; median of {REPEAT}")
    print(f"bare view (same middleware, signed in): {ms(bare_s)} before, {ms(bare_again_s)} after")
    print(f"questionnaire page (principle 3 of 8):  {ms(page_s)}, {page_query_count} queries")
    print(f"save and continue (3 answers):          {ms(save_s)}, {save_query_count} queries")
    page_ratio, save_ratio = page_s / floor, save_s / floor
    print(f"ratios to the bare view: page {page_ratio:.2f}x, save {save_ratio:.2f}x (goal <= 5x)")
    print(
        f"bench questionnaire: page_ratio={page_ratio:.2f} save_ratio={save_ratio:.2f} "
        f"queries={page_query_count}"
    )


if __name__ == "__main__":
    main()
