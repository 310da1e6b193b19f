"""The board paper as a Word document, for the company secretary's board pack.

It is written from the same HTML as the web page and the PDF (paper/content.html,
filled by the one presenter), so the three can never say different things: each element
of that HTML becomes its Word counterpart. Headings become Word headings, tables Word
tables (header rows repeat on each page, rows never split), lists Word lists, and the
two charts pictures with their alternative text. Only Word's built-in styles are used,
so a trust's own template restyles the whole paper at once.

Laid out so that nobody has to fix it before it goes in a pack: each table's columns are
sized to what they hold (fixed layout, widths summing to the text width); every page has
the paper's title and trust at its head and "Page N of M" at its foot; headings, a
section's introduction and each priority's next level keep with what follows, as in the
PDF.
"""

import io
import re

import cairosvg
from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt
from lxml import etree, html

from core.text import printable, shortened
from reports.paper.presenters import BoardPaper

HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}
LISTS = {"ul": "List Bullet", "ol": "List Number"}
CHART_WIDTH = Cm(16)
CHART_PIXELS = 1600  # rendered at twice the printed size, so it stays sharp
# The most characters python-docx takes in a core property (title, author): longer ones
# are cut after a word, and the paper itself says them whole.
CORE_PROPERTY_LIMIT = 255


# The built-in styles as the paper sets them (a trust's own template restyles them all):
# Arial, the NHS.UK typeface's fallback and the PDF's (Liberation Sans has its metrics),
# 11 pt text, tables and the running header and page numbers smaller, as in the PDF.
TYPEFACE = "Arial"
TEXT_SIZE = Pt(11)
TABLE_TEXT_SIZE = Pt(9)
MARGIN_TEXT_SIZE = Pt(9)
# Column widths are worked out from the text in them: a column is at least as wide as its
# longest word, and shares the rest of the width by how much text it holds, up to a short
# paragraph's worth (so a column of long notes does not take it all). Words are measured
# as if bold, in ems of Arial's widths by kind of letter (a little generous), so a word is
# never broken across lines.
NARROW, WIDE = set("fijlrtI.,;:'’!|()[]/- "), set("mwMW%")
CELL_PADDING = Cm(0.38)  # Word's default cell margins, 0.19 cm each side
ENOUGH_TEXT = 300  # characters: more than this in a cell asks for no more width
TWIPS_PER_EMU = 1 / 635


def paper_docx(paper: BoardPaper) -> bytes:
    return html_docx(
        render_to_string("paper/content.html", {"paper": paper}),
        title=f"{paper.cover.title}, {paper.quarter}: {paper.trust_name}",
        author=paper.cover.report_from,
        header=("DRAFT · " if paper.draft else "") + paper.title,
    )


def html_docx(content_html: str, *, title: str, author: str, header: str) -> bytes:
    """A Word file of ``content_html`` (the paper's HTML, or another document's written
    for the same conversion, such as the minutes extract), with ``title`` and ``author``
    as its properties and ``header`` at the head of every page."""
    document = Document()
    _set_up(document, title=title, author=author, header=header)
    # Control characters typed or pasted into the paper's text would make an invalid file.
    content = html.fragment_fromstring(printable(content_html), create_parent="div")
    _blocks(document, list(content))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _set_up(document, *, title: str, author: str, header: str) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    properties = document.core_properties
    properties.title = shortened(title, CORE_PROPERTY_LIMIT)
    properties.language = "en-GB"
    properties.author = shortened(author, CORE_PROPERTY_LIMIT)
    # The text size is the document's default, not Normal's: Word lets a paragraph
    # style's size override a table style's, so tables could never be smaller.
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    for name in ("w:sz", "w:szCs"):
        defaults.find(qn("w:rPr")).find(qn(name)).set(qn("w:val"), str(int(TEXT_SIZE.pt * 2)))
    normal = document.styles["Normal"]
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-GB")
    normal.element.get_or_add_rPr().append(language)
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4"):
        _typeface(document.styles[name], TYPEFACE)
    document.styles["Table Grid"].font.size = TABLE_TEXT_SIZE
    for name in ("Header", "Footer"):
        document.styles[name].font.size = MARGIN_TEXT_SIZE
    _running_header_and_page_numbers(section, header)


def _typeface(style, name: str) -> None:
    """The style's typeface, in place of the template's theme fonts (Calibri headings on
    Cambria text), which Word would otherwise prefer."""
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for script in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(script), name)


