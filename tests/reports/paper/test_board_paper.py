"""The board paper: figures from the presenter, the PDF read back, frozen papers, views,
exports, the URL fetcher and the command. Every figure is checked against the scoring
module run over the same answers."""

import io
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from assessments.quarter.actions import (
    assessment_close,
    assessment_open,
    assessment_reopen,
    targets_set,
)
from assessments.questionnaire.actions import AnswerInput, answers_save
from assessments.results import scoring
from core.models import AuditEvent
from principles.models import Principle, Question
from reports.models import FrozenPaper
from reports.paper.actions import paper_file
from reports.paper.exports import PRINCIPLE_COLUMNS, QUESTION_COLUMNS
from reports.paper.pdf import BASE_URL, PaperRenderError, render_pdf, static_path
from reports.paper.presenters import board_paper
from tests.factories import SETUP, MembershipFactory, TrustFactory
from tests.helpers import (
    ROOT,
    answer_everything,
    new_board_member,
    quarter_of_year,
    run_waiting_tasks,
    set_targets,
)
from tests.pages import forbidden, not_found, to_sign_in
from trusts.models import Role

# Board members' scores by member: A gives 2, B 3, C 4; on principle 2, A gives 1 and C 5
# (views differ); on principle 8, C says "don't know" (an assurance gap).
TARGETS = {1: "4.5", 2: "3.5", 3: "3.0", 8: "4.0"}


def score_for(member_index: int):
    def score(question):
        base = (2, 3, 4)[member_index]
        if question.principle.number == 2:
            return (1, 3, 5)[member_index]
        if question.principle.number == 8 and member_index == 2:
            return None
        return base

    return score


def expected_scores(assessment) -> dict[int, float]:
    """Principle scores by the scoring module itself, from the same answers."""
    scores = {}
    for principle in Principle.objects.filter(framework=assessment.cycle.framework):
        stats = {
            q.key: scoring.question_stats(score_for(i)(q) for i in range(3))
            for q in principle.questions.all()
        }
        scores[principle.number] = scoring.principle_summary(stats).score
    return scores


@pytest.fixture
def scored(assessment, coordinator):
    for index in range(3):
        answer_everything(assessment, new_board_member(assessment.trust), score_for(index))
    new_board_member(assessment.trust)  # a fourth who never answers
    set_targets(assessment, coordinator, TARGETS)
    return assessment


@pytest.fixture
def published(scored, coordinator):
    """``scored``, closed: its results are published (assessments.results.disclosure)."""
    return close(scored, coordinator)


@pytest.fixture
def previous_quarter(scored, coordinator):
    """The same trust's closed 2026/27 Q2, where every member scored 2."""
    cycle = quarter_of_year(scored.cycle.framework, 2026, 2)
    earlier = assessment_open(trust=scored.trust, cycle=cycle, by=coordinator)
    for membership in scored.trust.memberships.filter(role=Role.BOARD_MEMBER)[:3]:
        answer_everything(earlier, membership.user, 2)
    return assessment_close(assessment=earlier, by=coordinator)


def close(assessment, coordinator):
    return assessment_close(assessment=assessment, by=coordinator)


# The presenter's figures


def test_paper_figures_match_the_scoring_module(published, previous_quarter):
    paper = board_paper(published)
    expected = expected_scores(published)
    assert paper.shown
    assert paper.submitted == 3
    assert paper.board_size == 4  # the fourth never answered
    assert paper.overall == f"{scoring.overall_score(expected.values()):.1f}" == "2.9"
    for row in paper.rows:
        assert row.score == f"{expected[row.number]:.1f}"
    rows = {row.number: row for row in paper.rows}
    assert (rows[1].target, rows[1].gap, rows[1].rag) == ("4.5", "1.5", "Red")
    assert (rows[2].gap, rows[2].rag, rows[2].views_differ) == ("0.5", "Amber", True)
    assert (rows[3].gap, rows[3].rag) == ("0.0", "Green")
    assert (rows[4].target, rows[4].rag) == ("–", "")
    assert (rows[8].score, rows[8].dont_know, rows[8].assurance_gap) == ("2.5", "33%", True)
    assert rows[1].trend == "+1.0"
    # Three members now against three then: +1.0 is within what chance alone gives.
    assert rows[1].trend_text == "No clear change since 2026/27 Q2"
    assert rows[8].trend == "+0.5"


