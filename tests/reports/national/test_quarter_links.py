"""The quarter list above each national page links every quarter to the same page for that
quarter. ``quarter_links`` reverses one address and puts each quarter's slug where the
shown quarter's is: these tests hold it to reversing each quarter's address itself, for
every page that shows the list, so an address that ever named the quarter twice (or not
at all) fails here rather than sending programme staff to the wrong quarter."""

import re
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from reports.templatetags.national import quarter_links
from tests.factories import CycleFactory

TABS = re.compile(r'{%\s*include "national/tabs.html"[^%]*page="([^"]+)"')


def pages_with_the_quarter_list() -> list[str]:
    """The URL name of every page whose template includes the list, found in the
    templates themselves, so a new page is covered without being named here."""
    names = set()
    for template in Path(settings.BASE_DIR).glob("*/**/templates/**/*.html"):
        if "node_modules" not in template.parts:
            names.update(TABS.findall(template.read_text()))
    return sorted(names)


def test_the_pages_with_the_quarter_list_are_found():
    assert {"national:programme-comparison", "opendata:publish"} <= set(
        pages_with_the_quarter_list()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("page", pages_with_the_quarter_list())
def test_each_quarter_links_to_the_same_page_for_that_quarter(page):
    framework = CycleFactory(year=2026, quarter=3).framework
    cycles = [
        CycleFactory(year=year, quarter=quarter, framework=framework)
        for year, quarter in ((2026, 3), (2026, 2), (2025, 4), (2024, 1))
    ]
    shown = cycles[1]

    links = re.findall(
        r'<a href="([^"]+)"( aria-current="page")?>([^<]+)</a>', quarter_links(cycles, shown, page)
    )

    assert [(unescape(href), bool(current), unescape(label)) for href, current, label in links] == [
        (reverse(page, args=[cycle.slug]), cycle == shown, cycle.label) for cycle in cycles
    ]
