"""The roadmap to the targets: its starting point, saving it, the actions placed in its
quarters, where it is shown (the quarter's page, the paper, present mode) and the review
that starts the next quarter."""

import datetime
import io
import re
import subprocess
from decimal import Decimal
from fractions import Fraction

import docx
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import ActionStatus, BoardAction, RoadmapStep
from assessments.quarter.actions import assessment_close, assessment_open, targets_set
from assessments.quarter.decisions import roadmap_save
from assessments.quarter.roadmap import even_steps, quarters_after, roadmap_of
from core.models import AuditEvent
from reports.models import PaperVersion
from reports.paper.actions import paper_file
from reports.paper.documents import paper_pdf
from reports.paper.presenters import board_paper
from reports.paper.selectors import paper_inputs_key
from reports.paper.word import paper_docx
from tests.factories import MembershipFactory
from tests.helpers import quarter_of_year, submitted_board
from tests.pages import forbidden, not_found
from trusts.models import Role

D = Decimal


def url(assessment, name="quarter:assessment-roadmap"):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


def principles_of(assessment):
    return {p.number: p for p in assessment.cycle.framework.principles.all()}


def closed_with_targets(assessment, coordinator):
    principles = principles_of(assessment)
    targets_set(
        assessment=assessment,
        levels={principles[1]: D("4.0"), principles[2]: D("4.0")},
        by=coordinator,
    )
    submitted_board(assessment, 3)
    return assessment_close(assessment=assessment, by=coordinator)


@pytest.fixture
def closed(assessment, coordinator):
    """The quarter (2026/27 Q3) closed with every principle scored 3.0 and targets of 4.0
    for principles 1 and 2."""
    return closed_with_targets(assessment, coordinator)


@pytest.fixture
def closed_with_action(assessment, coordinator):
    """As ``closed``, with an open action for principle 1 due on 10 May 2027 (in 2027/28
    Q1) in the action log the quarter keeps at close."""
    action(assessment.trust, datetime.date(2027, 5, 10))
    return closed_with_targets(assessment, coordinator)


def plan_principle_one(assessment, coordinator):
    roadmap_save(
        assessment=assessment,
        roadmap={
            principles_of(assessment)[1]: {1: D("3.5"), 2: D("3.5"), 3: D("4.0"), 4: D("4.0")}
        },
        by=coordinator,
    )


def roadmap_post(**levels):
    """The form as posted: ``p1=("3.5", "3.5", "4.0", "4.0")``; other principles blank."""
    data = {}
    for number in range(1, 9):
        for step, level in enumerate(levels.get(f"p{number}", ("",) * 4), start=1):
            data[f"roadmap-{number}-{step}"] = level
    return data


def test_the_four_quarters_follow_the_assessments_own_across_the_year_end(cycle):
    assert [q.label for q in quarters_after(cycle)] == [
        "2026/27 Q4",
        "2027/28 Q1",
        "2027/28 Q2",
        "2027/28 Q3",
    ]


def test_even_steps_round_to_halves_and_never_pass_the_target_nor_fall_below_the_score():
    assert even_steps(Fraction(3), D("4.0")) == {1: D("3.5"), 2: D("3.5"), 3: D("4.0"), 4: D("4.0")}
    # 3.6 is nearer 3.5, but the plan never starts below today's score
    assert even_steps(Fraction(18, 5), D("4.0")) == dict.fromkeys((1, 2, 3, 4), D("4.0"))
    assert even_steps(Fraction(16, 5), D("5.0")) == {
        1: D("3.5"),
        2: D("4.0"),
        3: D("4.5"),
        4: D("5.0"),
    }
    assert even_steps(Fraction(9, 2), D("4.0")) == dict.fromkeys((1, 2, 3, 4), D("4.0"))
    assert even_steps(None, D("4.0")) == {}


def test_the_form_starts_from_even_steps_for_principles_with_a_target(
    signed_in, coordinator, closed
):
    page = signed_in(coordinator).get(url(closed)).content.decode()
    assert "starts from even steps" in page
    assert '<option value="3.5" selected>3.5</option>' in page
    form = signed_in(coordinator).get(url(closed)).context["form"]
    assert [form[f"roadmap-1-{step}"].initial for step in (1, 2, 3, 4)] == [
        "3.5",
        "3.5",
        "4.0",
        "4.0",
    ]
    assert form["roadmap-3-1"].initial == ""  # no target: not planned


