"""The PDF laid out for print, as one class of tests run over boards of 5, 10 and 15
members: long comments, every name and cover-sheet entry as long as its field allows (the
trust's 200 characters), the action log, peers to compare with and a trend. Each size is
built once for its class. Every word of every page lies inside the text area and every
table fits it; nothing kept together (a table row, a priority's principle and questions)
runs across pages; no page ends with a heading or the introduction that leads into what
follows; no page is more than a third empty but the cover's last (the cover ends its
page) and the paper's last. Read from the PDF (pdftotext) and WeasyPrint's own layout."""

import datetime
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.cache import cache
from django.db import models, transaction
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import timezone
from weasyprint import HTML

from assessments.models import previous_quarter
from assessments.quarter.actions import assessment_close, assessment_open
from assessments.quarter.decisions import (
    ActionInput,
    PositionInput,
    board_action_save,
    positions_record,
)
from core.forms import limit_of
from principles.actions import framework_load
from principles.content import forget_framework_content
from principles.loader import read_framework, shipped_framework_files
from principles.models import Principle, Question
from reports.models import CoverSection, CoverSheet
from reports.paper.actions import cover_sheet_save
from reports.paper.documents import paper_pdf
from reports.paper.pdf import BASE_URL, _fetcher, print_stylesheet
from reports.paper.presenters import BoardPaper, board_paper
from tests.factories import SETUP, MembershipFactory, TrustFactory, UserFactory
from tests.helpers import (
    answer_everything,
    quarter_of_year,
    set_targets,
    submit_spread_with_long_comments,
)
from trusts.models import Role, SeatGroup

BOARD_SIZES = (5, 10, 15)
HEADINGS = {"h1", "h2", "h3", "h4"}
PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (1/96 in); a PDF measures in points
EARLIER_QUARTERS = 3  # closed quarters before this one, for the trend and the change


def words_to(limit: int, words: str) -> str:
    """``words`` said again and again to exactly ``limit`` characters."""
    text = words
    while len(text) < limit:
        text += " " + words
    return text[:limit].rstrip(" ,").ljust(limit, "s")


# Names as long as their fields allow, in the words people use.
TRUST_NAME = words_to(
    200,
    "The Royal Wessex Vale, North Dorset and South Somerset University Hospitals, "
    "Community, Mental Health and Learning Disability Services NHS Foundation Trust",
)
PERSON = words_to(150, "Dr Alexandra Catherine Montgomery-Fitzwilliam-Oyelaran OBE FRCP")
COVER = {
    "meeting": words_to(
        150, "Trust board meeting held in public, joint with the council of governors"
    ),
    "agenda_item": words_to(20, "Item 12.3(b)(ii)"),
    "executive_sponsor": words_to(150, "Chief Digital and Information Officer and Deputy CEO"),
    "author": words_to(150, "Head of Digital Transformation and Clinical Safety Officer"),
    "recommendation": words_to(1000, "The board is asked to note the assessment and agree"),
    "previous_considerations": words_to(1000, "Digital, data and technology committee, May"),
    "strategy_title": words_to(150, "Our digital, data and technology strategy 2025 to 2030"),
    "strategy_url": "https://www.example.nhs.uk/strategy/"
    + words_to(464, "digital").replace(" ", "-"),
    "purpose": "assurance",
}
# The trust's own sections of the cover sheet (all switched on here), each at its limit.
SECTION_TEXT = "The paper sets out the board's own view of its digital leadership and its gaps"
ACTION_TITLE = words_to(200, "Bring the integrated performance report's digital measures")
ACTION_NOTES = words_to(400, "Agreed at the March board; the committee reviews progress")
RATIONALE = words_to(1000, "The board heard that two of the three services are not yet")


@contextmanager
def longest_paper_of(members: int, django_db_blocker):
    """The longest paper a board of ``members`` makes, for a ``with`` block: built in a
    transaction that is rolled back after it."""
    quick = override_settings(
        TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}},
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        MIN_RESPONSES=3,
        COVER_SHEET_SECTIONS=[section.value for section in CoverSection],
    )
    with django_db_blocker.unblock(), quick, transaction.atomic():
        cache.clear()
        forget_framework_content()
        try:
            yield board_paper(longest_board(members))
        finally:
            transaction.set_rollback(True)
            cache.clear()
            forget_framework_content()


