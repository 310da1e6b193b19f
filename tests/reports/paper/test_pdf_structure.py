"""The board paper PDF read as a screen reader would: its structure tree."""

import gc
import io
import re

import pytest
from django.template.loader import render_to_string
from pypdf import PdfReader

from assessments.quarter.actions import assessment_close
from reports.paper.actions import paper_file
from reports.paper.pdf import _no_cycle_collection
from reports.paper.presenters import board_paper
from tests.factories import SETUP
from tests.helpers import submitted_board


@pytest.fixture
def paper_pdf(assessment, coordinator, settings):
    settings.MIN_RESPONSES = 1
    submitted_board(assessment, 2, score=3)
    assessment_close(assessment=assessment, by=coordinator)
    return PdfReader(io.BytesIO(paper_file(assessment=assessment, by=SETUP).content))


def structure(reader: PdfReader) -> list[tuple[str, dict]]:
    """The structure elements depth first, which is the order a screen reader reads."""
    found = []

    def walk(node):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        if "/S" in node:
            found.append((str(node["/S"]).lstrip("/"), node))
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_headings_are_tagged_in_reading_order(paper_pdf, assessment):
    html = render_to_string("paper/document.html", {"paper": board_paper(assessment)})
    expected = [f"H{level}" for level in re.findall(r"<h([1-6])[ >]", html)]
    tagged = [tag for tag, _ in structure(paper_pdf) if re.fullmatch(r"H[1-6]", tag)]
    assert tagged == expected
    assert tagged[0] == "H1"


def test_pdf_tables_are_tagged_with_header_cells(paper_pdf):
    tags = [tag for tag, _ in structure(paper_pdf)]
    assert tags.count("Table") >= 5  # cover, gap analysis, positions, trend, appendix...
    assert "TR" in tags
    assert "TH" in tags
    assert "TD" in tags


def test_pdf_charts_have_alternative_text(paper_pdf):
    alts = [
        str(node["/Alt"])
        for tag, node in structure(paper_pdf)
        if tag == "Figure" and "/Alt" in node
    ]
    assert any(alt.startswith("Bar chart of the board's score for each principle") for alt in alts)
    assert any(alt.startswith("Line chart of the board's overall score by quarter") for alt in alts)


def test_pdf_declares_its_language_and_is_marked(paper_pdf):
    root = paper_pdf.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/MarkInfo"]["/Marked"])
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_pdf_header_cells_say_what_they_head(paper_pdf):
    """PDF/UA: every TH carries a /Scope, Column in a table's head and Row in its body."""
    scopes = {"THead": set(), "TBody": set()}

    def walk(node, group=""):
        node = node.get_object()
        if not isinstance(node, dict):
            return
        kind = str(node.get("/S", "")).lstrip("/")
        group = kind if kind in scopes else group
        if kind == "TH":
            attributes = node["/A"].get_object()
            tables = attributes if isinstance(attributes, list) else [attributes]
            scopes[group].update(str(a.get_object().get("/Scope")) for a in tables)
        kids = node.get("/K")
        for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
            if hasattr(kid, "get_object"):
                walk(kid, group)

    walk(paper_pdf.trailer["/Root"]["/StructTreeRoot"])
    assert scopes == {"THead": {"/Column"}, "TBody": {"/Row"}}


def test_pdf_blocks_hold_their_own_text_and_the_parent_tree_agrees(paper_pdf):
    """No Span or NonStruct wrapped around each line (WeasyPrint's; removed after
    rendering), and each page's marked content still leads to the element holding it."""
    elements = structure(paper_pdf)
    tags = [tag for tag, _ in elements]
    assert "Span" not in tags
    assert "NonStruct" not in tags
    in_tree = {node.indirect_reference.idnum for _, node in elements if node.indirect_reference}
    root = paper_pdf.trailer["/Root"]["/StructTreeRoot"]
    numbers = root["/ParentTree"]["/Nums"]
    parents = {int(numbers[i]): numbers[i + 1].get_object() for i in range(0, len(numbers), 2)}
    checked = 0
    for page in paper_pdf.pages:
        key = page.get("/StructParents")
        if key is None:
            continue
        for mcid, reference in enumerate(parents[int(key)]):
            if not hasattr(reference, "idnum"):
                continue  # null: an artifact (the page's running header and number)
            assert reference.idnum in in_tree  # an element still in the tree
            holder = reference.get_object()
            kids = holder["/K"] if isinstance(holder["/K"], list) else [holder["/K"]]
            marks = set()
            for kid in kids:
                kid = kid.get_object() if hasattr(kid, "get_object") else kid
                if isinstance(kid, int):
                    marks.add((holder["/Pg"].indirect_reference.idnum, kid))
                elif isinstance(kid, dict) and kid.get("/Type") == "/MCR":
                    marks.add((kid["/Pg"].indirect_reference.idnum, int(kid["/MCID"])))
            assert (page.indirect_reference.idnum, mcid) in marks
            checked += 1
    assert checked > 100


def test_pdf_running_header_and_page_numbers_are_artifacts(paper_pdf):
    for page in paper_pdf.pages:
        content = b" ".join(page.get_contents().get_data().split())
        assert re.search(rb"/Artifact ?<< ?/Type ?/Pagination ?>> ?BDC", content), content[:200]


def test_renders_in_threads_at_once_leave_the_cycle_collector_as_they_found_it():
    """The app server renders papers in several threads of one process: the collector is
    off while any render runs, and back on when the last ends, whichever began first."""
    assert gc.isenabled()
    _no_cycle_collection.__enter__()  # one thread's render begins
    _no_cycle_collection.__enter__()  # another's begins
    assert not gc.isenabled()
    _no_cycle_collection.__exit__(None, None, None)  # the first ends while the other runs
    assert not gc.isenabled()
    _no_cycle_collection.__exit__(None, None, None)
    assert gc.isenabled()