def test_the_form_starts_from_last_quarters_roadmap_moved_on_a_quarter(
    signed_in, coordinator, closed, framework
):
    principles = principles_of(closed)
    roadmap_save(
        assessment=closed,
        roadmap={principles[1]: {1: D("3.0"), 2: D("3.5"), 3: D("4.0"), 4: D("4.5")}},
        by=coordinator,
    )
    later = assessment_open(
        trust=closed.trust, cycle=quarter_of_year(framework, 2026, 4), by=coordinator
    )
    targets_set(assessment=later, levels={principles_of(later)[1]: D("4.5")}, by=coordinator)
    submitted_board(later, 3)
    later = assessment_close(assessment=later, by=coordinator)
    response = signed_in(coordinator).get(url(later))
    form = response.context["form"]
    assert [form[f"roadmap-1-{step}"].initial for step in (1, 2, 3, 4)] == [
        "3.5",
        "4.0",
        "4.5",
        "4.5",
    ]
    assert "This page starts from the roadmap for 2026/27 Q3" in response.content.decode()


def test_saving_the_roadmap_replaces_it_and_is_audited(signed_in, coordinator, closed):
    response = signed_in(coordinator).post(
        url(closed), roadmap_post(p1=("3.5", "3.5", "4.0", "4.0"), p2=("3.0", "3.0", "3.5", "3.5"))
    )
    assert response.url.endswith("#roadmap")
    assert list(
        RoadmapStep.objects.filter(assessment=closed, principle__number=2).values_list(
            "step", "level"
        )
    ) == [(1, D("3.0")), (2, D("3.0")), (3, D("3.5")), (4, D("3.5"))]
    event = AuditEvent.objects.get(action="roadmap.saved")
    assert event.detail["principles"] == [1, 2]
    page = signed_in(coordinator).get(url(closed, "quarter:assessment-detail")).content.decode()
    assert "Roadmap to the targets" in page
    assert "Change the roadmap" in page
    assert "The roadmap ends at 3.5, below the target of 4.0." in page


@pytest.mark.parametrize(
    ("levels", "error"),
    [
        (("3.5", "", "4.0", "4.0"), "Choose a level for each quarter for principle 1"),
        (("4.0", "3.5", "4.0", "4.0"), "cannot go down from one quarter to the next"),
        (("3.5", "3.5", "4.0", "9"), "Choose a level from 1 to 5, in halves"),
    ],
)
def test_a_roadmap_with_errors_changes_nothing_and_says_why(
    signed_in, coordinator, closed, levels, error
):
    roadmap_save(
        assessment=closed,
        roadmap={principles_of(closed)[1]: dict.fromkeys((1, 2, 3, 4), D("4.0"))},
        by=coordinator,
    )
    response = signed_in(coordinator).post(url(closed), roadmap_post(p1=levels))
    page = response.content.decode()
    assert "There is a problem" in page
    assert error in page
    assert set(RoadmapStep.objects.values_list("level", flat=True)) == {D("4.0")}


def test_the_roadmap_waits_for_the_questionnaire_to_close(signed_in, coordinator, assessment):
    response = signed_in(coordinator).get(url(assessment), follow=True)
    assert "The roadmap is made once the questionnaire has closed." in response.content.decode()
    assert not RoadmapStep.objects.exists()


def test_a_board_member_cannot_build_the_roadmap(signed_in, closed):
    member = MembershipFactory(trust=closed.trust, role=Role.BOARD_MEMBER).user
    forbidden(signed_in(member).post(url(closed), roadmap_post(p1=("4.0",) * 4)))
    assert not RoadmapStep.objects.exists()


def test_another_trusts_roadmap_is_not_found(signed_in, closed, other_trust):
    outsider = MembershipFactory(trust=other_trust, role=Role.COORDINATOR).user
    not_found(signed_in(outsider).get(url(closed)))
    not_found(signed_in(outsider).get(url(closed, "quarter:assessment-roadmap-review")))


def action(trust, due, status=ActionStatus.NOT_STARTED, number=1, title="Publish the plan"):
    return BoardAction.objects.create(
        trust=trust,
        principle_number=number,
        title=title,
        owner="Chief Digital Officer",
        due_date=due,
        status=status,
    )


def test_open_actions_are_placed_in_the_quarter_they_are_due(cycle):
    due = {
        "A": (datetime.date(2027, 2, 1), "not_started", 1),
        "B": (datetime.date(2027, 4, 1), "in_progress", 1),
        "C": (datetime.date(2026, 11, 1), "not_started", 1),  # before the first quarter
        "D": (datetime.date(2028, 1, 1), "not_started", 1),  # after the fourth
        "E": (datetime.date(2027, 2, 1), "not_started", 2),  # another principle's
        "F": (datetime.date(2028, 2, 1), "done", 1),  # done after the fourth: not counted
    }
    actions = [
        {"title": t, "owner": "O", "due_date": d, "status": st, "principle_number": n}
        for t, (d, st, n) in due.items()
    ]
    roadmap = roadmap_of(
        cycle=cycle,
        principles=[(1, "One"), (2, "Two")],
        steps={1: dict.fromkeys((1, 2, 3, 4), D("4.0"))},
        scores={1: "3.0"},
        targets={1: D("4.0")},
        actions=actions,
    )
    (row,) = roadmap.rows
    assert [[a.title for a in step.actions] for step in row.steps] == [["A"], ["B"], [], []]
    assert (
        row.other_actions_words
        == "2 other open actions are due before or after these four quarters."
    )
    assert row.today == "3.0"
    assert not row.short_of_target