def _running_header_and_page_numbers(section, text: str) -> None:
    """The document's title (the paper's and its trust, marked DRAFT while the quarter is
    open) at the head of every page, and "Page N of M" at its foot, as in the PDF."""
    header = section.header.paragraphs[0]
    header.style = "Header"
    header.text = text
    footer = section.footer.paragraphs[0]
    footer.style = "Footer"
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    footer.add_run("Page ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice work out as they lay the
    pages out; "1" stands in until they do."""
    for kind, text in (("begin", None), (None, f" {instruction} "), ("separate", None)):
        run = paragraph.add_run()._r
        if kind:
            mark = OxmlElement("w:fldChar")
            mark.set(qn("w:fldCharType"), kind)
            run.append(mark)
        else:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = text
            run.append(code)
    paragraph.add_run("1")
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)


def _blocks(document, elements, *, keep: bool = False) -> None:
    """Each block element of the paper's HTML, in order. Headings keep with the next
    paragraph, as does a section's introduction (the paragraph after its heading, when
    more follows, or one ending in a colon); within each priority's next level (``keep``)
    every paragraph keeps whole and with the next, so its principle, questions and
    "Actions already in the log" stay with the first action."""
    elements = [element for element in elements if isinstance(element.tag, str)]  # no comments
    for index, element in enumerate(elements):
        tag = _tag(element)
        more_follows = index < len(elements) - 1
        after_heading = index > 0 and _tag(elements[index - 1]) in HEADINGS
        if tag in HEADINGS:
            heading = document.add_heading(_text(element), level=HEADINGS[tag])
            heading.paragraph_format.keep_with_next = True
        elif tag == "p" or (tag == "span" and "nhsuk-caption-l" in element.get("class", "")):
            paragraph = document.add_paragraph()
            _inline(paragraph, element)
            introduces = more_follows and (after_heading or _text(element).endswith(":"))
            if introduces or keep:
                paragraph.paragraph_format.keep_with_next = True
            if keep:
                paragraph.paragraph_format.keep_together = True
        elif tag in LISTS:
            for item in element.iterfind("li"):
                _inline(document.add_paragraph(style=LISTS[tag]), item)
        elif tag == "table":
            _table(document, element)
        elif tag == "svg":
            _chart(document, element)
        elif "qd-paper__next-level" in element.get("class", ""):
            children = [child for child in element if isinstance(child.tag, str)]
            _blocks(document, children[:-1], keep=True)
            _blocks(document, children[-1:])
        else:  # section, div: their content
            _blocks(document, list(element))


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
        elif "qd-paper__note" in child.get("class", ""):  # an action's notes, under its title
            _inline(paragraph, child)
        else:
            _inline(paragraph, child, bold=bold or child.tag in {"strong", "b", "th"})
        if child.tail:
            paragraph.add_run(_spaced(child.tail)).bold = bold or None


def _spaced(text: str) -> str:
    """HTML's whitespace as a browser shows it: each run of spaces and newlines as one."""
    return " ".join(text.split(" ")).replace("\n", " ").replace("  ", " ") if text else ""


def _rows(table) -> list[list]:
    return [
        [cell for cell in row if cell.tag in {"th", "td"}]
        for row in table.findall("thead/tr") + table.findall("tbody/tr")
    ]


def _table(document, element) -> None:
    head = element.findall("thead/tr")
    rows = _rows(element)
    columns = max(len(row) for row in rows)
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
        for cell, source in zip(cells, row, strict=False):
            paragraph = cell.paragraphs[0]
            _inline(paragraph, source, bold=source.tag == "th")
            if "qd-num" in source.get("class", ""):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Tables of a kind (the action log's three, the appendix's eight) share their widths.
    kind = element.get("class", "")
    alike = [_rows(t) for t in element.getroottree().iter("table") if t.get("class", "") == kind]
    alike = [row for rows_of in alike if max(map(len, rows_of)) == columns for row in rows_of]
    section = document.sections[-1]
    text_width = section.page_width - section.left_margin - section.right_margin
    _fixed_widths(table, _column_widths(alike, text_width))
    document.add_paragraph()


def _column_widths(rows, total: int) -> list[int]:
    """Widths in EMU for the columns of ``rows`` (lists of th and td elements), summing to
    ``total``: each at least as wide as its longest word, where that fits, and the rest
    shared by how much text each column holds (up to ENOUGH_TEXT characters a cell)."""
    columns = max(len(row) for row in rows)
    least, most = [0.0] * columns, [0.0] * columns
    for row in rows:
        for column, cell in enumerate(row):
            text = " ".join(" ".join(cell.itertext()).split())
            # Word breaks a line at a space and after a hyphen or a slash.
            longest = max(map(_ems, re.split(r"\s+|(?<=[-/])", text)), default=0)
            least[column] = max(least[column], longest)
            most[column] = max(most[column], _ems(text[:ENOUGH_TEXT]))
    least = [ems * TABLE_TEXT_SIZE + CELL_PADDING for ems in least]
    most = [
        max(ems * TABLE_TEXT_SIZE + CELL_PADDING, floor)
        for ems, floor in zip(most, least, strict=True)
    ]
    if sum(least) >= total:  # even the longest words cannot all fit: shrink them alike
        widths = [width * total / sum(least) for width in least]
    elif sum(most) <= total:  # everything fits on one line: share out the rest alike
        widths = [width * total / sum(most) for width in most]
    else:
        room, wants = total - sum(least), [m - n for m, n in zip(most, least, strict=True)]
        widths = [n + room * want / sum(wants) for n, want in zip(least, wants, strict=True)]
    # Whole twips (Word's unit), summing to the text width exactly.
    twips = [int(width * TWIPS_PER_EMU) for width in widths]
    twips[twips.index(max(twips))] += round(total * TWIPS_PER_EMU) - sum(twips)
    return [Emu(round(width / TWIPS_PER_EMU)) for width in twips]


def _ems(text: str) -> float:
    """How wide ``text`` is, in ems of bold Arial, near enough and never much too little."""
    return sum(map(_em, text)) + 0.1


def _em(letter: str) -> float:
    if letter in NARROW:
        return 0.34
    if letter in WIDE:
        return 0.9
    return 0.76 if letter.isupper() else 0.62


def _fixed_widths(table, widths: list[int]) -> None:
    """Fixed layout, so Word keeps these widths rather than fitting columns to the text;
    each width is set on the grid (LibreOffice reads it) and on every cell (Word does)."""
    table.autofit = False
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    if table_width is None:
        table_width = OxmlElement("w:tblW")
        table._tbl.tblPr.append(table_width)
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(round(sum(widths) * TWIPS_PER_EMU)))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


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