def cover_sheet(meeting_date: datetime.date) -> dict:
    """Every field of the cover sheet filled: the typed ones at their limits, each choice
    its last (an exempt FOI status, with its reason), and the meeting on ``meeting_date``."""
    values = {}
    for name in CoverSheet.FIELDS:
        field = CoverSheet._meta.get_field(name)
        if name in COVER:
            values[name] = COVER[name]
        elif isinstance(field, models.DateField):
            values[name] = meeting_date
        elif field.choices:
            values[name] = field.choices[-1][0]
        elif isinstance(field, models.CharField | models.TextField):
            values[name] = words_to(limit_of(CoverSheet, name), SECTION_TEXT)
        else:
            values[name] = field.get_default()
    return values


def longest_board(members: int):
    """A board of ``members`` (a third executive) whose scores spread over every level, a
    long comment on a third of the answers, every name at its field's limit, targets, an
    agreed position, actions overdue, open and done, five peers and earlier quarters."""
    framework = framework_load(spec=read_framework(shipped_framework_files()[0])).framework
    trust = TrustFactory(ods_code="QLL", name=TRUST_NAME)
    coordinator = MembershipFactory(
        trust=trust, role=Role.COORDINATOR, seat_group="", user=UserFactory(full_name=PERSON)
    ).user
    board = [
        MembershipFactory(
            trust=trust,
            role=Role.BOARD_MEMBER,
            seat_group=SeatGroup.EXECUTIVE if index % 3 == 0 else SeatGroup.NON_EXECUTIVE,
            user=UserFactory(full_name=PERSON),
        ).user
        for index in range(members)
    ]
    questions = list(Question.objects.filter(framework=framework))
    quarters = [(2026, 3)]
    for _ in range(EARLIER_QUARTERS):
        quarters.insert(0, previous_quarter(*quarters[0]))
    for back, (year, quarter) in enumerate(quarters[:-1]):
        earlier = assessment_open(
            trust=trust, cycle=quarter_of_year(framework, year, quarter), by=coordinator
        )
        for index, member in enumerate(board[:3]):
            answer_everything(earlier, member, lambda q, i=index, b=back: 1 + (i + q.pk + b) % 4)
        assessment_close(assessment=earlier, by=coordinator)
    cycle = quarter_of_year(framework, 2026, 3)
    for number in range(5):
        peer = TrustFactory(name=words_to(200, f"Peer {number} Hospitals NHS Foundation Trust"))
        peer_quarter = assessment_open(trust=peer, cycle=cycle, by=SETUP)
        for _ in range(3):
            member = MembershipFactory(trust=peer, role=Role.BOARD_MEMBER).user
            answer_everything(peer_quarter, member, 1 + number % 5)
        assessment_close(assessment=peer_quarter, by=SETUP)
    assessment = assessment_open(trust=trust, cycle=cycle, by=coordinator)
    for index, member in enumerate(board):
        submit_spread_with_long_comments(assessment, member, index, questions)
    set_targets(assessment, coordinator, {1: "4.0", 2: "3.5", 5: "4.5", 7: "5.0"})
    today = timezone.localdate()
    for number, days, status, rag in (  # a RAG of "" is worked out; amber, the board's
        (1, -30, "not_started", ""),
        (2, -10, "in_progress", ""),
        (1, 20, "not_started", ""),
        (5, 90, "in_progress", "amber"),
        (7, 120, "not_started", ""),
        (2, 40, "done", ""),
    ):
        board_action_save(
            trust=trust,
            action=None,
            values=ActionInput(
                principle_number=number,
                title=ACTION_TITLE,
                owner=PERSON,
                due_date=today + datetime.timedelta(days=days),
                status=status,
                rag=rag,
                notes=ACTION_NOTES,
            ),
            by=coordinator,
        )
    assessment = assessment_close(assessment=assessment, by=coordinator)
    cover_sheet_save(assessment=assessment, values=cover_sheet(today), by=coordinator)
    positions_record(
        assessment=assessment,
        positions={
            principle: PositionInput(
                Decimal("3.5"), RATIONALE if principle.number in {1, 5} else RATIONALE[:240]
            )
            for principle in Principle.objects.filter(framework=framework)
        },
        by=coordinator,
    )
    return assessment


# The paper as printed: built once for each board size


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class Printed:
    """One paper: the PDF people download, WeasyPrint's layout of the same HTML, and the
    text area of its pages in points (left, top, right, bottom)."""

    members: int
    pdf: bytes
    document: object
    text_area: tuple[float, float, float, float]
    page_size: tuple[float, float]