def test_the_paper_shows_the_roadmap_and_a_change_makes_a_new_version(
    signed_in, coordinator, closed_with_action
):
    closed = closed_with_action
    paper_file(assessment=closed, by=coordinator)
    assert PaperVersion.objects.filter(assessment=closed).count() == 1
    plan_principle_one(closed, coordinator)
    paper_file(assessment=closed, by=coordinator)
    latest = PaperVersion.objects.filter(assessment=closed).order_by("-number").first()
    assert latest.number == 2
    assert "the roadmap to the targets" in latest.changes
    page = signed_in(coordinator).get(url(closed, "paper:paper")).content.decode()
    assert "Roadmap to the targets" in page
    closing_day = timezone.localdate(closed.closed_at)
    assert f"Actions as the log stood on {closing_day.day} {closing_day:%B %Y}." in page
    assert "Publish the plan (Chief Digital Officer, due 10 May 2027)" in page
    word = docx.Document(io.BytesIO(paper_docx(board_paper(closed))))
    words = "\n".join(p.text for p in word.paragraphs)
    assert "Roadmap to the targets" in words
    assert "Publish the plan (Chief Digital Officer, due 10 May 2027)" in words
    (table,) = [t for t in word.tables if t.rows[0].cells[-1].text == "2027/28 Q3"]
    assert [cell.text for cell in table.rows[1].cells[1:]] == [
        "3.0",
        "4.0",
        "3.5",
        "3.5",
        "4.0",
        "4.0",
    ]


def test_a_closed_papers_roadmap_keeps_the_actions_as_they_stood_at_close(
    signed_in, coordinator, closed_with_action
):
    """An action changed or added after close leaves the closed paper as it was: no new
    stamp, fingerprint or version, and its roadmap still shows what was open at close."""
    closed = closed_with_action
    plan_principle_one(closed, coordinator)
    paper_file(assessment=closed, by=coordinator)
    key, fingerprint = paper_inputs_key(closed), board_paper(closed).fingerprint()
    BoardAction.objects.filter(title="Publish the plan").update(status=ActionStatus.DONE)
    action(closed.trust, datetime.date(2027, 2, 10), title="Hire a design lead")
    assert paper_inputs_key(closed) == key
    assert board_paper(closed).fingerprint() == fingerprint
    paper_file(assessment=closed, by=coordinator)
    assert PaperVersion.objects.filter(assessment=closed).count() == 1
    page = signed_in(coordinator).get(url(closed, "paper:paper")).content.decode()
    assert "2027/28 Q1, level 3.5:</strong> Publish the plan (Chief Digital Officer" in page
    assert "Hire a design lead" not in page
    # the quarter's page is a working view: the action log as it stands now
    quarter = signed_in(coordinator).get(url(closed, "quarter:assessment-detail")).content.decode()
    assert "Hire a design lead" in quarter


