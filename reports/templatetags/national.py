"""The national comparison's rows, built where the national view lives."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def heat_rows(rows, trust_link: str) -> str:
    """The rows of the national comparison: each trust, then each cell as text, a score
    with its heat as a colour class (``heat`` None: a cell with no colour; ``numeric``
    False: text, not a number). Built in one go because the table has thousands of
    cells (a template loop costs more than the figures); the cells are our own figures
    and words ("3.1", "7 of 9", "High" or "–"), and the trust's name and code are
    escaped."""
    return mark_safe("".join(_heat_row(trust, cells, trust_link) for trust, cells in rows))


def _heat_row(trust, cells, trust_link: str) -> str:
    scores = "".join(
        f'<td class="nhsuk-table__cell{" nhsuk-table__cell--numeric" if cell.numeric else ""}'
        f'{"" if cell.heat is None else f" qd-heat--{cell.heat}"}">{cell.value}</td>'
        for cell in cells
    )
    name = format_html(
        '<th scope="row" class="nhsuk-table__cell"><a href="{}{}#trend">{}</a></th>',
        trust_link,
        trust.ods_code,
        trust.name,
    )
    return f'<tr class="nhsuk-table__row">{name}{scores}</tr>'