def laid_out(paper: BoardPaper):
    html = render_to_string("paper/document.html", {"paper": paper})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render(
        stylesheets=[print_stylesheet()]
    )


def printed_paper(members: int, django_db_blocker) -> Printed:
    with longest_paper_of(members, django_db_blocker) as paper:
        pdf, document = paper_pdf(paper), laid_out(paper)
    page = document.pages[0]._page_box
    left, top = page.content_box_x() * PX_TO_PT, page.content_box_y() * PX_TO_PT
    return Printed(
        members=members,
        pdf=pdf,
        document=document,
        text_area=(left, top, left + page.width * PX_TO_PT, top + page.height * PX_TO_PT),
        page_size=(page.margin_width() * PX_TO_PT, page.margin_height() * PX_TO_PT),
    )


def words_of(pdf: bytes) -> list[Word]:
    """Every word of every page with its box in points from the page's top left, as
    poppler's pdftotext reads the PDF."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout
    namespace = "{http://www.w3.org/1999/xhtml}"
    found = []
    for number, page in enumerate(ElementTree.fromstring(xhtml).iter(f"{namespace}page"), 1):
        for word in page.iter(f"{namespace}word"):
            edges = (float(word.get(edge)) for edge in ("xMin", "yMin", "xMax", "yMax"))
            found.append(Word(number, word.text or "", *edges))
    return found


def descendants(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from descendants(child)


def with_ancestors(box, ancestors=()):
    """Each box under ``box`` with the boxes that hold it, outermost first."""
    yield box, ancestors
    for child in getattr(box, "children", None) or ():
        yield from with_ancestors(child, (*ancestors, box))


def in_flow(page):
    """The page's own content: not its margin boxes (the running header, the number)."""
    return [c for c in page._page_box.children if type(c).__name__ != "MarginBox"]


def emptiness(page) -> float:
    """How much of the page's content area is left empty below its last line or picture."""
    root = page._page_box
    top = bottom = root.content_box_y()
    for area in in_flow(page):
        for box in descendants(area):
            kind = type(box).__name__
            if kind in {"TextBox", "InlineReplacedBox", "BlockReplacedBox"} or (
                box.element_tag == "svg"
            ):
                bottom = max(bottom, box.position_y + box.margin_height())
    return 1 - (bottom - top) / root.height


def holds_cover(page) -> bool:
    return any(
        "qd-paper__cover" in (box.element.get("class") or "").split()
        for area in in_flow(page)
        for box in descendants(area)
        if box.element is not None and box.element_tag == "section"
    )


def last_line(page) -> tuple[str, tuple]:
    """The text of the page's last line (or "a chart"), and the boxes that hold it,
    outermost first."""
    last = ("", ())
    for area in in_flow(page):
        for box, ancestors in with_ancestors(area):
            if type(box).__name__ == "TextBox" and box.text.strip():
                last = (box.text, ancestors)
            elif type(box).__name__ in {"BlockReplacedBox", "InlineReplacedBox"}:
                last = ("a chart", (*ancestors, box))
    return last


def local_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def leads_on(page) -> str:
    """What, if anything, is wrong with the page's last line: it is a heading, or a
    paragraph that introduces what follows it (the first after a heading with more after
    it, or one ending in a colon), or it belongs to a block the stylesheet keeps with the
    next. Empty if the page may end there."""
    text, ancestors = last_line(page)
    blocks = [box for box in ancestors if box.element_tag in HEADINGS | {"p", "li", "th", "td"}]
    if not blocks:
        return ""
    block = blocks[-1]
    if block.element_tag in HEADINGS:
        return f"the heading {text!r}"
    if any(box.style["break_after"] in {"avoid", "avoid-page"} for box in ancestors):
        return f"{text!r}, kept with what follows"
    outermost = next(n for n, box in enumerate(ancestors) if box.element is block.element)
    parent = ancestors[outermost - 1]
    siblings = [child for child in parent.element if local_name(child)]
    place = siblings.index(block.element)
    introduces = (
        block.element_tag == "p"
        and place > 0
        and local_name(siblings[place - 1]) in HEADINGS
        and place < len(siblings) - 1
    )
    if introduces or text.rstrip().endswith(":"):
        return f"the introduction {text!r}"
    return ""


