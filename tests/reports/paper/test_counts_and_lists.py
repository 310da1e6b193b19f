"""Issue 28, parts 2 and 4, and the trend: counts that agree in every output before and
after close, a trend that says what it plots, and lists that say their rule (the gaps the
paper lists, a RAG the board chose, what is overdue).

Before close every output counts the submissions as they stand, of the board as it is that
quarter; after close, the published release's count and board size. One function words
them (assessments.results.presenters.submissions_in_words)."""

import datetime
import html
import io
import re
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import OPEN_ACTION_STATUSES, ActionStatus
from assessments.quarter.actions import assessment_close, assessment_open, assessment_reopen
from assessments.quarter.decisions import ActionInput, board_action_save
from assessments.quarter.selectors import action_counts
from assessments.results import rules
from assessments.results.presenters import NOT_PUBLISHED, Publication, submissions_in_words
from assessments.results.selectors import publication
from principles.actions import framework_load
from principles.loader import read_framework, shipped_framework_files
from reports.paper.actions import paper_file
from reports.paper.cover import gaps_phrase
from reports.paper.presenters import TREND_CAPTION, board_paper
from tests.factories import SETUP, MembershipFactory
from tests.helpers import (
    answer_everything,
    new_board_member,
    on_day,
    quarter_of_year,
    set_targets,
)
from trusts.actions import membership_remove
from trusts.models import Role

# Counts: words worked out by hand from the rule


def before_close(submitted: int, board: int) -> str:
    return (
        f"{submitted} of {board} board members have submitted; results are published when "
        "the quarter closes."
    )