def test_paper_priorities_are_largest_gap_then_lowest_score(published):
    paper = board_paper(published)
    assert [row.number for row in paper.priorities] == [8, 1, 2]


def test_paper_executive_summary_is_written_from_the_data(published, previous_quarter):
    summary = board_paper(published).cover.summary
    assert summary[0] == (
        "The board's overall score is 2.9 out of 5, no clear change since 2026/27 Q2."
    )
    assert summary[1].startswith(
        "The three gaps against target (two Red, one Amber) are: 8. Don't stick"
    )
    assert summary[2] == "Views differ most on: 2. Set clear, realistic goals."
    assert "8. Don't stick to the wrong plan" in summary[3]
    assert summary[4] == "3 of 4 board members submitted their answers."


def test_paper_confidence_is_moderate_with_an_assurance_gap(published):
    # 3 of 4 answered (75%), but one principle has many "don't know" answers
    cover = board_paper(published).cover
    assert cover.confidence == "Moderate"
    assert cover.confidence_reason.startswith(
        '3 of 4 board members answered; 1 principle has a high share of "don\'t know" answers;'
    )
    assert "views differ on 0" not in cover.confidence_reason


def test_paper_first_quarter_has_no_change(published):
    paper = board_paper(published)
    assert paper.overall_change == "no earlier quarter with results"
    assert paper.rows[0].trend_text == "No earlier quarter with results"