def kept_together(page) -> set[tuple[int, str]]:
    """The blocks on the page that the stylesheet keeps whole (table rows, each priority's
    principle and questions), by element; header rows, which repeat on each page by
    design, aside."""
    kept = set()
    for area in in_flow(page):
        for box, ancestors in with_ancestors(area):
            if any(getattr(outer, "is_header", False) for outer in (*ancestors, box)):
                continue
            if box.element is not None and box.style["break_inside"] in {"avoid", "avoid-page"}:
                kept.add((id(box.element), box.element_tag))
    return kept


@pytest.fixture(scope="class")
def printed(members, django_db_setup, django_db_blocker) -> Printed:
    return printed_paper(members, django_db_blocker)


@pytest.mark.django_db
@pytest.mark.parametrize("members", BOARD_SIZES, scope="class")
class TestPrintedPaper:
    def test_every_word_lies_inside_the_text_area(self, printed):
        left, _, right, _ = printed.text_area
        width, height = printed.page_size
        words = words_of(printed.pdf)
        assert len({word.page for word in words}) == len(printed.document.pages)
        outside = [
            f"page {word.page}: {word.text!r} from {word.left:.1f} to {word.right:.1f} pt"
            for word in words
            if word.left < left - 0.5
            or word.right > right + 0.5
            or word.top < 0
            or word.bottom > height
        ]
        assert outside == [], f"the text area runs from {left:.1f} to {right:.1f} pt of {width:.1f}"

    def test_every_table_fits_the_text_area(self, printed):
        tables = 0
        for number, page in enumerate(printed.document.pages, start=1):
            root = page._page_box
            left, right = root.content_box_x(), root.content_box_x() + root.width
            for area in in_flow(page):
                for box in descendants(area):
                    if type(box).__name__ not in {"TableBox", "TableCellBox"}:
                        continue
                    tables += type(box).__name__ == "TableBox"
                    box_right = box.border_box_x() + box.border_width()
                    assert box.border_box_x() >= left - 0.01, (number, box.element_tag)
                    assert box_right <= right + 0.01, (number, box.element_tag, box_right - right)
        assert tables >= 15  # cover, gaps, peers, groups, positions, actions, trend, appendix

    def test_nothing_kept_together_is_split_across_pages(self, printed):
        seen: dict[int, int] = {}
        kinds = set()
        for number, page in enumerate(printed.document.pages, start=1):
            for element, tag in kept_together(page):
                assert element not in seen, f"a {tag} runs from page {seen[element]} onto {number}"
                seen[element] = number
                kinds.add(tag)
        assert {"tr", "p"} <= kinds  # table rows, and the paragraphs of each next level

    def test_no_page_ends_with_a_heading_or_the_introduction_to_what_follows(self, printed):
        ends = [
            f"page {number} ends with {problem}"
            for number, page in enumerate(printed.document.pages[:-1], start=1)
            if (problem := leads_on(page))
        ]
        assert ends == []

    def test_no_page_but_the_covers_last_and_the_papers_last_is_more_than_a_third_empty(
        self, printed
    ):
        pages = printed.document.pages
        empty = {number: round(emptiness(page), 2) for number, page in enumerate(pages, 1)}
        cover_ends = max(number for number, page in enumerate(pages, 1) if holds_cover(page))
        assert len(pages) > cover_ends + 5
        del empty[cover_ends], empty[len(pages)]  # the cover ends its page, by design
        assert all(share <= 1 / 3 for share in empty.values()), empty

    def test_rag_tags_stay_inside_their_cells(self, printed):
        tags = list(tags_in_cells(printed.document))
        assert tags  # the gap analysis and the action log have RAG tags
        assert all(tag_right <= cell_right + 0.01 for tag_right, cell_right in tags), tags

    def test_passes_the_pdf_ua_checker(self, printed, tmp_path):
        """pdfua checks the machine-checkable part of PDF/UA-1 (12 rules: structure
        tree, tagged content or artifacts, language, alternative text, table headers,
        title...). WeasyPrint's own output fails its table rule; ours passes every rule."""
        from pdfua import validate

        path = tmp_path / "paper.pdf"
        path.write_bytes(printed.pdf)
        report = validate(str(path))
        assert [(f.rule_id, f.message) for f in report.findings] == []
        assert report.exit_code == 0


def tags_in_cells(document):
    """(right edge of each RAG tag, right edge of its cell's content) on every page."""
    for page in document.pages:
        for cell in descendants(page._page_box):
            if type(cell).__name__ != "TableCellBox":
                continue
            for box in descendants(cell):
                if box is not cell and "nhsuk-tag" in (box.element.get("class") or ""):
                    right = box.position_x + box.margin_width()
                    yield right, cell.content_box_x() + cell.width