def url(assessment, name: str) -> str:
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug])


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text(content: bytes) -> str:
    return squash(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


def word_text(content: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return squash(" ".join([p.text for p in document.paragraphs] + cells))


def page_text(client, address: str) -> str:
    response = client.get(address)
    assert response.status_code == 200
    return squash(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def command(assessment, output) -> str:
    out = io.StringIO()
    call_command(
        "board_paper",
        "--trust",
        assessment.trust.ods_code,
        "--cycle",
        assessment.cycle.label,
        "--output",
        str(output),
        stdout=out,
    )
    return out.getvalue()


def board_of(assessment, coordinator, *, members: int, submitted: int, left: int) -> None:
    """``members`` on the board today, ``submitted`` of them submitted, and ``left`` more
    who submitted and have left the board since."""
    board = [new_board_member(assessment.trust) for _ in range(members + left)]
    for member in board[: submitted + left]:
        answer_everything(assessment, member, 3)
    for member in board[:left]:
        membership_remove(membership=member.memberships.get(role=Role.BOARD_MEMBER), by=coordinator)


BOARDS = [
    # (on the board today, of whom submitted, who submitted and left): submitted, board
    pytest.param((5, 2, 0, 2, 5), id="board of 5, too few"),
    pytest.param((10, 6, 1, 7, 11), id="board of 10 and one who left"),
    pytest.param((15, 11, 0, 11, 15), id="board of 15"),
]


@pytest.mark.parametrize("case", BOARDS)
def test_every_output_counts_the_same_before_and_after_close(
    assessment, coordinator, signed_in, settings, tmp_path, case
):
    members, answered, left, submitted, board = case
    settings.MIN_RESPONSES = 3
    board_of(assessment, coordinator, members=members, submitted=answered, left=left)
    words = before_close(submitted, board)
    client = signed_in(coordinator)

    # Before close: the live count, everywhere, and never a figure.
    paper = board_paper(assessment)
    assert paper.submissions.words == words
    assert paper.cover.confidence == "Not yet available"
    assert paper.cover.confidence_reason == words
    assert paper.cover.asks == (f"note that {words[:-1]}",)
    assert paper.cover.summary == (words,)
    web = page_text(client, url(assessment, "paper:paper"))
    pdf = pdf_text(paper_file(assessment=assessment, by=SETUP).content)
    word = word_text(paper_file(assessment=assessment, by=SETUP, extension="docx").content)
    for text in (web, pdf, word):
        assert text.count(words) >= 3  # the draft note, the cover and the results section
        assert "Fewer than" not in text
        assert "too few board members" not in text
        assert not re.search(r"\b0 of", text)
        assert "Overall score" not in text
    positions = page_text(client, url(assessment, "quarter:assessment-positions"))
    assert words in positions
    assert "more needed" not in positions
    checklist = page_text(client, url(assessment, "quarter:assessment-detail"))
    assert f"Who has answered {words} {submitted} of {board} submitted" in checklist
    table = f"{answered} submitted, 0 in progress, {members - answered} not started."
    if left:  # the table lists today's board; the count keeps who submitted and left
        table += f" {left} more submitted and has left the board since"
    assert table in checklist
    export = reverse(
        "paper:paper-export",
        args=[assessment.trust.ods_code, assessment.cycle.slug, "principles", "csv"],
    )
    refusal = client.get(export)
    assert refusal.status_code == 409
    assert words in html.unescape(refusal.content.decode())
    with pytest.raises(CommandError) as refused:
        command(assessment, tmp_path / "paper.pdf")
    assert str(refused.value) == words
    assert not (tmp_path / "paper.pdf").exists()

    # After close: the published release's count and board size.
    closed = assessment_close(assessment=assessment, by=coordinator)
    published_on = publication(closed).published_on
    paper = board_paper(closed)
    assert (paper.submitted, paper.board_size) == (submitted, board)
    web = page_text(client, url(closed, "paper:paper"))
    pdf = pdf_text(paper_file(assessment=closed, by=SETUP).content)
    word = word_text(paper_file(assessment=closed, by=SETUP, extension="docx").content)
    checklist = page_text(client, url(closed, "quarter:assessment-detail"))
    if submitted < 3:
        after = (
            f"{submitted} of {board} board members had submitted when the results were "
            f"published on {published_on}; figures are shown only from at least 3, so that "
            "no one's answers can be worked out."
        )
        assert paper.submissions.words == paper.cover.confidence_reason == after
        for text in (web, pdf, word):
            assert after in text
            assert not re.search(r"\d+ of \d+ board members have submitted", text)
        assert after in page_text(client, url(closed, "quarter:assessment-positions"))
        with pytest.raises(CommandError) as refused:
            command(closed, tmp_path / "paper.pdf")
        assert str(refused.value) == after
    else:
        after = f"{submitted} of {board} board members submitted their answers."
        assert paper.cover.summary[-1] == after
        assert paper.cover.confidence_reason.startswith(
            f"{submitted} of {board} board members answered;"
        )
        for text in (web, pdf, word):
            assert after in text
            assert not re.search(r"\d+ of \d+ board members have submitted", text)
        assert "Wrote" in command(closed, tmp_path / "paper.pdf")
        assert after in pdf_text((tmp_path / "paper.pdf").read_bytes())
    published = (
        f"{submitted} of {board} board members had submitted when the results were published "
        f"on {published_on}"
    )
    assert f"Who has answered {published}" in checklist
    assert f"{submitted} of {board} submitted" in checklist


def test_a_reopened_quarter_counts_live_and_says_which_results_it_shows(
    assessment, coordinator, settings, signed_in
):
    settings.MIN_RESPONSES = 3
    board_of(assessment, coordinator, members=5, submitted=3, left=0)
    closed = assessment_close(assessment=assessment, by=coordinator)
    published_on = publication(closed).published_on
    reopened = assessment_reopen(assessment=closed, reason="Late answers", by=coordinator)
    late = [m.user for m in reopened.trust.memberships.filter(role=Role.BOARD_MEMBER)][3:]
    answer_everything(reopened, late[0], 4)
    paper = board_paper(reopened)
    words = (
        "4 of 5 board members have submitted; new results are published when the quarter "
        "closes, if enough responses are new or changed."
    )
    assert paper.submissions.words == words
    assert paper.shown  # the results published at close, with their own count
    assert paper.cover.summary[-1] == "3 of 5 board members submitted their answers."
    page = page_text(signed_in(coordinator), url(reopened, "paper:paper"))
    assert f"{words} This shows the results published on {published_on}." in page


def test_the_words_for_one_member_and_for_a_closed_quarter_without_results():
    assert submissions_in_words(NOT_PUBLISHED, live=(1, 1), minimum=3).words == (
        "1 of 1 board member has submitted; results are published when the quarter closes."
    )
    assert submissions_in_words(NOT_PUBLISHED, live=(0, 4), minimum=3).short == "0 of 4 submitted"
    released = Publication("2 December 2026", 1, False, 0, 3, 4, True)
    closed = submissions_in_words(released, live=None, minimum=3)
    assert (closed.words, closed.short, closed.live) == (
        "3 of 4 board members had submitted when the results were published on 2 December 2026.",
        "3 of 4 submitted",
        False,
    )


# The trend


@pytest.fixture
def across_a_framework_change(framework, trust, coordinator, settings):
    """One member: 2 everywhere last quarter (version 1) but 5 on the question version 2
    replaces; 3 everywhere this quarter (version 2) but 1 on the replacing question."""
    settings.MIN_RESPONSES = 1
    version_two = framework_load(spec=read_framework(shipped_framework_files()[1])).framework
    member = MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user
    earlier = assessment_open(trust=trust, cycle=quarter_of_year(framework, 2026, 2), by=SETUP)
    answer_everything(earlier, member, lambda q: 5 if q.key == "p8.reprioritising" else 2)
    assessment_close(assessment=earlier, by=coordinator)
    later = assessment_open(trust=trust, cycle=quarter_of_year(version_two, 2026, 3), by=SETUP)
    answer_everything(later, member, lambda q: 1 if q.key == "p8.portfolio-review" else 3)
    return assessment_close(assessment=later, by=coordinator)


def test_the_trend_plots_the_questions_its_caption_names(across_a_framework_change):
    paper = board_paper(across_a_framework_change)
    # Over all its own questions last quarter was (7 x 2 + 3) / 8 = 2.125, printed 2.1, and
    # this quarter (7 x 3 + 7/3) / 8 = 2.92, printed 2.9; over the 23 questions asked both
    # times they are 2.0 and 3.0, and that is what is plotted and tabled.
    assert paper.overall == "2.9"
    assert paper.trend_table == (("2026/27 Q2", "2.0"), ("2026/27 Q3", "3.0"))
    assert [point.value_text for point in paper.trend_chart.points] == ["2.0", "3.0"]
    assert len(paper.trend_chart.changes) == 1
    assert paper.trend_caption == (
        f"{TREND_CAPTION} A dashed line marks a change of framework version. So that both "
        "sides compare the same questions, every quarter is plotted over only the 23 "
        "questions asked in every version shown. Over all of its own questions, 2026/27 Q2 "
        "scored 2.1 and 2026/27 Q3 scored 2.9."
    )
    assert paper.trend_heading == "Overall score over the 23 common questions"
    assert paper.trend_chart_alt == (
        "Line chart of the board's overall score by quarter, over the 23 questions asked in "
        "every version shown: 2026/27 Q2 2.0; 2026/27 Q3 3.0."
    )
    # The plotted change is the change since last quarter, worked out the same way.
    assert {row.trend for row in paper.rows} == {"+1.0"}
    content = html.unescape(render_to_string("paper/content.html", {"paper": paper}))
    assert paper.trend_caption in content
    assert "Overall score over the 23 common questions" in content


def test_a_trend_on_one_framework_version_plots_each_quarters_own_score(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 1
    member = MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user
    for quarter, score in ((2, 2), (3, 4)):
        opened = assessment_open(
            trust=trust, cycle=quarter_of_year(framework, 2026, quarter), by=SETUP
        )
        answer_everything(opened, member, score)
        closed = assessment_close(assessment=opened, by=coordinator)
    paper = board_paper(closed)
    assert paper.trend_caption == TREND_CAPTION
    assert paper.trend_heading == "Overall score"
    assert paper.trend_table == (("2026/27 Q2", "2.0"), ("2026/27 Q3", "4.0"))


def test_a_framework_change_with_no_scores_before_it_is_only_marked(
    framework, trust, coordinator, settings
):
    settings.MIN_RESPONSES = 1
    version_two = framework_load(spec=read_framework(shipped_framework_files()[1])).framework
    member = MembershipFactory(trust=trust, role=Role.BOARD_MEMBER).user
    earlier = assessment_open(trust=trust, cycle=quarter_of_year(framework, 2026, 2), by=SETUP)
    assessment_close(assessment=earlier, by=coordinator)  # nobody answered
    later = assessment_open(trust=trust, cycle=quarter_of_year(version_two, 2026, 3), by=SETUP)
    answer_everything(later, member, 3)
    paper = board_paper(assessment_close(assessment=later, by=coordinator))
    assert paper.trend_caption == (
        f"{TREND_CAPTION} A dashed line marks a change of framework version."
    )
    assert paper.trend_table[-1] == ("2026/27 Q3", "3.0")


# The gaps the paper lists


def rows(*rags: str):
    return tuple(SimpleNamespace(rag=rag) for rag in rags)


@pytest.mark.parametrize(
    ("rags", "expected"),
    [
        ((), ""),
        (("Red",), "the one Red gap against target"),
        (("Red", "Amber"), "the two gaps against target (one Red, one Amber)"),
        (("Amber", "Amber", "Green"), "the three gaps against target (two Amber, one Green)"),
        (("Red",) * 5, "the three largest of five Red gaps against target"),
        (
            ("Red", "Red", "Amber", "Amber"),
            "the three largest of four gaps against target (two Red, two Amber)",
        ),
        (("Amber",) * 8, "the three largest of eight Amber gaps against target"),
    ],
)
def test_the_gaps_are_worded_from_the_list(rags, expected):
    below = rows(*rags)
    assert gaps_phrase(below[:3], below) == expected


def scored_board(assessment, coordinator, targets: dict) -> object:
    for _ in range(3):
        answer_everything(assessment, new_board_member(assessment.trust), 3)  # 3.0 everywhere
    if targets:
        set_targets(assessment, coordinator, targets)
    return assessment_close(assessment=assessment, by=coordinator)


@pytest.mark.parametrize(
    ("targets", "sentence", "ask", "lead"),
    [
        (
            dict.fromkeys((1, 2, 3, 4, 5), "4.0"),
            "The three largest of five Red gaps against target are: 1. Deliver things that "
            "patients and staff need (gap 1.0); 2. Set clear, realistic goals (gap 1.0); 3. ",
            "agree the board's position and actions for the three largest of five Red gaps "
            "against target",
            "The three largest of five Red gaps against target, largest first:",
        ),
        (
            {2: "4.0"},
            "The one Red gap against target is: 2. Set clear, realistic goals (gap 1.0).",
            "agree the board's position and actions for the one Red gap against target",
            "The one Red gap against target:",
        ),
        (
            dict.fromkeys((1, 2), "3.0"),
            "Every principle is at or above the board's target.",
            "agree the board's position: no principle is below the board's target",
            None,
        ),
        (
            {},
            "The board has not set targets yet, so there are no gaps to report.",
            "agree the board's position and set its targets",
            None,
        ),
    ],
)
def test_the_summary_the_ask_and_the_priorities_say_the_same_list(
    assessment, coordinator, settings, targets, sentence, ask, lead
):
    settings.MIN_RESPONSES = 3
    paper = board_paper(scored_board(assessment, coordinator, targets))
    assert paper.cover.summary[1].startswith(sentence)
    assert paper.cover.asks[2] == ask
    content = squash(html.unescape(render_to_string("paper/content.html", {"paper": paper})))
    if lead:
        assert lead in content
    else:
        assert "No principle is below a target the board has set." in content


# Actions: the board's choice of RAG, and what is overdue


TODAY = datetime.date(2027, 1, 10)


def action(trust, coordinator, title, due, status=ActionStatus.IN_PROGRESS, rag=""):
    return board_action_save(
        trust=trust,
        action=None,
        values=ActionInput(2, title, "Chief Digital Officer", due, status, rag),
        by=coordinator,
    )


def test_the_overdue_rule_is_the_checklists_and_names_the_open_statuses():
    assert set(rules.OPEN_ACTIONS) == set(OPEN_ACTION_STATUSES)
    assert rules.action_overdue(status="in_progress", due=TODAY, today=TODAY) is False
    assert rules.action_overdue(
        status="not_started", due=TODAY - datetime.timedelta(days=1), today=TODAY
    )
    assert not rules.action_overdue(status="done", due=datetime.date(2026, 1, 1), today=TODAY)


def test_the_action_log_marks_overdue_as_the_checklist_counts_and_labels_the_boards_rag(
    assessment, coordinator, signed_in, settings
):
    settings.MIN_RESPONSES = 1
    trust = assessment.trust
    with on_day(datetime.date(2026, 12, 1)):
        action(trust, coordinator, "Late and red", datetime.date(2027, 1, 5))
        late = datetime.date(2027, 1, 9)
        action(trust, coordinator, "Late but the board says green", late, rag="green")
        late = datetime.date(2026, 12, 20)
        action(trust, coordinator, "Late, not started", late, ActionStatus.NOT_STARTED)
        action(trust, coordinator, "Due today", TODAY)
        action(trust, coordinator, "Later", datetime.date(2027, 6, 1), rag="amber")
        action(trust, coordinator, "Done", datetime.date(2026, 12, 2), ActionStatus.DONE)
    with on_day(TODAY):
        client = signed_in(coordinator)
        assert action_counts(trust).overdue == 3
        detail = page_text(client, url(assessment, "quarter:assessment-detail"))
        assert "Update the action log As at 10 January 2027 3 overdue" in detail
        response = client.get(reverse("quarter:board-actions", args=[trust.ods_code]))
        content = response.content.decode()
        log = page_text(client, reverse("quarter:board-actions", args=[trust.ods_code]))
        answer_everything(assessment, new_board_member(trust), 3)
        paper = board_paper(assessment)
    assert "As at 10 January 2027: 5 open, 3 overdue (still open after the due date)." in log
    row_marked_overdue = r"<a href=[^>]*>([^<]+)</a>(?:(?!</tr>).)*?>Overdue</strong>"
    marked = re.findall(row_marked_overdue, content, re.S)
    assert sorted(marked) == [
        "Late and red",
        "Late but the board says green",
        "Late, not started",
    ]
    # The board's own RAG says so; a worked-out one says where it came from.
    assert re.search(
        r'nhsuk-tag--green">Green</strong><span[^>]*>the board&#x27;s choice</span>', content
    )
    assert re.search(
        r'nhsuk-tag--orange">Amber</strong><span[^>]*>the board&#x27;s choice</span>', content
    )
    assert content.count("the board&#x27;s choice") == 2
    worked_out = r'nhsuk-tag--red">Red</strong><span[^>]*>from the due date and status'
    assert re.search(worked_out, content)
    # The paper counts overdue the same way and labels the board's choices.
    assert sorted(entry.title for entry in paper.actions.overdue) == sorted(marked)
    notes = {
        entry.title: entry.rag_note
        for entry in paper.actions.overdue + paper.actions.open + paper.actions.finished
    }
    assert notes == {
        "Late and red": "",
        "Late but the board says green": "the board's choice",
        "Late, not started": "",
        "Due today": "",
        "Later": "the board's choice",
        "Done": "",
    }
    content = html.unescape(render_to_string("paper/content.html", {"paper": paper}))
    assert content.count("the board's choice") == 2
    assert "RAG is worked out from its due date and status unless the board chose it" in content
