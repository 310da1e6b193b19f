"""The Word paper laid out so that a company secretary has nothing to fix before it goes
in a board pack, read back with python-docx from boards of 5, 10 and 15 members with long
comments and every name at its limit (tests/reports/paper/test_paper_layout.py builds them): columns
sized to what they hold, filling the text width exactly; the title and trust at the head
of every page and "Page N of M" at its foot; headings and introductions kept with what
follows; header rows repeated on every page and rows never split."""

import io
from dataclasses import dataclass

import docx
import pytest
from django.template.loader import render_to_string
from docx.shared import Emu
from lxml import html

from reports.paper.word import paper_docx
from tests.reports.paper.test_paper_layout import BOARD_SIZES, longest_paper_of

TWIPS_PER_EMU = 1 / 635


@dataclass(frozen=True)
class WordPaper:
    document: docx.document.Document
    title: str
    trust_name: str
    cover_title: str
    html_tables: list  # each table of the paper's HTML, in order


@pytest.fixture(scope="class")
def word(members, django_db_setup, django_db_blocker) -> WordPaper:
    with longest_paper_of(members, django_db_blocker) as paper:
        content = paper_docx(paper)
        page = render_to_string("paper/content.html", {"paper": paper})
    root = html.fragment_fromstring(page, create_parent="div")
    return WordPaper(
        document=docx.Document(io.BytesIO(content)),
        title=paper.title,
        trust_name=paper.trust_name,
        cover_title=paper.cover.title,
        html_tables=list(root.iter("table")),
    )


def text_width(document) -> int:
    section = document.sections[0]
    return section.page_width - section.left_margin - section.right_margin


def column_widths(table) -> list[int]:
    """The widths of the table's grid, in EMU."""
    return [Emu(int(col.get(docx.oxml.ns.qn("w:w"))) * 635) for col in table._tbl.tblGrid]


def table_headed(document, first_heading: str):
    return [t for t in document.tables if t.rows[0].cells[0].text == first_heading]


def has_property(row, name: str) -> bool:
    properties = row._tr.trPr
    return properties is not None and properties.find(f"{{*}}{name}") is not None


def field_codes(part) -> list[str]:
    """The codes of the fields in a header or footer (PAGE, NUMPAGES)."""
    element = part._element
    codes = [code.text.strip() for code in element.iter("{*}instrText")]
    return codes + [
        simple.get(docx.oxml.ns.qn("w:instr")).strip() for simple in element.iter("{*}fldSimple")
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("members", BOARD_SIZES, scope="class")
class TestWordPaper:
    def test_tables_are_fixed_with_columns_sized_to_their_content_filling_the_text_width(
        self, word
    ):
        total = round(text_width(word.document) * TWIPS_PER_EMU)
        assert len(word.document.tables) == len(word.html_tables) >= 15
        for table in word.document.tables:
            widths = column_widths(table)
            twips = [round(width * TWIPS_PER_EMU) for width in widths]
            layout = table._tbl.tblPr.find("{*}tblLayout")
            assert layout is not None
            assert layout.get(docx.oxml.ns.qn("w:type")) == "fixed"
            assert sum(twips) == total, twips
            assert len(set(twips)) > 1, twips  # sized to their content, not shared alike
            for row in table.rows:  # Word reads each cell's width, LibreOffice the grid's
                assert [cell.width for cell in row.cells] == widths

    def test_wide_columns_for_what_a_row_is_about_and_narrow_ones_for_numbers(self, word):
        (gaps,) = table_headed(word.document, "Principle")[:1]
        principle, score, _, target, gap, *_ = column_widths(gaps)
        assert principle == max(column_widths(gaps))
        assert principle > 2 * max(score, target, gap)
        questions = table_headed(word.document, "Question")
        assert len(questions) == 8  # the appendix: one table a principle
        for table in questions:
            question, *counts = column_widths(table)
            assert question > 0.35 * text_width(word.document)
            assert question > 3 * max(counts[:5])  # levels 1 to 5
        for table in table_headed(word.document, "Action"):
            action, *rest = column_widths(table)
            assert action == max(column_widths(table))
            assert action > 2 * rest[0]  # the principle's number

    def test_every_page_has_the_title_and_trust_at_its_head_and_its_number_at_its_foot(self, word):
        (section,) = word.document.sections
        header = "\n".join(paragraph.text for paragraph in section.header.paragraphs)
        assert header == word.title
        assert word.cover_title in header
        assert word.trust_name in header
        assert field_codes(section.header) == []
        footer = section.footer.paragraphs[0]
        assert field_codes(section.footer) == ["PAGE", "NUMPAGES"]
        assert footer.text == "Page 1 of 1"  # until Word or LibreOffice works them out
        assert not section.different_first_page_header_footer  # the cover has them too

    def test_headings_and_introductions_keep_with_what_follows(self, word):
        paragraphs = word.document.paragraphs
        headings = [p for p in paragraphs if p.style.name.startswith("Heading")]
        assert len(headings) > 30
        assert all(p.paragraph_format.keep_with_next for p in headings)
        keeping = {p.text for p in paragraphs if p.paragraph_format.keep_with_next}
        introductions = [
            "As at ",  # the action log, before its tables
            "The board's overall score in each quarter",  # the trend, before its chart
            "How many board members chose each level",  # the appendix
            "Actions already in the log for this principle:",
        ]
        for start in introductions:
            assert any(text.startswith(start) for text in keeping), start
        questions = [p for p in paragraphs if p.text.startswith("How far") and "Scored" in p.text]
        assert questions  # each priority's lowest-scored questions
        assert all(p.paragraph_format.keep_together for p in questions)
        assert all(p.paragraph_format.keep_with_next for p in questions)
        last_of_sections = [p for p in paragraphs if p.text.startswith("Framework: ")]
        assert not any(p.paragraph_format.keep_with_next for p in last_of_sections)

    def test_header_rows_repeat_on_every_page_and_rows_never_split(self, word):
        for table, source in zip(word.document.tables, word.html_tables, strict=True):
            head = len(source.findall("thead/tr"))
            flagged = [has_property(row, "tblHeader") for row in table.rows]
            assert flagged == [index < head for index in range(len(table.rows))]
            assert all(has_property(row, "cantSplit") for row in table.rows)
        headed = [t for t in word.html_tables if t.findall("thead/tr")]
        assert len(headed) >= 13  # every table but the cover's

    def test_charts_fit_the_text_width(self, word):
        shapes = word.document.inline_shapes
        assert len(shapes) == 2
        assert all(shape.width <= text_width(word.document) for shape in shapes)
