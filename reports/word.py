"""The board paper as a Word document, for the company secretary's board pack.

It is written from the same HTML as the web page and the PDF (reports/paper_content.html,
filled by the one presenter), so the three can never say different things: each element
of that HTML becomes its Word counterpart. Headings become Word headings, tables Word
tables (header rows repeat on each page, rows never split), lists Word lists, and the
two charts pictures with their alternative text. Only Word's built-in styles are used,
so a trust's own template restyles the whole paper at once.
"""

import io

import cairosvg
from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from lxml import etree, html

from core.text import printable, shortened
from reports.presenters import BoardPaper

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
LISTS = {"ul": "List Bullet", "ol": "List Number"}
CHART_WIDTH = Cm(16)
CHART_PIXELS = 1600  # rendered at twice the printed size, so it stays sharp
# The most characters python-docx takes in a core property (title, author): longer ones
# are cut after a word, and the paper itself says them whole.
CORE_PROPERTY_LIMIT = 255


def paper_docx(paper: BoardPaper) -> bytes:
    document = Document()
    _set_up(document, paper)
    # Control characters typed or pasted into the paper's text would make an invalid file.
    content = html.fragment_fromstring(
        printable(render_to_string("reports/paper_content.html", {"paper": paper})),
        create_parent="div",
    )
    _blocks(document, content)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document, paper: BoardPaper) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    properties = document.core_properties
    title = f"{paper.cover.title}, {paper.quarter}: {paper.trust_name}"
    properties.title = shortened(title, CORE_PROPERTY_LIMIT)
    properties.language = "en-GB"
    properties.author = shortened(paper.cover.report_from, CORE_PROPERTY_LIMIT)
    normal = document.styles["Normal"]
    normal.font.size = Pt(11)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(language)


def _blocks(document, parent) -> None:
    """Each block element of the paper's HTML, in order."""
    for element in parent:
        if not isinstance(element.tag, str):
            continue  # comments
        tag = _tag(element)
        if tag in HEADINGS:
            document.add_heading(_text(element), level=HEADINGS[tag])
        elif tag == "p" or (tag == "span" and "nhsuk-caption-l" in element.get("class", "")):
            _inline(document.add_paragraph(), element)
        elif tag in LISTS:
            for item in element.iterfind("li"):
                _inline(document.add_paragraph(style=LISTS[tag]), item)
        elif tag == "table":
            _table(document, element)
        elif tag == "svg":
            _chart(document, element)
        else:  # section, div: their content
            _blocks(document, element)


def _tag(element) -> str:
    return etree.QName(element).localname if "}" in element.tag else element.tag


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _inline(paragraph, element, bold: bool = False) -> None:
    """Text and inline elements into runs: bold for strong, a break for br."""
    if element.text:
        paragraph.add_run(_spaced(element.text)).bold = bold or None
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "br":
            paragraph.add_run().add_break()
        else:
            _inline(paragraph, child, bold=bold or child.tag in {"strong", "b", "th"})
        if child.tail:
            paragraph.add_run(_spaced(child.tail)).bold = bold or None


def _spaced(text: str) -> str:
    """HTML's whitespace as a browser shows it: each run of spaces and newlines as one."""
    return " ".join(text.split(" ")).replace("\n", " ").replace("  ", " ") if text else ""


def _table(document, element) -> None:
    head = element.findall("thead/tr")
    body = element.findall("tbody/tr")
    rows = head + body
    columns = max(len(row.findall("th") + row.findall("td")) for row in rows)
    table = document.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    caption = element.find("caption")
    if caption is not None:
        _table_property(table, "w:tblCaption", _text(caption))
    for index, row in enumerate(rows):
        cells = table.add_row().cells
        _row_property(table.rows[-1], "w:cantSplit")
        if index < len(head):
            _row_property(table.rows[-1], "w:tblHeader")  # repeated on every page
        for cell, source in zip(cells, [c for c in row if c.tag in {"th", "td"}], strict=False):
            paragraph = cell.paragraphs[0]
            _inline(paragraph, source, bold=source.tag == "th")
            if "qd-num" in source.get("class", ""):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_paragraph()


def _table_property(table, name: str, value: str) -> None:
    element = OxmlElement(name)
    element.set(qn("w:val"), value)
    table._tbl.tblPr.append(element)


def _row_property(row, name: str) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement(name))


def _chart(document, element) -> None:
    """The chart as a picture, with its title as the alternative text."""
    title = element.find("title")
    alt = _text(title) if title is not None else ""
    # The page's chart is as wide as its column ("100%"); a picture needs its own size.
    # The HTML parser lowercased the one camel-case attribute our charts use.
    view_box = element.attrib.pop("viewbox")
    _, _, width, height = view_box.split()
    element.set("width", width)
    element.set("height", height)
    svg = etree.tostring(element).replace(b"<svg", f'<svg viewBox="{view_box}"'.encode(), 1)
    if b"xmlns=" not in svg:
        svg = svg.replace(b"<svg", b'<svg xmlns="http://www.w3.org/2000/svg"', 1)
    png = cairosvg.svg2png(bytestring=svg, output_width=CHART_PIXELS)
    picture = document.add_picture(io.BytesIO(png), width=CHART_WIDTH)
    properties = picture._inline.docPr
    properties.set("descr", alt)
    properties.set("title", alt[:100])