def test_the_pdfs_roadmap_table_breaks_principle_titles_only_between_words(
    coordinator, closed, tmp_path
):
    """The first column has a fixed share of the width: "cross-functional" and "in-house"
    stay whole, and each quarter's label keeps to one line."""
    roadmap_save(
        assessment=closed,
        roadmap={
            principle: {1: D("3.5"), 2: D("3.5"), 3: D("4.0"), 4: D("4.0")}
            for principle in principles_of(closed).values()
        },
        by=coordinator,
    )
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(paper_pdf(board_paper(closed)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    section = text[text.index("Roadmap to the targets\n") :]
    table = section[: section.index("\n1. Deliver things that patients and staff need\n")]
    assert re.search(r"2026/27 Q4 +2027/28 Q1 +2027/28 Q2 +2027/28 Q3", table)
    assert "cross-functional" in table
    assert "in-house" in table


def test_present_mode_shows_each_principles_roadmap(signed_in, coordinator, closed_with_action):
    closed = closed_with_action
    principles = principles_of(closed)
    roadmap_save(
        assessment=closed,
        roadmap={
            principles[1]: {1: D("3.5"), 2: D("3.5"), 3: D("4.0"), 4: D("4.0")},
            principles[3]: dict.fromkeys((1, 2, 3, 4), D("3.0")),
        },
        by=coordinator,
    )
    page = (
        signed_in(coordinator)
        .get(
            reverse("meeting:present-principle", args=[closed.trust.ods_code, closed.cycle.slug, 1])
        )
        .content.decode()
    )
    assert "Roadmap to the target" in page
    assert "Score 3.0, target 4.0." in page
    assert "2027/28 Q1: level 3.5.</strong> Publish the plan" in page
    overview = (
        signed_in(coordinator)
        .get(reverse("meeting:present", args=[closed.trust.ods_code, closed.cycle.slug]))
        .content.decode()
    )
    assert (
        "Deliver things that patients and staff need: from 3.0 to 4.0 by 2027/28 Q3, target 4.0"
        in overview
    )
    assert "from 3.0 to 3.0 by 2027/28 Q3, no target set</li>" in overview


def test_the_next_quarter_starts_by_reviewing_the_roadmap(
    signed_in, coordinator, closed, framework
):
    roadmap_save(
        assessment=closed,
        roadmap={principles_of(closed)[1]: {1: D("3.5"), 2: D("3.5"), 3: D("4.0"), 4: D("4.0")}},
        by=coordinator,
    )
    action(closed.trust, datetime.date(2027, 2, 10), status=ActionStatus.DONE)
    later = assessment_open(
        trust=closed.trust, cycle=quarter_of_year(framework, 2026, 4), by=coordinator
    )
    client = signed_in(coordinator)
    stages = client.get(url(later, "quarter:assessment-detail")).context["stages"]
    first = stages[0].tasks[0]
    assert (first.heading, first.status, first.done) == ("Review the roadmap", "Not started", False)
    review = client.get(url(later, "quarter:assessment-roadmap-review")).content.decode()
    assert "Review the roadmap from 2026/27 Q3" in review
    assert "Publish the plan (Chief Digital Officer, due 10 February 2027, done)" in review
    assert "score 3.0 in 2026/27 Q3; level 3.5 planned for 2026/27 Q4." in review
    assert "score now" not in review
    client.post(url(later, "quarter:assessment-roadmap-review"))
    later.refresh_from_db()
    assert later.roadmap_reviewed_at is not None
    assert AuditEvent.objects.filter(action="roadmap.reviewed").count() == 1
    first = client.get(url(later, "quarter:assessment-detail")).context["stages"][0].tasks[0]
    assert first.done


@pytest.mark.parametrize(
    ("year", "quarter", "words"),
    [
        (2027, 2, "score 3.0 in 2026/27 Q3; level 4.0 planned for 2027/28 Q2."),
        (2027, 4, "score 3.0 in 2026/27 Q3; no level planned for 2027/28 Q4: the roadmap ended"),
    ],
)
def test_the_review_gives_the_level_planned_for_the_quarter_under_way(
    signed_in, coordinator, closed, framework, year, quarter, words
):
    """Quarters later, with none run between: the step for this quarter, not the first."""
    plan_principle_one(closed, coordinator)
    later = assessment_open(
        trust=closed.trust, cycle=quarter_of_year(framework, year, quarter), by=coordinator
    )
    review = signed_in(coordinator).get(url(later, "quarter:assessment-roadmap-review"))
    assert words in review.content.decode()


def test_a_quarter_after_one_without_a_roadmap_has_nothing_to_review(
    signed_in, coordinator, closed, framework
):
    later = assessment_open(
        trust=closed.trust, cycle=quarter_of_year(framework, 2026, 4), by=coordinator
    )
    client = signed_in(coordinator)
    stages = client.get(url(later, "quarter:assessment-detail")).context["stages"]
    assert all(task.heading != "Review the roadmap" for task in stages[0].tasks)
    # Reached anyway (a bookmark): it says there is nothing to review, and marks nothing.
    page = client.get(url(later, "quarter:assessment-roadmap-review")).content.decode()
    assert "<h1>No roadmap to review</h1>" in page
    client.post(url(later, "quarter:assessment-roadmap-review"))
    later.refresh_from_db()
    assert later.roadmap_reviewed_at is None
    assert not AuditEvent.objects.filter(action="roadmap.reviewed").exists()


def test_the_roadmap_page_costs_a_fixed_number_of_queries(
    signed_in, coordinator, closed, django_assert_num_queries
):
    client = signed_in(coordinator)
    client.get(url(closed))  # warm the process caches
    # session, user, membership, trust, assessment; principles, results, release, targets,
    # roadmap, last quarter's roadmap; the saved roadmap shown: principles, roadmap,
    # targets, open actions
    with django_assert_num_queries(15):
        client.get(url(closed))
    roadmap_save(
        assessment=closed,
        roadmap={principles_of(closed)[n]: dict.fromkeys((1, 2, 3, 4), D("4.0")) for n in (1, 2)},
        by=coordinator,
    )
    for day in (1, 2, 3):
        action(closed.trust, datetime.date(2027, 2, day))
    # the same, but no earlier roadmap is looked for once there is one
    with django_assert_num_queries(14):
        client.get(url(closed))
