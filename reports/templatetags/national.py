"""The national view's longest parts, built where the national view lives: the list of
quarters above each page and the comparison's rows."""

from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def quarter_links(cycles, shown, page: str) -> str:
    """Every quarter as an item linking to ``page`` for it, the one shown marked as the
    current page. One address is reversed and each quarter's slug put in place of the
    shown one's: reversing it for each of 23 quarters took longer than the rest of the
    heading."""
    before, _, after = reverse(page, args=[shown.slug]).partition(shown.slug)
    return mark_safe("".join(_quarter_link(other, shown, before, after) for other in cycles))


def _quarter_link(cycle, shown, before: str, after: str) -> str:
    current = ' aria-current="page"' if cycle.pk == shown.pk else ""
    address = escape(before + cycle.slug + after)
    return f'<li><a href="{address}"{current}>{escape(cycle.label)}</a></li>'


@register.simple_tag
def heat_rows(rows, trust_link: str) -> str:
    """The rows of the national comparison: each trust, then each cell as text, a score
    with its heat as a colour class (``heat`` None: a cell with no colour; ``numeric``
    False: text, not a number). Built in one go because the table has thousands of
    cells (a template loop costs more than the figures); the cells are our own figures
    and words ("3.1", "7 of 9", "High" or "–"), and the trust's name and code are
    escaped."""
    link = escape(trust_link)
    return mark_safe("".join(_heat_row(trust, cells, link) for trust, cells in rows))


def _heat_row(trust, cells, link: str) -> str:
    """One trust's row, escaped by the standard library's ``escape``: Django's is the same
    function (the same entities) behind a wrapper for lazy text that cost more than the
    escaping itself, for 600 values a page."""
    scores = "".join(map(_cell, cells))
    name = (
        f'<th scope="row" class="nhsuk-table__cell"><a href="{link}{escape(trust.ods_code)}'
        f'#trend">{escape(trust.name)}</a></th>'
    )
    return f'<tr class="nhsuk-table__row">{name}{scores}</tr>'


@lru_cache(maxsize=4096)
def _cell(cell) -> str:
    """A cell's markup, written once for each distinct cell: 200 trusts' 2,400 cells hold
    a few hundred different ones (kept per process; a cell's markup never changes)."""
    numeric = " nhsuk-table__cell--numeric" if cell.numeric else ""
    heat = "" if cell.heat is None else f" qd-heat--{cell.heat}"
    return f'<td class="nhsuk-table__cell{numeric}{heat}">{cell.value}</td>'
