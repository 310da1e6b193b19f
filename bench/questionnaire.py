"""The questionnaire page and every kind of save, against a bare view, boards of 5 and 50.

The budget (docs/architecture.md, "Performance budgets"): each at most 5 times a bare
Django view through the same middleware, in at most 10 queries, the same for a board of 5
as of 50. Subject and floor are interleaved round by round (bench/harness.py) by the same
test client and signed-in session.

    .venv/bin/python bench/questionnaire.py     (DATABASE_URL=postgres://... for PostgreSQL)
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BARE_URL, app_with_bare_view
from bench.harness import Budget, emit, interleave, result, smallest

ROUNDS = 120
BOARDS = smallest((5, 50), (5,))
PAGE = 3  # the principle whose page is read and saved
LIMIT = Budget(ratio=5, queries=10)


urlpatterns: list = []  # set by app_with_bare_view


def build(board_size: int, year: int):
    """A trust with a board of ``board_size``, all but four of whom have submitted; the
    four are the subjects: one part way through, one submitted, one not yet started, and
    one who will clear an answer. Made through the actions."""
    from assessments.quarter.actions import assessment_open
    from principles.models import Framework
    from tests.factories import MembershipFactory, TrustFactory
    from tests.helpers import answer_everything, new_board_member, quarter_of_year
    from trusts.models import Role

    trust = TrustFactory(name=f"Benchmark Trust for a board of {board_size}")
    cycle = quarter_of_year(Framework.objects.get(), year, 3)
    coordinator = MembershipFactory(trust=trust, role=Role.COORDINATOR, seat_group="").user
    assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator, notify=False)
    members = [new_board_member(trust) for _ in range(board_size)]
    for member in members[4:]:
        answer_everything(assessment, member, score=3)
    answering, submitted, starting, clearing = members[:4]
    answer_everything(assessment, answering, score=3, submit=False)
    answer_everything(assessment, submitted, score=3)
    answer_everything(assessment, clearing, score=3, submit=False)
    return assessment, {
        "later save": answering,
        "submitted member's edit": submitted,
        "first save": starting,
        "clearing an answer": clearing,
    }


def measure(board_size: int, year: int) -> list:
    from django.test import Client
    from django.urls import reverse

    from assessments.models import Response
    from assessments.questionnaire.forms import field_prefix
    from principles.models import Question

    assessment, members = build(board_size, year)
    page_url = reverse(
        "questionnaire:questionnaire-page",
        kwargs={
            "ods_code": assessment.trust.ods_code,
            "cycle": assessment.cycle.slug,
            "number": PAGE,
        },
    )
    questions = list(
        Question.objects.filter(framework=assessment.cycle.framework, principle__number=PAGE)
    )

    def post(levels):
        return (
            {f"{field_prefix(q)}-level": level for q, level in zip(questions, levels, strict=True)}
            | {
                f"{field_prefix(q)}-comment": f"Comment {level}"
                for q, level in zip(questions, levels, strict=True)
            }
            | {"action": "continue"}
        )

    clients = {}
    for kind, member in members.items():
        clients[kind] = Client()
        clients[kind].force_login(member)
    floor_client = clients["later save"]
    size = f"board of {board_size}"

    def bare_view():
        assert floor_client.get(BARE_URL).status_code == 200

    def saving(kind, levels_by_turn):
        turn = iter(range(10**9))
        client = clients[kind]

        def save():
            response = client.post(page_url, post(levels_by_turn[next(turn) % 2]))
            assert response.status_code == 302, response.status_code

        return save

    def page():
        assert floor_client.get(page_url).status_code == 200

    alternating = [("2", "4", "dont-know"), ("4", "2", "3")]
    starting = members["first save"]
    clearing = clients["clearing an answer"]

    def no_response_yet():
        Response.objects.filter(assessment=assessment, respondent=starting).delete()

    def answer_to_clear():
        clearing.post(page_url, post(("3", "3", "3")))

    results = [
        result(
            interleave(page, bare_view, rounds=ROUNDS),
            budget="questionnaire page",
            size=size,
            limit=LIMIT,
            floor="bare view",
        )
    ]
    plans = [
        ("later save", saving("later save", alternating), None),
        ("submitted member's edit", saving("submitted member's edit", alternating), None),
        ("first save", saving("first save", alternating), no_response_yet),
        ("clearing an answer", saving("clearing an answer", [("", "4", "3")] * 2), answer_to_clear),
    ]
    for kind, save, prepare in plans:
        results.append(
            result(
                interleave(save, bare_view, rounds=ROUNDS, prepare=prepare),
                budget=f"save: {kind}",
                size=size,
                limit=LIMIT,
                floor="bare view",
            )
        )
    return results


def main() -> None:
    with app_with_bare_view(sys.modules[__name__]):
        results = []
        for offset, board_size in enumerate(BOARDS):
            results += measure(board_size, 2026 + offset)
        emit(results)


if __name__ == "__main__":
    main()
