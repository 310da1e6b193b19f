"""The public pages, reached from the footer, checked with axe."""

from tests.browser.conftest import check


def test_public_pages_from_the_footer_pass_axe(page, transactional_db):
    page.goto("/sign-in/")
    for link, name in [
        ("Help and contact", "help"),
        ("Accessibility statement", "accessibility-statement"),
        ("Privacy notice", "privacy-notice"),
        ("Cookies", "cookies"),
    ]:
        page.click(f"footer >> text={link}")
        check(page, name)
