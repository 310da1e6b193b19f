"""The PDF laid out for print, on boards of 5, 10 and 15 members with long comments: no
table row split across pages, no heading left alone at the foot of a page, and no page
more than a third empty except the last. Read from WeasyPrint's own layout of the paper."""

import pytest
from django.template.loader import render_to_string
from weasyprint import HTML

from reports.pdf import BASE_URL, _fetcher
from reports.presenters import board_paper
from tests.factories import SETUP
from tests.helpers import board_with_long_comments

HEADINGS = {"h1", "h2", "h3", "h4"}


def laid_out(paper):
    html = render_to_string("reports/paper_document.html", {"paper": paper})
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).render()


def descendants(box):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from descendants(child)


def page_facts(page) -> tuple[float, list, str]:
    """How much of the page's content area is empty, the body rows on it, and the element
    its last line of text belongs to."""
    root = page._page_box
    top, bottom, rows, last = root.content_box_y(), root.content_box_y(), [], ""
    for child in root.children:
        if type(child).__name__ == "MarginBox":  # running header and page number
            continue
        for box in descendants(child):
            kind = type(box).__name__
            if kind in {"TextBox", "InlineReplacedBox", "BlockReplacedBox"} or (
                box.element_tag == "svg"
            ):
                bottom = max(bottom, box.position_y + box.margin_height())
            if kind == "TextBox":
                last = box.element_tag
            if kind == "TableRowGroupBox" and not box.is_header:  # headers repeat, by design
                rows.extend(id(row.element) for row in box.children)
    return 1 - (bottom - top) / root.height, rows, last


@pytest.mark.parametrize("members", [5, 10, 15])
def test_paper_pages_break_well(assessment, coordinator, members):
    document = laid_out(board_paper(board_with_long_comments(assessment, coordinator, members)))
    facts = [page_facts(page) for page in document.pages]
    emptiness = [round(empty, 2) for empty, _, _ in facts]
    assert len(facts) > 5
    assert all(empty <= 1 / 3 for empty in emptiness[:-1]), emptiness
    seen: dict[int, int] = {}
    for number, (_, rows, _) in enumerate(facts, start=1):
        for row in set(rows):
            assert row not in seen, f"a table row runs from page {seen[row]} onto page {number}"
            seen[row] = number
    orphans = [n for n, (_, _, last) in enumerate(facts[:-1], start=1) if last in HEADINGS]
    assert orphans == [], f"a heading ends pages {orphans}"
    tags = list(tags_in_cells(document))
    assert tags  # the gap analysis has RAG tags
    assert all(tag_right <= cell_right + 0.01 for tag_right, cell_right in tags), tags


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


@pytest.mark.parametrize("members", [5, 15])
def test_paper_passes_the_pdf_ua_checker(assessment, coordinator, members, tmp_path):
    """pdfua checks the machine-checkable part of PDF/UA-1 (12 rules: structure tree,
    tagged content or artifacts, language, alternative text, table headers, title...).
    WeasyPrint's own output fails its table rule; ours passes every rule it has."""
    from pdfua import validate

    from reports.actions import paper_file

    published = board_paper(board_with_long_comments(assessment, coordinator, members))
    assert published.shown
    path = tmp_path / "paper.pdf"
    path.write_bytes(paper_file(assessment=assessment, by=SETUP).content)
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    assert report.exit_code == 0