def test_paper_published_below_minimum_shows_no_aggregates(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    answer_everything(assessment, new_board_member(assessment.trust), 4)
    paper = board_paper(close(assessment, coordinator))
    assert not paper.shown
    assert paper.rows == ()
    assert paper.appendix == ()
    assert paper.score_chart is None
    assert (paper.submitted, paper.more_needed) == (1, 2)
    assert paper.cover.confidence == "Not yet available"


def test_draft_paper_of_an_open_quarter_shows_no_figures_however_many_submitted(scored):
    paper = board_paper(scored)  # three of four have submitted
    assert paper.draft
    assert paper.publication.awaiting_close
    assert not paper.shown
    assert (paper.rows, paper.appendix, paper.score_chart) == ((), (), None)


def test_paper_peer_median_needs_five_other_trusts(published, coordinator, settings):
    settings.MIN_RESPONSES = 1
    for n in range(5):
        peer = TrustFactory(trust_type=published.trust.trust_type)
        peer_assessment = assessment_open(trust=peer, cycle=published.cycle, by=SETUP)
        answer_everything(peer_assessment, MembershipFactory(trust=peer).user, 1 + n % 5)
        if n < 4:
            assessment_close(assessment=peer_assessment, by=SETUP)
    paper = board_paper(published)
    assert paper.rows[0].peer_median == "–"  # 4 closed peers only
    assert not paper.compared
    assert "Too few other trusts closed 2026/27 Q3 with results" in render_to_string(
        "paper/content.html", {"paper": paper}
    )
    assert "There are no dots for other trusts" in paper.score_chart_caption
    assert "A dot marks" not in paper.score_chart_caption
    last = published.cycle.assessments.exclude(trust=published.trust).filter(status="open").get()
    assessment_close(assessment=last, by=SETUP)
    paper = board_paper(published)
    row = paper.rows[0]
    assert "A dot marks the median score of other trusts" in paper.score_chart_caption
    assert "no dots" not in paper.score_chart_caption
    assert row.peer_median == "3.0"  # median of 1, 2, 3, 4, 5
    assert row.peer_range == "2.0 to 4.0"  # quartiles (inclusive) of 1, 2, 3, 4, 5
    assert row.type_median == "3.0"
    assert row.type_range == "2.0 to 4.0"
    page = render_to_string("paper/content.html", {"paper": paper})
    assert "Compared with other trusts" in page
    assert "Too few other trusts closed" not in page


def test_paper_appendix_counts_and_comments_without_names(scored, coordinator, board_member):
    question = Question.objects.get(framework=scored.cycle.framework, key="p1.user-needs")
    answers_save(
        assessment=scored,
        respondent=board_member,
        answers={question: AnswerInput(score=5, comment="Zebra crossing")},
        by=board_member,
    )  # in progress: never counted
    published = close(scored, coordinator)
    first = board_paper(published).appendix[0].questions[0]
    assert first.counts == (("1", 0), ("2", 1), ("3", 1), ("4", 1), ("5", 0))
    assert first.comments == ()


def test_paper_fingerprint_changes_with_the_data_only(published, coordinator):
    first = board_paper(published).fingerprint()
    assert board_paper(published).fingerprint() == first
    principle = Principle.objects.get(framework=published.cycle.framework, number=4)
    reopened = assessment_reopen(assessment=published, reason="New target", by=coordinator)
    targets_set(assessment=reopened, levels={principle: Decimal("5.0")}, by=coordinator)
    assert board_paper(close(reopened, coordinator)).fingerprint() != first


# The PDF, read back


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_pdf_is_tagged_titled_in_english_and_shows_every_figure(scored, coordinator):
    scored = close(scored, coordinator)
    document = paper_file(assessment=scored, by=coordinator)
    reader, text = pdf_text(document.content)
    root = reader.trailer["/Root"]
    assert 6 <= len(reader.pages) <= 12
    assert reader.metadata.title.startswith(
        "Digital delivery: the board's quarterly self-assessment"
    )
    assert "Testshire Hospitals NHS Trust, 2026/27 Q3" in reader.metadata.title
    assert reader.metadata.author == "Testshire Hospitals NHS Trust"
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"]) is True
    assert "/StructTreeRoot" in root
    bookmarks = [item["/Title"] for item in reader.outline if isinstance(item, dict)]
    assert bookmarks[0].startswith("Digital delivery")
    flat = " ".join(text.split())
    # Worked by hand: members score 2, 3 and 4 (principle 2: 1, 3, 5; principle 8: 2, 3 and
    # a "don't know"), so every principle is 3.0 but principle 8, 2.5 from 6 scores;
    # overall (7 x 3.0 + 2.5) / 8 = 2.9375, printed 2.9.
    assert "Overall score: 2.9 out of 5" in flat
    assert "3.0 9 4.5 1.5 Red" in flat  # principle 1
    assert "3.0 9 3.5 0.5 Amber" in flat  # principle 2
    assert "3.0 9 3.0 0.0 Green" in flat  # principle 3
    assert "3.0 9 – – No target set" in flat  # principles 4 to 7
    assert "2.5 6 4.0 1.5 Red" in flat  # principle 8
    assert "DRAFT" not in text
    assert f"Page 1 of {len(reader.pages)}" in text


def test_pdf_charts_carry_text_alternatives(published):
    reader, _ = pdf_text(paper_file(assessment=published, by=SETUP).content)
    alts = []

    def walk(node):
        node = node.get_object()
        if node.get("/S") == "/Figure" and "/Alt" in node:
            alts.append(str(node["/Alt"]))
        kids = node.get("/K")
        if isinstance(kids, list):
            for kid in kids:
                if hasattr(kid, "get_object") and isinstance(kid.get_object(), dict):
                    walk(kid)
        elif (
            kids is not None and hasattr(kids, "get_object") and isinstance(kids.get_object(), dict)
        ):
            walk(kids)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    assert any(alt.startswith("Bar chart of the board's score") for alt in alts)
    assert any(alt.startswith("Line chart of the board's overall score") for alt in alts)


def test_pdf_of_an_open_assessment_is_marked_draft_and_not_stored(scored):
    document = paper_file(assessment=scored, by=SETUP)
    _, text = pdf_text(document.content)
    assert "DRAFT" in text
    assert document.filename.endswith("-draft.pdf")
    assert not FrozenPaper.objects.exists()


def test_pdf_below_minimum_says_so(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 3
    answer_everything(assessment, new_board_member(assessment.trust), 4)
    _, text = pdf_text(paper_file(assessment=close(assessment, coordinator), by=SETUP).content)
    flat = " ".join(text.split())
    assert "figures are shown only from at least 3, so that no one's answers" in flat
    assert "Gap analysis" not in flat


# Frozen papers


def test_frozen_paper_is_stored_when_closed_and_served_after(
    signed_in, coordinator, scored, django_capture_on_commit_callbacks
):
    client = signed_in(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("quarter:assessment-close", args=[scored.trust.ods_code, scored.cycle.slug])
        )
    frozen = FrozenPaper.objects.get(assessment=scored)
    scored.refresh_from_db()
    document = paper_file(assessment=scored, by=coordinator)
    assert not document.made_now
    assert document.content == bytes(frozen.pdf)
    assert AuditEvent.objects.filter(action="paper.frozen").count() == 1


def test_close_is_not_turned_into_an_error_when_the_paper_cannot_render(
    signed_in, coordinator, scored, django_capture_on_commit_callbacks
):
    # WeasyPrint stops a failed fetch with a BaseException, which passes `except Exception`.
    client = signed_in(coordinator)
    url = reverse("quarter:assessment-close", args=[scored.trust.ods_code, scored.cycle.slug])
    fatal = FatalURLFetchingError("Error fetching a stylesheet")
    with (
        mock.patch("reports.paper.pdf.HTML.write_pdf", side_effect=fatal),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(url)
    assert response.status_code == 302
    scored.refresh_from_db()
    assert scored.is_closed
    assert not FrozenPaper.objects.exists()
    # The first download makes and freezes it instead.
    download = client.get(
        reverse("paper:paper-pdf", args=[scored.trust.ods_code, scored.cycle.slug])
    )
    assert download.status_code == 200
    assert FrozenPaper.objects.filter(assessment=scored).exists()


def test_render_failure_is_an_ordinary_exception():
    with (
        mock.patch("reports.paper.pdf.HTML.write_pdf", side_effect=FatalURLFetchingError("no")),
        pytest.raises(PaperRenderError),
    ):
        render_pdf("<p>Hello</p>")


def test_close_queues_the_paper_for_a_worker_to_freeze(
    signed_in, coordinator, scored, database_tasks, django_capture_on_commit_callbacks
):
    url = reverse("quarter:assessment-close", args=[scored.trust.ods_code, scored.cycle.slug])
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(coordinator).post(url)
    assert not FrozenPaper.objects.exists()
    assert run_waiting_tasks() == 1
    assert FrozenPaper.objects.filter(assessment=scored).exists()


def test_frozen_paper_is_made_again_only_when_the_data_changes(scored, coordinator):
    scored = close(scored, coordinator)
    paper_file(assessment=scored, by=coordinator)
    fingerprint = FrozenPaper.objects.get().fingerprint
    scored = assessment_reopen(assessment=scored, reason="A late answer", by=coordinator)
    scored = assessment_close(assessment=scored, by=coordinator)
    assert not paper_file(assessment=scored, by=coordinator).made_now  # nothing changed
    scored = assessment_reopen(assessment=scored, reason="A late answer", by=coordinator)
    answer_everything(scored, new_board_member(scored.trust), 5)
    scored = assessment_close(assessment=scored, by=coordinator)
    # One late answer is not published on its own: it would give that member away.
    assert not paper_file(assessment=scored, by=coordinator).made_now
    scored = assessment_reopen(assessment=scored, reason="More late answers", by=coordinator)
    for _ in range(2):
        answer_everything(scored, new_board_member(scored.trust), 5)
    scored = assessment_close(assessment=scored, by=coordinator)
    assert paper_file(assessment=scored, by=coordinator).made_now
    assert FrozenPaper.objects.get().fingerprint != fingerprint
    assert AuditEvent.objects.filter(action="paper.refrozen").count() == 1


# Views


def paper_url(assessment, name="paper:paper", *args):
    return reverse(name, args=[assessment.trust.ods_code, assessment.cycle.slug, *args])


def test_paper_page_coordinator_sees_draft_without_figures(signed_in, coordinator, scored):
    response = signed_in(coordinator).get(paper_url(scored))
    content = response.content.decode()
    assert response.status_code == 200
    assert "is still open" in content
    assert "3 of 4 board members have submitted; results are published when the quarter" in content
    assert paper_url(scored, "paper:paper-export", "principles", "csv") not in content


def test_paper_page_coordinator_sees_published_paper_with_downloads(
    signed_in, coordinator, published
):
    content = signed_in(coordinator).get(paper_url(published)).content.decode()
    assert paper_url(published, "paper:paper-export", "principles", "csv") in content
    assert 'role="img"' in content


def test_paper_page_board_member_waits_for_close(signed_in, board_member, scored, coordinator):
    client = signed_in(board_member)
    assert client.get(paper_url(scored)).status_code == 403
    close(scored, coordinator)
    response = client.get(paper_url(scored))
    assert response.status_code == 200
    assert (
        paper_url(scored, "paper:paper-export", "principles", "csv")
        not in response.content.decode()
    )


def test_paper_page_programme_staff_is_403(signed_in, programme_staff, scored):
    forbidden(signed_in(programme_staff).get(paper_url(scored)))


def test_paper_page_anonymous_redirects(client, scored):
    to_sign_in(client.get(paper_url(scored)), paper_url(scored))


def test_paper_page_draft_assessment_is_404(signed_in, coordinator, trust, cycle):
    draft = trust.assessments.get(cycle=cycle)
    not_found(signed_in(coordinator).get(paper_url(draft)))


def test_paper_pdf_download_is_an_attachment(signed_in, coordinator, scored):
    close(scored, coordinator)
    response = signed_in(coordinator).get(paper_url(scored, "paper:paper-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="board-paper-qaa-202627-q3.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_paper_pdf_board_member_before_close_is_403(signed_in, board_member, scored):
    forbidden(signed_in(board_member).get(paper_url(scored, "paper:paper-pdf")))


# Exports


def test_export_principles_csv_has_documented_columns_and_figures(
    signed_in, coordinator, published
):
    response = signed_in(coordinator).get(
        paper_url(published, "paper:paper-export", "principles", "csv")
    )
    assert response["Content-Disposition"].endswith('principles-qaa-202627-q3.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",") == [column.name for column in PRINCIPLE_COLUMNS]
    assert len(lines) == 9
    assert lines[1].startswith("QAA,Testshire Hospitals NHS Trust,2026/27 Q3,1,")
    assert ",3,3.0,4.5,1.5,Red," in lines[1]


def test_export_questions_xlsx_opens_with_counts_and_no_comments(signed_in, coordinator, published):
    response = signed_in(coordinator).get(
        paper_url(published, "paper:paper-export", "questions", "xlsx")
    )
    workbook = load_workbook(io.BytesIO(response.content))
    rows = list(workbook["Questions"].values)
    assert list(rows[0]) == [column.name for column in QUESTION_COLUMNS]
    assert len(rows) == 25
    first = dict(zip(rows[0], rows[1], strict=True))
    assert (first["question_key"], first["level_2"], first["level_3"], first["level_4"]) == (
        "p1.user-needs",
        1,
        1,
        1,
    )
    assert [row[0] for row in workbook["Columns"].values][1:] == [c.name for c in QUESTION_COLUMNS]


def test_export_of_an_open_quarter_is_refused_until_it_closes(signed_in, coordinator, scored):
    response = signed_in(coordinator).get(
        paper_url(scored, "paper:paper-export", "principles", "csv")
    )
    assert response.status_code == 409
    assert "published when the quarter closes" in response.content.decode()


def test_export_below_minimum_is_refused(signed_in, coordinator, assessment, settings):
    settings.MIN_RESPONSES = 3
    answer_everything(assessment, new_board_member(assessment.trust), 3)
    close(assessment, coordinator)
    response = signed_in(coordinator).get(
        paper_url(assessment, "paper:paper-export", "principles", "csv")
    )
    assert response.status_code == 409
    assert "Not enough answers" in response.content.decode()
    assert "1 of 1 board members had submitted" in response.content.decode()


def test_export_board_member_is_403(signed_in, board_member, scored, coordinator):
    close(scored, coordinator)
    url = paper_url(scored, "paper:paper-export", "principles", "csv")
    forbidden(signed_in(board_member).get(url))


def test_export_unknown_kind_is_404(signed_in, coordinator, scored):
    url = paper_url(scored, "paper:paper-export", "answers", "csv")
    not_found(signed_in(coordinator).get(url))


def test_export_columns_are_documented_in_the_readme():

    readme = (ROOT / "README.md").read_text()
    for column in (*PRINCIPLE_COLUMNS, *QUESTION_COLUMNS):
        assert f"`{column.name}`" in readme, column.name


# WeasyPrint reads only our static files


def test_static_path_finds_our_print_stylesheet():
    assert static_path(BASE_URL + "static/print/board-paper.css").endswith("board-paper.css")


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/static/print/board-paper.css",
        "file:///etc/passwd",
        BASE_URL + "static/../config/settings.py",
        BASE_URL + "media/secret.pdf",
        BASE_URL + "static/no-such-file.css",
    ],
)
def test_static_path_refuses_everything_else(url):
    assert static_path(url) is None


# The command line


@pytest.mark.parametrize(("name", "start"), [("paper.pdf", b"%PDF-"), ("paper.docx", b"PK")])
def test_board_paper_command_writes_the_pdf_or_word(scored, coordinator, tmp_path, name, start):
    close(scored, coordinator)  # the command reads the assessment afresh
    output = tmp_path / name
    out = io.StringIO()
    call_command(
        "board_paper",
        "--trust",
        "qaa",
        "--cycle",
        "2026/27 Q3",
        "--output",
        str(output),
        stdout=out,
    )
    assert output.read_bytes().startswith(start)
    assert "Wrote" in out.getvalue()


def test_board_paper_command_refuses_other_file_types(scored, coordinator, tmp_path):
    close(scored, coordinator)
    with pytest.raises(CommandError, match=r"Write the paper to a \.pdf or \.docx file"):
        call_command(
            "board_paper",
            "--trust",
            "QAA",
            "--cycle",
            "2026/27 Q3",
            "--output",
            str(tmp_path / "x.txt"),
        )
    assert not (tmp_path / "x.txt").exists()


@pytest.mark.parametrize(
    ("ods", "quarter", "message"),
    [
        ("ZZZ", "2026/27 Q3", "No trust has the ODS code 'ZZZ'"),
        ("QAA", "2026 Q3", "is not a quarter"),
        ("QAA", "2030/31 Q1", "has no opened assessment for 2030/31 Q1"),
    ],
)
def test_board_paper_command_unknown_trust_or_cycle(scored, tmp_path, ods, quarter, message):
    with pytest.raises(CommandError, match=message):
        call_command(
            "board_paper", "--trust", ods, "--cycle", quarter, "--output", str(tmp_path / "x.pdf")
        )
    assert not (tmp_path / "x.pdf").exists()


def test_board_paper_command_too_few_responses(assessment, tmp_path, settings):
    settings.MIN_RESPONSES = 3
    message = "0 of 0 board members have submitted; results are published when the quarter"
    with pytest.raises(CommandError, match=message):
        call_command(
            "board_paper",
            "--trust",
            "QAA",
            "--cycle",
            "2026/27 Q3",
            "--output",
            str(tmp_path / "x.pdf"),
        )


# The Word paper: read back, it says what the web page says, in the same order


def html_outline(paper) -> list[tuple]:
    """Headings, tables (every cell's text) and figures (alternative text) of the paper's
    HTML, in reading order."""
    from django.template.loader import render_to_string
    from lxml import html

    root = html.fragment_fromstring(
        render_to_string("paper/content.html", {"paper": paper}), create_parent="div"
    )
    outline = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.split("}")[-1]
        if tag in {"h1", "h2", "h3", "h4"}:
            outline.append(("heading", int(tag[1]), squash(element.text_content())))
        elif tag == "table":
            rows = element.findall("thead/tr") + element.findall("tbody/tr")
            cells = [
                [squash(c.text_content()) for c in row if c.tag in {"th", "td"}] for row in rows
            ]
            outline.append(("table", cells))
        elif tag == "svg":
            outline.append(("figure", squash(element.find("{*}title").text_content())))
    return outline


def docx_outline(content: bytes) -> list[tuple]:
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(content))
    outline = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            outline.append(("table", [[squash(c.text) for c in row.cells] for row in block.rows]))
        elif isinstance(block, Paragraph):
            style = block.style.name
            if style.startswith("Heading "):
                outline.append(("heading", int(style.split()[1]), squash(block.text)))
            for drawing in block._p.iter("{*}docPr"):
                outline.append(("figure", drawing.get("descr")))
    return outline


def squash(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("with_history", [False, True])
def test_word_paper_has_the_htmls_headings_tables_and_figures_in_order(
    published, coordinator, request, with_history
):
    from reports.paper.word import paper_docx

    if with_history:
        request.getfixturevalue("previous_quarter")
    paper = board_paper(published)
    content = paper_docx(paper)
    expected = html_outline(paper)
    assert docx_outline(content) == expected
    kinds = [item[0] for item in expected]
    assert kinds.count("figure") == 2  # the score chart and the trend
    assert kinds.count("table") >= 5


def test_word_paper_uses_word_headings_repeating_header_rows_and_alt_text(published):
    import docx

    from reports.paper.word import paper_docx

    document = docx.Document(io.BytesIO(paper_docx(board_paper(published))))
    assert document.core_properties.language == "en-GB"
    assert document.paragraphs[0].style.name != "Heading 1"  # the trust's name first
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[0].style.name == "Heading 1"
    gaps = next(t for t in document.tables if t.rows[0].cells[0].text == "Principle")
    assert gaps._tbl.tblPr.find("{*}tblCaption") is not None
    header = gaps.rows[0]._tr.trPr
    assert header.find("{*}tblHeader") is not None  # repeated on every page
    assert all(row._tr.trPr.find("{*}cantSplit") is not None for row in gaps.rows)
    for shape in document.inline_shapes:
        assert shape._inline.docPr.get("descr")


def test_word_paper_of_too_few_responses_says_so(assessment, coordinator, settings):
    from reports.paper.word import paper_docx

    settings.MIN_RESPONSES = 3
    answer_everything(assessment, new_board_member(assessment.trust), 4)
    paper = board_paper(close(assessment, coordinator))
    outline = docx_outline(paper_docx(paper))
    assert outline == html_outline(paper)
    assert not [item for item in outline if item[0] == "figure"]


def test_word_paper_downloads_beside_the_pdf_and_is_frozen_with_it(
    signed_in, coordinator, published
):
    client = signed_in(coordinator)
    args = [published.trust.ods_code, published.cycle.slug]
    page = client.get(reverse("paper:paper", args=args)).content.decode()
    assert reverse("paper:paper-docx", args=args) in page
    response = client.get(reverse("paper:paper-docx", args=args))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    assert response["Content-Disposition"].endswith('.docx"')
    assert response.content[:2] == b"PK"
    frozen = FrozenPaper.objects.get(assessment=published)
    assert bytes(frozen.docx) == response.content
    again = paper_file(assessment=published, by=coordinator, extension="docx")
    assert not again.made_now
    assert again.content == response.content
    assert paper_file(assessment=published, by=coordinator).content[:5] == b"%PDF-"


# What the next level looks like


def test_next_level_for_each_priority_quotes_the_rubric_above_its_lowest_question(
    scored, coordinator
):
    from assessments.quarter.decisions import ActionInput, board_action_save
    from principles.models import LevelDescriptor

    first = board_paper(close(scored, coordinator)).priorities[0]
    assessment_reopen(assessment=scored, reason="An action was agreed", by=coordinator)
    board_action_save(
        trust=scored.trust,
        action=None,
        values=ActionInput(
            title="Hire a product manager",
            principle_number=first.number,
            owner="Chief Digital Officer",
            due_date=scored.cycle.closes_on,
            status="in_progress",
            rag="",
            notes="",
        ),
        by=coordinator,
    )
    published = close(scored, coordinator)  # the action log is kept as it was at closing
    paper = board_paper(published)
    assert [step.number for step in paper.next_levels] == [r.number for r in paper.priorities]
    for step in paper.next_levels:
        section = next(s for s in paper.appendix if s.number == step.number)
        lowest = min(q.mean_value for q in section.questions if q.mean_value is not None)
        for item in step.questions:
            question = next(q for q in section.questions if q.text == item.question)
            assert question.mean_value == lowest
            assert item.level == int(lowest) + 1
            assert (
                item.descriptor
                == LevelDescriptor.objects.get(
                    question__text=item.question,
                    question__framework=published.cycle.framework,
                    level=item.level,
                ).descriptor
            )
    assert paper.next_levels[0].actions[0].startswith("Hire a product manager (Chief Digital")
    assert all(step.actions == () for step in paper.next_levels[1:])
    page = render_to_string("paper/content.html", {"paper": paper})
    assert "What the next level looks like" in page
    assert "No open action in the log for this principle yet." in page
